"""Command line and start-up of MPEL Desk (the ``mpel`` console script).

    mpel                        the desk on the configured database
    mpel --demo                 the desk on a demo database, filled with demo data the first time
    mpel --database URL         the desk on another database, for this run
    mpel db configure --url URL [--password-stdin] [--no-check]
                                save the database URL; its password goes to the OS keyring
    mpel db upgrade [--database URL]
                                apply the schema migrations and print the revision; no window
    mpel db status [--database URL]
                                the database's schema revision against this MPEL Desk's
    mpel purge-documents --as USERNAME [--database URL] [--dry-run]
    mpel cti serve (--ami HOST:PORT --ami-user NAME [--ami-secret-stdin] | --http HOST:PORT [--token-stdin])
                   [--queue NAME]...
                                the CTI bridge service (``cli_cti``)
    mpel report calls --from YYYY-MM-DD --to YYYY-MM-DD [--queue NAME] [--json]
                                the telephone line's 30-second report (cli_report_calls)
    mpel home-secretary-list import FILE --as USERNAME [--dry-run] [--database URL]
                                replace the Home Secretary's list from a CSV file (cli_home_secretary)

The ``db`` commands live in ``cli_db``.  At start-up the embedded SQLite
database is migrated by the desk itself; a shared PostgreSQL database is only
checked, and a desk that finds it older (or newer) than itself says so in a
dialog and stops (``db.migrate`` explains why).  A PostgreSQL password the
keyring does not hold is asked for when the server wants one.

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
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# No Qt at module level (config uses QSettings): see _load_before_qt for why the order matters.
from . import (cli_cti, cli_db, cli_home_secretary, cli_inbox, cli_legacy, cli_members, cli_outbox,
               cli_purge_records,
               cli_report_calls, cli_report_league, paths)
from .cli_report import report_group

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
    parser.add_argument("--smoke-test", action="store_true",
                        help="check this installation on a temporary database, offscreen, and exit (0: passed)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    configure = db_commands.add_parser(
        "configure", help="save the database URL for this user; the password is asked for and kept in the "
                          "OS keyring, never in a file")
    configure.add_argument("--url", required=True, metavar="URL",
                           help="e.g. postgresql+psycopg://mpel@dbhost/mpel (no password in it)")
    configure.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of standard input (for scripts)")
    configure.add_argument("--no-check", dest="check", action="store_false",
                           help="save without first connecting to the database")
    configure.add_argument("--single-sign-on", action="store_true",
                           help="sign in with Windows (SSPI) or a Kerberos ticket: no password (README)")
    upgrade = db_commands.add_parser("upgrade", help="apply the schema migrations and print the revision")
    status = db_commands.add_parser("status", help="the database's schema revision against this MPEL Desk's "
                                                   "(exit status 0 current, 2 needs upgrade, 3 newer)")
    for command in (upgrade, status):
        # SUPPRESS: `mpel --database X db upgrade` and `mpel db upgrade --database X` both work.
        command.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                             help="database URL (default as for the desk)")
    cli_legacy.add_parser(commands)
    cli_inbox.add_parser(commands)
    # Its own parser (cli_purge) owns the options; this entry only names the command for --help.
    commands.add_parser("purge-documents", add_help=False,
                        help="purge scanned letters and replies past retention (administrators)")
    cli_cti.add_parser(commands)
    cli_purge_records.add_parser(commands)
    cli_report_league.add_parser(commands)
    cli_report_calls.add_parser(report_group(commands))
    cli_members.add_parser(commands)
    cli_home_secretary.add_parser(commands)
    cli_outbox.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["purge-documents"]:
        from . import cli_purge

        _configure_logging(verbose=False, to_file=False)
        return cli_purge.main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.smoke_test:  # the installer's check (smoke_test): no window, no user data touched but its report
        from . import smoke_test

        smoke_test.prepare_environment()
        _configure_logging(verbose=args.verbose, to_file=False)
        return smoke_test.run()
    if args.command == "db":
        _configure_logging(verbose=args.verbose, to_file=False)
        if args.db_command == "configure":
            return cli_db.db_configure(args.url, password_stdin=args.password_stdin, check=args.check,
                                       single_sign_on=args.single_sign_on)
        from .config import Settings

        url = args.database or Settings().database_url
        return cli_db.db_status(url) if args.db_command == "status" else cli_db.db_upgrade(url)
    if args.command == "cti":
        _configure_logging(verbose=True, to_file=True)  # a service: its INFO lines go to the journal too
        return cli_cti.run(args)
    if args.command == "report":
        _configure_logging(verbose=args.verbose, to_file=False)
        return args.report_run(args)
    if args.command == "legacy":
        _configure_logging(verbose=args.verbose, to_file=False)
        return cli_legacy.run(args)
    if args.command == "inbox":
        _configure_logging(verbose=args.verbose, to_file=False)
        return cli_inbox.run(args)
    if args.command == "outbox":
        _configure_logging(verbose=True, to_file=False)
        return cli_outbox.run(args)
    if args.command == "members":
        _configure_logging(verbose=args.verbose, to_file=False)
        return cli_members.run(args)
    if args.command == cli_home_secretary.NAME:
        _configure_logging(verbose=args.verbose, to_file=False)
        return cli_home_secretary.run(args)
    if args.command == cli_purge_records.NAME:
        _configure_logging(verbose=args.verbose, to_file=False)
        return cli_purge_records.run(args)
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


# The db commands' helpers serve the start-up messages too.
_safe_url, _problem = cli_db.safe_url, cli_db.problem
db_upgrade = cli_db.db_upgrade


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
            services = open_database(url, upgrade=None)  # SQLite: migrate; shared PostgreSQL: check only
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


class StartupProbe:
    """For benchmarks/cold_start.py and benchmarks/memory.py only: with ``MPEL_STARTUP_PROBE=username`` set,
    sign in as that user with the password read from stdin, print ``mpel-probe <phase> <unix time> <CPU time>`` as
    start-up passes each phase, and quit once the main window is shown with its first lists loaded."""

    ENV = "MPEL_STARTUP_PROBE"

    def __init__(self) -> None:
        self.username = os.environ.get(self.ENV, "").strip()

    def mark(self, phase: str) -> None:
        if self.username:
            # The wall clock, and this process's CPU time so far (all threads): the steadier on a busy machine.
            print(f"mpel-probe {phase} {time.time():.6f} {time.process_time():.6f}", flush=True)

    def sign_in(self, login: Any) -> None:
        if not self.username:
            return
        from PySide6.QtCore import QTimer

        def fill() -> None:  # once the sign-in window is up: the first window a person can use
            self.mark("sign-in-shown")
            login.username.setText(self.username)
            login.password.setText(sys.stdin.readline().rstrip("\n"))
            login.sign_in()

        QTimer.singleShot(0, fill)

    def until_ready(self, window: Any, runner: Any) -> None:
        """Ready: nothing left in the runner (its answers shown) and the window painted; then close."""
        if not self.username:
            return
        from PySide6.QtCore import QTimer

        def check() -> None:
            if not runner.busy and window.isVisible():
                window.repaint()
                self.mark("ready")
                window.close()

        # A task's answer may start the next (regions, then the queue): check after each, once it is shown.
        runner.busy_changed.connect(lambda busy: busy or QTimer.singleShot(0, check))
        QTimer.singleShot(0, check)


def startup_problem(exc: BaseException, url: str) -> tuple[str, str, str]:
    """(title, headline, details) of the dialog shown when the desk cannot open its database."""
    from .db.migrate import UPGRADE_COMMAND, SchemaTooNew, SchemaTooOld
    from .ui.widgets import error_text

    where = f"Database: {_safe_url(url)}"
    status = getattr(exc, "status", None)
    if isinstance(exc, SchemaTooOld) and status is not None:
        found = (f"This database is at schema {status.current}" if status.current
                 else "This database has no MPEL Desk schema yet")
        return ("The shared database needs upgrading",
                "MPEL Desk cannot use this database until an administrator upgrades it.",
                f"{found}; this MPEL Desk needs schema {status.head}.\n\n"
                f"Ask your MPEL Desk administrator to run\n\n    {UPGRADE_COMMAND}\n\n"
                "then start MPEL Desk again. Desks never upgrade a shared database themselves: the "
                f"administrator chooses when, once no desk still runs the older version.\n\n{where}")
    if isinstance(exc, SchemaTooNew) and status is not None:
        return ("This MPEL Desk is out of date",
                "A newer version of MPEL Desk has upgraded this database.",
                f"The database is at schema {status.current}, which this MPEL Desk does not know (it has "
                f"{status.head}).\n\nAsk IT to install the newer MPEL Desk on this computer. Nothing in the "
                f"database was changed.\n\n{where}")
    detail = _problem(exc) if hasattr(exc, "orig") else error_text(exc)
    return "MPEL Desk cannot start", "MPEL Desk could not open the database.", f"{detail}\n\n{where}"


def show_startup_problem(exc: BaseException, url: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    title, headline, details = startup_problem(exc, url)
    box = QMessageBox(QMessageBox.Critical, title, headline, QMessageBox.Close)
    box.setInformativeText(details)
    box.setAccessibleName(title)
    box.setAccessibleDescription(f"{headline} {details}")
    box.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)  # copy the command
    box.exec()


def ask_database_password(account: str, again: bool) -> str | None:
    """The password dialog for a shared database the keyring has no (or a refused) password for."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    dialog = QInputDialog()
    dialog.setWindowTitle("Database password")
    dialog.setLabelText((f"The database refused that password for {account}. Try again:" if again
                         else f"Password for the database account {account}") +
                        "\n(kept in the system keyring, or for this session only where there is none)")
    dialog.setTextEchoMode(QLineEdit.Password)
    dialog.setOkButtonText("Connect")
    dialog.setAccessibleName("Database password")
    if dialog.exec() != QInputDialog.Accepted:
        return None
    return dialog.textValue() or None


def open_for_desk(url: str, *, demo: bool = False,
                  ask_password: Callable[[str, bool], str | None] | None = None) -> Startup | None:
    """Open the desk's database, or say in a dialog why not (None).

    When a shared database wants a password the keyring does not hold (or holds
    a stale one), it is asked for and kept as the SMTP password is
    (``notify.credentials``), and the database is tried again.
    """
    from .notify import credentials

    try:
        account = credentials.database_account(url)
    except Exception:  # not a URL at all: prepare_database says so in the dialog below
        account = None
    asked = False
    while True:
        try:
            return prepare_database(url, demo=demo)
        except Exception as exc:  # shown to the person, not raised
            if account and cli_db.password_refused(exc):
                answer = (ask_password or ask_database_password)(account, asked)
                if answer:
                    credentials.set_password(account, answer, service=credentials.DATABASE_SERVICE)
                    asked = True
                    continue
                return None  # cancelled: nothing more to say
            log.error("cannot open %s", _safe_url(url), exc_info=exc)
            show_startup_problem(exc, url)
            return None


def _load_before_qt() -> None:
    """Import the desk's Qt-free modules, and work out this year's bank holidays, before PySide6 is loaded.

    Once PySide6 is imported it reads the source of every module imported after it, to see whether
    the module uses PySide's ``__feature__`` switches: a fraction of a millisecond each, which over
    the services' few hundred modules (SQLAlchemy, the models, the rules) and the holidays package's
    250 country modules came to about a tenth of a second of every start (issue 5).  The bank
    holidays are needed at once anyway: the first escalation run and the first queue's due dates
    count working days, and worked out in a task they held the SQLite write lock meanwhile.  They
    come from the desk's saved copy (``holiday_cache``) when it has them, which spares importing
    the holidays package at all.
    """
    from datetime import datetime

    from . import app  # noqa: F401 (the composition root: services, models, SQLAlchemy)
    from . import holiday_cache, paths
    from .domain.calendar import LONDON, REGION_NATION

    # Last year, this year and next: queue ages look back, due dates in December run on.
    year = datetime.now(LONDON).year
    holiday_cache.warm(paths.user_data() / holiday_cache.FILE_NAME,
                       sorted(set(REGION_NATION.values())), (year - 1, year, year + 1))


def _load_main_window() -> None:
    from .ui import main_window  # noqa: F401 (imported now, used once the person has signed in)


def run_gui(args: argparse.Namespace) -> int:
    probe = StartupProbe()
    _load_before_qt()
    probe.mark("qt-free-loaded")
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from .config import APPLICATION, ORGANISATION, Settings, describe_database, smtp_settings
    from .ui.login import FirstAdminDialog, LoginDialog
    from .ui.task_runner import TaskRunner

    probe.mark("ui-loaded")
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
    probe.mark("qt-started")

    startup = open_for_desk(url, demo=args.demo)
    if startup is None:
        return 1

    services = startup.services
    probe.mark("database-open")
    runner = TaskRunner()
    try:
        username = ""
        if startup.needs_first_admin:
            wizard = FirstAdminDialog(services, runner)
            if wizard.exec() != QDialog.Accepted:
                return 0
            username = wizard.user.username
        login = LoginDialog(services, runner, demo=startup.demo, username=username)
        probe.sign_in(login)
        # The sign-in window shows without the main window's modules (issue 16); they load once it is
        # up, while the person types (and the password is checked on another thread).
        QTimer.singleShot(0, _load_main_window)
        if login.exec() != QDialog.Accepted or login.user is None:
            return 0
        probe.mark("signed-in")
        from .ui.context import DeskContext
        from .ui.drafts import user_draft_store
        from .ui.main_window import MainWindow

        ctx = DeskContext(services=services, user=login.user, runner=runner,
                          drafts=user_draft_store(login.user.username, url),
                          view_settings=QSettings(ORGANISATION, APPLICATION))  # lists' filters (ui.steer)
        label = describe_database(url) + (" (demo data)" if args.demo else "")
        window = MainWindow(ctx, database_label=label,
                            idle_lock_minutes=settings.idle_lock_minutes)
        window.show()
        # After sign-in and with the window up: the mail password prompt (if the keyring has
        # none) has a parent, and the sender starts only once it has been answered.
        window.start_mail_delivery(smtp_settings(settings))
        probe.mark("window-shown")
        probe.until_ready(window, runner)
        from .startup_heap import freeze_startup_heap  # a second after the window is up: never in its way

        QTimer.singleShot(1000, freeze_startup_heap)
        return app.exec()
    finally:
        runner.wait()
        services.close()


if __name__ == "__main__":
    sys.exit(main())
