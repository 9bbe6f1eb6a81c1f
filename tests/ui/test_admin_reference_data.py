"""Administration's reference data (issue 14), driven as a person would: a Member edited and deactivated, the
list of Members checked and imported from a messy then a clean CSV, a region's inbox fixed, the Home
Secretary's list kept; each change in the audit trail, and the tabs absent for roles that may not."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.ui.admin_view import AdminView
from tests.support import home_secretary_csv
from tests.support.desk import choose_member, desk_context, row_text, shown
from tests.support.member_csv import CLEAN, MESSY
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible

GRABS = Path("/tmp/boundary-grabs")


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def last_audit(services, entity: str) -> tuple[str, dict]:
    with services.uow.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id.desc())).first()
        return row.action, json.loads(row.changes)


def admin_view(qtbot, services, user, files: list[Path] | None = None) -> AdminView:
    files = files if files is not None else []
    choose = lambda parent: files.pop(0) if files else None  # noqa: E731
    view = shown(qtbot, AdminView(desk_context(services, user), member_file_chooser=choose,
                                  list_file_chooser=choose), (1280, 900))
    return view


def test_a_member_is_edited_then_deactivated_from_the_list(qtbot, sqlite_services, world):
    view = admin_view(qtbot, sqlite_services, world.leader)
    tab = view.member_list
    view.tabs.setCurrentWidget(tab)
    tab.search.setText("smith")
    qtbot.keyClick(tab.search, Qt.Key_Return)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    tab.table.selectRow(0)
    assert tab.edit.name.text() == "Jane Smith" and "Passcode set" in tab.edit.state.text()
    tab.edit.party.setText("Labour")
    tab.edit.fax.setText("020 7219 3001")
    qtbot.keyClick(tab.edit.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "saved" in tab.message.text())
    assert last_audit(sqlite_services, "member") == ("member changed", {
        "party": ["", "Labour"], "office_fax": ["", "+442072193001"]})
    tab.edit.phone.setText("020 7219 300")  # a digit short: refused, nothing changes
    qtbot.keyClick(tab.edit.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "Office telephone" in tab.message.text())
    qtbot.keyClick(tab.edit.active_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "deactivated" in tab.message.text())
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[-1] == "Inactive")
    assert tab.edit.active_button.text() == "Bring &back"
    assert last_audit(sqlite_services, "member")[0] == "member deactivated"
    assert sqlite_services.members.search("smith") == []  # no longer offered to call agents
    assert_accessible(tab)


def test_the_member_import_report_for_a_messy_then_a_clean_file(qtbot, sqlite_services, world, tmp_path):
    messy, clean = tmp_path / "members-messy.csv", tmp_path / "members.csv"
    messy.write_bytes(MESSY.encode("utf-8"))
    clean.write_text(CLEAN, encoding="utf-8")
    view = admin_view(qtbot, sqlite_services, world.admin, [messy, clean])
    tab = view.member_list
    view.tabs.setCurrentWidget(tab)
    importer = tab.importer
    qtbot.keyClick(importer.check_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: importer.report is not None)
    assert importer.summary.text().startswith("members-messy.csv: Nothing imported: the file has 2 problems.")
    lines = [importer.lines.item(i).text() for i in range(importer.lines.count())]
    assert lines[0].startswith("Problem: Line 7: Leicester West is already on line 5")
    assert lines[1].startswith("Problem: Line 8: office telephone '029 2018 049'")
    assert not importer.import_button.isEnabled()
    view.grab().save(str(GRABS / "member-import-problems.png"))
    qtbot.keyClick(importer.check_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: importer.report is not None and importer.report.source == "members.csv")
    assert importer.summary.text().startswith("members.csv: Dry run, nothing changed: 3 Members in the file")
    lines = [importer.lines.item(i).text() for i in range(importer.lines.count())]
    assert "Change: Jane Smith (line 2): office fax none → 020 7219 3001; party none → Labour" in lines
    assert "Add: Priya Patel (line 4): Leicester West, MEE; no passcode yet" in lines
    assert importer.import_button.isEnabled()
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2)
    assert_accessible(tab)
    view.grab().save(str(GRABS / "member-import-report.png"))
    qtbot.keyClick(importer.import_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: importer.report.applied)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3)
    assert last_audit(sqlite_services, "member_list")[0] == "members imported"
    assert sqlite_services.members.get(world.mp.id).party == "Labour"


def test_a_region_s_placeholder_inbox_is_flagged_and_fixed(qtbot, sqlite_services, world):
    view = admin_view(qtbot, sqlite_services, world.admin)
    tab = view.regions
    view.tabs.setCurrentWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 6)
    assert tab.summary.text().startswith("Notes to 6 regions would reach nobody")
    assert row_text(tab.table, 0)[-1] == "PROBLEM: placeholder address, notes reach nobody"
    assert "mp-inbox-lse@mpel.example.gov.uk is a placeholder" in tab.table.item(0, 6).toolTip()
    tab.table.selectRow(0)
    assert tab.inbox_address.text() == "mp-inbox-lse@mpel.example.gov.uk"
    tab.inbox_address.setText("not-an-address")
    qtbot.keyClick(tab.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "Inbox address" in tab.message.text())
    tab.inbox_address.setText("mp-inbox-lse@homeoffice.gov.uk")
    qtbot.keyClick(tab.save_button, Qt.Key_Space)  # the team leader's address is still the placeholder
    qtbot.waitUntil(lambda: "Team leader's e-mail" in tab.message.text() and "placeholder" in tab.message.text())
    tab.team_leader_email.setText("lse.team.leader@homeoffice.gov.uk")
    qtbot.keyClick(tab.save_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "London & South East saved" in tab.message.text())
    qtbot.waitUntil(lambda: row_text(tab.table, 0)[-1] == "working")
    assert tab.summary.text().startswith("Notes to 5 regions would reach nobody (MEE, NEY, NWE, SNI, WSW)")
    assert last_audit(sqlite_services, "region") == ("region changed", {
        "region": "LSE", "inbox_address": ["mp-inbox-lse@mpel.example.gov.uk", "mp-inbox-lse@homeoffice.gov.uk"],
        "team_leader_email": ["mp-team-leader-lse@mpel.example.gov.uk", "lse.team.leader@homeoffice.gov.uk"]})
    assert_accessible(tab)
    view.grab().save(str(GRABS / "regions-admin.png"))


def test_the_home_secretary_s_list_is_kept_by_keyboard(qtbot, sqlite_services, world):
    view = admin_view(qtbot, sqlite_services, world.admin)
    tab = view.home_secretary_list
    view.tabs.setCurrentWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: tab.members.count() == 1)
    assert tab.members.item(0).text().startswith("Nobody yet")
    choose_member(qtbot, tab.picker, "macleod")
    qtbot.keyClick(tab.add_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "added to the Home Secretary's list" in tab.message.text())
    qtbot.waitUntil(lambda: tab.members.count() == 1 and "Angus MacLeod" in tab.members.item(0).text())
    assert sqlite_services.home_secretary_list.member_ids() == {world.mp_scot.id}
    assert last_audit(sqlite_services, "home_secretary_list")[0] == "added to the Home Secretary's list"
    tab.members.setCurrentRow(0)
    qtbot.keyClick(tab.remove_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "removed" in tab.message.text())
    assert sqlite_services.home_secretary_list.member_ids() == frozenset()
    assert last_audit(sqlite_services, "home_secretary_list")[0] == "removed from the Home Secretary's list"
    assert_accessible(tab)


def test_roles_that_may_not_do_not_get_the_tabs(qtbot, sqlite_services, world):
    leader = admin_view(qtbot, sqlite_services, world.leader)
    assert hasattr(leader, "member_list")
    assert not hasattr(leader, "regions") and not hasattr(leader, "home_secretary_list")
    assert not AdminView.wanted_by(desk_context(sqlite_services, world.agent))


def test_a_member_is_added_by_hand_with_a_passcode_in_the_one_members_tab(qtbot, sqlite_services, world):
    view = admin_view(qtbot, sqlite_services, world.leader)
    tab = view.member_list
    view.tabs.setCurrentWidget(tab)
    add = tab.new_member
    add.name.setText("Rhys Evans")
    add.constituency.setText("Cardiff North")
    add.region.setCurrentText("WSW")
    add.phone.setText("029 2049 6000")
    add.passcode.setText("6000")
    qtbot.keyClick(add.add_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: tab.message.text() == "Rhys Evans MP added.")
    assert add.name.text() == "" and add.passcode.text() == ""
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1 and tab.edit.member is not None)
    assert tab.edit.member.name == "Rhys Evans" and tab.edit.member.region_code == "WSW"
    assert row_text(tab.table, 0)[7] == "set"  # the passcode: only whether one is set, never what it is
    assert last_audit(sqlite_services, "member")[0] == "member added"
    add.name.setText("")  # refused: nothing added
    qtbot.keyClick(add.add_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "name" in tab.message.text() and "added" not in tab.message.text())
    assert_accessible(tab)
    tab.grab().save("/tmp/ui_admin_members_one_tab.png")


def test_the_home_secretarys_list_is_checked_then_imported_from_a_file(qtbot, sqlite_services, world, tmp_path):
    messy, clean = tmp_path / "hs-messy.csv", tmp_path / "hs-list.csv"
    messy.write_bytes(home_secretary_csv.MESSY.encode("utf-8"))
    clean.write_text(home_secretary_csv.BOTH, encoding="utf-8")
    view = admin_view(qtbot, sqlite_services, world.admin, [messy, clean])
    tab = view.home_secretary_list
    view.tabs.setCurrentWidget(tab)
    importer = tab.importer
    qtbot.keyClick(importer.check_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: importer.report is not None)
    assert importer.summary.text() == "hs-messy.csv: Nothing imported: the file has 2 problems. Correct the file " \
                                      "and check it again."
    lines = [importer.lines.item(i).text() for i in range(importer.lines.count())]
    assert lines[1] == "Problem: Line 5: Angus MacLeod is already on line 3"
    assert not importer.import_button.isEnabled()
    qtbot.keyClick(importer.check_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: importer.report is not None and importer.report.source == "hs-list.csv")
    assert [importer.lines.item(i).text() for i in range(importer.lines.count())] == [
        "Add: Angus MacLeod (line 2)", "Add: Jane Smith (line 3)"]
    assert sqlite_services.home_secretary_list.member_ids() == frozenset()  # a dry run
    assert_accessible(tab)
    tab.grab().save("/tmp/ui_admin_home_secretary_import.png")
    qtbot.keyClick(importer.import_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "Imported" in importer.message.text())
    assert sqlite_services.home_secretary_list.member_ids() == {world.mp.id, world.mp_scot.id}
    qtbot.waitUntil(lambda: tab.members.count() == 2)  # the list on the tab is read again
    assert last_audit(sqlite_services, "home_secretary_list")[0] == "Home Secretary's list imported"
