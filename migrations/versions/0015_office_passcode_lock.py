"""Wrong passcodes counted per MP's office across calls, and the office's passcode locked after too many.

Revision ID: 0015
Revises: 0014

* ``passcode_failures``: one row per wrong passcode given for an office, on any call, with when, on
  which call and at which desk user; counted per office over a window (domain.office_passcode).
* ``members.passcode_locked_at``: set when the office's failures reach the limit; no passcode of the
  office is accepted until a team leader or an administrator clears it.
* ``members.passcode_cleared_at``: when it was last cleared, or the passcode changed; failures
  before it no longer count.

On SQLite both columns are added in place (nullable, no default), so ``members`` is not copied.
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "passcode_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", mpel_app.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["enquiry_id"], ["enquiries.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_passcode_failures_member_at", "passcode_failures", ["member_id", "at"], unique=False)
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("passcode_locked_at", mpel_app.db.types.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("passcode_cleared_at", mpel_app.db.types.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("passcode_cleared_at")
        batch_op.drop_column("passcode_locked_at")
    op.drop_index("ix_passcode_failures_member_at", table_name="passcode_failures")
    op.drop_table("passcode_failures")
