"""Audit values and outgoing mail out of the desks' SELECT on a shared PostgreSQL (issue 19).

Revision ID: 0029
Revises: 0028

No table changes; a no-op on SQLite.  Re-applies the grants (``pg_roles``):
``audit_log.changes`` and ``outbox_messages.body_text``/``attachment`` are no
longer readable by desk roles; a person's login reads the audit log through
``mpel_desk_view.audit_log`` (values masked where the login may not see
them) and exports a message through ``mpel_outbox_document`` (db/pg_private.py).
A new group ``mpel_mail_service`` is the one that reads whole messages
(``mpel outbox serve``).
"""
from alembic import op

from mpel_app.db import pg_private, pg_roles

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pg_roles.reapply(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    # What 0025's desks had: every column of both tables (they send mail and read the trail themselves).
    pg_private.remove(conn)
    for table in ("audit_log", "outbox_messages"):
        conn.exec_driver_sql(f"GRANT SELECT ON {table} TO {pg_roles.DESK}")
