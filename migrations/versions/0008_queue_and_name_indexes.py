"""Indexes for a region's queue page and counts, and an inverted index of subject names (SQLite).

Revision ID: 0008
Revises: 0007

* ``ix_enquiries_region_queue`` replaces ``ix_enquiries_queue``: live items only, in the
  queue's order (due date, id), so a page is one index range and the counts by due-date
  band come from the index alone.
* ``ix_enquiries_urgent_waiting``: urgent items nobody has acknowledged (they go first).
* ``ix_enquiries_live_id_received``: the time of receipt of a live enquiry by id, so name
  search can pick the newest of a few thousand matches without reading their rows.
* SQLite only, where the library has FTS5: ``subject_name_fts``, one row per enquiry
  (rowid = enquiry id) holding its name tokens, with prefix indexes; it intersects the
  words of a name in posting lists instead of probing the token index row by row.
  Triggers keep it equal to ``subject_name_tokens`` (the source of truth), whoever
  writes the tokens.  A later migration that rebuilds ``subject_name_tokens`` through
  ``batch_alter_table`` drops these triggers with the old table and must create them
  again.  Without FTS5 nothing is created and name search keeps its token-index plan.
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")
WAITING_SQLITE = sa.text("urgent = 1 AND deleted_at IS NULL AND acknowledged_at IS NULL")
WAITING_PG = sa.text("urgent AND deleted_at IS NULL AND acknowledged_at IS NULL")

FTS = "subject_name_fts"
# ascii: splits on ASCII punctuation and spaces only, and the tokens are already folded and
# split by name_tokens(), so it gives back exactly the stored tokens (non-ASCII letters
# included).  detail=none and columnsize=0: only which enquiries have a token is needed.
# Prefix indexes for the lengths people type, so a typed prefix is one posting list.
CREATE_FTS = (f"CREATE VIRTUAL TABLE {FTS} USING fts5(tokens, tokenize='ascii', detail='none', "
              "columnsize=0, prefix='1 2 3 4 5 6 7 8')")


def _document(enquiry_id: str) -> str:
    return (f"DELETE FROM {FTS} WHERE rowid = {enquiry_id}; "
            f"INSERT INTO {FTS} (rowid, tokens) SELECT enquiry_id, group_concat(token, ' ') "
            f"FROM subject_name_tokens WHERE enquiry_id = {enquiry_id} GROUP BY enquiry_id;")


TRIGGERS = {
    "subject_name_fts_insert": f"AFTER INSERT ON subject_name_tokens BEGIN {_document('NEW.enquiry_id')} END",
    "subject_name_fts_delete": f"AFTER DELETE ON subject_name_tokens BEGIN {_document('OLD.enquiry_id')} END",
    "subject_name_fts_update": (f"AFTER UPDATE ON subject_name_tokens BEGIN {_document('OLD.enquiry_id')} "
                                f"{_document('NEW.enquiry_id')} END"),
}


def _has_fts5(bind) -> bool:
    options = {row[0] for row in bind.exec_driver_sql("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def upgrade() -> None:
    op.drop_index("ix_enquiries_queue", table_name="enquiries")
    op.create_index("ix_enquiries_region_queue", "enquiries", ["region_code", "status", "due_date", "id", "deleted_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    op.create_index("ix_enquiries_urgent_waiting", "enquiries", ["region_code", "status", "due_date"],
                    sqlite_where=WAITING_SQLITE, postgresql_where=WAITING_PG)
    op.create_index("ix_enquiries_live_id_received", "enquiries", ["id", "received_at"],
                    sqlite_where=LIVE, postgresql_where=LIVE)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and _has_fts5(bind):
        op.execute(CREATE_FTS)
        op.execute(f"INSERT INTO {FTS} (rowid, tokens) SELECT enquiry_id, group_concat(token, ' ') "
                   "FROM subject_name_tokens GROUP BY enquiry_id")
        op.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
        for name, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_index("ix_enquiries_live_id_received", table_name="enquiries")
    op.drop_index("ix_enquiries_urgent_waiting", table_name="enquiries")
    op.drop_index("ix_enquiries_region_queue", table_name="enquiries")
    op.create_index("ix_enquiries_queue", "enquiries", ["region_code", "status", "due_date"])
