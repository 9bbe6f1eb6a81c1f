"""Urgent calls on the desk, through the real services on SQLite with a fixed clock.

The call agent flags an imminent removal from the keyboard, sends the call note
with F9 and is told whom to telephone: tonight's duty account manager at
16:30, OSCU at 17:30.  The duty manager's board lists the item until it is
acknowledged with Ctrl+K.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus, Role, SubjectDetails
from mpel_app.ui.call_view import CallView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.duty_view import CALLS, DESTINATION, ESCALATED, REFERENCE, TIME_LEFT, DutyView
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import LONDON, PASSCODE, PASSWORD, build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_call_view import enter_passcode, focused, pick_member, press, start_call, tab, type_text

HALF_FOUR = datetime(2026, 11, 23, 16, 30, tzinfo=LONDON)  # a Monday: a working day, in the duty hour


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def duty_manager(services, world):
    return services.users.create_user(world.admin, username="duty", full_name="Dee Duty", password=PASSWORD,
                                      roles={Role.DUTY_MANAGER}, demo=True)


def call_view(qtbot, services, user) -> CallView:
    view = CallView(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1280, 720)  # the room a 1280 × 800 window leaves it
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.header.channel_buttons[Channel.TELEPHONE])
    return view


def duty_view(qtbot, services, user) -> DutyView:
    view = DutyView(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1400, 720)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: view.isActiveWindow())
    return view


def load(qtbot, view: DutyView, rows: int) -> None:
    with qtbot.waitSignal(view.loaded):
        view.refresh()
    assert view.model.rowCount() == rows


def cell(view: DutyView, row: int, column: int) -> str:
    return view.model.data(view.model.index(row, column))


def verified_call(qtbot, view: CallView, *, subject: str = "Ali Rezaei",
                  question: str = "Removal directions are set for tomorrow night.") -> None:
    """Start a call, pick the London MP, pass the passcode and write up the case: all from the keyboard."""
    start_call(qtbot, view)
    pick_member(qtbot, view, "holborn")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    assert focused() is view.case.subject_name
    type_text(qtbot, subject)
    press(qtbot, Qt.Key_Q, Qt.AltModifier)
    type_text(qtbot, question)


def flag_imminent(qtbot, view: CallView, day: str, at: str) -> None:
    press(qtbot, Qt.Key_V, Qt.AltModifier)  # a mnemonic clicks after a short animation
    qtbot.waitUntil(view.urgent.imminent_check.isChecked)
    assert focused() is view.urgent.removal_date
    type_text(qtbot, day)
    tab(qtbot)
    assert focused() is view.urgent.removal_time
    type_text(qtbot, at)


def urgent_item(world, clock, when: datetime, *, removal_in: timedelta | None = timedelta(hours=30),
                compassionate: bool = False, subject: str = "Ali Rezaei", member=None):
    """An urgent call sent through the services (the call screen is tested on its own)."""
    clock.set(when)
    e, u, agent = world.services.enquiries, world.services.urgent, world.agent
    member = member or world.mp
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=member.id, caller_kind=CallerKind.CASEWORKER, caller_name="Sam Clerk")
    e.verify_passcode(agent, rec.id, PASSCODE if member.id == world.mp.id else "5150")
    e.update_details(agent, rec.id, subject=SubjectDetails(name=subject), question="Removal set.", answer="",
                     written_confirmation=False)
    u.flag(agent, rec.id, removal_at=when + removal_in if removal_in else None, compassionate=compassionate)
    plan = u.send(agent, rec.id)
    return rec, plan


# ------------------------------------------------------------------ the GUI test


def test_imminent_removal_at_half_past_four_goes_to_the_duty_manager_until_acknowledged(
        qtbot, sqlite_services, world, clock):
    clock.set(HALF_FOUR)
    sqlite_services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    view = call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    assert view.urgent.isEnabled() and view.footer.send_urgent_button.isEnabled()
    assert view.urgent.countdown_label.text().startswith("Not urgent")

    flag_imminent(qtbot, view, "24/11/2026", "22:30")
    assert view.urgent.removal_date_hint.text() == "Tue 24 Nov 2026"
    assert view.urgent.countdown_label.text() == "Removal in 30 h 0 min — imminent (within 72 hours)"
    assert "tonight's duty region" in view.urgent.route_label.text()
    # Urgent: the note must go now, so the ordinary finishes are off and Ctrl+Enter says why.
    assert not view.footer.complete_button.isEnabled() and not view.footer.further_action_button.isEnabled()
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "This call is urgent" in view.message.text())
    assert_accessible(view)
    view.grab().save("/tmp/ui_urgent_flagged.png")

    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: view.plan is not None)
    plan = view.plan
    assert plan.destination == "duty_region" and plan.region_name == "North West"
    assert view.plan_panel.isVisible()
    assert view.plan_panel.plan_call_name.text() == "Priya Shah, duty account manager (North West)"
    assert view.plan_panel.plan_call_phone.text() == "0161 496 0123"
    # The test world's regions keep the seed file's placeholder inboxes: the plan says the note reaches nobody.
    assert view.plan_panel.plan_destination.text() == ("Tonight's duty region: North West"
                                            "\nPROBLEM: the inbox address mp-inbox-nwe@mpel.example.gov.uk is a placeholder: notes sent "
                                            "there reach nobody")
    assert "fax the call note to 0161 496 0501" in view.plan_panel.plan_instruction.text()
    assert "Telephone the duty account manager Priya Shah now" in view.plan_panel.plan_instruction.text()
    assert view.plan_panel.plan_title.text().startswith("URGENT – IMMINENT REMOVAL on 24 Nov 2026 22:30 · MPH000001")
    assert view.plan_panel.called_number.text() == "0161 496 0123" and view.plan_panel.call_time.text() == "16:30"
    assert view.record.status is EnquiryStatus.WITH_REGION
    assert not view.case.isEnabled()  # the call note has gone: nothing more to edit
    assert focused() is view.plan_panel.spoken_to
    assert_accessible(view)

    # The agent rings Priya Shah and writes it down.
    clock.advance(minutes=3)
    type_text(qtbot, "Priya Shah")
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: len(view.contacts) == 1)
    assert view.plan_panel.contacts_label.text() == "Recorded: 16:30 Priya Shah on 0161 496 0123"
    assert view.plan_panel.record_message.text() == "Call to Priya Shah at 16:30 recorded."
    view.grab().save("/tmp/ui_urgent_plan.png")
    press(qtbot, Qt.Key_Return, Qt.ControlModifier)  # finished: ready for the next call
    qtbot.waitUntil(lambda: view.record is None)
    assert view.message.text() == "MPH000001 sent as urgent to North West; 1 call recorded."
    assert not view.plan_panel.isVisible() and not view.urgent.imminent_check.isChecked()
    assert focused() is view.header.channel_buttons[Channel.TELEPHONE]
    view.close()

    duty = duty_manager(sqlite_services, world)
    board = duty_view(qtbot, sqlite_services, duty)
    load(qtbot, board, 1)
    assert cell(board, 0, REFERENCE) == "MPH000001"
    assert cell(board, 0, DESTINATION) == "Duty region"
    assert cell(board, 0, TIME_LEFT) == "29 h 57 min"
    assert cell(board, 0, ESCALATED) == "No"
    assert cell(board, 0, CALLS) == "Priya Shah 16:30 (Carla Agent)"
    assert board.tonight_label.text() == ("On duty tonight (Mon 23 Nov 2026): North West — duty account manager "
                                          "Priya Shah, telephone 0161 496 0123")
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key_K, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "acknowledged" in board.message.text())
    assert board.message.text() == "MPH000001 acknowledged at 16:33."
    qtbot.waitUntil(lambda: board.model.rowCount() == 0)
    assert board.count_label.text() == "No urgent items waiting for acknowledgement."
    rec = sqlite_services.enquiries.get_by_reference(duty, "MPH000001")
    assert rec.acknowledged_by == "Dee Duty"


# ---------------------------------------------------------------------- the call screen


def test_countdown_says_imminent_within_72_hours_and_ticks_with_the_clock(qtbot, sqlite_services, world, clock):
    view = call_view(qtbot, sqlite_services, world.agent)  # Monday 10:15
    verified_call(qtbot, view)
    flag_imminent(qtbot, view, "24/11/2026", "16:15")  # 30 hours after the call
    assert view.urgent.countdown_label.text() == "Removal in 30 h 0 min — imminent (within 72 hours)"
    assert "region's inbox" in view.urgent.route_label.text()
    clock.advance(minutes=45)
    view._countdown_timer.timeout.emit()  # the 30-second tick, without waiting for it
    assert view.urgent.countdown_label.text() == "Removal in 29 h 15 min — imminent (within 72 hours)"

    clock.set(datetime(2026, 11, 23, 10, 15, tzinfo=LONDON))
    view.urgent.removal_date.setText("26/11/2026")
    view.urgent.removal_time.setText("18:15")  # 80 hours after the call
    assert view.urgent.countdown_label.text() == "Removal in 80 h 0 min — more than 72 hours away — not imminent"
    assert view.urgent.route_label.text().startswith("Not urgent")
    assert view.footer.complete_button.isEnabled()  # not urgent: finish as usual

    view.urgent.removal_time.setText("9:00")  # before the call
    view.urgent.removal_date.setText("23/11/2026")
    assert view.urgent.countdown_label.text() == ("The removal time is before the call: check the date and time of "
                                           "removal.")
    view.urgent.removal_time.setText("25:00")
    assert view.urgent.countdown_label.text().startswith("Removal time: type it as hh:mm")
    view.urgent.removal_time.clear()
    assert view.urgent.countdown_label.text() == "Type the removal date and time (UK time)."
    # Sending needs the time: nothing is sent and nothing typed is lost.
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: "removal date" in view.message.text())
    assert view.plan is None and view.case.subject_name.text() == "Ali Rezaei"


def test_after_five_the_agent_is_sent_to_oscu(qtbot, sqlite_services, world, clock):
    clock.set(datetime(2026, 11, 23, 17, 30, tzinfo=LONDON))
    view = call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    flag_imminent(qtbot, view, "25/11/2026", "06:00")
    assert "OSCU" in view.urgent.route_label.text()
    with qtbot.waitSignal(view.outbox_changed):  # the window wakes the mail sender on this
        press(qtbot, Qt.Key_F9)
    assert view.plan is not None
    assert view.plan_panel.plan_call_name.text() == "OSCU out-of-hours service"
    assert view.plan_panel.plan_call_phone.text() == "020 7946 0999"
    assert view.plan_panel.plan_destination.text() == ("OSCU out-of-hours service (the call note also goes to "
                                            "London & South East)"
                                            "\nPROBLEM: the inbox address mp-inbox-lse@mpel.example.gov.uk is a placeholder: notes sent "
                                            "there reach nobody")
    assert "may be given to the MP's office" in view.plan_panel.plan_instruction.text()
    # Finishing without recording the referral asks once.
    view.plan_panel.finish_button.click()
    assert "No call recorded yet" in view.plan_panel.record_message.text() and view.record is not None
    view.plan_panel.finish_button.setFocus()
    press(qtbot, Qt.Key_K, Qt.AltModifier)  # "Spoken to"
    assert focused() is view.plan_panel.spoken_to
    type_text(qtbot, "Duty officer Grant")
    view.plan_panel.call_time.setText("17:35")  # five minutes from now: refused, as the future
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: "future" in view.plan_panel.record_message.text())
    view.plan_panel.call_time.setText("17:30")
    view.plan_panel.record_button.click()
    qtbot.waitUntil(lambda: len(view.contacts) == 1)
    [contact] = sqlite_services.urgent.contacts(world.agent, view.record.id)
    assert (contact.kind, contact.spoken_to, contact.phone) == ("oscu", "Duty officer Grant", "020 7946 0999")


def test_a_failed_send_keeps_everything_and_can_be_tried_again(qtbot, sqlite_services, world, clock):
    clock.set(HALF_FOUR)
    view = call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view, question="")
    press(qtbot, Qt.Key_L, Qt.AltModifier)  # compelling / compassionate
    qtbot.waitUntil(view.urgent.compassionate_check.isChecked)
    assert view.urgent.countdown_label.text() == "Compelling / compassionate: urgent, for the member's own region."
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: "question" in view.message.text())
    assert view.message.text() == "Write up the question before sending the call note"
    assert view.plan is None and view.record.status is EnquiryStatus.OPEN and view.record.urgent
    assert view.case.subject_name.text() == "Ali Rezaei" and view.urgent.compassionate_check.isChecked()
    view.case.question.setFocus()
    type_text(qtbot, "The family's child is in hospital; the MP asks for the case to be expedited.")
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: view.plan is not None)
    # Compassionate: its own region even in the duty hour, and no rota needed.
    assert view.plan.destination == "region" and view.plan_panel.plan_call_phone.text() == "020 7946 0100"
    assert view.plan_panel.plan_title.text().startswith("URGENT – COMPELLING / COMPASSIONATE · MPH000001")


def test_no_rota_tonight_says_so_and_falls_back_to_the_region(qtbot, sqlite_services, world, clock):
    clock.set(datetime(2026, 11, 23, 16, 5, tzinfo=LONDON))
    view = call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    flag_imminent(qtbot, view, "24/11/2026", "10:00")
    press(qtbot, Qt.Key_F9)
    qtbot.waitUntil(lambda: view.plan is not None)
    assert view.plan_panel.plan_destination.text() == ("No duty region on the rota tonight: the member's own region, "
                                            "London & South East"
                                            "\nPROBLEM: the inbox address mp-inbox-lse@mpel.example.gov.uk is a placeholder: notes sent "
                                            "there reach nobody")
    assert view.plan_panel.plan_call_phone.text() == "020 7946 0100"
    type_text(qtbot, "Regional duty desk")
    view.plan_panel.record_button.click()
    qtbot.waitUntil(lambda: len(view.contacts) == 1)
    assert sqlite_services.urgent.contacts(world.agent, view.record.id)[0].kind == "region"


# ---------------------------------------------------------------------- the duty board


def test_duty_board_oldest_first_with_countdowns_calls_and_reassignment(qtbot, sqlite_services, world, clock):
    sqlite_services.rota.set_entry(world.leader, date(2026, 11, 23), "NWE", "Priya Shah", "0161 496 0123")
    morning, _ = urgent_item(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON),
                             removal_in=timedelta(hours=20), subject="Tomasz Nowak")
    sqlite_services.urgent.record_contact(world.agent, morning.id, kind="region", spoken_to="Mo Patel",
                                          phone="020 7946 0100")
    kind, _ = urgent_item(world, clock, datetime(2026, 11, 23, 14, 0, tzinfo=LONDON), removal_in=None,
                          compassionate=True, subject="Grace Mensah", member=world.mp_scot)
    duty, _ = urgent_item(world, clock, HALF_FOUR, subject="Ali Rezaei")
    clock.set(datetime(2026, 11, 23, 16, 45, tzinfo=LONDON))
    assert sqlite_services.urgent.escalate_overdue() == [morning.reference, kind.reference]
    manager = duty_manager(sqlite_services, world)
    board = duty_view(qtbot, sqlite_services, manager)
    load(qtbot, board, 3)
    assert [cell(board, r, REFERENCE) for r in range(3)] == ["MPH000001", "MPH000002", "MPH000003"]
    assert [cell(board, r, TIME_LEFT) for r in range(3)] == ["14 h 15 min", "—", "29 h 45 min"]
    assert [cell(board, r, DESTINATION) for r in range(3)] == ["Region", "Region", "Duty region"]
    assert [cell(board, r, ESCALATED) for r in range(3)] == ["Yes, 16:45", "Yes, 16:45", "No"]
    assert cell(board, 0, CALLS) == "Mo Patel 11:00 (Carla Agent)" and cell(board, 2, CALLS) == "None yet"
    assert "No cover on the rota for 9 evenings in the next 14 days: Tue 24 Nov" in board.gaps_label.text()
    assert "Mo Patel (regional team) on 020 7946 0100" in board.detail.toPlainText()
    assert_accessible(board)
    board.grab().save("/tmp/ui_duty_board.png")

    board.select_reference("MPH000002")
    board.region_combo.setCurrentIndex(board.region_combo.findData("SNI"))
    board.reassign_button.click()
    qtbot.waitUntil(lambda: "already with" in board.message.text())
    board.region_combo.setCurrentIndex(board.region_combo.findData("MEE"))
    with qtbot.waitSignal(board.outbox_changed):
        board.reassign_button.click()
    qtbot.waitUntil(lambda: "reassigned" in board.message.text())
    assert board.message.text() == ("MPH000002 reassigned to Midlands & East of England: the call note is on its "
                                    "way there.")
    qtbot.waitUntil(lambda: cell(board, 1, 4) == "Midlands & East of England")

    # Enter on a row opens the record.
    board.table.setFocus()
    board.select_reference("MPH000003")
    with qtbot.waitSignal(board.open_record) as opened:
        qtbot.keyClick(board.table, Qt.Key_Return)
    assert opened.args == [duty.id]


def test_duty_board_warns_when_nobody_is_on_duty_tonight(qtbot, sqlite_services, world, clock):
    manager = duty_manager(sqlite_services, world)
    board = duty_view(qtbot, sqlite_services, manager)
    load(qtbot, board, 0)
    assert board.tonight_label.text().startswith("No duty region on the rota tonight (Mon 23 Nov 2026)")
    assert not board.acknowledge_button.isEnabled()
    board.acknowledge()
    assert board.message.text() == "Select an urgent item first."
    # The minute's refresh picks up a new item by itself.
    urgent_item(world, clock, HALF_FOUR)
    with qtbot.waitSignal(board.loaded):
        board.refresh_timer.timeout.emit()
    assert board.model.rowCount() == 1
