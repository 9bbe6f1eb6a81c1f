"""A screen reader's way through MPEL Desk, from outside the process (scripts/atspi-check.sh).

The offscreen platform the other UI tests use has no accessibility bridge; here the desk runs as on a
desktop: Xvfb, the xcb platform, a session D-Bus with the AT-SPI bus and registry.  Debian's
pyatspi (another process, another Python) finds the sign-in and New call controls by accessible
name and role and logs a call with keyboard events alone; this test then reads the call back.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mpel_app.domain.records import EnquiryStatus
from tests.support.world import PASSCODE, PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.desktop
def test_a_call_logged_through_at_spi_with_the_keyboard_alone(sqlite_services, sqlite_url, tmp_path):
    for tool in ("Xvfb", "dbus-run-session", "xdotool", "/usr/libexec/at-spi-bus-launcher",
                 "/usr/libexec/at-spi2-registryd"):
        assert shutil.which(tool) or Path(tool).exists(), f"{tool} missing: run scripts/bootstrap.sh test"
    assert subprocess.run(["/usr/bin/python3", "-c", "import pyatspi"]).returncode == 0, "python3-pyatspi missing"
    world = build_world(sqlite_services)
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("QT_QPA_PLATFORM", None)  # the check sets xcb for the desk
    result = subprocess.run(
        ["bash", "scripts/atspi-check.sh", "--username", "agent", "--password-file", str(password_file),
         "--passcode", PASSCODE, "--member", "Jane", "--", sys.executable, "-m", "mpel_app", "--database", sqlite_url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    out = result.stdout
    assert result.returncode == 0, out[-5000:] + result.stderr[-3000:]

    # Found by accessible name and role, as a screen reader announces them.
    for control in ("text 'Username'", "password text 'Password'", "push button 'Sign in'", "page tab 'New call'",
                    "radio button 'Telephone'", "push button 'New call'", "text 'Member'",
                    "password text 'Passcode'", "push button 'Verify'", "text 'Subject name'", "text 'Question'",
                    "push button 'Complete — answered at first contact'"):
        assert f"found {control}" in out
    # The keyboard moved the focus where a person expects it, and the desk announced the outcome.
    for control in ("text 'Member'", "password text 'Passcode'", "text 'Subject name'", "text 'Question'",
                    "text 'Answer given'"):
        assert f"focus on {control}" in out
    assert "the Member field reads 'Jane Smith MP — Holborn and St Pancras'" in out
    # The reference the agent reads out is heard, not only the words "Call reference" (issue 12).
    assert ("heard the call reference: 'Call reference MPH000001', described "
            "'Spelt out: M P H 0 0 0 0 0 1'") in out
    assert re.search(r"heard the call details: 'Call details: Received \d{1,2} \w{3} \d{4} \d\d:\d\d, Telephone, "
                     r"Open, logged by Carla Agent'", out)  # the desk runs on the real clock
    assert "the desk said (alert): MPH000001 completed: answered at first contact." in out
    assert "the desk quit with status 0" in out

    record = sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")
    assert record.status is EnquiryStatus.ANSWERED
    assert record.subject.name == "Tomasz Nowak"
    assert record.question == "Has the BRP been posted?"
    assert record.answer == "Yes, sent by special delivery."
    assert record.member is not None and record.member.name == "Jane Smith"
