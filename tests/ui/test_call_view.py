"""The call agent's screen driven from the keyboard only, through the real services on SQLite.

Each test starts with the focus on the view and then only presses keys on
whatever widget has the focus, as an agent with a headset would.
"""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus
from mpel_app.ui.call.typed import parse_dob
from tests.support.desk import open_call_view
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


@pytest.fixture
def view(qtbot, sqlite_services, world):
    return open_call_view(qtbot, sqlite_services, world.agent)


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifiers=Qt.NoModifier):
    qtbot.keyClick(focused(), key, modifiers)


def type_text(qtbot, text: str):
    qtbot.keyClicks(focused(), text)


def tab(qtbot, times: int = 1):
    for _ in range(times):
        press(qtbot, Qt.Key_Tab)


def start_call(qtbot, view) -> None:
    tab(qtbot)
    assert focused() is view.header.new_call_button
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.record is not None)
    assert focused() is view.caller.member_edit


def pick_member(qtbot, view, text: str) -> None:
    type_text(qtbot, text)
    # Enter straight away: the pick waits for the debounced search to come back.
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.caller.member_edit.text().startswith("Jane Smith MP"))


def enter_passcode(qtbot, view, passcode: str) -> None:
    assert focused() is view.passcode.passcode_edit
    type_text(qtbot, passcode)
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: not view.busy)


def test_further_action_case_logged_with_the_keyboard_only(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    assert view.header.reference_label.text() == "MPH000001"
    assert "Received 23 Nov 2026 10:15" in view.header.call_info_label.text()
    assert_accessible(view)

    pick_member(qtbot, view, "holborn")
    assert view.caller.member_edit.text() == "Jane Smith MP — Holborn and St Pancras"
    assert "Office telephone: 020 7219 3000" in view.caller.member_info.text()
    assert "London & South East" in view.caller.member_info.text()
    assert focused() is view.caller.caller_member
    tab(qtbot)  # the caseworker's name is disabled for the member: straight to the passcode

    enter_passcode(qtbot, view, "0000")
    assert view.passcode.passcode_status.text() == "Wrong passcode — 1 of 3 attempts used."
    assert not view.case.isEnabled()
    assert view.case.lock_banner.text() == "Locked until the passcode is verified"
    assert not view.footer.complete_button.isEnabled()

    enter_passcode(qtbot, view, PASSCODE)
    assert view.case.isEnabled()
    assert "Passcode verified" in view.passcode.passcode_status.text()
    assert focused() is view.case.subject_name
    assert_accessible(view)

    type_text(qtbot, "Amina Okafor")
    tab(qtbot)
    assert focused() is view.case.dob_edit
    type_text(qtbot, "12/03/1985")
    assert view.case.dob_hint.text() == "12 March 1985"
    tab(qtbot)
    type_text(qtbot, "Nigerian")
    tab(qtbot)
    type_text(qtbot, "o1234567")
    tab(qtbot)
    type_text(qtbot, "m12345/26")
    tab(qtbot)
    assert focused() is view.case.check_constituency
    press(qtbot, Qt.Key_Space)
    tab(qtbot, 3)
    assert focused() is view.case.check_identity
    press(qtbot, Qt.Key_Space)
    tab(qtbot)
    assert focused() is view.case.question
    type_text(qtbot, "Progress of the further leave application lodged in June?")
    tab(qtbot)
    assert focused() is view.case.answer
    type_text(qtbot, "Awaiting a decision; passed for further action.")
    tab(qtbot)
    assert focused() is view.case.written_confirmation
    press(qtbot, Qt.Key_Space)

    press(qtbot, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: "Further Action Case" in view.message.text())
    # Written confirmation was asked for (Space above): a Further Action Case gets one too.
    assert view.message.text() == ("MPH000001 passed to the MPEL team leader as a Further Action Case. Written "
                                   "confirmation queued to Jane Smith MP's office (Outbox).")
    # Ready for the next call.
    assert view.record is None
    assert focused() is view.header.channel_buttons[Channel.TELEPHONE]
    assert view.caller.member_edit.text() == "" and view.case.subject_name.text() == ""
    assert not view.case.isEnabled()

    queue = sqlite_services.enquiries.further_action_queue(world.leader)
    assert [(i.reference, i.subject_name, i.member_name) for i in queue] == [
        ("MPH000001", "Amina Okafor", "Jane Smith")]
    rec = sqlite_services.enquiries.get(world.leader, queue[0].id)
    assert rec.status is EnquiryStatus.FURTHER_ACTION
    assert rec.subject.date_of_birth == date(1985, 3, 12)
    assert (rec.subject.nationality, rec.subject.ho_reference, rec.subject.cts_reference) == (
        "Nigerian", "O1234567", "M12345/26")
    assert rec.question == "Progress of the further leave application lodged in June?"
    assert rec.written_confirmation
    assert rec.disclosure.constituency_mp and rec.disclosure.identity_confirmed
    assert not rec.disclosure.third_party
    assert rec.passcode_failures == 1
    assert rec.caller_kind is CallerKind.MEMBER


def test_caseworker_call_completed_at_first_contact(qtbot, view, world, sqlite_services):
    # Alt+E picks the email channel; Enter on it starts the call.
    press(qtbot, Qt.Key_E, Qt.AltModifier)
    assert focused() is view.header.channel_buttons[Channel.EMAIL]
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.record is not None)
    assert view.record.channel is Channel.EMAIL

    # "an" matches both members; arrow down to the second and pick it.
    type_text(qtbot, "an")
    qtbot.waitUntil(lambda: view.caller.suggestions.count() == 2)
    assert view.caller.suggestions.item(0).text().startswith("Rt Hon Angus MacLeod MP — Glasgow North")
    press(qtbot, Qt.Key_Down)
    press(qtbot, Qt.Key_Return)
    assert view.caller.member_edit.text() == "Jane Smith MP — Holborn and St Pancras"

    press(qtbot, Qt.Key_Right)  # arrow to "a caseworker", then Tab to the name it enables
    assert view.caller.caller_caseworker.isChecked()
    tab(qtbot)
    assert focused() is view.caller.caseworker_name
    type_text(qtbot, "Priya Shah")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    assert focused() is view.case.subject_name
    type_text(qtbot, "Tomasz Nowak")
    press(qtbot, Qt.Key_Q, Qt.AltModifier)
    assert focused() is view.case.question
    type_text(qtbot, "Has the BRP been posted?")
    press(qtbot, Qt.Key_G, Qt.AltModifier)
    type_text(qtbot, "Yes, sent by special delivery on 20 November.")

    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "completed" in view.message.text())
    assert view.message.text() == "MPH000001 completed: answered at first contact."
    assert focused() is view.header.channel_buttons[Channel.EMAIL]

    rec = sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")
    assert rec.status is EnquiryStatus.ANSWERED
    assert (rec.caller_kind, rec.caller_name) == (CallerKind.CASEWORKER, "Priya Shah")
    assert rec.subject.name == "Tomasz Nowak"
    assert rec.answer == "Yes, sent by special delivery on 20 November."

    # The next call gets the next reference.
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.record is not None)
    assert view.header.reference_label.text() == "MPH000002"


def test_three_wrong_passcodes_leave_only_refusal(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "jane")
    tab(qtbot)
    for attempt in (1, 2):
        enter_passcode(qtbot, view, "1111")
        assert view.passcode.passcode_status.text() == f"Wrong passcode — {attempt} of 3 attempts used."
        assert focused() is view.passcode.passcode_edit
    enter_passcode(qtbot, view, "2222")
    assert view.passcode.passcode_status.text().startswith("Wrong passcode — 3 of 3 attempts used.")
    assert not view.passcode.passcode_edit.isEnabled() and not view.passcode.verify_button.isEnabled()
    assert not view.case.isEnabled() and not view.caller.isEnabled()
    assert view.case.lock_banner.text().startswith("Locked: 3 wrong passcodes")
    assert view.passcode.refuse_button.isEnabled()
    # The reason is proposed and selected: Enter accepts it, typing replaces it.
    assert focused() is view.passcode.refuse_reason
    assert view.passcode.refuse_reason.text() == "Passcode wrong 3 times"
    # Ctrl+Enter cannot sneak past the gate.
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "Locked until the passcode" in view.message.text())
    assert_accessible(view)

    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: "refused" in view.message.text())
    assert view.message.text() == "MPH000001 closed as refused: nothing was disclosed."
    rec = sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001")
    assert rec.status is EnquiryStatus.REFUSED
    assert rec.passcode_failures == 3
    assert rec.subject is None  # nothing personal can be read from a refused call
    assert sqlite_services.enquiries.further_action_queue(world.leader) == []


def test_refusing_before_three_attempts_needs_a_reason(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    tab(qtbot)
    tab(qtbot, 2)  # past the passcode and Verify
    assert focused() is view.passcode.refuse_reason
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: "reason" in view.passcode.passcode_status.text())
    type_text(qtbot, "Caller did not have the passcode")
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: "refused" in view.message.text())
    assert sqlite_services.enquiries.get_by_reference(world.agent, "MPH000001").status is EnquiryStatus.REFUSED


def test_invalid_date_of_birth_is_caught_before_saving(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    tab(qtbot)
    type_text(qtbot, "31/02/1990")
    assert "not a date" in view.case.dob_hint.text()
    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "not a real date" in view.message.text())
    assert focused() is view.case.dob_edit


def test_service_validation_shown_inline_and_nothing_lost(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    type_text(qtbot, "Sam Example")
    press(qtbot, Qt.Key_Q, Qt.AltModifier)
    type_text(qtbot, "Where is the file?")
    # Completing needs the answer given: the service says so, the details are kept.
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "answer given" in view.message.text())
    assert view.message.text() == "Write up the question and the answer given before completing"
    assert view.record is not None and view.record.status is EnquiryStatus.OPEN
    assert view.case.subject_name.text() == "Sam Example"
    # The details were saved on the way: a second try uses the new version, not a stale one.
    press(qtbot, Qt.Key_G, Qt.AltModifier)
    type_text(qtbot, "With the region; no timescale given.")
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "completed" in view.message.text())


def test_someone_elses_change_is_not_overwritten(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    type_text(qtbot, "Agent's spelling")
    rec = view.record
    # Another desk saves the same record meanwhile.
    from mpel_app.domain.records import SubjectDetails
    sqlite_services.enquiries.update_details(world.leader, rec.id, subject=SubjectDetails(name="Leader's spelling"),
                                             question="", answer="", written_confirmation=False,
                                             expected_version=rec.version)
    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "changed by someone else" in view.message.text())
    assert sqlite_services.enquiries.get(world.agent, rec.id).subject.name == "Leader's spelling"


def test_new_call_while_one_is_open_asks_first(qtbot, view, world, monkeypatch):
    start_call(qtbot, view)
    answers = iter([False, True])
    asked: list[str] = []
    monkeypatch.setattr(view, "confirm_abandon", lambda ref: asked.append(ref) or next(answers))
    press(qtbot, Qt.Key_N, Qt.AltModifier)
    qtbot.waitUntil(lambda: asked == ["MPH000001"])  # a mnemonic clicks after a short animation
    assert view.record.reference == "MPH000001"
    # Escape is not bound to anything that clears the form.
    type_text(qtbot, "smi")
    press(qtbot, Qt.Key_Escape)
    assert view.caller.member_edit.text() == "smi" and view.record.reference == "MPH000001"
    press(qtbot, Qt.Key_N, Qt.AltModifier)
    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == "MPH000002")
    assert view.caller.member_edit.text() == ""


def test_idle_screen_is_accessible_and_locked(qtbot, view):
    assert_accessible(view)
    assert not view.caller.isEnabled() and not view.case.isEnabled()
    assert view.header.new_call_button.isEnabled()


@pytest.mark.parametrize("text, expected", [
    ("", None), ("  ", None), ("12/03/1985", date(1985, 3, 12)), ("1.2.2001", date(2001, 2, 1)),
    ("07-11-1970", date(1970, 11, 7))])
def test_parse_dob_accepts_uk_dates_and_blank(text, expected):
    assert parse_dob(text) == expected


@pytest.mark.parametrize("text", ["1985-03-12", "12/03/85", "31/02/1990", "yesterday"])
def test_parse_dob_rejects_other_forms(text):
    with pytest.raises(ValueError, match="Date of birth"):
        parse_dob(text)


def test_caseworker_needs_a_name_before_the_passcode_is_checked(qtbot, view, world, sqlite_services):
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    press(qtbot, Qt.Key_Right)  # a caseworker, but no name given
    tab(qtbot, 2)
    enter_passcode(qtbot, view, PASSCODE)
    assert view.passcode.passcode_status.text() == "Give the caseworker's name"
    assert view.passcode.passcode_edit.text() == PASSCODE  # not lost: fix the name and press Enter again
    assert not view.case.isEnabled()
    view.caller.caseworker_name.setFocus()
    type_text(qtbot, "Priya Shah")
    view.passcode.passcode_edit.setFocus()
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.case.isEnabled())
    assert sqlite_services.enquiries.get(world.agent, view.record.id).passcode_failures == 0
