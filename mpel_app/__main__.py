"""Command line and start-up of MPEL Desk (the ``mpel`` console script).

    mpel                        the desk on the configured database
    mpel --demo                 the desk on a demo database, filled with demo data the first time
    mpel --database URL         the desk on another database, for this run
    mpel db upgrade [--database URL]
    mpel purge-documents --as USERNAME [--database URL] [--dry-run]
                                apply the schema migrations and print the revision; no window

Start-up order (architecture): logging → QApplication → open the database
(migrate, and in demo mode seed) in a worker thread behind a progress dialog
→ the first-administrator walk-through when there are no users → sign in →
main window → mail delivery (the SMTP password asked for if the keyring has
none; with no ``MPEL_SMTP_HOST`` or stored host, mail is not set up and the
window's banner says so).
"""
from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .config import APPLICATION, ORGANISATION, Settings, describe_database, smtp_settings

log = logging.getLogger("mpel_app")

# How much demo data a first `mpel --demo` start creates (tests make it smaller).
DEMO_SIZE: dict[str, int] = {"members": 400, "enquiries": 3000}


# ------------------------------------------------------------------ arguments

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpel", description="MPEL Desk: the MPs' Enquiry Line case-handling desk.")
    parser.add_argument("--database", metavar="URL",
                        help="database URL for this run, e.g. postgresql+psycopg://mpel@dbhost/mpel "
                             "(default: MPEL_DATABASE_URL, then the saved setting, then SQLite in your "
                             "user data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="use a separate demo database, filled with demo data on first start")
    parser.add_argument("--verbose", "-v", action="store_true", help="log more detail to the terminal")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply the schema migrations and print the revision")
    # SUPPRESS: `mpel --database X db upgrade` and `mpel db upgrade --database X` both work.
    upgrade.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                         help="database URL (default as for the desk)")
    # Its own parser (cli_purge) owns the options; this entry only names the command for --help.
    commands.add_parser("purge-documents", add_help=False,
                        help="purge scanned letters and replies past retention (administrators)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["purge-documents"]:
        from . import cli_purge

        _configure_logging(verbose=False, to_file=False)
        return cli_purge.main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.command == "db":
        _configure_logging(verbose=args.verbose, to_file=False)
        url = args.database or Settings().database_url
        return db_upgrade(url)
    _configure_logging(verbose=args.verbose, to_file=True)
    return run_gui(args)


def _configure_logging(*, verbose: bool, to_file: bool) -> None:
    root = logging.getLogger()
    if getattr(root, "_mpel_configured", False):
        return
    root.setLevel(logging.INFO)
    terminal = logging.StreamHandler()
    terminal.setLevel(logging.INFO if verbose else logging.WARNING)
    terminal.setFormatter(logging.Formatter("mpel: %(levelname)s %(name)s: %(message)s"))
    root.addHandler(terminal)
    if to_file:
        try:
            # A small rolling log beside the data, for support; no personal data is logged.
            handler = logging.handlers.RotatingFileHandler(paths.user_data() / "mpel-desk.log",
                                                           maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        except OSError:
            log.warning("cannot write the log file; logging to the terminal only", exc_info=True)
        else:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            root.addHandler(handler)
    root._mpel_configured = True  # type: ignore[attr-defined]


def _safe_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _problem(exc: BaseException) -> str:
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig  # the driver's own words: "connection refused", "password authentication failed"
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text[0].upper() + text[1:]


# ----------------------------------------------------------------- db upgrade

def db_upgrade(url: str) -> int:
    """``mpel db upgrade``: migrate to the latest schema and print the revision."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from .db import migrate
    from .db.engine import make_engine

    shown = _safe_url(url)
    try:
        engine = make_engine(url)
    except (ArgumentError, ValueError) as exc:
        print(f"mpel: {shown!r} is not a database URL: {_problem(exc)}", file=sys.stderr)
        return 1
    except ImportError as exc:
        print(f"mpel: the driver for {shown} is not installed: {_problem(exc)}", file=sys.stderr)
        return 1
    try:
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        after = migrate.current_revision(engine)
    except migrate.SchemaTooNew as exc:
        print(f"mpel: cannot upgrade {shown}: {exc}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as exc:
        print(f"mpel: cannot open the database {shown}: {_problem(exc)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if before == after:
        print(f"{shown}: schema already at revision {after} (the latest)")
    else:
        print(f"{shown}: schema upgraded from {before or 'empty'} to revision {after} (the latest)")
    return 0


# --------------------------------------------------------------------- start-up

@dataclass(frozen=True)
class DemoLogins:
    """What the sign-in window shows on a demo database."""

    password: str
    usernames: dict[str, str] = field(default_factory=dict)
    passcode_hint: str = ""


@dataclass
class Startup:
    services: Any  # mpel_app.app.Services
    needs_first_admin: bool
    demo: DemoLogins | None = None


def demo_database_path() -> Path:
    return paths.user_data() / "demo.sqlite3"


def _demo_logins_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    return Path(database).with_suffix(".logins.json") if database else None


def _save_demo_logins(url: str, info: Any) -> DemoLogins:
    logins = DemoLogins(password=info.password, usernames=dict(info.usernames),
                        passcode_hint=getattr(info, "passcode_hint", ""))
    target = _demo_logins_path(url)
    if target is not None:
        # Demo accounts only, with the published demo password: nothing secret.
        target.write_text(json.dumps(logins.__dict__, indent=2), encoding="utf-8")
    return logins


def _load_demo_logins(url: str) -> DemoLogins:
    target = _demo_logins_path(url)
    if target is not None and target.exists():
        try:
            return DemoLogins(**json.loads(target.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            log.warning("unreadable demo sign-in list %s", target, exc_info=True)
    from . import demo

    return DemoLogins(password=demo.DEMO_PASSWORD, passcode_hint=getattr(demo, "PASSCODE_HINT", ""))


def _default_seeder(services: Any, progress: Callable[[int, int, str], None]) -> Any:
    from .demo import seed_demo

    return seed_demo(services, progress=progress, **DEMO_SIZE)


Seeder = Callable[[Any, Callable[[int, int, str], None]], Any]


def prepare_database(url: str, *, demo: bool = False, seeder: Seeder | None = None,
                     parent: Any = None) -> Startup:
    """Open and migrate the database (and fill a fresh demo one) in a worker thread.

    A progress dialog keeps the window alive meanwhile: migrating a large
    database or creating thousands of demo enquiries takes a while, and a
    frozen window looks like a crash. Errors are raised here, on the UI thread.
    """
    from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
    from PySide6.QtWidgets import QProgressDialog

    from .app import open_database

    class Bridge(QObject):
        progress = Signal(int, int, str)
        finished = Signal(object)
        failed = Signal(object)

    bridge = Bridge()
    dialog = QProgressDialog("Opening the database…", None, 0, 0, parent)
    dialog.setWindowTitle("Starting MPEL Desk")
    dialog.setCancelButton(None)  # half a migration is worse than waiting
    dialog.setMinimumDuration(0)
    dialog.setMinimumWidth(420)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setWindowModality(Qt.ApplicationModal)
    dialog.setAccessibleName("Starting MPEL Desk")
    dialog.show()

    def report(done: int, total: int, message: str) -> None:  # worker thread → queued to the UI
        bridge.progress.emit(done, total, message)

    def show_progress(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        dialog.setLabelText((message[:1].upper() + message[1:]).rstrip(".…") + "…")

    def work() -> None:
        services = None
        try:
            report(0, 0, "opening and updating the database")
            services = open_database(url)
            needs_admin = services.users.needs_first_admin()
            logins = None
            if demo:
                if needs_admin:
                    report(0, 0, "creating the demo data (first start only)")
                    info = (seeder or _default_seeder)(services, report)
                    logins = _save_demo_logins(url, info)
                    needs_admin = services.users.needs_first_admin()
                else:
                    logins = _load_demo_logins(url)
            bridge.finished.emit(Startup(services=services, needs_first_admin=needs_admin, demo=logins))
        except BaseException as exc:  # handed to the UI thread, which shows it
            if services is not None:
                services.close()
            bridge.failed.emit(exc)

    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    bridge.progress.connect(show_progress)
    bridge.finished.connect(lambda result: (outcome.setdefault("result", result), loop.quit()))
    bridge.failed.connect(lambda exc: (outcome.setdefault("error", exc), loop.quit()))
    thread = threading.Thread(target=work, name="mpel-startup", daemon=True)
    thread.start()
    if not outcome:
        loop.exec()
    thread.join()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from .ui.context import DeskContext
    from .ui.login import FirstAdminDialog, LoginDialog
    from .ui.main_window import MainWindow
    from .ui.drafts import user_draft_store
    from .ui.task_runner import TaskRunner
    from .ui.widgets import error_text

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)

    settings = Settings()
    if args.database:
        url = args.database
    elif args.demo:
        url = f"sqlite:///{demo_database_path()}"
    else:
        url = settings.database_url
    log.info("starting on %s", _safe_url(url))

    try:
        startup = prepare_database(url, demo=args.demo)
    except Exception as exc:
        log.error("cannot open %s", _safe_url(url), exc_info=exc)
        detail = error_text(exc) if not hasattr(exc, "orig") else _problem(exc)
        QMessageBox.critical(None, "MPEL Desk cannot start",
                             f"MPEL Desk could not open the database\n{_safe_url(url)}\n\n{detail}")
        return 1

    services = startup.services
    runner = TaskRunner()
    try:
        username = ""
        if startup.needs_first_admin:
            wizard = FirstAdminDialog(services, runner)
            if wizard.exec() != QDialog.Accepted:
                return 0
            username = wizard.user.username
        login = LoginDialog(services, runner, demo=startup.demo, username=username)
        if login.exec() != QDialog.Accepted or login.user is None:
            return 0
        ctx = DeskContext(services=services, user=login.user, runner=runner,
                          drafts=user_draft_store(login.user.username, url))
        label = describe_database(url) + (" (demo data)" if args.demo else "")
        window = MainWindow(ctx, database_label=label,
                            idle_lock_minutes=settings.idle_lock_minutes)
        window.show()
        # After sign-in and with the window up: the mail password prompt (if the keyring has
        # none) has a parent, and the sender starts only once it has been answered.
        window.start_mail_delivery(smtp_settings(settings))
        return app.exec()
    finally:
        runner.wait()
        services.close()


if __name__ == "__main__":
    sys.exit(main())
