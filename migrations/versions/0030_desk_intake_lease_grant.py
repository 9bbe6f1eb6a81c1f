"""The MPEL team leader's desk may take the central inbox in on a shared PostgreSQL: re-applies the grants.

Revision ID: 0030
Revises: 0029

Where no `mpel inbox serve` runs, the team leader's desk takes the mailbox in
itself, one desk at a time by a lease kept in ``settings``
(inbox/desk_intake.py).  With per-person logins the team leader's login could
only read ``settings``, so the lease could not be taken.  Now it may insert
and update that one row: a row-level policy on ``settings`` keeps every other
setting to the groups that wrote them before (mpel_app/db/pg_roles.py).  No
table changes; a no-op on SQLite.
"""
from alembic import op

from mpel_app.db import pg_roles

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_roles.reapply(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    # Back to 0025's rights: the team leader reads settings only, and settings has no row policy.
    for command in ("select", "insert", "update", "delete"):
        op.execute(f"DROP POLICY IF EXISTS mpel_settings_{command} ON settings")
    op.execute("ALTER TABLE settings DISABLE ROW LEVEL SECURITY")
    op.execute(f"REVOKE INSERT, UPDATE ON settings FROM {pg_roles.GROUPS[pg_roles.Role.MPEL_TEAM_LEADER]}")
