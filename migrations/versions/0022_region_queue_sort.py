"""Indexes for a region's queue sorted by subject or by date of receipt (issue 14).

Revision ID: 0022
Revises: 0021

``db/queue_steer_sql.py`` reads a sorted page of a region's queue in one of
these indexes' order and stops after a page, instead of reading and sorting
every item of the queue (60,000 in the largest region).

On PostgreSQL ``enquiries`` is in use while desks are open, so the indexes are
built ``CONCURRENTLY`` (outside the migration's transaction: desks keep
writing meanwhile); ``IF NOT EXISTS`` lets an interrupted run be repeated.
SQLite builds them in the transaction as usual.
"""
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_LIVE = "deleted_at IS NULL"
INDEXES = {
    "ix_enquiries_region_subject": "region_code, status, lower(subject_name), id",
    "ix_enquiries_region_received": "region_code, status, received_at, id",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            for name, columns in INDEXES.items():
                op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON enquiries ({columns}) WHERE {_LIVE}")
        return
    for name, columns in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON enquiries ({columns}) WHERE {_LIVE}")


def downgrade() -> None:
    concurrently = "CONCURRENTLY " if op.get_bind().dialect.name == "postgresql" else ""
    if concurrently:
        with op.get_context().autocommit_block():
            for name in INDEXES:
                op.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
