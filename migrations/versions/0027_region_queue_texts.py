"""A covering index for counting a region's queue filtered by text (issue 14).

Revision ID: 0027
Revises: 0026

A text filter on a region's queue (``db/queue_steer_sql.py``) says how many items
match: a count over the texts (reference, subject, nationality, Home Office and
CTS references) of every item in the queue, since a substring of five columns
has no index to seek in.  Without this index each of the queue's items (60,000
in the largest region) is a look-up of its whole (wide) row; with it the count
reads the region's queue as one range of this narrow index, texts included.

On PostgreSQL ``enquiries`` is in use while desks are open, so the index is
built ``CONCURRENTLY`` (outside the migration's transaction), as 0022's are.
"""
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

NAME = "ix_enquiries_region_texts"
# deleted_at is a column too (always NULL here) so that SQLite sees the index as covering the count.
COLUMNS = "region_code, status, reference, subject_name, nationality, ho_reference, cts_reference, deleted_at"
_LIVE = "deleted_at IS NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} ON enquiries ({COLUMNS}) WHERE {_LIVE}")
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON enquiries ({COLUMNS}) WHERE {_LIVE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        return
    op.execute(f"DROP INDEX IF EXISTS {NAME}")
