"""`mpel --smoke-test` from the source tree: passes here, and names what is missing when something is."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _smoke(env_changes: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_changes}
    return subprocess.run([sys.executable, "-m", "mpel_app", "--smoke-test"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def test_smoke_test_passes_on_the_source_tree(tmp_path):
    # A private data folder: the report goes there, not into the developer's own.
    result = _smoke({"XDG_DATA_HOME": str(tmp_path)}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for check in ("bundled files", "database from the bundled migrations", "main window offscreen",
                  "call-record PDF", "letter .docx", "keyring backend"):
        assert f"ok   {check}" in out
    assert ("13 views (New call, Further Action, Region queue, Duty, Letters, Central inbox, Find, Administration, "
            "Audit, Missed calls, Calls, Performance, People's data)") in out
    assert out.rstrip().endswith("smoke test passed")
    assert (tmp_path / "MPEL Desk" / "smoke-test.log").read_text().splitlines()[-1] == "smoke test passed"


def test_smoke_test_fails_and_says_what_is_missing(tmp_path):
    """A copy of the tree without the letter templates and fonts: the frozen layout paths.py reads."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "mpel_app", copy / "mpel_app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "migrations", copy / "migrations", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "resources", copy / "resources")
    shutil.rmtree(copy / "resources" / "fonts")
    result = _smoke({"XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(copy)}, copy)
    assert result.returncode == 1
    assert "FAIL bundled files: missing under" in result.stdout
    assert "fonts/DejaVuSans.ttf" in result.stdout
    # Without the shipped fonts the call record falls back to Helvetica, which the PDF check also refuses.
    assert "FAIL call-record PDF: the call record was set without the bundled DejaVu Sans font" in result.stdout
    assert result.stdout.rstrip().endswith("smoke test FAILED (2 check(s))")
