"""Special cases of MPs' letters (issue 15): what kind of letter it is, and what happened to its Member.

Revision ID: 0018
Revises: 0017

* ``letter_facts``: one row per letter that has any: its category (case,
  policy, support, allegation, family_sponsor, policy_challenge), FOI only and
  when the Information Access Team was told, Welsh, a meeting asked for, the
  general-election facts, the family/sponsor disclosure conditions, and where
  an allegation was passed; a Welsh reply out to the translator and back;
  the barrier to removal lifted before the reply, and the removal date.
* ``member_status``: a Member's death and by-election, an interim handler of
  their casework, the election outcome, and for MDLs whether they are also
  MPs or devolved Ministers.

* ``letter_contributions``: contributions commissioned from colleagues, due dates [ASY].
* ``offline_units``: drafting units without CTS, and their e-mail address [ASY].
* ``workstack_cover``: a delegate covering an absent colleague's workstack [ASY].

New tables only: nothing existing is copied or rewritten.
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db.types import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "letter_facts",
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(length=20), server_default="case", nullable=False),
        sa.Column("foi_only", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("foi_notified_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("letter_in_welsh", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("meeting_requested", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("against_removal", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("answers_earlier_request", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("raised_before", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("supports_case", sa.Boolean(), nullable=True),
        sa.Column("relationship_evidenced", sa.Boolean(), nullable=True),
        sa.Column("no_adverse_effect", sa.Boolean(), nullable=True),
        sa.Column("allegation_unit", sa.String(length=254), server_default="", nullable=False),
        sa.Column("allegation_passed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("translation_sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("translation_sent_to", sa.String(length=254), server_default="", nullable=False),
        sa.Column("translation_received_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("english_also", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("removal_on", sa.Date(), nullable=True),
        sa.Column("barrier_lifted_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "member_status",
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("died_on", sa.Date(), nullable=True),
        sa.Column("by_election_on", sa.Date(), nullable=True),
        sa.Column("interim_handler", sa.String(length=120), server_default="", nullable=False),
        sa.Column("election_outcome", sa.String(length=16), nullable=True),
        sa.Column("also_mp", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("devolved_minister", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "letter_contributions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False),
        sa.Column("contributor_name", sa.String(length=120), nullable=False),
        sa.Column("contributor_email", sa.String(length=254), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("asked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), server_default="", nullable=False),
    )
    op.create_index("ix_letter_contributions_letter_id", "letter_contributions", ["letter_id"], unique=False)
    op.create_table(
        "offline_units",
        sa.Column("unit_code", sa.String(length=16), sa.ForeignKey("drafting_units.code", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("since", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "workstack_cover",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("absent_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("delegate_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
    )
    op.create_index("ix_workstack_cover_absent_user_id", "workstack_cover", ["absent_user_id"], unique=False)
    op.create_index("ix_workstack_cover_delegate_user_id", "workstack_cover", ["delegate_user_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_workstack_cover_delegate_user_id", table_name="workstack_cover")
    op.drop_index("ix_workstack_cover_absent_user_id", table_name="workstack_cover")
    op.drop_table("workstack_cover")
    op.drop_table("offline_units")
    op.drop_index("ix_letter_contributions_letter_id", table_name="letter_contributions")
    op.drop_table("letter_contributions")
    op.drop_table("member_status")
    op.drop_table("letter_facts")
