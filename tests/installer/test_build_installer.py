"""`bash scripts/build-installer.sh` on Linux: the PyInstaller bundle builds, its smoke test passes, it fits
the size budget, and the NSIS installer script builds around it with everything inside.

Slow (a PyInstaller build: about 1-3 minutes on two busy cores), so marked ``installer``: deselect it
with ``-m 'not installer'`` while working on something else; ``.ci/run`` runs it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from mpel_app.domain.records import EnquiryStatus
from tests.support.world import PASSCODE, PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.mark.installer
def test_build_installer_script_builds_checks_and_packs_the_desk(tmp_path, sqlite_services, sqlite_url):
    for tool in ("makensis", "7z", "objdump"):
        assert shutil.which(tool), f"{tool} missing: run scripts/bootstrap.sh test"
    dist, work = tmp_path / "dist", tmp_path / "build"
    env = {**os.environ, "MPEL_DIST": str(dist), "MPEL_BUILD_DIR": str(work), "MPEL_NSIS_COMPRESSOR": "zlib",
           "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run(["bash", "scripts/build-installer.sh"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=1500)
    out = result.stdout
    assert result.returncode == 0, out[-4000:] + result.stderr[-4000:]

    # The built program's own smoke test, every check of it.
    assert "frozen build; resources and" in out
    for check in ("database from the bundled migrations", "main window offscreen", "call-record PDF",
                  "letter .docx", "keyring backend"):
        assert f"ok   {check}" in out
    assert "smoke test passed" in out

    size = re.search(r"^bundle: .* is (\d+) MB \(budget 250 MB\); the largest parts:$", out, re.M)
    assert size and int(size.group(1)) <= 250
    assert "MB  _internal/PySide6" in out  # what takes the space is listed

    bundle = dist / "mpel-desk"
    internal = bundle / "_internal"
    assert (internal / "resources" / "letters" / "third_party.txt").is_file()
    assert (internal / "resources" / "fonts" / "DejaVuSans.ttf").is_file()
    assert sorted(p.name for p in (internal / "migrations" / "versions").glob("*.py")) == \
        sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "translations").exists() and not (qt / "qml").exists()
    assert not list(qt.rglob("libQt6Qml*")) and not list(qt.rglob("libQt6Quick*")) and not list(qt.rglob("*Pdf*"))

    # The installer: per machine into Program Files, a Start-menu shortcut, an uninstaller with a silent switch.
    setup = dist / f"mpel-desk-{VERSION}-setup.exe"
    assert setup.is_file()
    log = (work / "makensis.log").read_text()
    assert 'InstallDir: "$PROGRAMFILES64\\MPEL Desk"' in log
    assert 'CreateShortcut: "$SMPROGRAMS\\MPEL Desk\\MPEL Desk.lnk"->"$INSTDIR\\mpel-desk"' in log
    assert 'WriteUninstaller: "$INSTDIR\\Uninstall.exe"' in log
    assert 'QuietUninstallString="$INSTDIR\\Uninstall.exe" /S' in log
    listing = subprocess.run(["7z", "l", "-ba", str(setup)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in listing.splitlines() if line.strip()}
    assert {"mpel-desk", "Uninstall.exe", "_internal/resources/letters/third_party.txt",
            "_internal/resources/fonts/DejaVuSans.ttf", "_internal/migrations/env.py"} <= names
    assert sum(name.startswith("_internal/migrations/versions/") for name in names) == \
        len(list((ROOT / "migrations" / "versions").glob("*.py")))
    assert "installer contents (7z l, top level):" in out

    # The built program on a real (virtual) display, through the screen reader's bus: the frozen Qt
    # carries its xcb platform and its accessibility bridge (scripts/atspi-check.sh).
    world = build_world(sqlite_services)
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD)
    env.pop("QT_QPA_PLATFORM", None)
    checked = subprocess.run(
        ["bash", "scripts/atspi-check.sh", "--username", "agent", "--password-file", str(password_file),
         "--passcode", PASSCODE, "--", str(bundle / "mpel-desk"), "--database", sqlite_url],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-5000:] + checked.stderr[-3000:]
    assert "the desk said (alert): MPH000001 completed: answered at first contact." in checked.stdout
    assert sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001").status is EnquiryStatus.ANSWERED
