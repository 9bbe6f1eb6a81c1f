"""The call desk: what an answer disclosed (checked against the disclosure checks), and the guidance at hand.

* ``enquiries.personal_information`` / ``limited_facts_only``: what the
  answer given at first contact disclosed (domain.disclosure enforces it).
* ``guidance_contacts``: the contacts directory the MPEL team leader keeps
  (numbers that may, and must not, be given to MPs and their staff).
* ``guidance_answers``: frequently asked questions with model answers, and
  the rules an agent needs mid-call, also kept by the MPEL team leader.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db.types import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("team", sa.String(120), server_default="", nullable=False),
        sa.Column("phone", sa.String(40), server_default="", nullable=False),
        sa.Column("may_give_out", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("note", sa.String(500), server_default="", nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "guidance_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode may copy the table, re-creating its indexes in
    # an order that varies from run to run, and the planner breaks ties between indexes by that order.
    op.add_column("enquiries", sa.Column("personal_information", sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    op.add_column("enquiries", sa.Column("limited_facts_only", sa.Boolean(), server_default=sa.false(),
                                         nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_column("limited_facts_only")
        batch_op.drop_column("personal_information")
    op.drop_table("guidance_answers")
    op.drop_table("guidance_contacts")
