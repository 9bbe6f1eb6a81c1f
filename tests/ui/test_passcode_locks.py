"""Administration → Locked offices: an office locked after repeated wrong passcodes is flagged, and the MPEL
team leader clears it by keyboard (issue #19 finding 4)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from mpel_app.domain.records import CallerKind, Channel
from mpel_app.ui.admin_view import AdminView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible


def test_a_locked_office_is_flagged_and_cleared(qtbot, sqlite_services, tmp_path):
    world = build_world(sqlite_services)
    e = sqlite_services.enquiries
    for _ in range(2):
        rec = e.start(world.agent, Channel.TELEPHONE)
        e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
        for _ in range(3):
            e.verify_passcode(world.agent, rec.id, "0000")
    runner = TaskRunner()
    view = AdminView(DeskContext(services=sqlite_services, user=world.leader, runner=runner))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.tabs.setCurrentWidget(view.passcode_locks)
    view.refresh()
    tab = view.passcode_locks
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    assert "Jane Smith" in tab.table.item(0, 0).text()
    assert_accessible(view)
    view.grab().save(str(tmp_path / "locked-offices.png"))
    tab.table.setFocus()
    tab.table.selectRow(0)
    qtbot.keyClick(tab.clear_button, Qt.Key_Space)
    qtbot.waitUntil(lambda: "may be used again" in tab.message.text())
    qtbot.waitUntil(lambda: tab.table.rowCount() == 0)
    assert tab.summary.text() == "No office's passcode is locked."
    assert "may be used again" in tab.message.text()  # the refresh leaves the confirmation in view
    assert not sqlite_services.members.get(world.mp.id).passcode_locked
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    assert not e.verify_passcode(world.agent, rec.id, PASSCODE).locked
    # The other tabs' loads delivered while the view is alive (the runner hands them to widgets).
    qtbot.waitUntil(lambda: not runner.busy)
