"""Secrets no desk reads: password and passcode hashes out of reach of SQL; the database checks passcodes.

Revision ID: 0024
Revises: 0023

* ``members.passcode_verifier`` (both databases; used on PostgreSQL only): a
  bcrypt verifier the database checks (mpel_app/db/pg_secrets.py).  Existing
  offices have none until their passcode is set again (README).
* PostgreSQL: pgcrypto, SELECT on ``users`` and ``members`` granted column by
  column without the secrets (pg_roles.SECRET_COLUMNS), the functions
  ``mpel_own_password_hash`` and ``mpel_check_passcode``, and the trigger that
  lets only the latter mark an enquiry's passcode verified.
"""
from alembic import op
import sqlalchemy as sa

from mpel_app.db import pg_roles, pg_secrets

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("members", sa.Column("passcode_verifier", sa.String(100), nullable=True))
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        pg_secrets.apply(conn)
        pg_roles.apply(conn)  # re-grants members and users column by column, secrets left out


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        pg_secrets.remove(conn)
    with op.batch_alter_table("members") as batch:
        batch.drop_column("passcode_verifier")
    if conn.dialect.name == "postgresql":
        pg_roles.apply(conn)
