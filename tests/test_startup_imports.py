"""What a desk's start imports (issue 5: a usable window within 1.5 s).

Each check runs in a fresh interpreter, as a desk starts.  The desk's own
modules, the services and the main window load without reportlab,
python-docx or pypdf (imported only when a PDF or a .docx is made) and
without Alembic (imported only when the schema is not at the head,
tests/db/test_fast_schema_check.py).  And nothing before
``__main__._load_before_qt`` loads PySide6: once it is loaded, every module
imported after it has its source read by PySide, which cost about a tenth of
a second of each start.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# keyring: ~30 ms, and a desk on its own file needs no password before its window is up (issue 16).
HEAVY = ("reportlab", "docx", "pypdf", "alembic", "mako", "keyring")


def _loaded_after(code: str, **env: str) -> list[str]:
    """The top-level packages loaded in a fresh interpreter after running code."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_the_desk_loads_no_document_libraries_nor_alembic():
    loaded = _loaded_after("import mpel_app.__main__, mpel_app.app, mpel_app.ui.context, mpel_app.ui.login, "
                           "mpel_app.ui.main_window, mpel_app.ui.queues, mpel_app.ui.letters_view")
    assert "PySide6" in loaded and "sqlalchemy" in loaded  # the probe did load the desk
    assert [name for name in HEAVY if name in loaded] == []


def test_reportlab_loads_when_a_letter_is_made():
    loaded = _loaded_after(
        "import sys\n"
        "from tests.reports.test_letters import make_ctx\n"
        "from mpel_app.reports.letters import render_letter_pdf\n"
        "assert 'reportlab' not in sys.modules\n"
        "assert render_letter_pdf('third_party', make_ctx()).startswith(b'%PDF')")
    assert "reportlab" in loaded


def test_qt_is_loaded_only_after_the_qt_free_modules(tmp_path):
    first = _loaded_after("import mpel_app.__main__ as entry\nentry._load_before_qt()",
                          XDG_DATA_HOME=str(tmp_path))
    assert "PySide6" not in first
    assert {"sqlalchemy", "holidays"} <= set(first)  # the first start works the bank holidays out
    again = _loaded_after("import mpel_app.__main__ as entry\nentry._load_before_qt()",
                          XDG_DATA_HOME=str(tmp_path))
    # Every later start reads them from its saved copy (holiday_cache): ~0.1 s less.
    assert "sqlalchemy" in again and "holidays" not in again


# Views and services an account manager's start has no use for (issue 16): each is imported and built
# only when its tab is first shown, or the service first used.
NOT_AT_START_VIEWS = ("mpel_app.ui.call_view", "mpel_app.ui.find_view", "mpel_app.ui.inbox_view",
                      "mpel_app.ui.admin_view", "mpel_app.ui.audit_view", "mpel_app.ui.performance_view",
                      "mpel_app.ui.data_rights_view", "mpel_app.ui.telephony.missed_calls",
                      "mpel_app.ui.telephony.calls_view", "mpel_app.ui.duty_view", "mpel_app.ui.letters_view")
NOT_AT_START_SERVICES = ("performance", "chasing", "legacy", "erasure", "retention", "subject_access",
                         "audit", "member_list", "home_secretary_list", "regions", "rota", "units", "call_backs",
                         "desk_intake", "inbox", "email_cases")

_START = """
import json, sys, tempfile, time
from mpel_app.app import open_database
from tests.support.world import build_world
services = open_database(f"sqlite:///{tempfile.mkdtemp()}/start.sqlite3")
world = build_world(services)
from PySide6.QtWidgets import QApplication
app = QApplication([])
from mpel_app.ui.context import DeskContext
from mpel_app.ui.login import LoginDialog
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
runner = TaskRunner()
LoginDialog(services, runner)
window = MainWindow(DeskContext(services=services, user=world.am_lse, runner=runner))
window.show()
deadline = time.monotonic() + 60
while (runner.busy or not window.isVisible()) and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
assert not runner.busy
titles = [window.view_entries[v].title for v in window.view_entries]
print(json.dumps({"modules": sorted(sys.modules), "services": services.built_now(), "views": titles}))
window.close()
runner.wait()
services.close()
"""


def test_an_account_managers_start_loads_only_what_their_first_view_uses():
    out = subprocess.run([sys.executable, "-c", _START], cwd=ROOT, capture_output=True, text=True, timeout=180,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    start = json.loads(out.stdout.splitlines()[-1])
    assert start["views"] == ["Region queue"]  # the window is up with the person's own work
    assert "mpel_app.ui.queues" in start["modules"] and "enquiries" in start["services"]
    assert [name for name in NOT_AT_START_VIEWS if name in start["modules"]] == []
    assert [name for name in NOT_AT_START_SERVICES if name in start["services"]] == []
    top = {name.split(".")[0] for name in start["modules"]}
    # Alembic and Mako did load: the test's database is new, so it was migrated.
    assert [name for name in HEAVY if name in top and name not in ("alembic", "mako")] == []
