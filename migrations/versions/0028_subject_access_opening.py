"""Subject access reads what the boundary withholds, through one audited opening (issue 17).

Revision ID: 0028
Revises: 0027

PostgreSQL only (db/pg_subject_access.py): the private table of records opened for a subject-access
request, ``mpel_opened`` and the two opening functions for the data protection officer and
administrators, and the view, name-index and letters' policies re-made with ``OR opened``
(``pg_roles.apply``).  No table of the models changes; a no-op on SQLite.
"""
from alembic import op

from mpel_app.db import pg_roles

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_roles.reapply(op.get_bind())


def downgrade() -> None:
    # The opening stays: the policies of the earlier schema are re-made from this code whenever apply() runs,
    # and nothing opens records but the two functions, which only the officer's and administrators' groups
    # call.  Downgrading past 0019 removes it with the rest (pg_roles.remove).
    pass
