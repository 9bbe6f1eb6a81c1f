"""Administration screens: users, members' passcodes and closure days, through the real services."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from mpel_app.domain.records import CallerKind, Channel, Role
from mpel_app.ui.admin_view import AdminView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import build_world


def _view(qtbot, services, user):
    view = AdminView(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1000, 760)
    view.show()
    return view


def test_admin_creates_user_who_can_sign_in(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    view.refresh()
    qtbot.waitUntil(lambda: view.users.table.rowCount() == 6)
    view.users.create(username="new.agent", full_name="Nia Agent", password="a long enough one",
                      roles={Role.CALL_AGENT}, region_code=None, grade="EO")
    qtbot.waitUntil(lambda: "created" in view.users.message.text())
    qtbot.waitUntil(lambda: view.users.table.rowCount() == 7)
    assert sqlite_services.users.authenticate("new.agent", "a long enough one").full_name == "Nia Agent"
    view.users.create(username="bad", full_name="Bad", password="short", roles={Role.CALL_AGENT},
                      region_code=None, grade=None)
    qtbot.waitUntil(lambda: "at least" in view.users.message.text())


def test_closure_day_added(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    view.closures.day.setDate(QDate(2026, 12, 24))
    view.closures.nation.setCurrentIndex(view.closures.nation.findData("ENG"))
    view.closures.reason.setText("Christmas Eve closure")
    view.closures.add_button.click()
    qtbot.waitUntil(lambda: view.closures.table.rowCount() == 1)
    assert sqlite_services.reference.closures() == [(date(2026, 12, 24), "ENG", "Christmas Eve closure")]
    assert "Thursday 24 December 2026" in view.closures.message.text()


def test_team_leader_changes_passcode_but_sees_no_user_admin(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.leader)
    assert not hasattr(view, "users") and not hasattr(view, "closures")
    view.members.search.setText("smith")
    view.members.refresh()
    qtbot.waitUntil(lambda: view.members.table.rowCount() == 1)
    view.members.table.selectRow(0)
    view.members.passcode.setText("246810")
    view.members.set_passcode_button.click()
    qtbot.waitUntil(lambda: "Passcode changed" in view.members.message.text())
    view.grab().save("/tmp/ui_admin_members.png")
    e = sqlite_services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    assert e.verify_passcode(world.agent, rec.id, "246810").passcode_verified
