"""Telephony (issue 9): one row per call, the events already recorded, call backs for the bridge to place, users' phone identity, and the
indexes the screen pop needs (a member's office number; an office's newest enquiries).

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_interfaces", sa.String(200), server_default="", nullable=False))
        batch_op.add_column(sa.Column("phone_extension", sa.String(16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("phone_queues", sa.String(400), server_default="", nullable=False))
    op.create_index("ix_members_office_phone", "members", ["office_phone"])
    op.create_index("ix_enquiries_member_received", "enquiries", ["member_id", "received_at"],
                    sqlite_where=sa.text("deleted_at IS NULL"), postgresql_where=sa.text("deleted_at IS NULL"))
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("caller_raw", sa.String(64), nullable=False),
        sa.Column("caller_e164", sa.String(32), nullable=False),
        sa.Column("called_number", sa.String(64), nullable=False),
        sa.Column("queue", sa.String(80), nullable=True),
        sa.Column("agents_rung", sa.String(1000), nullable=False),
        sa.Column("answered_by", sa.String(80), nullable=True),
        sa.Column("answered_by_user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("offered_at", UTCDateTime(), nullable=False),
        sa.Column("offered_day", sa.Date(), nullable=False),
        sa.Column("offered_hour", sa.Integer(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("hangup_cause", sa.String(20), nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("wait_from_pbx", sa.Boolean(), nullable=False),
        sa.Column("talk_seconds", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(12), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("members.id"), nullable=True),
        sa.Column("match_kind", sa.String(10), nullable=False),
        sa.Column("enquiry_id", sa.Integer(), sa.ForeignKey("enquiries.id"), nullable=True),
        sa.Column("dealt_with_at", UTCDateTime(), nullable=True),
        sa.Column("dealt_with_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("call_id"),
    )
    op.create_index("ix_calls_day_queue", "calls", ["offered_day", "queue"])
    op.create_index("ix_calls_caller_offered", "calls", ["caller_e164", "offered_at"])
    op.create_index("ix_calls_enquiry_id", "calls", ["enquiry_id"])
    op.create_index("ix_calls_ringing", "calls", ["outcome"], sqlite_where=sa.text("ended_at IS NULL"),
                    postgresql_where=sa.text("ended_at IS NULL"))
    op.create_index("ix_calls_missed", "calls", ["offered_at"],
                    sqlite_where=sa.text("dealt_with_at IS NULL AND enquiry_id IS NULL"),
                    postgresql_where=sa.text("dealt_with_at IS NULL AND enquiry_id IS NULL"))
    op.create_table(
        "call_events_seen",
        sa.Column("event_key", sa.String(200), primary_key=True),
        sa.Column("call_id", sa.String(128), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "call_backs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("calls.id"), nullable=False),
        sa.Column("number_e164", sa.String(32), nullable=False),
        sa.Column("interface", sa.String(80), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("message", sa.String(200), nullable=False),
    )
    op.create_index("ix_call_backs_call_id", "call_backs", ["call_id"])
    op.create_index("ix_call_backs_pending", "call_backs", ["requested_at"],
                    sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))


def downgrade() -> None:
    op.drop_table("call_backs")
    op.drop_table("call_events_seen")
    op.drop_table("calls")
    op.drop_index("ix_enquiries_member_received", table_name="enquiries")
    op.drop_index("ix_members_office_phone", table_name="members")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone_queues")
        batch_op.drop_column("phone_extension")
        batch_op.drop_column("phone_interfaces")
