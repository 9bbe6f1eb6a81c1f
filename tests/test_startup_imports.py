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
