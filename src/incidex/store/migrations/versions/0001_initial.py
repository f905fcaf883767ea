"""initial schema: documents, runs, claims, audit log, review decisions

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 17:18:05.414020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('claim_table', sa.String(length=32), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_claim', ['claim_table', 'claim_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('source_name', sa.Text(), nullable=True),
    sa.Column('publisher', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('retrieved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('collector', sa.String(length=200), nullable=True),
    sa.Column('origin', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('stance', sa.String(length=200), nullable=True),
    sa.Column('stance_evidence', sa.JSON(), nullable=True),
    sa.Column('chars', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('extraction_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('pipeline_version', sa.String(length=100), nullable=False),
    sa.Column('config_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('is_current', sa.Boolean(), server_default='1', nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('extraction_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extraction_runs_document_id'), ['document_id'], unique=False)

    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('claim_table', sa.String(length=32), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('claim_kind', sa.String(length=60), nullable=True),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_review_decisions_claim', ['claim_table', 'claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_decisions_document_id'), ['document_id'], unique=False)

    op.create_table('aggregates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('origin', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('period_start', sa.String(length=10), nullable=True),
    sa.Column('period_end', sa.String(length=10), nullable=True),
    sa.Column('period_precision', sa.String(length=10), nullable=False),
    sa.Column('period_text', sa.Text(), nullable=True),
    sa.Column('period_anchor', sa.String(length=12), nullable=False),
    sa.Column('period_span_start', sa.Integer(), nullable=True),
    sa.Column('period_span_end', sa.Integer(), nullable=True),
    sa.Column('period_quote', sa.Text(), nullable=True),
    sa.Column('area', sa.JSON(), nullable=True),
    sa.Column('claimed_by', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aggregates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aggregates_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aggregates_run_id'), ['run_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('origin', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('event_key', sa.String(length=32), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('sub_type', sa.String(length=60), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('date_start', sa.String(length=10), nullable=True),
    sa.Column('date_end', sa.String(length=10), nullable=True),
    sa.Column('date_precision', sa.String(length=10), nullable=False),
    sa.Column('date_text', sa.Text(), nullable=True),
    sa.Column('date_anchor', sa.String(length=12), nullable=False),
    sa.Column('date_span_start', sa.Integer(), nullable=True),
    sa.Column('date_span_end', sa.Integer(), nullable=True),
    sa.Column('date_quote', sa.Text(), nullable=True),
    sa.Column('claimed_by', sa.Text(), nullable=False),
    sa.Column('certainty', sa.String(length=10), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_date', ['date_start', 'date_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_events_type', ['event_type', 'sub_type'], unique=False)

    op.create_table('framing',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('origin', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('term', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('neutral_alternative', sa.Text(), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('framing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_framing_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_framing_run_id'), ['run_id'], unique=False)

    op.create_table('legal_references',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('origin', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('instrument', sa.Text(), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['extraction_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legal_references', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_references_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_references_run_id'), ['run_id'], unique=False)

    op.create_table('casualties',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('aggregate_id', sa.Integer(), nullable=True),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('casualty_group', sa.String(length=12), nullable=False),
    sa.Column('party', sa.Text(), nullable=True),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('best', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.Column('qualifier', sa.String(length=12), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('claimed_by', sa.Text(), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['aggregate_id'], ['aggregates.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('casualties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_casualties_aggregate_id'), ['aggregate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casualties_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_casualties_event_id'), ['event_id'], unique=False)

    op.create_table('event_actors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('normalized', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_actors_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_actors_event_id'), ['event_id'], unique=False)

    op.create_table('event_locations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=64), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=16), server_default='machine', nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_as_written', sa.Text(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('admin1', sa.Text(), nullable=True),
    sa.Column('admin2', sa.Text(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('feature', sa.String(length=12), nullable=False),
    sa.Column('geo_precision', sa.Integer(), nullable=False),
    sa.Column('gazetteer_id', sa.String(length=64), nullable=True),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_locations_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_locations_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_locations_lat_lon', ['lat', 'lon'], unique=False)

    _append_only_audit_log()


def downgrade() -> None:
    _drop_append_only_audit_log()
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.drop_index('ix_event_locations_lat_lon')
        batch_op.drop_index(batch_op.f('ix_event_locations_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_locations_document_id'))

    op.drop_table('event_locations')
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_actors_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_actors_document_id'))

    op.drop_table('event_actors')
    with op.batch_alter_table('casualties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_casualties_event_id'))
        batch_op.drop_index(batch_op.f('ix_casualties_document_id'))
        batch_op.drop_index(batch_op.f('ix_casualties_aggregate_id'))

    op.drop_table('casualties')
    with op.batch_alter_table('legal_references', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_references_run_id'))
        batch_op.drop_index(batch_op.f('ix_legal_references_document_id'))

    op.drop_table('legal_references')
    with op.batch_alter_table('framing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_framing_run_id'))
        batch_op.drop_index(batch_op.f('ix_framing_document_id'))

    op.drop_table('framing')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_type')
        batch_op.drop_index(batch_op.f('ix_events_run_id'))
        batch_op.drop_index(batch_op.f('ix_events_document_id'))
        batch_op.drop_index('ix_events_date')

    op.drop_table('events')
    with op.batch_alter_table('aggregates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aggregates_run_id'))
        batch_op.drop_index(batch_op.f('ix_aggregates_document_id'))

    op.drop_table('aggregates')
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decisions_document_id'))
        batch_op.drop_index('ix_review_decisions_claim')

    op.drop_table('review_decisions')
    with op.batch_alter_table('extraction_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extraction_runs_document_id'))

    op.drop_table('extraction_runs')
    op.drop_table('documents')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_claim')

    op.drop_table('audit_log')


# The audit log is evidence: the database itself refuses to change or delete its rows.
def _append_only_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION incidex_audit_log_append_only() RETURNS trigger AS $$ "
                   "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION incidex_audit_log_append_only()")
    else:
        for what in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def _drop_append_only_audit_log() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS incidex_audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
