"""Letters: several MPs on one person linked in a group, and an Agency staff member's line manager.

Revision ID: 0007
Revises: 0006

``link_group_id`` points every letter of a group at the group's first letter
[CORR 2.6]; ``constituency_mp`` says whether the writer is the person's
constituency MP (the usual case, so it defaults to true) and
``different_points`` that the MP raised points of their own (then each MP gets a
substantive reply).  ``line_manager_id`` / ``line_manager_flagged_at`` record
whom a letter about a member of Agency staff was flagged to, and when [CORR 2.5].
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_manager_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("line_manager_flagged_at", mpel_app.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("link_group_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("constituency_mp", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column("different_points", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_foreign_key("fk_letters_line_manager", "users", ["line_manager_id"], ["id"])
        batch_op.create_foreign_key("fk_letters_link_group", "letters", ["link_group_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_letters_link_group_id"), ["link_group_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_link_group_id"))
        batch_op.drop_constraint("fk_letters_link_group", type_="foreignkey")
        batch_op.drop_constraint("fk_letters_line_manager", type_="foreignkey")
        batch_op.drop_column("different_points")
        batch_op.drop_column("constituency_mp")
        batch_op.drop_column("link_group_id")
        batch_op.drop_column("line_manager_flagged_at")
        batch_op.drop_column("line_manager_id")
