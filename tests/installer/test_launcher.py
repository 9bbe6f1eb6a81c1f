"""The frozen build's entry script: absolute imports, and a windowed build's output kept in the data folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a windowed (console=False) Windows build starts with: no standard output or error at all.
WINDOWED = ("import runpy, sys; sys.stdout = sys.stderr = None; sys.argv = ['mpel-desk', '--smoke-test']; "
            "runpy.run_path(sys.argv_path, run_name='__main__')")


def test_a_windowed_launch_writes_what_it_would_print_to_the_users_data_folder(tmp_path):
    launcher = ROOT / "scripts" / "mpel_desk_launcher.py"
    code = WINDOWED.replace("sys.argv_path", repr(str(launcher)))
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "XDG_DATA_HOME": str(tmp_path)}, timeout=180)
    assert result.returncode == 0
    assert result.stdout == ""  # nothing to a console that is not there
    data = tmp_path / "MPEL Desk"
    console = (data / "mpel-desk-console.log").read_text()
    assert "ok   main window offscreen" in console and "smoke test passed" in console
    assert (data / "smoke-test.log").read_text().splitlines()[-1] == "smoke test passed"
