"""The call record sent with a call note is stored as facts and made into a PDF when the mail goes (issue 16).

Revision ID: 0031
Revises: 0030

``outbox_messages.attachment_snapshot``: what the attachment says (the call
record as it was when sent, JSON: notify/attachments.py), in place of the
PDF bytes, which the sender makes when it builds the message.  Sending a case
to a region no longer renders the PDF inside its transaction.  A plain ADD
COLUMN on both databases (SQLite has it; no table rebuild).

On PostgreSQL the column is private like ``body_text`` and ``attachment``
(pg_roles.SECRET_COLUMNS: the mail sender's login reads it, desks do not) and
``mpel_outbox_document`` returns it too; the grants are re-applied.

The downgrade first makes the PDF of every message still holding only facts,
so the code of 0030 finds its attachment where it expects it.
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db import pg_private, pg_roles
from mpel_app.notify.attachments import attachment_data

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_messages", sa.Column("attachment_snapshot", sa.Text(), nullable=True))
    pg_roles.reapply(op.get_bind())


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, attachment_snapshot FROM outbox_messages "
                                "WHERE attachment IS NULL AND attachment_snapshot IS NOT NULL")).all()
    for row in rows:
        conn.execute(sa.text("UPDATE outbox_messages SET attachment = :data WHERE id = :id"),
                     {"data": attachment_data(row), "id": row.id})
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"DROP FUNCTION IF EXISTS {pg_private.OUTBOX_DOCUMENT_SIGNATURE}"))
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("attachment_snapshot")
    if conn.dialect.name == "postgresql":
        # The function as 0030 made it (two result columns), granted as before; the private columns' grants
        # follow the table's columns and need nothing more.
        conn.execute(sa.text(pg_private.outbox_document(None)))
        conn.execute(sa.text(f"REVOKE ALL ON FUNCTION {pg_private.OUTBOX_DOCUMENT_SIGNATURE} FROM PUBLIC"))
        conn.execute(sa.text(f"GRANT EXECUTE ON FUNCTION {pg_private.OUTBOX_DOCUMENT_SIGNATURE} "
                             f"TO {', '.join(pg_private.OUTBOX_WORKERS)}"))
