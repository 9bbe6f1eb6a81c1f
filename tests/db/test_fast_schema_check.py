"""The start-up schema check that skips Alembic when the database is already at the head (issue 5).

``migrate.at_head`` reads ``alembic_version`` with one query and compares it with
``migrate.expected_head``, the head named by the migration files, so that a desk
starts without importing Alembic.  That is only safe while every migration file is
named ``<revision>_<what>.py`` with revisions numbered one after another: the tests
here hold that convention against Alembic's own view of the scripts, so the cheap
head cannot drift from the real one, and check that every refusal still happens.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from mpel_app.db import migrate
from mpel_app.db.engine import make_engine
from mpel_app.paths import migrations_dir

ROOT = Path(__file__).resolve().parents[2]


def _scripts():
    return ScriptDirectory.from_config(migrate.alembic_config(create_engine("sqlite://")))


def test_every_migration_file_is_named_after_its_revision():
    scripts = list(_scripts().walk_revisions())
    assert scripts, "no migrations found"
    for script in scripts:
        name = Path(script.path).name
        found = migrate._MIGRATION_FILE.fullmatch(name)
        assert found is not None, f"{name}: name it <revision number>_<what it does>.py"
        assert found["revision"] == script.revision, f"{name} holds revision {script.revision!r}"
    # No file that Alembic would load is left out of the cheap head, nor the other way round.
    on_disk = {p.name for p in (migrations_dir() / "versions").glob("*.py") if not p.name.startswith("__")}
    assert on_disk == {Path(s.path).name for s in scripts}


def test_revisions_follow_one_another_in_number_order():
    """One line of migrations, each revising the one numbered just before it: the highest is the head."""
    by_number = sorted(_scripts().walk_revisions(), key=lambda s: int(s.revision))
    assert by_number[0].down_revision is None
    for before, after in zip(by_number, by_number[1:]):
        assert after.down_revision == before.revision, f"{after.revision} should revise {before.revision}"
        assert int(after.revision) == int(before.revision) + 1
    assert len({len(s.revision) for s in by_number}) == 1, "revision numbers all of one width"


def test_cheap_head_is_alembics_head():
    engine = create_engine("sqlite://")
    assert migrate.expected_head() == _scripts().get_current_head() == migrate.head_revision(engine)


def test_at_head_only_when_the_database_holds_exactly_the_head(db_url):
    engine = make_engine(db_url)
    try:
        assert migrate.stored_revisions(engine) is None  # empty: no alembic_version table
        assert not migrate.at_head(engine)
        command.upgrade(migrate.alembic_config(engine), "0007")
        assert migrate.stored_revisions(engine) == ["0007"]
        assert not migrate.at_head(engine)
        migrate.upgrade(engine)
        assert migrate.stored_revisions(engine) == [migrate.expected_head()]
        assert migrate.at_head(engine)
        with engine.begin() as conn:  # two rows (branches): not plainly at the head, so Alembic decides
            conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0001')"))
        assert not migrate.at_head(engine)
    finally:
        engine.dispose()


def test_refusals_are_unchanged(db_url):
    """Older (shared) and empty databases are refused as too old, a newer one as too new; head passes."""
    engine = make_engine(db_url)
    try:
        with pytest.raises(migrate.SchemaTooOld, match="no MPEL Desk schema") as empty:
            migrate.check_current(engine)
        assert empty.value.status.state == "empty"
        command.upgrade(migrate.alembic_config(engine), "0007")
        with pytest.raises(migrate.SchemaTooOld, match="older than this MPEL Desk") as older:
            migrate.check_current(engine)
        assert (older.value.status.current, older.value.status.state) == ("0007", "older")
        migrate.upgrade(engine)
        migrate.check_current(engine)
        migrate.check_not_newer(engine)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        for check in (migrate.check_current, migrate.check_not_newer, migrate.upgrade):
            with pytest.raises(migrate.SchemaTooNew, match="newer") as newer:
                check(engine)
            assert (newer.value.status.current, newer.value.status.state) == ("9999", "newer")
    finally:
        engine.dispose()


def test_a_file_off_the_convention_means_ask_alembic(tmp_path, monkeypatch):
    versions = tmp_path / "migrations" / "versions"
    versions.mkdir(parents=True)
    for name in ("0001_first.py", "0002_second.py", "__init__.py"):
        (versions / name).write_text("")
    monkeypatch.setattr(migrate, "migrations_dir", lambda: tmp_path / "migrations")
    assert migrate.expected_head() == "0002"
    (versions / "ae1027a6acf_hex_id.py").write_text("")
    assert migrate.expected_head() is None


def test_opening_a_database_at_head_does_not_import_alembic(sqlite_url):
    """In a fresh interpreter, as at a desk's start: the schema check is one query, and Alembic stays unloaded."""
    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    engine.dispose()
    probe = (
        "import json, sys\n"
        "from mpel_app.app import open_database\n"
        f"services = open_database({sqlite_url!r}, upgrade=None)\n"
        "needs_admin = services.users.needs_first_admin()\n"
        "services.close()\n"
        "print(json.dumps({'alembic': sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')),\n"
        "                  'needs_admin': needs_admin}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == {"alembic": [], "needs_admin": True}
