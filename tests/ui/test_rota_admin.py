"""The duty rota tab of Administration: the next 30 evenings, one evening by hand, and the CSV import."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate

from mpel_app.ui.admin_view import AdminView
from tests.support.desk import desk_context, row_text, shown
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible

# The 14 working evenings from Monday 23 November 2026.
EVENINGS = ["23/11/2026", "24/11/2026", "25/11/2026", "26/11/2026", "27/11/2026", "30/11/2026", "01/12/2026",
            "02/12/2026", "03/12/2026", "04/12/2026", "07/12/2026", "08/12/2026", "09/12/2026", "10/12/2026"]
REGIONS = ["LSE", "MEE", "NEY", "WSW", "NWE", "SNI", "North West"]


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def rota_tab(qtbot, services, user, chosen: list[Path]):
    view = shown(qtbot, AdminView(desk_context(services, user),
                                  rota_file_chooser=lambda parent: chosen.pop(0) if chosen else None), (1000, 820))
    view.tabs.setCurrentWidget(view.rota)
    view.rota.refresh()
    qtbot.waitUntil(lambda: view.rota.page is not None and view.rota.region.count() == 6)
    return view


def test_bad_csv_imports_nothing_and_lists_every_problem_then_a_good_one_imports(qtbot, sqlite_services, world,
                                                                                 tmp_path):
    header = "Date,Duty region,Duty account manager,Telephone\n"
    good_rows = [f"{day},{REGIONS[i % len(REGIONS)]},Manager {i + 1},0161 496 {100 + i:04d}"
                 for i, day in enumerate(EVENINGS)]
    bad_rows = list(good_rows)
    bad_rows[2] = "25/11/2026,ZZZ,Manager 3,0161 496 0102"
    bad_rows[5] = "31/11/2026,LSE,Manager 6,0161 496 0105"
    bad_rows[7] = "02/12/2026,LSE,,0161 496 0107"
    bad, good = tmp_path / "rota-bad.csv", tmp_path / "rota.csv"
    bad.write_text(header + "\n".join(bad_rows) + "\n", encoding="utf-8")
    # Excel on Windows saves CSV with a byte-order mark: read all the same.
    good.write_text(header + "\n".join(good_rows) + "\n", encoding="utf-8-sig")
    chosen = [bad, good]
    view = rota_tab(qtbot, sqlite_services, world.leader, chosen)
    tab = view.rota
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Duty &rota"
    assert tab.table.rowCount() == 30
    assert row_text(tab.table, 0) == ["Mon 23 Nov 2026", "NO COVER", "nobody on duty", ""]
    assert row_text(tab.table, 5)[:2] == ["Sat 28 Nov 2026", "not a working day"]
    assert tab.gaps_label.text().startswith("No cover for 10 working evenings in the next 14 days: Mon 23 Nov, ")

    tab.import_button.click()
    qtbot.waitUntil(lambda: tab.problems.count() == 3)
    assert tab.message.text() == "Nothing imported: rota-bad.csv has 3 problems. Correct the file and import it again."
    assert [tab.problems.item(i).text() for i in range(3)] == [
        "Line 4: 'ZZZ' is not a region (use one of LSE, MEE, NEY, WSW, NWE, SNI)",
        "Line 7: '31/11/2026' is not a date (use 2026-11-23 or 23/11/2026)",
        "Line 9: the duty account manager's name is missing"]
    assert sqlite_services.rota.entries(date(2026, 11, 1), date(2027, 1, 31)) == []
    assert_accessible(view)
    view.grab().save("/tmp/ui_rota_problems.png")

    tab.import_button.click()
    qtbot.waitUntil(lambda: "imported" in tab.message.text() and not tab.problems.isVisible())
    assert tab.message.text() == "14 evenings imported from rota.csv."
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[1] == "London & South East (LSE)")
    assert row_text(tab.table, 4) == ["Fri 27 Nov 2026", "North West (NWE)", "Manager 5", "0161 496 0104"]
    assert row_text(tab.table, 8)[:2] == ["Tue 1 Dec 2026", "North West (NWE)"]  # by name in the file
    assert tab.gaps_label.text() == "Every working evening in the next 14 days has a duty region."
    assert row_text(tab.table, 18)[:2] == ["Fri 11 Dec 2026", "NO COVER"]  # beyond the import: a gap
    assert len(sqlite_services.rota.entries(date(2026, 11, 1), date(2027, 1, 31))) == 14
    view.grab().save("/tmp/ui_rota_tab.png")

    # Nothing chosen: nothing happens.
    tab.import_button.click()
    assert tab.message.text() == "14 evenings imported from rota.csv."


def test_one_evening_set_by_hand(qtbot, sqlite_services, world):
    view = rota_tab(qtbot, sqlite_services, world.leader, [])
    tab = view.rota
    tab.table.selectRow(1)  # Tue 24 Nov: the form starts from it
    assert tab.day.date() == QDate(2026, 11, 24)
    tab.region.setCurrentIndex(tab.region.findData("SNI"))
    tab.manager.setText("Hamish North")
    tab.phone.setText("not a number")
    tab.set_button.click()
    qtbot.waitUntil(lambda: "number" in tab.message.text())
    tab.phone.setText("0141 496 0600")
    tab.set_button.click()
    qtbot.waitUntil(lambda: tab.message.text().startswith("Tue 24 Nov 2026:"))
    assert tab.message.text() == "Tue 24 Nov 2026: Scotland & Northern Ireland, Hamish North on 0141 496 0600."
    qtbot.waitUntil(lambda: row_text(tab.table, 1)[2] == "Hamish North")
    assert sqlite_services.rota.entries(date(2026, 11, 24), date(2026, 11, 24))[0].region_code == "SNI"


def test_rota_tab_only_for_those_who_keep_it(qtbot, sqlite_services, world):
    ctx = desk_context(sqlite_services, world.am_lse)
    assert not AdminView.wanted_by(ctx)
    ctx = desk_context(sqlite_services, world.admin)
    assert AdminView.wanted_by(ctx)
