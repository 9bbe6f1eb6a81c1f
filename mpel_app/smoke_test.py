"""``mpel --smoke-test``: does this installation (source tree or frozen build) have all it needs to run?

Checks, in order, each printed as one line:

* the bundled resources (letter templates, regions, fonts) and migrations are where ``paths`` looks;
* a temporary SQLite database is created from those migrations and filled with a little demo data;
* the main window opens offscreen with every view in the static registry (``ui.view_registry``),
  for a user whose roles give them all of them, and the desk's list views load;
* a call-record PDF and a letter .docx are built, the PDF with the bundled font embedded;
* which keyring backend was found (reported; a desk without one asks for secrets each session).

Exit status 0 when everything passed, 1 otherwise, with the missing part named.  The report
goes to standard output when there is one and always to ``smoke-test.log`` in the user's data
folder: a windowed Windows build has no console to print to.
"""
from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import paths

REPORT_NAME = "smoke-test.log"
# What a frozen build must carry beside the code (paths.resources_dir / paths.migrations_dir).
REQUIRED_RESOURCES = ("regions.json", "contacts.json", "letters/third_party.txt", "letters/in_confidence.txt",
                      "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf")


class SmokeFailure(Exception):
    """A check found something missing or broken; the message says what."""


class Report:
    """Lines of the smoke test's report, printed as they come and kept for the report file."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.failed = 0

    def say(self, line: str) -> None:
        self.lines.append(line)
        if sys.stdout is not None:  # None in a windowed (console=False) Windows build
            print(line, flush=True)

    def check(self, name: str, work: Callable[[], str]) -> bool:
        started = time.perf_counter()
        try:
            detail = work()
        except Exception as exc:  # every failure is reported, not raised: the next checks still run
            self.failed += 1
            self.say(f"FAIL {name}: {exc if isinstance(exc, SmokeFailure) else repr(exc)}")
            if not isinstance(exc, SmokeFailure):
                for line in traceback.format_exception(exc)[-6:]:
                    self.say("     " + line.rstrip().replace("\n", "\n     "))
            return False
        self.say(f"ok   {name} ({time.perf_counter() - started:.1f} s): {detail}")
        return True


def check_files() -> str:
    root = paths.resources_dir()
    missing = [name for name in REQUIRED_RESOURCES if not (root / name).is_file()]
    versions = paths.migrations_dir() / "versions"
    migrations = sorted(versions.glob("*.py")) if versions.is_dir() else []
    if not (paths.migrations_dir() / "env.py").is_file():
        missing.append("migrations/env.py")
    if not migrations:
        missing.append("migrations/versions/*.py")
    if missing:
        raise SmokeFailure(f"missing under {paths.project_root()}: {', '.join(missing)}")
    frozen = "frozen build" if getattr(sys, "frozen", False) else "source tree"
    return f"{frozen}; resources and {len(migrations)} migrations under {paths.project_root()}"


def open_temporary_database(folder: Path):
    from .app import open_database
    from .db import migrate
    from .demo import seed_demo

    url = f"sqlite:///{folder / 'smoke.sqlite3'}"
    services = open_database(url, upgrade=True)
    revision = migrate.current_revision(services.engine)
    if revision != migrate.head_revision(services.engine):
        raise SmokeFailure(f"migrated to {revision}, not to the head {migrate.head_revision(services.engine)}")
    seed_demo(services, members=6, enquiries=6)
    return services, revision


def smoke_user(services):
    """A user with every role, so that the window builds every registered view."""
    from .demo import DEMO_PASSWORD
    from .domain.records import Role

    admin = services.users.authenticate("admin", DEMO_PASSWORD)
    return services.users.create_user(admin, username="smoke", full_name="Smoke Test", password=DEMO_PASSWORD,
                                      roles=set(Role), region_code="LSE", grade="SEO")


def open_main_window(services, user) -> str:
    from PySide6.QtWidgets import QApplication

    from .ui.context import DeskContext
    from .ui.main_window import MainWindow
    from .ui.task_runner import TaskRunner
    from .ui.view_registry import VIEWS, views_for

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    runner = TaskRunner()
    ctx = DeskContext(services=services, user=user, runner=runner)
    window = MainWindow(ctx, database_label="smoke test")
    try:
        window.show()
        deadline = time.monotonic() + 30
        for index in range(window.tabs.count()):  # visit every tab: each view loads its lists
            window.tabs.setCurrentIndex(index)
            app.processEvents()
        while (runner.busy or not window.isVisible()) and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        if runner.busy:
            raise SmokeFailure("the views' lists did not load within 30 s")
        expected = [entry.title for entry in views_for(ctx)]
        # Each tab's view and its registry title (the tab's own text may carry a count: "Letters (6)").
        shown = [window.view_entries[window.tabs.widget(i).view].title for i in range(window.tabs.count())]
        if shown != expected:
            raise SmokeFailure(f"views {shown}, expected {expected}")
        if len(expected) != len(VIEWS):
            raise SmokeFailure(f"a user with every role got {len(expected)} of {len(VIEWS)} views")
        if window.grab().isNull():
            raise SmokeFailure("the main window did not paint")
        platform = app.platformName()
    finally:
        window.close()
        runner.wait(10_000)
        window.deleteLater()
        app.processEvents()
    return f"{len(shown)} views ({', '.join(shown)}) on the {platform} platform"


def build_call_record(services, user) -> str:
    from .reports.call_record import render_call_record

    first = _first_enquiry_id(services)
    record = services.enquiries.get(user, first)
    trail = services.enquiries.audit_trail(user, first)
    pdf = render_call_record(record, audit=trail, printed_by=user.full_name, printed_at=services.clock.now())
    if not pdf.startswith(b"%PDF"):
        raise SmokeFailure("the call record is not a PDF")
    if b"DejaVuSans" not in pdf:
        raise SmokeFailure("the call record was set without the bundled DejaVu Sans font (resources/fonts)")
    return f"{len(pdf):,} bytes, {record.reference}, DejaVu Sans embedded"


def _first_enquiry_id(services) -> int:
    from sqlalchemy import func, select

    from .db.models import Enquiry

    with services.uow.read() as s:
        first = s.scalar(select(func.min(Enquiry.id)))
    if first is None:
        raise SmokeFailure("the demo data has no enquiry to print")
    return first


def build_letter() -> str:
    from .reports.letters import Addressee, LetterContext, render_letter_docx

    ctx = LetterContext(
        cts_reference="M12345/26", kind="ministerial", date=date(2026, 3, 9),
        addressee=Addressee("Jane Doe", courtesy_title="Ms", address_lines=("House of Commons", "London SW1A 0AA")),
        subject_name="Sam Example", constituent_name="Sam Example", member_letter_date=date(2026, 3, 2),
        issue="the application for leave to remain", signatory_name="Anne Minister",
        signatory_title="Minister of State", forwardable_body=("A decision has been made.",))
    data = render_letter_docx("third_party", ctx)
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    if "M12345/26" not in text or "Dear Ms Doe" not in text:
        raise SmokeFailure("the letter .docx does not read back")
    return f"{len(data):,} bytes, third_party template, reads back"


def keyring_backend() -> str:
    import keyring

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if "fail" in type(backend).__module__:
        return f"{name}: none found; the desk will ask for secrets each session"
    return name


def run() -> int:
    """Run every check; 0 when all passed."""
    report = Report()
    report.say(f"MPEL Desk smoke test: {sys.executable}")
    state: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="mpel-smoke-") as folder:
        report.check("bundled files", check_files)

        def database() -> str:
            services, revision = open_temporary_database(Path(folder))
            state["services"] = services
            state["user"] = smoke_user(services)
            return f"SQLite migrated to {revision} (head), demo data added"

        if report.check("database from the bundled migrations", database):
            services, user = state["services"], state["user"]
            report.check("main window offscreen", lambda: open_main_window(services, user))
            report.check("call-record PDF", lambda: build_call_record(services, user))
            services.close()  # type: ignore[attr-defined]
        report.check("letter .docx", build_letter)
        report.check("keyring backend", keyring_backend)
    verdict = "passed" if not report.failed else f"FAILED ({report.failed} check(s))"
    report.say(f"smoke test {verdict}")
    try:
        (paths.user_data() / REPORT_NAME).write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    except OSError:
        pass  # the exit status still says it
    return 0 if not report.failed else 1


def prepare_environment() -> None:
    """Offscreen Qt before PySide6 loads: the smoke test must run on a build machine with no display."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
