"""Answering the phone starts the call record (issue 9): telephone channel, the member chosen for an exact
caller ID and only offered for a learned one, the call linked to the record, the focus in the passcode box;
a record open on the screen is never replaced by the phone."""
from __future__ import annotations

from datetime import timedelta, timezone

from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus
from mpel_app.telephony.events import ANSWER, NEW_CALL, CtiEvent
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import MONDAY_MORNING, build_world

T0 = MONDAY_MORNING.astimezone(timezone.utc)


def _ring(services, call_id: str, number: str, *, answer: bool) -> None:
    common = dict(call_id=call_id, from_number=number, users=("PJSIP/2001",), queue="mpel")
    services.calls.record(CtiEvent(event=NEW_CALL, at=T0, **common))
    if answer:
        services.calls.record(CtiEvent(event=ANSWER, at=T0 + timedelta(seconds=12), **common))


def _window(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.resize(1300, 900)
    window.show()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


def test_answering_an_office_number_starts_its_record_at_the_passcode(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    window = _window(qtbot, s, world.agent)
    window.show_view(window.find_view)  # the agent is elsewhere when the phone rings
    _ring(s, "c1", "020 7219 3000", answer=True)  # Jane Smith MP's office
    window.ringing.refresh()
    call = window.call_view
    qtbot.waitUntil(lambda: call.record is not None and call.caller.member is not None)
    assert window.current_view() is call
    assert call.record.channel is Channel.TELEPHONE and call.record.status is EnquiryStatus.OPEN
    assert call.caller.member.id == world.mp.id
    qtbot.waitUntil(lambda: call.passcode.passcode_edit.hasFocus())
    linked = s.calls.calls_for_enquiry(call.record.id, world.agent)
    assert [(c.call_id, c.wait_seconds) for c in linked] == [("c1", 12)]
    assert s.calls.missed_calls(world.agent) == []
    window.ringing.refresh()  # the change notice of the link: the call has its record, so it leaves the strip
    qtbot.waitUntil(lambda: "c1" not in window.ringing_bar.strips)
    window.grab().save("/tmp/record-from-phone.png")


def test_a_learned_number_only_offers_the_member(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    # An earlier call from a caseworker's own line, linked to an enquiry for Jane Smith MP: learned.
    _ring(s, "earlier", "020 7946 0555", answer=True)
    rec = s.enquiries.start(world.agent, Channel.TELEPHONE)
    s.enquiries.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER,
                           caller_name="Sam Case")
    s.calls.link_enquiry("earlier", rec.id, world.agent)
    window = _window(qtbot, s, world.agent)
    _ring(s, "now", "020 7946 0555", answer=True)
    window.ringing.refresh()
    call = window.call_view
    qtbot.waitUntil(lambda: call.record is not None and call.record.id != rec.id
                    and call.caller.suggestions.isVisible())
    assert call.caller.member is None  # offered, not chosen
    assert call.caller.member_edit.text().startswith("Jane Smith")
    assert "rang before for Jane Smith" in call.message.text()
    qtbot.waitUntil(lambda: call.caller.member_edit.hasFocus())


def test_a_call_answered_while_a_record_is_open_does_not_replace_it(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    window = _window(qtbot, s, world.agent)
    call = window.call_view
    window.show_view(call)
    call.new_call()
    qtbot.waitUntil(lambda: call.record is not None)
    first = call.record.reference
    _ring(s, "c2", "020 7219 3000", answer=True)
    window.ringing.refresh()
    qtbot.waitUntil(lambda: "still open here" in call.message.text())
    assert call.record.reference == first
    assert "Ctrl+Shift+R starts the new call's record" in call.message.text()
