"""``mpel home-secretary-list import FILE --as USER [--dry-run]`` (issue 14): the report on the terminal, exit
statuses, and the list changed only by a clean file imported by an administrator."""
from __future__ import annotations

import getpass

from mpel_app import __main__ as entry
from tests.support.home_secretary_csv import BOTH, MESSY
from tests.support.world import PASSWORD, build_world


def run(sqlite_url, path, *extra) -> int:
    return entry.main(["--database", sqlite_url, "home-secretary-list", "import", str(path), *extra])


def test_dry_run_then_for_real(sqlite_url, sqlite_services, monkeypatch, capsys, tmp_path):
    world = build_world(sqlite_services)
    path = tmp_path / "hs-list.csv"
    path.write_text(BOTH, encoding="utf-8")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert run(sqlite_url, path, "--as", "admin", "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["Dry run, nothing changed: 2 Members in the file; 2 to add, 0 to take off, "
                                "0 already on it.", "Would change:", "  Add: Angus MacLeod (line 2)",
                                "  Add: Jane Smith (line 3)"]
    assert sqlite_services.home_secretary_list.member_ids() == frozenset()
    assert run(sqlite_url, path, "--as", "admin") == 0
    assert capsys.readouterr().out.startswith("Imported: the Home Secretary's list is the file's 2 Members")
    assert sqlite_services.home_secretary_list.member_ids() == {world.mp.id, world.mp_scot.id}


def test_a_messy_file_lists_its_problems_and_a_team_leader_is_refused(sqlite_url, sqlite_services, monkeypatch,
                                                                      capsys, tmp_path):
    build_world(sqlite_services)
    path = tmp_path / "hs-list.csv"
    path.write_bytes(MESSY.encode("utf-8"))
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert run(sqlite_url, path, "--as", "admin") == 3
    out = capsys.readouterr().out
    assert out.startswith("Nothing imported: the file has 2 problems.")
    assert "  line 5: Angus MacLeod is already on line 3" in out
    assert run(sqlite_url, path, "--as", "leader") == 1
    assert "may not keep the Home Secretary's list" in capsys.readouterr().err
    assert sqlite_services.home_secretary_list.member_ids() == frozenset()
