"""Rebuild the subject-name search tokens on SQLite.

Revision 0003 altered the enquiries table with foreign keys switched on, and
SQLite's copy-and-drop cascaded into subject_name_tokens: databases upgraded
through it found nothing by name. env.py now switches foreign keys off while
migrating; this rebuilds what was lost. PostgreSQL was never affected.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.domain.text import name_tokens

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    enquiries = sa.table("enquiries", sa.column("id", sa.Integer), sa.column("subject_name", sa.String))
    tokens = sa.table("subject_name_tokens", sa.column("enquiry_id", sa.Integer), sa.column("token", sa.String))
    bind.execute(tokens.delete())
    last = 0
    while True:
        rows = bind.execute(sa.select(enquiries.c.id, enquiries.c.subject_name)
                            .where(enquiries.c.id > last, enquiries.c.subject_name != "")
                            .order_by(enquiries.c.id).limit(BATCH)).all()
        if not rows:
            break
        values = [{"enquiry_id": i, "token": t[:80]} for i, name in rows for t in name_tokens(name)]
        if values:
            bind.execute(tokens.insert(), values)
        last = rows[-1][0]


def downgrade() -> None:
    pass
