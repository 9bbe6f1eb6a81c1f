"""Migrations build exactly the models' schema on both databases, and a newer schema is refused."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mpel_app.db import migrate
from mpel_app.db.engine import make_engine
from mpel_app.db.models import Base
from mpel_app.db.name_search import is_name_index_table


def _declared(name, type_, _parent) -> bool:
    # The SQLite FTS5 name index (migration 0008) is kept by triggers, outside the models.
    return not (type_ == "table" and is_name_index_table(name))


def test_migrated_schema_matches_models(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                       "include_name": _declared}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_reports_head(db_url):
    engine = make_engine(db_url)
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    engine.dispose()


def test_newer_database_refused(sqlite_url):
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(migrate.SchemaTooNew, match="newer"):
        migrate.upgrade(engine)
    engine.dispose()


def test_upgrading_a_filled_database_keeps_its_search_tokens(sqlite_url):
    """0003 once rebuilt `enquiries` with foreign keys on, and the cascade emptied the name tokens."""
    from alembic import command
    from datetime import datetime, timezone

    engine = make_engine(sqlite_url)
    command.upgrade(migrate.alembic_config(engine), "0002")
    now = datetime(2026, 11, 23, 10, tzinfo=timezone.utc).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO regions (code, name, inbox_name, inbox_address, fax_number, phone_number) "
                          "VALUES ('LSE', 'London', 'MP INBOX', 'a@b.c', '', '')"))
        conn.execute(text("INSERT INTO users (id, username, full_name, password_hash, roles, phone, active, "
                          "failed_logins, created_at) VALUES (1, 'a', 'A', 'x', 'call_agent', '', 1, 0, :now)"),
                     {"now": now})
        conn.execute(text(
            "INSERT INTO enquiries (id, reference, channel, status, received_at, created_by_id, caller_name, "
            "passcode_failures, constituency_mp, authorised_representative, third_party, identity_confirmed, "
            "subject_name, nationality, nationality_folded, ho_reference, cts_reference, question, answer, "
            "written_confirmation, urgent, file_needed, response, deletion_reason, version) VALUES "
            "(1, 'MPH000001', 'telephone', 'answered', :now, 1, '', 0, 0, 0, 0, 0, 'Zoë Núñez', '', '', '', '', "
            "'', '', 0, 0, 0, '', '', 1)"), {"now": now})
        conn.execute(text("INSERT INTO subject_name_tokens (enquiry_id, token) VALUES (1, 'zoe'), (1, 'nunez')"))
    command.upgrade(migrate.alembic_config(engine), "0004")  # through 0003's table rebuild, before 0005's repair
    with engine.connect() as conn:
        tokens = sorted(r[0] for r in conn.execute(text("SELECT token FROM subject_name_tokens")))
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert tokens == ["nunez", "zoe"]
    with engine.begin() as conn:  # a database that was hit before the fix ...
        conn.execute(text("DELETE FROM subject_name_tokens"))
    migrate.upgrade(engine)  # ... is repaired by 0005
    with engine.connect() as conn:
        assert sorted(r[0] for r in conn.execute(text("SELECT token FROM subject_name_tokens"))) == ["nunez", "zoe"]
    engine.dispose()
