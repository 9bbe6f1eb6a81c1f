"""Every shortcut of the call screen reaches the screen whatever kind of field has the focus, and the field keeps its text.

On Linux a line edit takes Ctrl+U for itself (delete to the start of the
line): the urgent call note's old key never fired from a line edit and
wiped the removal date instead (issue 13, finding 1).  ``key_probe`` holds
one field of every kind the desk uses and presses each declared key in
each: here under offscreen (where Qt has Windows' bindings) and under a
real X server (Linux's).  Windows' own text keys are also checked from
Qt's list, for the keys a probe here cannot press as Windows would.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence

from mpel_app.ui.call.keys import CALL_SHORTCUTS, SEND_URGENT
from tests.support.xserver import x_display
from tests.ui.call.key_probe import probe

ROOT = Path(__file__).resolve().parents[3]
ALL_KEYS = [k for s in CALL_SHORTCUTS for k in s.keys]
# Keys Qt's text widgets take for themselves on Windows (QKeySequence's standard bindings, KB_Win), besides
# the typing keys: a shortcut must avoid them too.
WINDOWS_TEXT_KEYS = {"Ctrl+A", "Ctrl+C", "Ctrl+V", "Ctrl+X", "Ctrl+Z", "Ctrl+Y", "Ctrl+Shift+Z", "Ctrl+Insert",
                     "Shift+Insert", "Shift+Del", "Ctrl+Backspace", "Ctrl+Del", "Ctrl+Left", "Ctrl+Right",
                     "Ctrl+Home", "Ctrl+End", "Alt+Backspace", "Ctrl+Shift+Left", "Ctrl+Shift+Right", "F4"}


def failures(results: list[dict]) -> list[str]:
    return [f"{r['key']} in a {r['kind']}: " + ("did not reach the screen" if not r["fired"] else "changed the field")
            for r in results if not (r["fired"] and r["kept"])]


def test_each_shortcut_fires_from_each_kind_of_field_with_windows_bindings(qapp):
    results = probe(ALL_KEYS)
    assert len(results) == len(ALL_KEYS) * 7
    assert failures(results) == []


def test_each_shortcut_fires_from_each_kind_of_field_with_linux_bindings():
    with x_display() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        out = subprocess.run([sys.executable, "-m", "tests.ui.call.key_probe", *ALL_KEYS], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120, check=True).stdout
    report = json.loads(out.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert len(report["results"]) == len(ALL_KEYS) * 7
    assert failures(report["results"]) == []


def test_the_probe_catches_a_key_a_line_edit_takes_on_linux():
    """The old urgent key, Ctrl+U: the probe must see it eaten, or the test above proves nothing."""
    with x_display() as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        out = subprocess.run([sys.executable, "-m", "tests.ui.call.key_probe", "Ctrl+U"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120, check=True).stdout
    assert "Ctrl+U in a line edit: did not reach the screen" in failures(json.loads(out.strip().splitlines()[-1])["results"])


@pytest.mark.parametrize("shortcut", CALL_SHORTCUTS, ids=lambda s: s.label)
def test_no_shortcut_is_a_key_text_widgets_take_on_windows(shortcut):
    taken = {QKeySequence(k).toString() for k in WINDOWS_TEXT_KEYS}
    assert not {QKeySequence(k).toString() for k in shortcut.keys} & taken


def test_urgent_send_key_from_the_removal_date_keeps_the_date(qtbot, sqlite_services):
    """The walkthrough's case: the key pressed in the removal date sends the note rather than wiping the date."""
    from tests.support.desk import open_call_view
    from tests.support.world import build_world
    from tests.ui.test_urgent_ui import verified_call
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    view.urgent.imminent_check.setChecked(True)
    view.urgent.removal_date.setText("24/11/2026")
    view.urgent.removal_time.setText("22:30")
    view.urgent.removal_date.setFocus()
    combo = QKeySequence(SEND_URGENT.keys[0])[0]
    qtbot.keyClick(view.urgent.removal_date, combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: view.plan is not None, timeout=10_000)
    assert view.urgent.removal_date.text() == "24/11/2026"
    assert view.plan.removal_at == datetime(2026, 11, 24, 22, 30, tzinfo=view.plan.removal_at.tzinfo)
