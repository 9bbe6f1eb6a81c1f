"""Reference data that stays true (issue 14): a Member's party, and the Home Secretary's list.

Revision ID: 0021
Revises: 0020

* ``members.party``: from the Members list import; added in place (SQLite supports ADD COLUMN),
  so ``members`` and its indexes are not copied.
* ``home_secretary_list``: the Members whose letters to the Home Secretary he answers himself
  [CORR 1.8], kept by an administrator; the signatory rule reads it.

On PostgreSQL the new table's grants are applied again from ``pg_roles.TABLE_GRANTS``.
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types

from mpel_app.db import pg_roles

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("party", sa.String(length=60), server_default="", nullable=False))
    op.create_table(
        "home_secretary_list",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("added_at", mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("member_id"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        pg_roles.apply(conn)


def downgrade() -> None:
    op.drop_table("home_secretary_list")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("party")
