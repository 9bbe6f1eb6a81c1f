"""A policy meeting's referral to the Private Office is stored on the letter [CORR 2.4] (issue 15).

Revision ID: 0026
Revises: 0025

``letter_facts.meeting_referred_at``: when the drafting unit referred the
Member's request to meet on policy to the Private Office.  Until now the desk
read it from the audit trail (an entry "policy meeting referred to Private
Office"); each letter referred before this migration gets the time of its
first such entry, so nothing is referred twice or shown as waiting.

A plain ADD COLUMN on both databases (SQLite has it; no table rebuild).
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db.types import UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# The audit entry the desk wrote for a referral until this migration (services/letters/meetings.py then).
# Fixed here: the service's wording may move on, the entries already written do not.
FILL = """
UPDATE letter_facts SET meeting_referred_at = (
    SELECT MIN(a.at) FROM audit_log a
    WHERE a.entity = 'letter' AND a.entity_id = letter_facts.letter_id
      AND a.action = 'policy meeting referred to Private Office')
WHERE meeting_referred_at IS NULL AND EXISTS (
    SELECT 1 FROM audit_log a
    WHERE a.entity = 'letter' AND a.entity_id = letter_facts.letter_id
      AND a.action = 'policy meeting referred to Private Office')
"""


def upgrade() -> None:
    op.add_column("letter_facts", sa.Column("meeting_referred_at", UTCDateTime(timezone=True), nullable=True))
    op.execute(FILL)


def downgrade() -> None:
    with op.batch_alter_table("letter_facts") as batch:
        batch.drop_column("meeting_referred_at")
