"""full-text search over documents (title, text) and event claims (summary, evidence quote)

SQLite: two FTS5 tables kept in step by triggers.
- ``events_fts`` indexes ``events`` as external content (``content_rowid`` is the integer id), so it holds
  only the index; an analyst's edit of a summary re-indexes the row.
- ``documents_fts`` holds its own copy of the title and text beside ``doc_id``. ``documents`` has a text
  primary key, and an external-content index would be keyed on its implicit rowid, which VACUUM may renumber.
  Documents are never updated (their id is the hash of their text) nor deleted by incidex.
Both tokenize with ``unicode61 remove_diacritics 2`` (case and accents folded, no stemming).

PostgreSQL: GIN indexes on ``to_tsvector('simple', ...)`` of the same columns (``simple``: no stemming, no stop
words, as on SQLite); a document's first 200,000 characters, since a tsvector holds at most 1 MB.

The names and expressions are repeated in ``incidex.store.schema`` (``FTS_OBJECTS``, ``PG_TSVECTOR``) for the
queries. A later migration
that rebuilds ``events`` or ``documents`` in batch mode on SQLite drops the triggers and must recreate them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 22:10:00
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
# written out here, not imported: a migration keeps the expressions it created even if the schema module changes
# (incidex.store.schema.PG_TSVECTOR must stay equal to them for the queries to use the indexes)
PG_DOCUMENTS = "to_tsvector('simple', coalesce(title, '') || ' ' || left(coalesce(text, ''), 200000))"
PG_EVENTS = "to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(quote, ''))"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_documents_fts ON documents USING gin ({PG_DOCUMENTS})")
        op.execute(f"CREATE INDEX ix_events_fts ON events USING gin ({PG_EVENTS})")
        return
    op.execute(f"CREATE VIRTUAL TABLE documents_fts USING fts5(doc_id UNINDEXED, title, text, {TOKENIZE})")
    op.execute("INSERT INTO documents_fts (doc_id, title, text) SELECT id, title, text FROM documents")
    op.execute("CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN "
               "INSERT INTO documents_fts (doc_id, title, text) VALUES (new.id, new.title, new.text); END")
    op.execute("CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN "
               "DELETE FROM documents_fts WHERE doc_id = old.id; END")
    op.execute(f"CREATE VIRTUAL TABLE events_fts USING fts5(summary, quote, content='events', content_rowid='id', "
               f"{TOKENIZE})")
    op.execute("INSERT INTO events_fts (events_fts) VALUES ('rebuild')")
    op.execute("CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
               "INSERT INTO events_fts (rowid, summary, quote) VALUES (new.id, new.summary, new.quote); END")
    op.execute("CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
               "INSERT INTO events_fts (events_fts, rowid, summary, quote) "
               "VALUES ('delete', old.id, old.summary, old.quote); END")
    op.execute("CREATE TRIGGER events_fts_update AFTER UPDATE OF summary, quote ON events BEGIN "
               "INSERT INTO events_fts (events_fts, rowid, summary, quote) "
               "VALUES ('delete', old.id, old.summary, old.quote); "
               "INSERT INTO events_fts (rowid, summary, quote) VALUES (new.id, new.summary, new.quote); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_events_fts")
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")
        return
    for trigger in ("events_fts_update", "events_fts_delete", "events_fts_insert", "documents_fts_delete",
                    "documents_fts_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS events_fts")
    op.execute("DROP TABLE IF EXISTS documents_fts")
