"""``mpel members import FILE --as USER [--dry-run]`` (issue 14): the report on the terminal, exit statuses."""
from __future__ import annotations

import getpass

from mpel_app import __main__ as entry
from tests.support.member_csv import CLEAN, MESSY
from tests.support.world import PASSWORD, build_world


def test_members_import_dry_run_then_for_real(sqlite_url, sqlite_services, monkeypatch, capsys, tmp_path):
    world = build_world(sqlite_services)
    path = tmp_path / "members.csv"
    path.write_text(CLEAN, encoding="utf-8")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert entry.main(["--database", sqlite_url, "members", "import", str(path), "--as", "leader",
                       "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dry run, nothing changed: 3 Members in the file; 1 to add, 1 to change")
    assert "Change: Jane Smith (line 2): office fax none → 020 7219 3001; party none → Labour" in out
    assert "Add: Priya Patel (line 4): Leicester West, MEE; no passcode yet" in out
    assert sqlite_services.members.get(world.mp.id).party == ""
    assert entry.main(["--database", sqlite_url, "members", "import", str(path), "--as", "leader"]) == 0
    assert capsys.readouterr().out.startswith("Imported 3 Members: 1 added, 1 changed, 0 deactivated")
    assert sqlite_services.members.get(world.mp.id).party == "Labour"


def test_members_import_of_a_messy_file_lists_problems_by_line(sqlite_url, sqlite_services, monkeypatch,
                                                               capsys, tmp_path):
    build_world(sqlite_services)
    path = tmp_path / "members.csv"
    path.write_bytes(MESSY.encode("utf-8"))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert entry.main(["--database", sqlite_url, "members", "import", str(path), "--as", "leader"]) == 3
    out = capsys.readouterr().out
    assert out.startswith("Nothing imported: the file has 2 problems.")
    assert "  line 7: Leicester West is already on line 5" in out
    assert "  line 8: office telephone '029 2018 049'" in out


def test_members_import_is_refused_to_a_call_agent(sqlite_url, sqlite_services, monkeypatch, capsys, tmp_path):
    build_world(sqlite_services)
    path = tmp_path / "members.csv"
    path.write_text(CLEAN, encoding="utf-8")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert entry.main(["--database", sqlite_url, "members", "import", str(path), "--as", "agent"]) == 1
    assert "may not manage members" in capsys.readouterr().err
