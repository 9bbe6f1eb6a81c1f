"""The people in the records (issue 17): legal holds, anonymised records, the narrow audit erasure path.

Revision ID: 0020
Revises: 0019

* ``legal_holds``: a record that must not be erased or anonymised until the hold is lifted.
* ``anonymised_records``: which records have had their personal values removed, when, and why
  (an erasure or the retention rule), so the retention run does each once.
* PostgreSQL: the data protection officer's group role (from the role matrix), its grants, and
  ``mpel_erase_audit_values`` (db/pg_erasure.py), the only way to replace values in the audit log.

New tables only: nothing existing is copied or rewritten.
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db import pg_erasure, pg_roles
from mpel_app.db.types import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("placed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("lifted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_index("ix_legal_holds_entity", "legal_holds", ["entity", "entity_id"])
    op.create_table(
        "anonymised_records",
        sa.Column("entity", sa.String(length=32), primary_key=True),
        sa.Column("entity_id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ground", sa.String(length=16), nullable=False),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        pg_roles.apply(conn)
        pg_erasure.apply(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        pg_erasure.remove(conn)
    op.drop_table("anonymised_records")
    op.drop_index("ix_legal_holds_entity", table_name="legal_holds")
    op.drop_table("legal_holds")
