"""Users' e-mail addresses, and the audit trail by time.

Revision ID: 0009
Revises: 0008

* ``users.email``: where the desk writes to a person, e.g. a line manager told of
  an MP's letter about a member of their staff [CORR 2.5].  Empty for accounts
  nobody has given one yet (not null, so the code has one "none" to test for).
* ``ix_audit_at`` on ``audit_log(at)``: the audit viewer lists and filters the
  whole trail by time, newest first; without it every page reads the whole table.

On SQLite the column is added in place (ALTER TABLE ADD COLUMN with a constant
default): ``users`` is not copied, so nothing that refers to it is touched.
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), server_default="", nullable=False))
    op.create_index("ix_audit_at", "audit_log", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_at", table_name="audit_log")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email")
