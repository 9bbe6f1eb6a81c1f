"""The MSI (installer/mpel-desk.wxs, scripts/build-msi.sh) builds with wixl, and says what it installs where.

Built around a small stand-in bundle: wixl packs whatever onedir it is given, and the real one is
packed on the Windows onedir by the windows-build workflow (a Linux bundle would not run on a desk).
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _table(msi: Path, table: str) -> list[list[str]]:
    out = subprocess.run(["msiinfo", "export", str(msi), table], capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()[3:]]


def test_msi_installs_per_machine_into_program_files_with_a_start_menu_shortcut(tmp_path):
    for tool in ("wixl", "wixl-heat", "msiinfo"):
        assert shutil.which(tool), f"{tool} missing: run scripts/bootstrap.sh test"
    bundle = tmp_path / "mpel-desk"
    (bundle / "_internal" / "resources" / "letters").mkdir(parents=True)
    (bundle / "mpel-desk.exe").write_bytes(b"MZ stand-in")
    (bundle / "_internal" / "resources" / "letters" / "third_party.txt").write_text("Dear {salutation}")
    result = subprocess.run(["bash", "scripts/build-msi.sh", str(bundle), "1.2.3", "mpel-desk.exe"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    msi = tmp_path / "mpel-desk-1.2.3.msi"
    assert f"msi: {msi} (" in result.stdout and "2 files)" in result.stdout

    properties = dict(row[:2] for row in _table(msi, "Property"))
    assert properties["ProductName"] == "MPEL Desk" and properties["ProductVersion"] == "1.2.3"
    assert properties["ALLUSERS"] == "1"  # per machine
    assert properties["UpgradeCode"] == "{CAD4E176-4714-4FF1-A7DD-5AF151B0E185}"  # never changes
    directories = {row[0]: (row[1], row[2]) for row in _table(msi, "Directory")}
    assert directories["INSTALLDIR"] == ("ProgramFiles64Folder", "MPEL Desk")
    assert {row[2] for row in _table(msi, "File")} == {"mpel-desk.exe", "third_party.txt"}
    shortcut = _table(msi, "Shortcut")[0]
    assert shortcut[1:3] == ["ProgramMenuDir", "MPEL Desk"] and shortcut[4] == "[INSTALLDIR]mpel-desk.exe"
    upgrades = _table(msi, "Upgrade")
    assert {row[6] for row in upgrades} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    summary = subprocess.run(["msiinfo", "suminfo", str(msi)], capture_output=True, text=True, check=True).stdout
    assert "x64" in summary
