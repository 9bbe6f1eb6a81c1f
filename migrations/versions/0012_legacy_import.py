"""The legacy Access database's import: its sources, people and per-enquiry origin (issue 10).

Revision ID: 0012
Revises: 0011

``legacy_sources`` names each Access database imported (a fingerprint of its
oldest call record), ``legacy_people`` the call agents and completers it names
(never users: nobody signs in as them), and ``legacy_records`` each imported
enquiry's Access ID, its reference as Access held it (searchable), and the
import's decisions about it.  (source_id, access_id) is unique: a second
import of the same database cannot bring a record in twice.
"""
from alembic import op
import sqlalchemy as sa
import mpel_app.db.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legacy_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("first_imported_at", mpel_app.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identity"),
    )
    op.create_table(
        "legacy_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("login", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["legacy_sources.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "kind", "key"),
    )
    op.create_table(
        "legacy_records",
        sa.Column("enquiry_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("access_id", sa.Integer(), nullable=False),
        sa.Column("reference_as_stored", sa.String(length=40), nullable=False),
        sa.Column("reference_key", sa.String(length=40), nullable=False),
        sa.Column("mp_name", sa.String(length=120), nullable=False),
        sa.Column("constituency", sa.String(length=120), nullable=False),
        sa.Column("call_agent_id", sa.Integer(), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("passcode_given", sa.Boolean(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["call_agent_id"], ["legacy_people.id"]),
        sa.ForeignKeyConstraint(["completed_by_id"], ["legacy_people.id"]),
        sa.ForeignKeyConstraint(["enquiry_id"], ["enquiries.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_id"], ["legacy_sources.id"]),
        sa.PrimaryKeyConstraint("enquiry_id"),
        sa.UniqueConstraint("source_id", "access_id"),
    )
    op.create_index(op.f("ix_legacy_records_reference_key"), "legacy_records", ["reference_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_legacy_records_reference_key"), table_name="legacy_records")
    op.drop_table("legacy_records")
    op.drop_table("legacy_people")
    op.drop_table("legacy_sources")
