"""The central inbox's rights on a shared PostgreSQL: re-applies the grants (mpel_app/db/pg_roles.py).

Revision ID: 0023
Revises: 0022

The intake service's login may now number e-mail enquiries (``cts_counters``)
and read the guidance the desk start-up looks at; the MPEL team leader and
administrators may release a quarantined message (write ``inbox_messages``,
``inbox_deliveries``, ``inbox_attachments``, ``cts_counters``).  No table
changes; a no-op on SQLite.
"""
from alembic import op

from mpel_app.db import pg_roles

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_roles.reapply(op.get_bind())


def downgrade() -> None:
    # The extra grants stay: 0019's apply() revokes and grants afresh whenever it runs, and nothing
    # before 0024 is harmed by a login that may do slightly more on the inbox tables.
    pass
