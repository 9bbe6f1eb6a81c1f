"""The call desk: what an answer disclosed (checked against the disclosure checks), and the guidance at hand.

* ``enquiries.personal_information`` / ``limited_facts_only``: what the
  answer given at first contact disclosed (domain.disclosure enforces it).

Revision ID: 0016
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0016"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("personal_information", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("limited_facts_only", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("enquiries", schema=None) as batch_op:
        batch_op.drop_column("limited_facts_only")
        batch_op.drop_column("personal_information")
