"""The guidance at hand from the call screen (F6 contacts, F7 FAQ) and 'Why is it due then?' in the queue (F8)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import CallerKind, Channel, SubjectDetails
from mpel_app.ui.guidance_dialog import DO_NOT, MAY
from mpel_app.ui.queues import RegionQueueView
from tests.support.desk import desk_context, open_call_view, shown
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible


def further_action_case(services, world):
    """A call passed to the MPEL team leader: not with a region yet, so no due date."""
    e = services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name="Ama Mensah"), question="Status?", answer="",
                     written_confirmation=False)
    return e.mark_further_action(world.agent, rec.id)


def test_contacts_directory_from_the_call_screen_by_keyboard(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_F6)
    dialog = view.contacts_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 40)
    assert dialog.search_box.hasFocus() and not hasattr(dialog, "save_button")  # an agent reads, does not edit
    rows = dialog.shown()
    assert ("PPT Hotline", "number not in the guidance yet", DO_NOT, "General case working · Internal number: never "
            "give it to MPs or their staff.") in rows
    qtbot.keyClicks(dialog.search_box, "oscu")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    assert dialog.shown()[0][:3] == ("OSCU", "020 7946 0999", MAY)
    dialog.search_box.clear()
    qtbot.keyClicks(dialog.search_box, "passport")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.search_box.clear()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 40)
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_contacts_directory.png")


def test_the_team_leader_keeps_the_directory(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.leader)
    dialog = view.open_contacts()
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 40)
    dialog.search_box.setText("ppt hotline sheffield")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.edit_phone.setText("0114 496 0000")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.shown() and dialog.shown()[0][1] == "0114 496 0000")
    assert dialog.shown()[0][2] == DO_NOT
    assert_accessible(dialog)


def test_faq_and_rules_searchable_from_the_call_screen(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_F7)
    dialog = view.guidance_dialog
    qtbot.waitUntil(lambda: dialog.questions.count() == 13)
    qtbot.keyClicks(dialog.search_box, "timescales")
    qtbot.waitUntil(lambda: dialog.questions.count() < 13)
    texts = [dialog.questions.item(i).text() for i in range(dialog.questions.count())]
    assert "RULE · Do not give timescales on regional cases" in texts
    dialog.search_box.clear()
    qtbot.keyClicks(dialog.search_box, "fresh claim")
    qtbot.waitUntil(lambda: dialog.questions.count() == 1)
    assert "never the reasons" in dialog.answer_view.toPlainText()
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_faq.png")


def test_why_is_it_due_then_from_the_region_queue(qtbot, sqlite_services, clock):
    world = build_world(sqlite_services)
    e = sqlite_services.enquiries
    rec = further_action_case(sqlite_services, world)
    e.send_to_region(world.leader, rec.id, "LSE")
    view = shown(qtbot, RegionQueueView(desk_context(sqlite_services, world.am_lse)), (1200, 600))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key_F8)
    qtbot.waitUntil(lambda: getattr(view, "due_dialog", None) is not None)
    text = view.due_dialog.text.toPlainText()
    assert text.startswith("Received Mon 23 Nov 2026 at 10:15 (UK time).\nDay 0 is Mon 23 Nov 2026.")
    assert "Target: 5 working days: no file needed (10 if the file is needed)." in text
    assert "Skipped 2 weekend days." in text and text.endswith("Due by the end (23:59) of Mon 30 Nov 2026.")
    view.due_dialog.grab().save("/tmp/ui_due_explanation.png")


def test_why_is_it_due_then_from_the_record_window(qtbot, sqlite_services):
    from mpel_app.ui.record_dialog import RecordDialog
    world = build_world(sqlite_services)
    e = sqlite_services.enquiries
    rec = further_action_case(sqlite_services, world)
    dialog = shown(qtbot, RecordDialog(desk_context(sqlite_services, world.leader), rec.id))
    qtbot.waitUntil(lambda: dialog.record is not None)
    qtbot.keyClick(dialog, Qt.Key_F8)
    qtbot.waitUntil(lambda: "no due date" in dialog.message.text())
    e.send_to_region(world.leader, rec.id, "LSE")
    qtbot.keyClick(dialog, Qt.Key_F8)
    qtbot.waitUntil(lambda: getattr(dialog, "due_dialog", None) is not None)
    assert dialog.due_dialog.text.toPlainText().endswith("Due by the end (23:59) of Mon 30 Nov 2026.")
