"""PostgreSQL's subject-name index: words and word pairs newest first (db/pg_name_index.py).

Revision ID: 0017
Revises: 0016

PostgreSQL only; SQLite keeps its FTS5 index (migration 0008).  Two new tables,
kept by triggers, filled from the existing tokens in one set-based pass.

On a live database: the tables are new, so building their indexes after the
fill blocks nobody and ``CREATE INDEX CONCURRENTLY`` would gain nothing (it
matters for indexes on tables in use).  Creating the trigger on ``enquiries``
takes a brief SHARE ROW EXCLUSIVE lock, so desks logging at that moment wait
until the migration commits: 1,000,000 enquiries take about half a minute,
hence run ``mpel db upgrade`` out of hours, as the README says.  The triggers
exist before the fill, in the same transaction, so no write is missed.
"""
from alembic import op

from mpel_app.db import pg_name_index as index

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (*index.CREATE, *index.FUNCTIONS, *index.TRIGGERS, *index.REBUILD[1:3], *index.INDEXES,
                      *index.REBUILD[3:]):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in index.DROP:
        op.execute(statement)
