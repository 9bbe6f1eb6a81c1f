"""The `mpel` command: `db upgrade`, settings, and the start-up sequence (demo seeding, sign-in, window)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog
from sqlalchemy import create_engine, text

from mpel_app import __main__ as entry
from mpel_app import paths
from mpel_app.config import DATABASE_URL_ENV, Settings, describe_database
from mpel_app.db.migrate import head_revision
from mpel_app.db.engine import make_engine
from mpel_app.ui.login import LoginDialog
from mpel_app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _leave_logging_alone(monkeypatch):
    # main() sets up the root logger for a real run; in the test process that would outlive the test.
    monkeypatch.setattr(entry, "_configure_logging", lambda **kwargs: None)


# ---------------------------------------------------------------- db upgrade

def test_db_upgrade_migrates_and_prints_the_revision(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    head = head_revision(make_engine(url))
    assert entry.main(["db", "upgrade", "--database", url]) == 0
    out = capsys.readouterr().out
    assert f"schema upgraded from empty to revision {head}" in out
    with create_engine(url).connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head
    # Again: nothing to do, still success; --database before the command works too.
    assert entry.main(["--database", url, "db", "upgrade"]) == 0
    assert f"schema already at revision {head}" in capsys.readouterr().out


def test_db_upgrade_refuses_a_newer_database(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    assert entry.main(["db", "upgrade", "--database", url]) == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '9999_from_the_future'"))
    engine.dispose()
    capsys.readouterr()
    assert entry.main(["db", "upgrade", "--database", url]) == 1
    err = capsys.readouterr().err
    assert "cannot upgrade" in err and "newer than this MPEL Desk knows" in err


def test_db_upgrade_reports_a_connection_failure(capsys):
    # Port 1 on loopback: refused at once. The password must never be printed.
    url = "postgresql+psycopg://mpel:s3cret@127.0.0.1:1/mpel"
    assert entry.main(["db", "upgrade", "--database", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mpel: cannot open the database postgresql+psycopg://mpel:***@127.0.0.1:1/mpel")
    assert "s3cret" not in err


def test_db_upgrade_rejects_a_malformed_url(capsys):
    assert entry.main(["db", "upgrade", "--database", "not a url"]) == 1
    assert "is not a database URL" in capsys.readouterr().err


# ------------------------------------------------------------------ settings

def test_settings_defaults_stored_values_and_environment(tmp_path: Path):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    settings = Settings(store, environ={})
    assert settings.database_url == paths.default_database_url()
    assert settings.idle_lock_minutes == 15
    settings.database_url = "postgresql+psycopg://mpel@dbhost/mpel"
    settings.idle_lock_minutes = 5
    assert Settings(store, environ={}).database_url == "postgresql+psycopg://mpel@dbhost/mpel"
    assert Settings(store, environ={}).idle_lock_minutes == 5
    assert Settings(store, environ={DATABASE_URL_ENV: "sqlite:///elsewhere.db"}).database_url == "sqlite:///elsewhere.db"
    store.setValue("security/idle_lock_minutes", "soon")
    assert settings.idle_lock_minutes == 15


def test_database_description_hides_passwords():
    assert describe_database("sqlite:////data/mpel.sqlite3") == "SQLite file /data/mpel.sqlite3"
    assert describe_database("postgresql+psycopg://mpel:pw@db.example/mpel") == "PostgreSQL mpel on db.example"


# ------------------------------------------------------------------- start-up

def _small_seed(services, progress):
    from mpel_app.demo import seed_demo

    return seed_demo(services, members=12, enquiries=40, progress=progress)


def test_prepare_database_seeds_a_fresh_demo_once_behind_a_progress_dialog(qtbot, tmp_path: Path):
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    seen: list[str] = []

    def seeder(services, progress):
        def spy(done, total, message):
            progress(done, total, message)
            seen.append(message)
        return _small_seed(services, spy)

    startup = entry.prepare_database(url, demo=True, seeder=seeder)
    try:
        assert not startup.needs_first_admin
        assert startup.demo.usernames["call agent 1"] == "agent1" and startup.demo.password
        assert "logging demo enquiries" in seen
        assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]
        assert startup.services.users.authenticate("agent1", startup.demo.password).username == "agent1"
    finally:
        startup.services.close()

    # Second start: nothing is seeded again; the sign-in hint still knows the accounts.
    again = entry.prepare_database(url, demo=True, seeder=lambda *_: pytest.fail("seeded twice"))
    try:
        assert again.demo.usernames == startup.demo.usernames
    finally:
        again.services.close()


def test_prepare_database_raises_on_the_ui_thread(qtbot, tmp_path: Path):
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    assert entry.main(["db", "upgrade", "--database", url]) == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = 'zzzz'"))
    engine.dispose()
    from mpel_app.db.migrate import SchemaTooNew

    with pytest.raises(SchemaTooNew):
        entry.prepare_database(url)


def test_prepare_database_on_an_empty_database_wants_the_first_admin(qtbot, tmp_path: Path):
    startup = entry.prepare_database(f"sqlite:///{tmp_path}/fresh.sqlite3")
    try:
        assert startup.needs_first_admin and startup.demo is None
    finally:
        startup.services.close()


def test_demo_start_runs_the_whole_sequence(qtbot, tmp_path: Path, monkeypatch):
    """`mpel --demo`: seed, sign in (driven here), main window; then the app's event loop."""
    monkeypatch.setattr(paths, "user_data", lambda: tmp_path)
    monkeypatch.setattr(entry, "DEMO_SIZE", {"members": 12, "enquiries": 40})
    shown: dict = {}

    def sign_in(dialog: LoginDialog) -> int:
        shown["demo"] = dialog.demo_accounts is not None and dialog.demo_accounts.count()
        with qtbot.waitSignal(dialog.accepted):
            dialog.username.setText("mpeltl")
            dialog.password.setText(dialog._demo.password)
            dialog.sign_in_button.click()
        return QDialog.Accepted

    def run_loop(_app=None) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        shown["windows"] = [w.windowTitle() for w in windows]
        shown["database"] = windows[0].database_label.text()
        for window in windows:
            qtbot.waitUntil(lambda: not window.ctx.runner.busy)
            window.close()
        return 0

    monkeypatch.setattr(LoginDialog, "exec", sign_in)
    monkeypatch.setattr(QApplication, "exec", staticmethod(run_loop))
    assert entry.main(["--demo"]) == 0
    assert shown["demo"] == 20  # every demo account, Private Office and the data protection officer included
    assert shown["windows"] == ["MPEL Desk — Gareth Hughes"]
    assert shown["database"] == f"SQLite file {tmp_path / 'demo.sqlite3'} (demo data)"
    assert (tmp_path / "demo.sqlite3").exists()
