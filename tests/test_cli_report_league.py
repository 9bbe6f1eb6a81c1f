"""`mpel --database URL report league-table --from … --to … --json` on SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date

from mpel_app import __main__ as entry
from tests.services.test_performance import _add_enquiries, london

# November 2025 (England): due dates hand-worked; the report is made today, long after all of them.
ROWS = [
    # Mon 3 Nov 10:00: 4..7, 10 Nov -> due Mon 10 Nov; answered 10 Nov: in time.
    ("a", "LSE", "telephone", False, london("2025-11-03 10:00"), date(2025, 11, 10), london("2025-11-10 15:00"),
     "completed", {}),
    # Mon 3 Nov 18:05 (after the cut-off): day 0 = 4 Nov -> due Tue 11 Nov; answered 12 Nov: late.
    ("b", "LSE", "fax", False, london("2025-11-03 18:05"), date(2025, 11, 11), london("2025-11-12 09:00"),
     "completed", {}),
    # Still open, long past due: overdue, not answered.
    ("c", "LSE", "telephone", True, london("2025-11-04 10:00"), date(2025, 11, 18), None, "with_region", {}),
    # Received 1 Dec: outside the period.
    ("d", "LSE", "telephone", False, london("2025-12-01 10:00"), date(2025, 12, 8), None, "with_region", {}),
    ("e", "WSW", "telephone", False, london("2025-11-05 10:00"), date(2025, 11, 12), None, "with_region", {}),
]


def test_league_table_json(db_url, world, capsys, tmp_path):
    _add_enquiries(world, ROWS)
    status = entry.main(["--database", db_url, "report", "league-table", "--from", "2025-11-01",
                         "--to", "2025-11-30", "--json", "--csv", str(tmp_path / "t.csv")])
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["from"], data["to"]) == ("2025-11-01", "2025-11-30")
    lse, wsw = data["regions"]
    assert {k: lse[k] for k in ("region", "received", "answered", "answered_within_target",
                                "percent_within_target", "open_overdue")} == {
        "region": "LSE", "received": 3, "answered": 2, "answered_within_target": 1,
        "percent_within_target": 50.0, "open_overdue": 1}
    assert (wsw["region"], wsw["answered"], wsw["percent_within_target"], wsw["open_overdue"]) == ("WSW", 0, None, 1)
    assert data["units"] == []
    assert "calls" not in data  # no calls are stored yet: the figure is absent, not zero
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith('"Table","Rank"')


def test_plain_text_and_bad_dates(sqlite_url, sqlite_services, capsys):
    from tests.support.world import build_world
    build_world(sqlite_services)
    assert entry.main(["--database", sqlite_url, "report", "league-table", "--from", "2025-11-01",
                       "--to", "2025-11-30"]) == 0
    out = capsys.readouterr().out
    assert "Regions: enquiries" in out and "% within target" in out and "Open overdue:" in out
    assert entry.main(["--database", sqlite_url, "report", "league-table", "--from", "2025-12-01",
                       "--to", "2025-11-30"]) == 2
    assert "before it starts" in capsys.readouterr().err


def test_a_person_without_the_right_is_refused(sqlite_url, sqlite_services, monkeypatch, capsys):
    import getpass
    from tests.support.world import PASSWORD, build_world
    build_world(sqlite_services)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": PASSWORD)
    assert entry.main(["--database", sqlite_url, "report", "league-table", "--from", "2025-11-01",
                       "--to", "2025-11-30", "--as", "agent"]) == 1
    assert "may not see performance" in capsys.readouterr().err
    assert entry.main(["--database", sqlite_url, "report", "league-table", "--from", "2025-11-01",
                       "--to", "2025-11-30", "--as", "leader", "--json"]) == 0
