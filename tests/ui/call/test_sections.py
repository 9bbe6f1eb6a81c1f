"""Each section of the call screen on its own: what it shows for a call's state, what it reads back, what it says.

A section is a widget with no service of its own (but the caller's member
search): these tests build one alone, as a person changing it would, so
a change to one section is caught here before the whole screen's tests.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from mpel_app.domain.records import CallerKind, Channel, Disclosure, EnquiryStatus
from mpel_app.ui.call.case import CaseSection
from mpel_app.ui.call.caller import CallerSection
from mpel_app.ui.call.footer import CallFooter
from mpel_app.ui.call.header import CallHeader
from mpel_app.ui.call.passcode import PasscodeSection
from mpel_app.ui.call.state import CallState
from mpel_app.ui.call.urgent import UrgentSection
from tests.support.desk import desk_context, shown
from tests.support.world import LONDON, PASSCODE, build_world
from tests.ui.accessibility import assert_accessible

OPEN = CallState(open_call=True)
VERIFIED = CallState(open_call=True, verified=True, once_verified=True)
REFUSED_ONLY = CallState(open_call=True, refused_only=True)


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def verified_record(services, world):
    svc = services.enquiries
    rec = svc.start(world.agent, Channel.TELEPHONE)
    svc.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    return svc.verify_passcode(world.agent, rec.id, PASSCODE)


def test_header_enter_on_a_channel_starts_the_call_on_that_channel(qtbot):
    header = shown(qtbot, CallHeader())
    header.channel_buttons[Channel.FAX].setFocus()
    with qtbot.waitSignal(header.stray_enter):  # the first key as the desk opens: not a reference
        qtbot.keyClick(header.channel_buttons[Channel.FAX], Qt.Key_Return)
    with qtbot.waitSignal(header.start_requested):
        qtbot.keyClick(header.channel_buttons[Channel.FAX], Qt.Key_Return)
    assert header.channel() is Channel.FAX
    assert_accessible(header)


def test_caller_picks_a_member_by_type_ahead_and_reads_back_the_caller(qtbot, sqlite_services, world):
    section = shown(qtbot, CallerSection(desk_context(sqlite_services, world.agent)))
    section.set_state(OPEN)
    section.member_edit.setFocus()
    qtbot.keyClicks(section.member_edit, "holborn")
    qtbot.keyClick(section.member_edit, Qt.Key_Return)  # before the matches come: picked when they do
    qtbot.waitUntil(lambda: section.member is not None)
    assert section.member.id == world.mp.id
    section.caller_caseworker.setChecked(True)
    assert section.caseworker_name.isEnabled()
    section.caseworker_name.setText(" Priya Shah ")
    assert section.values() == {"member_id": world.mp.id, "caller_kind": CallerKind.CASEWORKER,
                                "caller_name": "Priya Shah"}
    section.set_state(VERIFIED)
    assert section.member_edit.isReadOnly()  # another member means another call
    section.set_state(REFUSED_ONLY)
    assert not section.isEnabled()
    assert_accessible(section)


def test_passcode_section_gates_and_hides_refusal_once_verified(qtbot, sqlite_services, world):
    section = shown(qtbot, PasscodeSection())
    section.set_state(OPEN)
    assert section.passcode_edit.isEnabled() and section.refuse_button.isEnabled()
    section.set_state(REFUSED_ONLY)
    assert not section.passcode_edit.isEnabled() and section.refuse_reason.isEnabled()
    section.set_state(VERIFIED)
    assert not section.passcode_edit.isEnabled() and not section.refuse_reason.isVisible()
    rec = verified_record(sqlite_services, world)
    section.passcode_edit.setText(PASSCODE)
    section.show_checked(rec, "10:15")
    assert section.passcode_edit.text() == ""
    assert section.passcode_status.text() == "Passcode verified for Jane Smith MP's office at 10:15."


def test_case_section_locks_until_verified_and_reads_back_what_is_typed(qtbot):
    section = shown(qtbot, CaseSection())
    section.set_state(OPEN, None)
    assert not section.isEnabled() and section.lock_banner.text() == "Locked until the passcode is verified"
    section.set_state(VERIFIED, None)
    assert section.isEnabled()
    section.subject_name.setText("Amina Okafor")
    section.dob_edit.setFocus()
    qtbot.keyClicks(section.dob_edit, "12/03/1985")
    assert section.dob_hint.text() == "12 March 1985"
    section.check_third_party.setChecked(True)
    assert section.subject().date_of_birth == date(1985, 3, 12)
    assert section.disclosure() == Disclosure(third_party=True)
    assert_accessible(section)


def test_case_section_says_at_once_when_a_date_of_birth_cannot_be_one(qtbot):
    section = shown(qtbot, CaseSection())
    section.set_state(VERIFIED, None)
    section.dob_edit.setFocus()
    qtbot.keyClicks(section.dob_edit, "12/13")
    assert section.dob_hint.text() == "there is no month 13: type dd/mm/yyyy"
    with pytest.raises(ValueError, match="Date of birth"):
        section.subject()


def test_urgent_section_previews_the_route_and_counts_down(qtbot, sqlite_services, world):
    section = shown(qtbot, UrgentSection("F9"))
    rec = verified_record(sqlite_services, world)
    section.set_state(VERIFIED)
    section.imminent_check.setChecked(True)
    section.removal_date.setText("24/11/2026")
    section.removal_time.setText("22:30")
    section.update_preview(rec, datetime(2026, 11, 23, 10, 45, tzinfo=LONDON))
    assert section.urgent and section.route.imminent_removal
    assert section.countdown_label.text() == "Removal in 35 h 45 min — imminent (within 72 hours)"
    assert section.route_label.text().endswith("Send it with F9.")
    assert section.removal_date_hint.text() == "Tue 24 Nov 2026"
    assert_accessible(section)


def test_urgent_section_names_a_date_typed_into_the_time_box_instead_of_cutting_it(qtbot, sqlite_services, world):
    section = shown(qtbot, UrgentSection("F9"))
    rec = verified_record(sqlite_services, world)
    section.set_state(VERIFIED)
    section.imminent_check.setChecked(True)
    section.removal_time.setFocus()
    qtbot.keyClicks(section.removal_time, "24/11/2026")
    section.update_preview(rec, rec.received_at)
    assert section.removal_time.text() == "24/11/2026"  # whole, not cut to fit
    assert section.removal_time_hint.text().startswith("that is a date: it goes in Removal date")
    assert not section.urgent


def test_footer_lets_only_the_urgent_send_finish_an_urgent_call(qtbot):
    footer = shown(qtbot, CallFooter())
    footer.set_buttons(verified=True, urgent=False)
    assert footer.complete_button.isEnabled() and footer.further_action_button.isEnabled()
    footer.set_buttons(verified=True, urgent=True)
    assert not footer.complete_button.isEnabled() and footer.send_urgent_button.isEnabled()
    assert "urgent" in footer.complete_button.toolTip()


def test_call_state_of_a_record(sqlite_services, world):
    rec = verified_record(sqlite_services, world)
    assert CallState.of(rec) == VERIFIED
    assert CallState.of(None) == CallState()
    assert rec.status is EnquiryStatus.OPEN


def test_plan_panel_shows_whom_to_telephone_and_asks_whom_was_spoken_to(qtbot, sqlite_services, world):
    from mpel_app.ui.call.controller import CallController
    from mpel_app.ui.call.plan import UrgentPlanPanel
    ctx = desk_context(sqlite_services, world.agent)
    owner = shown(qtbot, QWidget())
    panel = UrgentPlanPanel(CallController(ctx, owner), owner)
    rec = verified_record(sqlite_services, world)
    sqlite_services.enquiries.update_details(world.agent, rec.id, subject=rec.subject, question="Removal tonight.",
                                             answer="", written_confirmation=False)
    sqlite_services.urgent.flag(world.agent, rec.id, removal_at=datetime(2026, 11, 24, 22, 30, tzinfo=LONDON),
                                compassionate=False)
    plan = sqlite_services.urgent.send(world.agent, rec.id)
    panel.show_plan(plan, rec, "call note queued, not sent (mail is not set up)")
    assert panel.plan_title.text().endswith(f"{rec.reference}: call note queued, not sent (mail is not set up)")
    assert panel.plan_call_phone.text() == plan.call_phone and panel.called_number.text() == plan.call_phone
    panel.record_call()
    assert panel.record_message.text() == "Write down whom you spoke to."
    assert panel.finished_text() is None and "No call recorded yet" in panel.record_message.text()
    assert panel.finished_text() == f"{rec.reference} sent as urgent to London & South East; 0 calls recorded."
    assert_accessible(panel)
