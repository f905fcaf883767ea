"""The tables, with names a person reading the SQLite file in Datasette or DuckDB understands.

Every claim row carries the document it came from, the extraction run that
produced it, the span it is anchored to (``span_start``, ``span_end``,
``quote``) and its review status (``machine``, ``confirmed``, ``rejected``,
``edited``). Lists of spans (evidence) are JSON. Dates are ISO strings, so
they sort and compare as text on both backends.

The Alembic migrations under ``migrations/`` create exactly these tables; a test
compares the two so they cannot drift.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# analyst_added: a claim the machine missed (origin "analyst"); orphaned: a claim of a superseded extraction
# run whose analyst decision fits no claim of the new run (`incidex reextract`), kept for the analyst
REVIEW_STATUSES = ("machine", "confirmed", "rejected", "edited", "analyst_added", "orphaned")


def _span(prefix: str = "") -> list[Column]:  # type: ignore[type-arg]
    return [Column(f"{prefix}span_start", Integer), Column(f"{prefix}span_end", Integer),
            Column(f"{prefix}quote", Text)]


def _claim() -> list[Column]:  # type: ignore[type-arg]
    """Columns every top-level claim shares: where it came from and what the analyst decided."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
        Column("run_id", Integer, ForeignKey("extraction_runs.id"), nullable=False, index=True),
        Column("ordinal", Integer, nullable=False),
        Column("review_status", String(16), nullable=False, server_default="machine"),
        Column("origin", String(16), nullable=False, server_default="machine"),
    ]


documents = Table(
    "documents", metadata,
    Column("id", String(64), primary_key=True),  # sha256 of the normalised text = incidex/1 document id
    Column("text", Text, nullable=False),  # as received (after reading HTML/PDF); spans index into it
    Column("title", Text),
    Column("source_name", Text),
    Column("publisher", Text),
    Column("url", Text),
    Column("published", String(10)),
    Column("retrieved_at", DateTime(timezone=True), nullable=False),
    Column("collector", String(200)),
    Column("origin", Text),
    Column("language", String(8)),
    Column("stance", String(200)),
    Column("stance_evidence", JSON),
    Column("chars", Integer, nullable=False),
)

extraction_runs = Table(
    "extraction_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("pipeline_version", String(100), nullable=False),
    Column("config_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("is_current", Boolean, nullable=False, server_default="1"),
    Column("warnings", JSON),
)

events = Table(
    "events", metadata,
    *_claim(),
    Column("event_key", String(32), nullable=False),  # the incidex/1 event id, stable within the document
    Column("event_type", String(40), nullable=False),
    Column("sub_type", String(60), nullable=False),
    Column("summary", Text, nullable=False),
    Column("date_start", String(10)),
    Column("date_end", String(10)),
    Column("date_precision", String(10), nullable=False),
    Column("date_text", Text),
    Column("date_anchor", String(12), nullable=False),
    *_span("date_"),
    Column("claimed_by", Text, nullable=False),
    Column("certainty", String(10), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence", JSON, nullable=False),
    *_span(),  # the first evidence sentence: what the claim is anchored to
    Index("ix_events_date", "date_start", "date_end"),
    Index("ix_events_type", "event_type", "sub_type"),
    Index("ix_events_type_date", "event_type", "date_start", "id"),  # query by type + date range, in date order
)

def _part() -> list[Column]:  # type: ignore[type-arg]
    """Columns of the parts of an event (its places and actors)."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("event_id", Integer, ForeignKey("events.id"), nullable=False, index=True),
        Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
        Column("ordinal", Integer, nullable=False),
        Column("review_status", String(16), nullable=False, server_default="machine"),
    ]

event_locations = Table(
    "event_locations", metadata,
    *_part(),
    Column("name", Text, nullable=False),
    Column("name_as_written", Text, nullable=False),
    Column("country_code", String(2)),
    Column("admin1", Text),
    Column("admin2", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("feature", String(12), nullable=False),
    Column("geo_precision", Integer, nullable=False),
    Column("gazetteer_id", String(64)),
    Column("candidates", Integer, nullable=False),
    *_span(),
    # the search index of places: copies of the event's type and start date and the place's 1-degree grid cell
    # (incidex.domain.geo.grid_cell), kept in step by the repository, so that "type + date range + bounding box"
    # is one index range scan per cell on both SQLite and PostgreSQL
    Column("event_type", String(40)),
    Column("event_date", String(10)),
    Column("cell", Integer),
    Index("ix_event_locations_lat_lon", "lat", "lon"),
    Index("ix_event_locations_event_lon_lat", "event_id", "lon", "lat"),  # bbox test of an event's places
    # covering: the candidates of a page come from the index alone, already in date order
    Index("ix_event_locations_search", "event_type", "cell", "event_date", "event_id", "lat", "lon"),
)

event_actors = Table(
    "event_actors", metadata,
    *_part(),
    Column("name", Text, nullable=False),
    Column("normalized", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("country_code", String(2)),
    Column("role", String(12), nullable=False),
    *_span(),
)

aggregates = Table(
    "aggregates", metadata,
    *_claim(),
    Column("period_start", String(10)),
    Column("period_end", String(10)),
    Column("period_precision", String(10), nullable=False),
    Column("period_text", Text),
    Column("period_anchor", String(12), nullable=False),
    *_span("period_"),
    Column("area", JSON),  # an incidex/1 Location or null
    Column("claimed_by", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    *_span(),
)

casualties = Table(
    "casualties", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("event_id", Integer, ForeignKey("events.id"), index=True),  # one of event_id / aggregate_id
    Column("aggregate_id", Integer, ForeignKey("aggregates.id"), index=True),
    Column("ordinal", Integer, nullable=False),
    Column("review_status", String(16), nullable=False, server_default="machine"),
    Column("outcome", String(12), nullable=False),
    Column("casualty_group", String(12), nullable=False),  # incidex/1 `group` (a reserved word in SQL)
    Column("party", Text),
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
    Column("qualifier", String(12), nullable=False),
    Column("text", Text, nullable=False),
    Column("claimed_by", Text, nullable=False),
    *_span(),
)

legal_references = Table(
    "legal_references", metadata,
    *_claim(),
    Column("instrument", Text, nullable=False),
    Column("identifier", String(64)),
    Column("year", Integer),
    Column("kind", String(16), nullable=False),
    *_span(),
)

framing = Table(
    "framing", metadata,
    *_claim(),
    Column("term", Text, nullable=False),
    Column("category", String(32), nullable=False),
    Column("neutral_alternative", Text, nullable=False),
    *_span(),
)

audit_log = Table(  # append-only: triggers (see the migration) refuse UPDATE and DELETE
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("claim_table", String(32)),
    Column("claim_id", Integer),
    Column("document_id", String(64)),
    Column("before", JSON),
    Column("after", JSON),
    Column("reason", Text),
    Index("ix_audit_log_claim", "claim_table", "claim_id"),
)

review_decisions = Table(  # the analyst's current decision per claim, kept across re-extraction
    "review_decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_table", String(32), nullable=False),
    Column("claim_id", Integer, nullable=False),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("decision", String(16), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text),
    Column("span_start", Integer),  # where the claim was, to re-anchor after re-extraction
    Column("span_end", Integer),
    Column("claim_kind", String(60)),  # e.g. the event's sub_type
    Column("status", String(16), nullable=False, server_default="active"),  # active, reanchored, orphaned
    Column("changes", JSON),  # the fields an edit (or `review add`) set: re-applied by `incidex reextract`
    Index("ix_review_decisions_claim", "claim_table", "claim_id"),
)

incidents = Table(  # `incidex reconcile`: events of different documents that describe one happening
    "incidents", metadata,
    Column("id", String(40), primary_key=True),  # named after its earliest member; stable as reports join
    Column("event_type", String(40), nullable=False),
    Column("sub_type", String(60), nullable=False),
    Column("date_start", String(10)),
    Column("date_end", String(10)),
    Column("sources", Integer, nullable=False),  # distinct documents
    Column("flags", JSON, nullable=False),
    Column("data", JSON, nullable=False),  # the incidex/1 Incident object
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_incidents_date", "date_start", "date_end"),
)

incident_events = Table(  # membership: each current event belongs to one incident
    "incident_events", metadata,
    Column("event_id", Integer, ForeignKey("events.id"), primary_key=True),
    Column("incident_id", String(40), ForeignKey("incidents.id"), nullable=False, index=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False, index=True),
    Column("event_key", String(32), nullable=False),
)

# the claim kinds a reviewer addresses as KIND:ID
CLAIM_TABLES: dict[str, Table] = {
    "event": events, "location": event_locations, "actor": event_actors, "casualty": casualties,
    "aggregate": aggregates, "legal": legal_references, "framing": framing,
}

# Full-text search (migration 0006), outside the SQLAlchemy metadata: on SQLite the FTS5 tables (and their
# shadow tables) named here, on PostgreSQL GIN indexes on these tsvector expressions.
FTS_OBJECTS = ("documents_fts", "events_fts", "ix_documents_fts", "ix_events_fts")
PG_TSVECTOR = {
    "documents": "to_tsvector('simple', coalesce(title, '') || ' ' || left(coalesce(text, ''), 200000))",
    "events": "to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(quote, ''))",
}


def is_fts_object(name: str | None) -> bool:
    """A table or index of the full-text search, which the metadata does not declare."""
    return bool(name) and any(str(name).startswith(n) for n in FTS_OBJECTS)
