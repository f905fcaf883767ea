"""the search index of places: event type, event date and grid cell on event_locations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('event_date', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('cell', sa.Integer(), nullable=True))
    # backfill: the copies from the event, the cell as in incidex.domain.geo.grid_cell (1-degree, row-major)
    op.execute("UPDATE event_locations SET event_type = (SELECT e.event_type FROM events e "
               "WHERE e.id = event_locations.event_id), event_date = (SELECT e.date_start FROM events e "
               "WHERE e.id = event_locations.event_id)")
    floor = "floor" if op.get_bind().dialect.name == "postgresql" else ""
    # SQLite: CAST truncates, and lat + 90 and lon + 180 are never negative, so it is floor()
    row = f"CAST({floor}(lat + 90) AS INTEGER)"
    col = f"CAST({floor}(lon + 180) AS INTEGER)"
    op.execute(f"UPDATE event_locations SET cell = (CASE WHEN {row} > 179 THEN 179 ELSE {row} END) * 360 "
               f"+ (CASE WHEN {col} > 359 THEN 359 ELSE {col} END) WHERE lat IS NOT NULL AND lon IS NOT NULL")
    op.create_index('ix_event_locations_search', 'event_locations',
                    ['event_type', 'cell', 'event_date', 'event_id', 'lat', 'lon'])


def downgrade() -> None:
    op.drop_index('ix_event_locations_search', table_name='event_locations')
    with op.batch_alter_table('event_locations', schema=None) as batch_op:
        batch_op.drop_column('cell')
        batch_op.drop_column('event_date')
        batch_op.drop_column('event_type')
