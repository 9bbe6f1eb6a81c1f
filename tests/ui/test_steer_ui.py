"""Steering the queues, tab counts, new urgent work announcing itself, and alarms for those who can act (issue 14).

Through the real services on SQLite; the clock stands at Monday 23 November 2026, 10:15 London.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.queue_filter import QueueFilter, QueueOrder
from mpel_app.ui.context import DeskContext
from mpel_app.ui.duty_view import DutyView
from mpel_app.ui import find_view
from mpel_app.ui.find_view import FindView
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.models import Column
from mpel_app.ui.queues import FurtherActionView, RegionQueueView
from mpel_app.ui.task_runner import TaskRunner
from mpel_app.ui.widgets import holds_focus
from tests.support.world import LONDON, MONDAY_MORNING, build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_queues import cell, further_action_case, with_region
from tests.ui.test_urgent_ui import urgent_item

SUBJECTS = ["Delta Adeyemi", "alpha Okafor", "Charlie Mensah", "Bravo Nunez", "Echo Sandoval"]


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "desk.ini"), QSettings.IniFormat)


def make(qtbot, cls, services, user, settings=None):
    view = cls(DeskContext(services=services, user=user, runner=TaskRunner(), view_settings=settings))
    qtbot.addWidget(view)
    view.resize(1300, 800)
    view.show()
    qtbot.waitExposed(view)
    return view


def subjects(view) -> list[str]:
    return [cell(view, r, Column.SUBJECT) for r in range(view.model.rowCount())]


def click_heading(qtbot, table, heading: str) -> None:
    header = table.horizontalHeader()
    section = [table.model().headerData(i, Qt.Horizontal) for i in range(table.model().columnCount())].index(heading)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


@pytest.fixture
def queue(world, clock):
    # Received 0, 3, 6, 9 and 12 days before Monday 23 Nov: on time, on time, due soon, due soon, overdue.
    return [with_region(world, clock, MONDAY_MORNING - timedelta(days=3 * n), s) for n, s in enumerate(SUBJECTS)]


# ---------------------------------------------------------------- the region's queue


def test_region_queue_sorts_by_a_heading_and_filters_in_the_query_kept_between_sessions(
        qtbot, sqlite_services, world, queue, settings):
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse, settings)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5)
    assert_accessible(view.filter_bar)
    # A click on the Subject heading sorts by it, and again the other way; the service sorts, not the page.
    with qtbot.waitSignal(view.loaded):
        click_heading(qtbot, view.table, "Subject")
    assert subjects(view) == sorted(SUBJECTS, key=str.casefold)
    assert view.steer.order == QueueOrder("Subject")
    assert view.table.horizontalHeader().isSortIndicatorShown()
    with qtbot.waitSignal(view.loaded):
        click_heading(qtbot, view.table, "Subject")
    assert subjects(view) == sorted(SUBJECTS, key=str.casefold, reverse=True)
    # Filter by status from the keyboard's controls: only the overdue and due-soon items, the count says so.
    with qtbot.waitSignal(view.loaded):
        view.filter_bar.status_combo.setCurrentIndex(view.filter_bar.status_combo.findData("Due soon"))
    assert subjects(view) == ["Charlie Mensah", "Bravo Nunez"]
    assert view.filter_bar.shown_label.text() == "2 of 5 shown"
    assert view.summary_label.text() == "5 open — 1 overdue, 2 due soon"  # the whole queue's counts stay
    # Text (after a pause in typing) narrows it further.
    with qtbot.waitSignal(view.loaded):
        qtbot.keyClicks(view.filter_bar.text_edit, "mensah")
    assert subjects(view) == ["Charlie Mensah"]
    view.grab().save("/tmp/ui_region_queue_filtered_steer.png")

    # The next session: the same person sees the same filter and order.
    again = make(qtbot, RegionQueueView, sqlite_services, world.am_lse, settings)
    qtbot.waitUntil(lambda: again.model.rowCount() == 1)
    assert again.steer.filter == QueueFilter(status="Due soon", text="mensah")
    assert again.filter_bar.status_combo.currentText() == "Due soon"
    assert again.filter_bar.text_edit.text() == "mensah"
    # Clear shows everything again, in the queue's own order (urgent, then by due date).
    with qtbot.waitSignal(again.loaded):
        again.filter_bar.clear_button.click()
    assert subjects(again) == list(reversed(SUBJECTS))
    # Another person on this desk keeps their own choice.
    other = make(qtbot, RegionQueueView, sqlite_services, world.leader, settings)
    assert other.steer.filter == QueueFilter() and other.steer.order == QueueOrder()


def test_narrow_pane_still_shows_acknowledged_and_file_needed(qtbot, sqlite_services, world, queue):
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    view.resize(1000, 700)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5)
    table = view.table
    for column in (Column.ACKNOWLEDGED, Column.FILE_NEEDED):
        section = view.model.column_of(column)
        left = table.horizontalHeader().sectionViewportPosition(section)
        assert 0 <= left and left + table.columnWidth(section) <= table.viewport().width(), column


def test_an_acknowledged_urgent_items_row_and_detail_say_the_same(qtbot, sqlite_services, world, clock):
    rec, _ = urgent_item(world, clock, MONDAY_MORNING)
    view = make(qtbot, RegionQueueView, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.record is not None)
    assert cell(view, 0, Column.QUEUE_STATUS) == "URGENT"
    assert "URGENT — acknowledge now" in view.detail.toPlainText()
    with qtbot.waitSignal(view.loaded):
        view.acknowledge()
    qtbot.waitUntil(lambda: view.record is not None and view.record.acknowledged_at is not None)
    row = cell(view, 0, Column.QUEUE_STATUS)
    assert row == "On time"  # due Mon 30 Nov: its due date speaks for it now
    heading = view.detail.toPlainText().splitlines()[0]
    assert heading == f"{rec.reference} urgent case, acknowledged · {row}" and "URGENT" not in heading


# ---------------------------------------------------------------- Further Action, Duty, Find


def test_further_action_filters_by_member_and_text_and_sorts(qtbot, sqlite_services, world):
    further_action_case(world, world.mp, "Amina Okafor")
    further_action_case(world, world.mp_scot, "Kofi Mensah")
    further_action_case(world, world.mp, "Bola Mensah")
    view = make(qtbot, FurtherActionView, sqlite_services, world.leader)
    counts: list[int] = []
    view.count_changed.connect(counts.append)
    view.refresh()  # the window does this when the tab is shown
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    view.filter_bar.member_edit.setText("angus")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert subjects(view) == ["Kofi Mensah"]
    view.filter_bar.member_edit.clear()
    view.filter_bar.text_edit.setText("mensah")
    view.filter_bar.sort_combo.setCurrentIndex(view.filter_bar.sort_combo.findData("Subject"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert subjects(view) == ["Bola Mensah", "Kofi Mensah"]
    view.filter_bar.descending_box.setChecked(True)
    assert subjects(view) == ["Kofi Mensah", "Bola Mensah"]
    assert view.filter_bar.shown_label.text() == "2 of 3 shown"
    counts.clear()
    view.refresh()
    qtbot.waitUntil(lambda: bool(counts))
    assert counts[-1] == 3  # the tab counts the work waiting, not what the filter shows


def test_duty_board_and_find_steer_alike(qtbot, sqlite_services, world, clock):
    urgent_item(world, clock, datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), subject="Ali Rezaei")
    urgent_item(world, clock, datetime(2026, 11, 23, 10, 5, tzinfo=LONDON), removal_in=None, compassionate=True,
                subject="Grace Mensah", member=world.mp_scot)
    clock.set(MONDAY_MORNING + timedelta(minutes=10))
    duty = make(qtbot, DutyView, sqlite_services, world.leader)
    duty.refresh()  # the window does this when the tab is shown
    qtbot.waitUntil(lambda: duty.model.rowCount() == 2)
    duty.filter_bar.status_combo.setCurrentIndex(duty.filter_bar.status_combo.findData("Compassionate"))
    assert [i.subject_name for i in duty.model.items()] == ["Grace Mensah"]
    duty.grab().save("/tmp/ui_duty_filtered_steer.png")
    duty.filter_bar.clear_button.click()
    click_heading(qtbot, duty.table, "Subject")
    click_heading(qtbot, duty.table, "Subject")
    assert [i.subject_name for i in duty.model.items()] == ["Grace Mensah", "Ali Rezaei"]

    find = make(qtbot, FindView, sqlite_services, world.leader)
    find.search("nationality", "Ghanaian")  # further_action_case's subjects are Ghanaian; these are not
    further_action_case(world, world.mp, "Amina Okafor")
    further_action_case(world, world.mp_scot, "Kofi Mensah")
    find.search("nationality", "Ghanaian")
    qtbot.waitUntil(lambda: find.model.rowCount() == 2)
    find.filter_bar.member_edit.setText("smith")
    qtbot.waitUntil(lambda: find.model.rowCount() == 1)
    assert find.summaries()[0].subject_name == "Amina Okafor"


# ---------------------------------------------------------------- the window: counts, news, alarms


def window_for(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()),
                        database_label="SQLite file /tmp/test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_tabs_count_the_work_in_each_view(qtbot, sqlite_services, world, queue):
    further_action_case(world, world.mp, "Amina Okafor")
    further_action_case(world, world.mp_scot, "Kofi Mensah")
    window = window_for(qtbot, sqlite_services, world.leader)
    alerts = window.work_alerts
    qtbot.waitUntil(lambda: alerts.tab_text(window.further_action_view) == "Further Action (2)")
    qtbot.waitUntil(lambda: alerts.tab_text(window.region_queue_view) == "Region queue (5)")
    qtbot.waitUntil(lambda: alerts.tab_text(window.duty_view) == "Duty (0)")
    window.close()


def test_new_urgent_work_announces_itself_once_without_taking_the_focus(qtbot, sqlite_services, world, clock,
                                                                       monkeypatch):
    flashed: list[object] = []
    monkeypatch.setattr(QApplication, "alert", staticmethod(lambda widget, msec=0: flashed.append(widget)))
    window = window_for(qtbot, sqlite_services, world.leader)
    alerts = window.work_alerts
    queue_view, duty = window.region_queue_view, window.duty_view
    qtbot.waitUntil(lambda: alerts.tab_text(queue_view) == "Region queue (0)" and alerts.tab_text(duty) == "Duty (0)")
    # The leader is typing in Find when an urgent call reaches the London queue (and the duty board).
    window.find()
    qtbot.keyClicks(window.find_view.search_box, "Okaf")
    with qtbot.waitSignal(alerts.announced) as announced:
        rec, _plan = urgent_item(world, clock, MONDAY_MORNING + timedelta(minutes=5))
    assert [a.key for a in announced.args[0]] == [f"enquiry:{rec.id}"]
    qtbot.waitUntil(lambda: alerts.tab_text(queue_view) == "● Region queue (1)")
    # Both views hold it, so both tabs say so, whichever announced it first; the notification comes once.
    qtbot.waitUntil(lambda: alerts.tab_text(duty) == "● Duty (1)")
    assert len(alerts.notifications) == 1 and rec.reference in alerts.notifications[0]
    assert flashed == [window]
    # Nothing moved: the same view, the same box, what was typed is still there.
    assert window.current_view() is window.find_view
    assert holds_focus(window.find_view.search_box) and window.find_view.search_box.text() == "Okaf"
    window.grab().save("/tmp/ui_new_urgent_badge.png")
    # Once: reloading either view does not announce it again.
    with qtbot.waitSignal(queue_view.loaded):
        queue_view.refresh()
    with qtbot.waitSignal(duty.loaded):
        duty.refresh()
    assert len(alerts.notifications) == 1 and flashed == [window]
    # Opening the view clears its badge.
    window.show_view(queue_view)
    assert alerts.tab_text(queue_view) == "Region queue (1)" and not alerts.has_badge(queue_view)
    window.close()


def _escalated(services, world, clock):
    """An urgent item nobody acknowledged for over 30 working minutes (the window escalates it at start)."""
    rec, _ = urgent_item(world, clock, MONDAY_MORNING)
    clock.set(MONDAY_MORNING + timedelta(hours=1))
    return rec


def test_a_call_agent_gets_no_escalation_notice(qtbot, sqlite_services, world, clock):
    rec = _escalated(sqlite_services, world, clock)
    window = window_for(qtbot, sqlite_services, world.agent)
    qtbot.waitUntil(lambda: any(i.escalated_at for i in sqlite_services.urgent.unacknowledged(world.leader)))
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    assert rec.reference not in window.statusBar().currentMessage()
    # The agent queued the call note: the banner is theirs to act on, and says what to do.
    qtbot.waitUntil(window.outbox_banner.isVisible)
    assert "Show them" in window.outbox_banner.text()
    window.close()


def test_those_who_can_acknowledge_are_told_what_to_do_and_a_case_owner_sees_no_mail_banner(
        qtbot, sqlite_services, world, clock):
    rec = _escalated(sqlite_services, world, clock)
    window = window_for(qtbot, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: rec.reference in window.statusBar().currentMessage())
    assert "Acknowledge them" in window.statusBar().currentMessage()
    window.close()
    owner = window_for(qtbot, sqlite_services, world.case_owner)
    qtbot.waitUntil(lambda: owner.outbox_banner.summary is not None and owner.outbox_banner.summary.undelivered > 0)
    assert not owner.outbox_banner.isVisible()  # a CTS case owner cannot retry the regions' mail
    owner.close()


def test_new_urgent_work_is_announced_though_the_queue_is_filtered_past_it(qtbot, sqlite_services, world, clock,
                                                                          queue):
    window = window_for(qtbot, sqlite_services, world.leader)
    alerts, queue_view = window.work_alerts, window.region_queue_view
    qtbot.waitUntil(lambda: alerts.tab_text(queue_view) == "Region queue (5)")
    # The leader keeps the queue filtered to one subject, sorted by subject: the new urgent item is not shown.
    window.show_view(queue_view)
    with qtbot.waitSignal(queue_view.loaded):
        queue_view.steer.set_filter(QueueFilter(text="mensah"))
    with qtbot.waitSignal(queue_view.loaded):
        queue_view.steer.set_order(QueueOrder("Subject"))
    assert subjects(queue_view) == ["Charlie Mensah"]
    window.find()
    with qtbot.waitSignal(alerts.announced) as announced:
        rec, _plan = urgent_item(world, clock, MONDAY_MORNING + timedelta(minutes=5))
    assert f"enquiry:{rec.id}" in [a.key for a in announced.args[0]]
    qtbot.waitUntil(lambda: alerts.tab_text(queue_view) == "● Region queue (6)")
    assert rec.reference not in subjects(queue_view) and len(subjects(queue_view)) == 1
    window.close()


def test_find_counts_nothing_until_a_search_is_run(qtbot, sqlite_services, world, queue):
    window = window_for(qtbot, sqlite_services, world.leader)
    alerts, find = window.work_alerts, window.find_view
    qtbot.waitUntil(lambda: alerts.tab_text(window.region_queue_view) == "Region queue (5)")
    # Nothing searched for yet: no count at all, not a "(0)" that reads as "nothing there".
    assert alerts.tab_text(find) == "Find"
    tab = window.tabs.indexOf(window.pages_by_view[find])
    assert "0" not in window.tabs.tabToolTip(tab).split("(Ctrl")[0]
    window.find()
    with qtbot.waitSignal(find.results_shown):
        find.search("subject name", "mensah")
    qtbot.waitUntil(lambda: alerts.tab_text(find) == "Find (1)")
    window.close()


def test_find_says_its_results_were_cut_and_how_to_narrow_them(qtbot, sqlite_services, world, queue, monkeypatch):
    # Find reads at most FIND_LIMIT (200) records; three stand for them here, the five queue items being more.
    monkeypatch.setattr(find_view, "FIND_LIMIT", 3)
    window = window_for(qtbot, sqlite_services, world.leader)
    alerts, find = window.work_alerts, window.find_view
    window.find()
    with qtbot.waitSignal(find.results_shown):
        find.search("nationality", "ghanaian")
    qtbot.waitUntil(lambda: alerts.tab_text(find) == "Find (3+)")
    assert find.model.rowCount() == 3
    tab = window.tabs.indexOf(window.pages_by_view[find])
    assert window.tabs.tabToolTip(tab).startswith("Find: 3 or more items")
    assert not find.cut_label.isHidden()
    assert find.cut_label.text() == (
        "The results were cut at 3: there may be more records, and the one you want may not be among those "
        "shown. To narrow the search, search by the subject's name or a reference instead; the filter "
        "(Ctrl+Shift+F) narrows only the 3 shown.")
    assert find.cut_label.accessibleName() == find.cut_label.text()
    assert_accessible(find)
    window.grab().save("/tmp/ui_find_cut.png")
    with qtbot.waitSignal(find.results_shown):
        find.search("subject name", "mensah")  # narrowed: all of it shown, and counted exactly
    qtbot.waitUntil(lambda: alerts.tab_text(find) == "Find (1)")
    assert find.cut_label.isHidden()
    window.close()


def test_the_duty_boards_status_box_shows_compassionate_whole_at_200_percent_text(qtbot, sqlite_services, world,
                                                                                  qapp):
    font = qapp.font()
    bigger = qapp.font()
    bigger.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(bigger)
    try:
        duty = make(qtbot, DutyView, sqlite_services, world.leader)
        combo = duty.filter_bar.status_combo
        combo.setCurrentIndex(combo.findData("Compassionate"))
        QApplication.processEvents()
        # The text area of the box (its width less the arrow) holds the word in the box's font.
        needed = combo.fontMetrics().horizontalAdvance("Compassionate")
        arrow = combo.style().pixelMetric(combo.style().PixelMetric.PM_ScrollBarExtent)
        assert combo.width() - arrow >= needed, (combo.width(), needed)
        duty.grab().save("/tmp/ui_duty_status_200.png")
    finally:
        qapp.setFont(font)
