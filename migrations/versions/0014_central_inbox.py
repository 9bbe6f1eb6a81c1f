"""The central inbox (issue 18): messages taken in over IMAP, their deliveries and attachments, the e-mail
enquiry's regional lifecycle, and extra headers on outbox messages (threading and priority).

Revision ID: 0014
Revises: 0013

* ``inbox_messages``: one row per distinct message (``content_hash`` unique),
  with the enquiry it became or was checked in against, or the reason it was
  quarantined (raw bytes kept).
* ``inbox_deliveries``: each copy seen, by (mailbox, UIDVALIDITY, UID), and
  when it was filed (moved to Processed or Quarantine).
* ``inbox_attachments``: the files, kept as they came, or not kept with why.
* ``email_cases``: allocation to a support account manager, acceptance,
  draft, quality assurance, reply by e-mail, off-line export and check-in.
* ``outbox_messages.headers``: JSON of extra headers ("" for none).
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

UTC = mpel_app.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "inbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("enquiry_id", sa.Integer(), nullable=True),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("from_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("sent_at", UTC(timezone=True), nullable=True),
        sa.Column("taken_in_at", UTC(timezone=True), nullable=False),
        sa.Column("in_reply_to", sa.String(length=500), nullable=False),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("html_only", sa.Boolean(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["enquiry_id"], ["enquiries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
    )
    op.create_index("ix_inbox_messages_enquiry_id", "inbox_messages", ["enquiry_id"])
    op.create_index("ix_inbox_messages_message_id", "inbox_messages", ["message_id"])
    op.create_index("ix_inbox_messages_status", "inbox_messages", ["status", "taken_in_at"])
    op.create_table(
        "inbox_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sa.String(length=200), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("inbox_message_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", UTC(timezone=True), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("moved_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["inbox_message_id"], ["inbox_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_inbox_deliveries_uid"),
    )
    op.create_index("ix_inbox_deliveries_inbox_message_id", "inbox_deliveries", ["inbox_message_id"])
    op.create_table(
        "inbox_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbox_message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("original_name", sa.String(length=500), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["inbox_message_id"], ["inbox_messages.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_inbox_attachments_inbox_message_id", "inbox_attachments", ["inbox_message_id"])
    op.create_table(
        "email_cases",
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("inbox_message_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("allocated_to_id", sa.Integer(), nullable=True),
        sa.Column("allocated_at", UTC(timezone=True), nullable=True),
        sa.Column("accepted_at", UTC(timezone=True), nullable=True),
        sa.Column("draft_text", sa.Text(), nullable=False),
        sa.Column("drafter_id", sa.Integer(), nullable=True),
        sa.Column("drafter_grade", sa.String(length=8), nullable=True),
        sa.Column("submitted_at", UTC(timezone=True), nullable=True),
        sa.Column("qa_by_id", sa.Integer(), nullable=True),
        sa.Column("qa_at", UTC(timezone=True), nullable=True),
        sa.Column("qa_note", sa.String(length=2000), nullable=False),
        sa.Column("reply_sent_at", UTC(timezone=True), nullable=True),
        sa.Column("reply_message_id", sa.String(length=250), nullable=False),
        sa.Column("offline_exported_at", UTC(timezone=True), nullable=True),
        sa.Column("offline_reply_at", UTC(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["enquiry_id"], ["enquiries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["inbox_message_id"], ["inbox_messages.id"]),
        sa.ForeignKeyConstraint(["allocated_to_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["drafter_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["qa_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("enquiry_id"),
    )
    op.create_index("ix_email_cases_allocated_to_id", "email_cases", ["allocated_to_id"])
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("headers")
    op.drop_index("ix_email_cases_allocated_to_id", table_name="email_cases")
    op.drop_table("email_cases")
    op.drop_index("ix_inbox_attachments_inbox_message_id", table_name="inbox_attachments")
    op.drop_table("inbox_attachments")
    op.drop_index("ix_inbox_deliveries_inbox_message_id", table_name="inbox_deliveries")
    op.drop_table("inbox_deliveries")
    op.drop_index("ix_inbox_messages_status", table_name="inbox_messages")
    op.drop_index("ix_inbox_messages_message_id", table_name="inbox_messages")
    op.drop_index("ix_inbox_messages_enquiry_id", table_name="inbox_messages")
    op.drop_table("inbox_messages")
