"""PostgreSQL's name index: a bulk loader may write a batch's rows itself (db/pg_name_index.py).

Revision ID: 0025
Revises: 0024

The token trigger re-derived an enquiry's words and pairs once per token row it inserted: the
legacy import of 20,000 Access records spent most of its time there (issue 10).  The trigger
now skips inserts in a transaction that has set ``mpel.bulk_name_index`` (``BULK_ON``), whose
loader writes the rows of each batch in two set-based statements (``FILL_ENQUIRIES``).  Only the
function's body changes (CREATE OR REPLACE): no lock on the tables, safe on a live database.
"""
from alembic import op

from mpel_app.db import pg_name_index as index

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# The body as migration 0017 created it, for the downgrade (fixed here: the module moves on).
_BEFORE = """CREATE OR REPLACE FUNCTION mpel_name_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN PERFORM mpel_name_index_refresh(OLD.enquiry_id); END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.enquiry_id <> OLD.enquiry_id) THEN
            PERFORM mpel_name_index_refresh(NEW.enquiry_id);
        END IF;
        RETURN NULL;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(index.FUNCTIONS[1].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_BEFORE)
