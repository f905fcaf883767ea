"""indexes for the event query by date range + bounding box + type (benchmarks/bench_store.py)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:10:00
"""

from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # events of one type in date order: the range and the page order come from one index scan
    op.create_index('ix_events_type_date', 'events', ['event_type', 'date_start', 'id'])
    # the bounding-box test of an event's places is answered from the index alone
    op.create_index('ix_event_locations_event_lon_lat', 'event_locations', ['event_id', 'lon', 'lat'])


def downgrade() -> None:
    op.drop_index('ix_event_locations_event_lon_lat', table_name='event_locations')
    op.drop_index('ix_events_type_date', table_name='events')
