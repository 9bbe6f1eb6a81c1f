"""The Audit tab through the real services on SQLite: filter, open an entry, export to CSV, and the tab
and its shortcut in the main window for team leaders and administrators only."""
from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.records import CallerKind, Channel, Disclosure, SubjectDetails
from mpel_app.services.audit import EXPORTED, VIEWED, VIEWED_IN_AUDIT
from mpel_app.ui.audit_view import AUDIT_SHORTCUT, AuditEntryDialog, AuditView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible

NAME = "Zoë Núñez"
QUESTION = 'Has the "fresh claim", filed in May, been decided?'


@pytest.fixture
def desk(sqlite_services):
    world = build_world(sqlite_services)
    e, agent = sqlite_services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(agent, rec.id, PASSCODE)
    e.record_disclosure(agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    e.update_details(agent, rec.id, subject=SubjectDetails(name=NAME, date_of_birth=date(1984, 3, 4),
                                                           nationality="Colombian", ho_reference="B1234567"),
                     question=QUESTION, answer="Not yet.", written_confirmation=False)
    e.get(world.leader, rec.id)
    other = e.start(agent, Channel.FAX)
    return world, rec, other


def _view(qtbot, world, tmp_path, user=None) -> AuditView:
    ctx = DeskContext(services=world.services, user=user or world.leader, runner=TaskRunner())
    view = AuditView(ctx, save_chooser=lambda _parent, name: tmp_path / name)
    qtbot.addWidget(view)
    view.resize(1250, 560)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    qtbot.waitUntil(lambda: view.user_combo.count() > 1, timeout=10_000)
    return view


def _audit_rows(services, action):
    with services.uow.read() as s:
        found = list(s.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))
        s.expunge_all()
    return found


def test_filter_open_and_export(qtbot, desk, tmp_path):
    world, rec, other = desk
    view = _view(qtbot, world, tmp_path)
    assert_accessible(view)
    lines = view.model.items()
    assert [(line.action, line.reference, line.username) for line in lines[:2]] == [  # newest first
        ("logged", other.reference, "agent"), (VIEWED, rec.reference, "leader")]
    assert "entries, newest first" in view.count_label.text()
    # The list names the fields but never shows a subject's values.
    shown = "\n".join(view.model.data(view.model.index(r, c)) for r in range(view.model.rowCount())
                      for c in range(view.model.columnCount()))
    assert "Subject's name" in shown and NAME not in shown and QUESTION not in shown

    # Filter by reference, typed as an agent reads it, with Enter.
    view.reference_edit.setFocus()
    qtbot.keyClicks(view.reference_edit, rec.reference.lower())
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.keyClick(view.reference_edit, Qt.Key_Return)
    assert {line.reference for line in view.model.items()} == {rec.reference}
    # Then by user, from the list.
    assert view.set_filter(view.user_combo, "agent")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.search_button.click()
    assert view.model.items() and {line.username for line in view.model.items()} == {"agent"}
    # A date that is not one is said plainly, and nothing is searched.
    view.from_edit.setText("31/02/2026")
    view.search()
    assert "not a real date" in view.message.text()
    view.from_edit.setText("23/11/2026")
    view.to_edit.setText("23/11/2026")
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.search()
    assert view.model.items()

    view.resize(1250, 560)
    view.grab().save("/tmp/audit_view.png")

    # Double-click the details entry: its values show, and that look is recorded against the record.
    row = next(r for r, line in enumerate(view.model.items()) if line.action == "details updated")
    view.table.scrollTo(view.model.index(row, 4))
    rect = view.table.visualRect(view.model.index(row, 4))
    with qtbot.waitSignal(view.entry_opened, timeout=10_000) as opened:
        # A real double-click: press and release, then the double-click event.
        qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    dialog: AuditEntryDialog = opened.args[0]
    assert_accessible(dialog)
    assert NAME in dialog.changes.toPlainText() and QUESTION in dialog.changes.toPlainText()
    dialog.grab().save("/tmp/audit_entry.png")
    seen = _audit_rows(world.services, VIEWED_IN_AUDIT)
    assert [(r.username, r.entity_id) for r in seen] == [("leader", rec.id)]
    qtbot.keyClick(dialog, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not view.entry_dialogs, timeout=5_000)

    # Export what the filters find: a CSV file with a row per entry, and the export on the trail.
    view.clear_filters()
    qtbot.waitUntil(lambda: view.count_label.text() != "Searching…", timeout=10_000)
    view.entity_combo.setCurrentIndex(view.entity_combo.findData("enquiry"))
    view.reference_edit.setText(rec.reference)
    with qtbot.waitSignal(view.exported, timeout=10_000) as exported:
        view.export_button.click()
    path = exported.args[0]
    assert path.parent == tmp_path and path.suffix == ".csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    assert {r["Reference"] for r in table} == {rec.reference}
    assert any(QUESTION in r["Changes"] for r in table)
    assert "exported to" in view.message.text()
    (export_row,) = _audit_rows(world.services, EXPORTED)
    assert export_row.username == "leader"


def test_main_window_has_the_tab_for_oversight_only(qtbot, desk, tmp_path):
    world, _rec, _other = desk
    leader = MainWindow(DeskContext(services=world.services, user=world.leader, runner=TaskRunner()),
                        save_chooser=lambda _parent, name: tmp_path / name)
    qtbot.addWidget(leader)
    leader.show()
    assert leader.audit_view is not None and "Audit" in [leader.tabs.tabText(i) for i in range(leader.tabs.count())]
    with qtbot.waitSignal(leader.audit_view.loaded, timeout=10_000):
        leader.audit_action.trigger()
    assert leader.current_view() is leader.audit_view
    assert leader.audit_action.shortcut().toString() == AUDIT_SHORTCUT
    # An entry's values do not stay on screen when the desk locks.
    with qtbot.waitSignal(leader.audit_view.entry_opened, timeout=10_000):
        leader.audit_view.open_entry(0)
    assert leader.audit_view.entry_dialogs
    leader.lock()
    qtbot.waitUntil(lambda: not leader.audit_view.entry_dialogs, timeout=5_000)
    leader.lock_dialog.reject()
    leader.ctx.runner.wait()

    agent = MainWindow(DeskContext(services=world.services, user=world.agent, runner=TaskRunner()))
    qtbot.addWidget(agent)
    assert agent.audit_view is None
    assert "Audit" not in [agent.tabs.tabText(i) for i in range(agent.tabs.count())]
    agent.ctx.runner.wait()


def test_a_long_result_says_it_shows_only_the_first_entries(qtbot, desk, tmp_path, monkeypatch):
    world, _rec, _other = desk
    monkeypatch.setattr("mpel_app.ui.audit_view.SEARCH_LIMIT", 3)
    view = _view(qtbot, world, tmp_path)
    assert view.model.rowCount() == 3 and view.page.more
    assert view.count_label.text().startswith("Showing the first 3 entries (the newest): more match.")
    assert view.count_label.accessibleName() == view.count_label.text()
    view.grab().save("/tmp/audit_view_limited.png")
