"""The MPEL team leader's Further Action filter and a region's queue, through the real services on SQLite.

The clock stands at Monday 23 November 2026, 10:15 London: an item received
then and sent to a region is due in 5 working days (Mon 30 Nov), or 10 when
the file is needed (Mon 7 Dec).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from mpel_app.db.models import Enquiry
from mpel_app.domain.records import (CallerKind, Channel, EnquiryStatus, EnquirySummary, QueueStatus,
                                     SubjectDetails)
from mpel_app.ui.context import DeskContext
from mpel_app.ui.models import Column, SummaryTableModel, format_due, format_received
from mpel_app.ui.queues import FurtherActionView, RegionQueueView
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import LONDON, MONDAY_MORNING, OTHER_PASSCODE, PASSCODE, build_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


def further_action_case(world, member, subject: str, question: str = "Where is the application up to?"):
    """A call logged by the agent and passed to the team leader (the call screen is tested elsewhere)."""
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=member.id, caller_kind=CallerKind.CASEWORKER,
                 caller_name="Priya Shah")
    passcode = PASSCODE if member.id == world.mp.id else OTHER_PASSCODE
    assert e.verify_passcode(world.agent, rec.id, passcode).passcode_verified
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name=subject, nationality="Ghanaian",
                                                                 ho_reference="K7654321"),
                     question=question, answer="Holding reply given.", written_confirmation=True)
    return e.mark_further_action(world.agent, rec.id)


def with_region(world, clock, received: datetime, subject: str, region: str = "LSE"):
    """An item received at ``received`` (London) and sent to ``region``."""
    now = clock.now()
    clock.set(received)
    try:
        rec = further_action_case(world, world.mp, subject)
        return world.services.enquiries.send_to_region(world.leader, rec.id, region)
    finally:
        clock.set(now)


def make(qtbot, cls, services, user):
    view = cls(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    return view


def focused():
    return QApplication.focusWidget()


def cell(view, row: int, column: Column, role=Qt.DisplayRole):
    return view.model.data(view.model.index(row, view.model.column_of(column)), role)


# ---------------------------------------------------------------- Further Action


def test_leader_sends_case_to_the_members_region(qtbot, sqlite_services, world):
    further_action_case(world, world.mp, "Amina Okafor")
    further_action_case(world, world.mp_scot, "Kofi Mensah")
    view = make(qtbot, FurtherActionView, sqlite_services, world.leader)
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and view.record is not None
                    and view.region_combo.count() == 6)
    assert view.count_label.text() == "2 Further Action Cases waiting, oldest first"
    assert cell(view, 0, Column.REFERENCE) == "MPH000001"
    assert cell(view, 0, Column.RECEIVED) == "23 Nov 2026 10:15"
    detail = view.detail.toPlainText()
    assert detail.startswith("MPH000001")
    assert "Where is the application up to?" in detail
    assert "Jane Smith MP — Holborn and St Pancras" in detail
    assert "caseworker Priya Shah" in detail and "written confirmation requested" in detail
    assert view.region_combo.currentData() == "LSE"  # from the member's constituency
    assert_accessible(view)

    # Down to the Scottish MP's case: the default follows the member.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Down)
    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == "MPH000002")
    assert view.region_combo.currentData() == "SNI"
    qtbot.keyClick(view.table, Qt.Key_Up)
    qtbot.waitUntil(lambda: view.record.reference == "MPH000001" and view.region_combo.currentData() == "LSE")

    # Enter on a row asks the window to open the full record.
    with qtbot.waitSignal(view.open_record) as opened:
        qtbot.keyClick(view.table, Qt.Key_Return)
    assert opened.args == [view.record.id]

    qtbot.keyClick(focused(), Qt.Key_S, Qt.AltModifier)
    qtbot.waitUntil(lambda: "sent to" in view.message.text())
    assert view.message.text() == "MPH000001 sent to London & South East (LSE): response due by Mon 30 Nov 2026."
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert cell(view, 0, Column.REFERENCE) == "MPH000002"

    rec = sqlite_services.enquiries.get_by_reference(world.leader, "MPH000001")
    assert (rec.status, rec.region_code, rec.due_date) == (EnquiryStatus.WITH_REGION, "LSE", date(2026, 11, 30))


def test_leader_can_choose_another_region(qtbot, sqlite_services, world):
    further_action_case(world, world.mp, "Amina Okafor")
    view = make(qtbot, FurtherActionView, sqlite_services, world.leader)
    view.refresh()
    qtbot.waitUntil(lambda: view.record is not None and view.region_combo.currentData() == "LSE")
    view.region_combo.setFocus()
    qtbot.keyClick(view.region_combo, Qt.Key_Down)  # LSE -> the next region in the list
    assert view.region_combo.currentData() != "LSE"
    chosen = view.region_combo.currentData()
    qtbot.keyClick(view.region_combo, Qt.Key_Tab)
    assert focused() is view.send_button
    qtbot.keyClick(view.send_button, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and "sent to" in view.message.text())
    assert sqlite_services.enquiries.get_by_reference(world.leader, "MPH000001").region_code == chosen
    assert view.count_label.text() == "No Further Action Cases waiting."


def test_leader_answers_a_case(qtbot, sqlite_services, world):
    further_action_case(world, world.mp, "Amina Okafor")
    view = make(qtbot, FurtherActionView, sqlite_services, world.leader)
    view.refresh()
    qtbot.waitUntil(lambda: view.record is not None)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_A, Qt.AltModifier)
    assert focused() is view.answer_edit
    # An empty answer is refused by the service, shown inline.
    qtbot.keyClick(view.answer_edit, Qt.Key_L, Qt.AltModifier)
    qtbot.waitUntil(lambda: "write the answer" in view.message.text().lower())
    view.answer_edit.setFocus()
    qtbot.keyClicks(view.answer_edit, "Decision made on 20 November; letter on its way.")
    qtbot.keyClick(view.answer_edit, Qt.Key_L, Qt.AltModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and "answered" in view.message.text())
    rec = sqlite_services.enquiries.get_by_reference(world.leader, "MPH000001")
    assert rec.status is EnquiryStatus.ANSWERED
    assert rec.answer == "Decision made on 20 November; letter on its way."


# ------------------------------------------------------------------ region queue


def test_account_manager_works_an_item_to_completion(qtbot, sqlite_services, world, clock):
    with_region(world, clock, MONDAY_MORNING, "Amina Okafor")
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.record is not None)
    assert not view.region_combo.isEnabled()
    assert view.region_combo.currentText() == "London & South East (LSE)"
    assert [view.model.headerData(c, Qt.Horizontal) for c in range(view.model.columnCount())] == [
        # What is acted on first, left of the long names, so a narrow pane never hides it (issue 14).
        "Reference", "Status", "Due", "Acknowledged", "File needed", "Received", "Member", "Subject"]
    assert cell(view, 0, Column.DUE) == "Mon 30 Nov"
    assert cell(view, 0, Column.QUEUE_STATUS) == "On time"
    assert cell(view, 0, Column.ACKNOWLEDGED) == "Not yet"
    assert view.summary_label.text() == "1 open — 0 overdue, 0 due soon"
    assert "response due by Mon 30 Nov 2026 · 5 working days" in view.detail.toPlainText()
    assert_accessible(view)

    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_K, Qt.ControlModifier)
    qtbot.waitUntil(lambda: cell(view, 0, Column.ACKNOWLEDGED) == "Yes")
    qtbot.waitUntil(lambda: "acknowledged 23 Nov 2026 10:15 by Lena South" in view.detail.toPlainText())
    assert not view.acknowledge_button.isEnabled()

    # Alt+F ticks "File needed": the target becomes 10 working days from receipt at MPEL.
    qtbot.keyClick(focused(), Qt.Key_F, Qt.AltModifier)
    qtbot.waitUntil(lambda: cell(view, 0, Column.DUE) == "Mon 7 Dec")
    assert cell(view, 0, Column.FILE_NEEDED) == "Yes"
    assert view.message.text() == "File needed for MPH000001: response now due by Mon 7 Dec 2026."
    qtbot.waitUntil(lambda: view.record.file_needed and view.file_needed.isChecked())
    assert sqlite_services.enquiries.get_by_reference(world.am_lse, "MPH000001").due_date == date(2026, 12, 7)

    qtbot.keyClick(focused(), Qt.Key_R, Qt.AltModifier)
    assert focused() is view.response_edit
    qtbot.keyClicks(view.response_edit, "Rang the office: decision letter served on 24 November.")
    qtbot.keyClick(view.response_edit, Qt.Key_Tab)
    assert focused() is view.complete_button
    qtbot.keyClick(view.complete_button, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.model.rowCount() == 0 and "completed" in view.message.text())
    assert view.summary_label.text() == "0 open — 0 overdue, 0 due soon"
    rec = sqlite_services.enquiries.get_by_reference(world.am_lse, "MPH000001")
    assert rec.status is EnquiryStatus.COMPLETED
    assert rec.response == "Rang the office: decision letter served on 24 November."


def test_account_manager_cannot_choose_another_region(qtbot, sqlite_services, world, clock):
    with_region(world, clock, MONDAY_MORNING, "Kofi Mensah", region="SNI")
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: view.region_combo.count() == 1 and view.summary_label.text() != "")
    assert not view.region_combo.isEnabled()
    assert view.region_code() == "LSE"
    assert view.model.rowCount() == 0
    # Even asked directly, the service refuses: permissions live in the service, not in the combo.
    view.show_region("SNI")
    qtbot.waitUntil(lambda: "may not work the SNI queue" in view.message.text())
    assert view.model.rowCount() == 0


def test_overseer_sees_statuses_urgent_first_then_by_due_date(qtbot, sqlite_services, world, clock):
    with_region(world, clock, MONDAY_MORNING, "On Time")  # due Mon 30 Nov
    with_region(world, clock, datetime(2026, 11, 17, 11, 0, tzinfo=LONDON), "Due Tomorrow")  # due Tue 24 Nov
    with_region(world, clock, datetime(2026, 11, 13, 9, 30, tzinfo=LONDON), "Overdue Since Friday")  # Fri 20 Nov
    with_region(world, clock, datetime(2026, 11, 16, 15, 0, tzinfo=LONDON), "Due Today")  # Mon 23 Nov
    urgent = with_region(world, clock, MONDAY_MORNING, "Urgent Removal")
    with_region(world, clock, MONDAY_MORNING, "Scottish Case", region="SNI")
    with sqlite_services.uow() as s:
        s.get(Enquiry, urgent.id).urgent = True

    view = make(qtbot, RegionQueueView, sqlite_services, world.leader)
    qtbot.waitUntil(lambda: view.region_combo.count() == 6 and view.model.rowCount() > 0)
    assert view.region_combo.isEnabled()
    view.show_region("LSE")
    qtbot.waitUntil(lambda: view.model.rowCount() == 5)
    rows = [(cell(view, r, Column.SUBJECT), cell(view, r, Column.DUE), cell(view, r, Column.QUEUE_STATUS))
            for r in range(5)]
    assert rows == [("Urgent Removal", "Mon 30 Nov", "URGENT"),
                    ("Overdue Since Friday", "Fri 20 Nov", "Overdue"),
                    ("Due Today", "Mon 23 Nov", "Due soon"),
                    ("Due Tomorrow", "Tue 24 Nov", "Due soon"),
                    ("On Time", "Mon 30 Nov", "On time")]
    assert view.summary_label.text() == "5 open — 1 urgent, 1 overdue, 2 due soon"
    # Colour backs up the words, never replaces them.
    # Red is kept for what needs action today (issue 14): the urgent item nobody has acknowledged.  Overdue
    # work is said in words and a muted brown without a fill, so an overdue-heavy queue is not a wall of red.
    assert cell(view, 0, Column.QUEUE_STATUS, Qt.ForegroundRole).color() == QColor("#b00000")
    assert cell(view, 0, Column.QUEUE_STATUS, Qt.BackgroundRole).color() == QColor("#fde2e2")
    assert cell(view, 1, Column.QUEUE_STATUS, Qt.ForegroundRole).color() == QColor("#6d3b1f")
    assert cell(view, 1, Column.QUEUE_STATUS, Qt.BackgroundRole) is None
    assert not cell(view, 1, Column.QUEUE_STATUS, Qt.FontRole)
    assert cell(view, 2, Column.QUEUE_STATUS, Qt.BackgroundRole).color() == QColor("#fff1c9")
    assert cell(view, 0, Column.QUEUE_STATUS, Qt.FontRole).bold()
    assert cell(view, 4, Column.QUEUE_STATUS, Qt.ForegroundRole) is None
    view.grab().save("/tmp/ui_region_queue.png")

    view.region_combo.setCurrentIndex(view.region_combo.findData("SNI"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and cell(view, 0, Column.SUBJECT) == "Scottish Case")


# ------------------------------------------------------------------------ model


def _summary(**kw) -> EnquirySummary:
    values = dict(id=1, reference="MPH000123", channel=Channel.TELEPHONE, status=EnquiryStatus.WITH_REGION,
                  received_at=datetime(2026, 7, 1, 13, 5, tzinfo=timezone.utc), member_name="Jane Smith",
                  subject_name="Amina Okafor", nationality="Nigerian", ho_reference="O1234567",
                  cts_reference="", region_code="LSE", due_date=date(2026, 7, 8), acknowledged=False,
                  file_needed=False, queue_status=QueueStatus.DUE_SOON)
    values.update(kw)
    return EnquirySummary(**values)


def test_summary_model_formats_in_london_time(qtbot):
    model = SummaryTableModel()
    assert [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())] == [c.value for c in Column]
    model.set_items([_summary(), _summary(id=2, reference="MPH000124", queue_status=None, due_date=None,
                                          received_at=datetime(2026, 11, 23, 14, 5, tzinfo=timezone.utc))])
    assert model.rowCount() == 2 and model.item(1).reference == "MPH000124" and model.item(2) is None
    text = {c: model.data(model.index(0, i)) for i, c in enumerate(Column)}
    assert text[Column.RECEIVED] == "1 Jul 2026 14:05"  # BST: an hour ahead of UTC
    assert text[Column.DUE] == "Wed 8 Jul"
    assert text[Column.QUEUE_STATUS] == "Due soon"
    assert text[Column.STATUS] == "With region"
    assert model.data(model.index(1, 1)) == "23 Nov 2026 14:05"  # GMT in winter
    assert model.data(model.index(1, model.column_of(Column.DUE))) == ""
    assert model.row_of(2) == 1 and model.row_of(99) == -1


def test_formatters():
    assert format_due(date(2026, 11, 30)) == "Mon 30 Nov"
    assert format_received(datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)) == "29 Mar 2026 02:30"


def test_a_long_queue_comes_a_page_at_a_time(qtbot, sqlite_services, world, clock):
    """The first page, the whole queue's counts, then more on demand: the button, or scrolling to the end."""
    from mpel_app.services.enquiries import QUEUE_PAGE_SIZE

    total = QUEUE_PAGE_SIZE + 30
    received = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
    with sqlite_services.uow() as s:
        for n in range(1, total + 1):
            # A third overdue (due before Monday 23 Nov), every tenth urgent and not acknowledged.
            due = date(2026, 11, 20) if n % 3 == 0 else date(2026, 11, 30)
            s.add(Enquiry(reference=f"LSE{n:06d}", channel="telephone", status=EnquiryStatus.WITH_REGION.value,
                          received_at=received, created_by_id=world.agent.id, passcode_failures=0,
                          subject_name=f"Subject {n:03d}", region_code="LSE", due_date=due, urgent=n % 10 == 0))
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: view.model.rowCount() == QUEUE_PAGE_SIZE and view.record is not None)
    # The counts are the whole queue's, not the page's.
    assert view.summary_label.text() == "230 open — 23 urgent, 69 overdue, 0 due soon"
    assert view.shown_label.text() == f"Showing {QUEUE_PAGE_SIZE} of 230"
    assert view.more_button.isVisible() and view.more_button.isEnabled()
    assert [cell(view, r, Column.QUEUE_STATUS) for r in range(24)] == ["URGENT"] * 23 + ["Overdue"]
    assert_accessible(view)
    view.grab().save("/tmp/ui_region_queue_paged.png")

    # Working an item keeps what is shown: the refresh reloads as many items, with the selection.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Down)
    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == cell(view, 1, Column.REFERENCE))
    chosen = view.record.reference
    qtbot.keyClick(view.table, Qt.Key_K, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "acknowledged" in view.message.text())
    qtbot.waitUntil(lambda: view.summary_label.text() == "230 open — 22 urgent, 70 overdue, 0 due soon")
    assert view.model.rowCount() == QUEUE_PAGE_SIZE and view.selected().reference == chosen

    # Alt+M shows the rest; then there is nothing more to offer, and the focus stays in the list.
    qtbot.keyClick(view.table, Qt.Key_M, Qt.AltModifier)
    qtbot.waitUntil(lambda: view.model.rowCount() == 230)
    assert not view.more_button.isVisible() and view.table.hasFocus()
    assert len({view.model.item(r).id for r in range(230)}) == 230
    assert view.selected().reference == chosen

    # Scrolling to the end of the first page loads the next one too.
    other = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: other.model.rowCount() == QUEUE_PAGE_SIZE)
    other.table.scrollToBottom()
    qtbot.waitUntil(lambda: other.model.rowCount() == 230)
    assert not other.more_button.isVisible()
