"""Completing a call with "Written confirmation requested" queues the confirmation and says so (finding 6)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from tests.support.desk import open_call_view
from tests.support.world import build_world
from tests.ui.test_urgent_ui import press, verified_call


def test_written_confirmation_is_queued_on_completion(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view, question="Has the BRP been posted?")
    view.case.check_constituency.setChecked(True)
    view.case.check_identity.setChecked(True)
    view.case.answer.setPlainText("Yes, by special delivery on 20 November.")
    view.case.personal_information.setChecked(True)
    view.case.written_confirmation.setChecked(True)
    with qtbot.waitSignal(view.outbox_changed, timeout=10_000):
        press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    assert view.message.text() == ("MPH000001 completed: answered at first contact. Written confirmation queued to "
                                   "Jane Smith MP's office (Outbox).")
    rec = sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")
    [note] = sqlite_services.outbox.messages_for(world.agent, "enquiry", rec.id)
    assert note.kind == "written_confirmation" and note.to_address == "jane.smith.mp@parliament.example"


def test_written_confirmation_is_queued_for_a_further_action_case_too(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view, question="Has the fresh claim been considered?")
    view.case.written_confirmation.setChecked(True)
    with qtbot.waitSignal(view.outbox_changed, timeout=10_000):
        press(qtbot, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)
    assert view.message.text() == ("MPH000001 passed to the MPEL team leader as a Further Action Case. Written "
                                   "confirmation queued to Jane Smith MP's office (Outbox).")
    rec = sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")
    [note] = sqlite_services.outbox.messages_for(world.agent, "enquiry", rec.id)
    assert note.kind == "written_confirmation"
