"""PostgreSQL enforces the rights: group roles, grants, row-level security, append-only audit, login provisioning.

Revision ID: 0019
Revises: 0018

PostgreSQL only (mpel_app/db/pg_roles.py, pg_provision.py); a no-op on SQLite.
Run ``mpel db upgrade`` as the role that owns the tables, with CREATEROLE (or a
superuser): the migration creates the cluster-wide NOLOGIN group roles if
they are missing.  A deployment whose desks still connect as the shared owner
role keeps working (the owner is not subject to row-level security); see the
README for moving to per-person logins.
"""
from alembic import op

from mpel_app.db import pg_provision, pg_roles

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    pg_roles.apply(conn)
    pg_provision.apply(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    pg_provision.remove(conn)
    pg_roles.remove(conn)
