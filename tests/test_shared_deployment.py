"""A shared PostgreSQL deployment, as the README walks an administrator through it, on a real server.

The throwaway cluster trusts its superuser; for these tests a role of our own
gets a database and a ``pg_hba.conf`` line demanding its password
(scram-sha-256), as on a real server, so the password really has to come from
the keyring.  The keyring is the in-memory backend the credentials tests use:
the real ``keyring`` API, with nothing written to disk.  Settings go to a
QSettings file in ``tmp_path``.
"""
from __future__ import annotations

import getpass
import io
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from psycopg import sql
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mpel_app import __main__ as entry
from mpel_app.config import DATABASE_URL_ENV, Settings
from mpel_app.db import migrate
from mpel_app.db.engine import make_engine
from mpel_app.notify import credentials
from tests.notify.test_credentials import MemoryKeyring, files_containing, use_keyring  # noqa: F401 (fixture)

ROLE_PASSWORD = "Shared-desk-pass-7f3a"


@dataclass
class SharedDatabase:
    url: str  # as an administrator would give it: no password
    password: str
    role: str
    name: str

    @property
    def account(self) -> str:
        return credentials.database_account(self.url)

    def engine(self):
        """An engine with the password, for the test's own look at the schema."""
        return make_engine(make_url(self.url).set(password=self.password))


@pytest.fixture
def shared_db(pg_cluster):
    """createuser + createdb + a pg_hba.conf line (password required), as in the README; undone afterwards."""
    suffix = uuid.uuid4().hex[:10]
    role, name = f"mpel_{suffix}", f"mpel_shared_{suffix}"
    with pg_cluster.connect() as admin:
        # CREATEROLE, as the README's createuser --createrole: schema 0019 creates the MPEL group roles.
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE PASSWORD {}").format(sql.Identifier(role),
                                                                       sql.Literal(ROLE_PASSWORD)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
            sql.Identifier(name), sql.Identifier(role)))
    hba = pg_cluster.socket_dir / "data" / "pg_hba.conf"
    original = hba.read_text()
    # First matching line wins: this role on this database must give its password; everyone else as before.
    hba.write_text(f"local {name} {role} scram-sha-256\n" + original)
    with pg_cluster.connect() as admin:
        admin.execute("SELECT pg_reload_conf()")
    host = pg_cluster.socket_dir
    try:
        yield SharedDatabase(url=f"postgresql+psycopg://{role}@/{name}?host={host}", password=ROLE_PASSWORD,
                             role=role, name=name)
    finally:
        hba.write_text(original)
        with pg_cluster.connect() as admin:
            admin.execute("SELECT pg_reload_conf()")
        pg_cluster.drop_database(name)
        with pg_cluster.connect() as admin:
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """This user's QSettings file in tmp_path; no MPEL_DATABASE_URL from the environment."""
    default = Path(QSettings("MPEL", "MPEL Desk").fileName()).parents[1]
    folder = tmp_path / "config"
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(folder))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    yield folder
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, str(default))


@pytest.fixture
def keyring_store(use_keyring):  # noqa: F811 (the imported fixture)
    return use_keyring(MemoryKeyring()).store


@pytest.fixture(autouse=True)
def _leave_logging_alone(monkeypatch):
    # main() sets up the root logger for a real run; in the test process that would outlive the test.
    monkeypatch.setattr(entry, "_configure_logging", lambda **kwargs: None)


@pytest.fixture
def typed_password(monkeypatch):
    """What the administrator types at the password prompt."""
    answers: list[str] = []

    def typed(answer: str) -> None:
        answers.append(answer)

    monkeypatch.setattr(getpass, "getpass", lambda prompt="": answers.pop(0))
    return typed


@pytest.fixture
def dialogs(monkeypatch):
    """The start-up dialogs shown, as (title, headline, details); each is also saved as a picture."""
    shown: list[tuple[str, str, str]] = []

    def exec_(box: QMessageBox) -> int:
        shown.append((box.windowTitle(), box.text(), box.informativeText()))
        box.show()  # laid out as a person would see it
        box.grab().save(f"/tmp/ui_startup_{box.windowTitle().lower().replace(' ', '_')}.png")
        box.hide()
        return QMessageBox.Close

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def revision(db: SharedDatabase) -> str | None:
    engine = db.engine()
    try:
        return migrate.current_revision(engine)
    finally:
        engine.dispose()


def previous_revision() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config(make_engine("sqlite://")))
    return script.get_revision(script.get_current_head()).down_revision


# ------------------------------------------------------------------ the walk-through

def test_administrator_configures_upgrades_and_checks_a_shared_database(
        shared_db, settings_dir, keyring_store, typed_password, capsys, qtbot):
    head = migrate.head_revision(make_engine("sqlite://"))

    typed_password(shared_db.password)
    assert entry.main(["db", "configure", "--url", shared_db.url]) == 0
    out = capsys.readouterr().out
    assert f"The password for {shared_db.account} is in this user's system keyring." in out
    assert "no MPEL Desk schema yet" in out and "an administrator must run `mpel db upgrade`" in out
    # The URL is saved, the password is not: it is in the keyring only.
    assert Settings().database_url == shared_db.url
    assert keyring_store == {(credentials.DATABASE_SERVICE, shared_db.account): shared_db.password}
    assert files_containing(settings_dir, shared_db.password) == []

    assert entry.main(["db", "status"]) == 2
    assert "no MPEL Desk schema yet" in capsys.readouterr().out
    assert entry.main(["db", "upgrade"]) == 0  # the saved URL, the keyring's password
    assert f"schema upgraded from empty to revision {head}" in capsys.readouterr().out
    assert entry.main(["db", "status"]) == 0
    assert f"schema at revision {head}, the one this MPEL Desk needs: ready for desks" in capsys.readouterr().out

    # A desk now starts on it, and is walked through creating the first administrator.
    startup = entry.open_for_desk(Settings().database_url, ask_password=lambda *_: pytest.fail("asked"))
    try:
        assert startup.needs_first_admin
    finally:
        startup.services.close()


def test_the_password_really_comes_from_the_keyring(shared_db, settings_dir, keyring_store, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(shared_db.password + "\n"))  # a scripted install
    assert entry.main(["db", "configure", "--url", shared_db.url, "--password-stdin"]) == 0
    assert keyring_store == {(credentials.DATABASE_SERVICE, shared_db.account): shared_db.password}
    assert entry.main(["db", "status"]) == 2  # connects: the schema is simply not there yet
    keyring_store.clear()  # as on another user's account, where nothing was configured
    capsys.readouterr()
    assert entry.main(["db", "status"]) == 1
    err = capsys.readouterr().err
    assert "cannot open the database" in err and f"mpel db configure --url {shared_db.url}" in err
    assert shared_db.password not in err


def test_a_wrong_password_is_refused_and_nothing_is_saved(shared_db, settings_dir, keyring_store, typed_password,
                                                          capsys):
    typed_password("not-the-password")
    assert entry.main(["db", "configure", "--url", shared_db.url]) == 1
    err = capsys.readouterr().err
    assert "password authentication failed" in err and "nothing was saved" in err
    assert keyring_store == {}
    assert Settings().database_url != shared_db.url


def test_a_password_in_the_url_goes_to_the_keyring_not_the_settings(shared_db, settings_dir, keyring_store):
    with_password = make_url(shared_db.url).set(password=shared_db.password).render_as_string(hide_password=False)
    assert entry.main(["db", "configure", "--url", with_password]) == 0
    assert make_url(Settings().database_url) == make_url(shared_db.url)  # the same URL, less the password
    assert keyring_store[(credentials.DATABASE_SERVICE, shared_db.account)] == shared_db.password
    assert files_containing(settings_dir, shared_db.password) == []
    with pytest.raises(ValueError, match="never saved"):
        Settings().database_url = with_password


# ------------------------------------------------------------------ start-up refusals

def test_a_desk_refuses_an_older_shared_schema_and_says_who_must_upgrade(
        shared_db, settings_dir, keyring_store, dialogs, qtbot):
    older = previous_revision()
    engine = shared_db.engine()
    command.upgrade(migrate.alembic_config(engine), older)
    engine.dispose()
    credentials.set_password(shared_db.account, shared_db.password, service=credentials.DATABASE_SERVICE)

    assert entry.main(["--database", shared_db.url]) == 1
    [(title, headline, details)] = dialogs
    assert title == "The shared database needs upgrading"
    assert headline == "MPEL Desk cannot use this database until an administrator upgrades it."
    head = migrate.head_revision(make_engine("sqlite://"))
    assert f"This database is at schema {older}; this MPEL Desk needs schema {head}." in details
    assert "\n    mpel db upgrade\n" in details and shared_db.password not in details
    assert revision(shared_db) == older  # refused, not silently migrated


def test_an_empty_shared_database_is_not_set_up_by_a_desk(shared_db, settings_dir, keyring_store, dialogs, qtbot):
    credentials.set_password(shared_db.account, shared_db.password, service=credentials.DATABASE_SERVICE)
    assert entry.open_for_desk(shared_db.url) is None
    assert dialogs[0][0] == "The shared database needs upgrading"
    assert "no MPEL Desk schema yet" in dialogs[0][2]
    assert revision(shared_db) is None


def test_a_desk_refuses_a_newer_shared_schema(shared_db, settings_dir, keyring_store, dialogs, capsys, qtbot):
    engine = shared_db.engine()
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    engine.dispose()
    credentials.set_password(shared_db.account, shared_db.password, service=credentials.DATABASE_SERVICE)

    assert entry.main(["--database", shared_db.url]) == 1
    [(title, headline, details)] = dialogs
    assert title == "This MPEL Desk is out of date"
    assert "at schema ffff_from_the_future, which this MPEL Desk does not know" in details
    assert "Nothing in the database was changed" in details
    assert entry.main(["db", "status", "--database", shared_db.url]) == 3
    assert "newer than this MPEL Desk knows" in capsys.readouterr().out
    assert entry.main(["db", "upgrade", "--database", shared_db.url]) == 1  # refused there too
    assert revision(shared_db) == "ffff_from_the_future"


def test_the_embedded_sqlite_database_still_upgrades_itself_at_start(sqlite_url, qtbot):
    engine = make_engine(sqlite_url)
    command.upgrade(migrate.alembic_config(engine), previous_revision())
    startup = entry.open_for_desk(sqlite_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
    finally:
        startup.services.close()
        engine.dispose()


def test_a_desk_asks_for_a_password_the_keyring_lacks_and_keeps_it(shared_db, keyring_store, qtbot):
    engine = shared_db.engine()
    migrate.upgrade(engine)
    engine.dispose()
    asked: list[tuple[str, bool]] = []
    answers = ["typo-in-the-password", shared_db.password]

    def ask(account: str, again: bool) -> str:
        asked.append((account, again))
        return answers.pop(0)

    startup = entry.open_for_desk(shared_db.url, ask_password=ask)
    try:
        assert startup is not None and startup.needs_first_admin
    finally:
        startup.services.close()
    assert asked == [(shared_db.account, False), (shared_db.account, True)]
    assert keyring_store == {(credentials.DATABASE_SERVICE, shared_db.account): shared_db.password}


def test_cancelling_the_password_stops_quietly(shared_db, keyring_store, dialogs, qtbot):
    assert entry.open_for_desk(shared_db.url, ask_password=lambda *_: None) is None
    assert dialogs == [] and keyring_store == {}
