"""Desks see each other's changes without restarting: a view reloads itself when another desk changes its list.

Two desks share one SQLite file, each with its own ``Services`` (engine and
connection pool), as two PCs would; the window's watcher polls the file's
``data_version``.  Waits are on conditions and signals, never sleeps.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mpel_app.app import open_database
from mpel_app.db.changes import ENQUIRIES
from mpel_app.db.models import AuditLog
from mpel_app.domain.audit_actions import VIEWED
from mpel_app.ui.change_watcher import ChangeWatcher, typing_in
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.queues import FurtherActionView, RegionQueueView
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import build_world
from tests.ui.test_queues import further_action_case

REFRESH_WAIT_MS = 15_000  # a 2 s poll, then a load through the TaskRunner, on a busy 2-core machine


@pytest.fixture
def world(sqlite_services):
    return build_world(sqlite_services)


@pytest.fixture
def other_desk(sqlite_url, clock):
    """A second desk on the same database file: its own engine, its own connections."""
    desk = open_database(sqlite_url, clock=clock)
    yield desk
    desk.close()


def views_of(services, enquiry_id: int) -> int:
    """How many times the audit trail says the record was viewed."""
    with services.uow.read() as s:
        return s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "enquiry", AuditLog.entity_id == enquiry_id, AuditLog.action == VIEWED))


def references(view) -> list[str]:
    return [item.reference for item in view.model.items()]


def test_region_queue_shows_an_item_another_desk_sent_keeping_the_selection(qtbot, world, other_desk):
    s = world.services
    first = s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Amina Okafor").id, "LSE")
    second = s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Kofi Mensah").id, "LSE")
    window = MainWindow(DeskContext(services=other_desk, user=world.am_lse, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    view = window.region_queue_view
    assert window.current_view() is view
    qtbot.waitUntil(lambda: len(references(view)) == 2 and view.record is not None)
    view.select_reference(second.reference)  # the account manager is working the second item
    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == second.reference)
    views_before = views_of(s, second.id)

    # The team leader, at another desk, sends a third case to London & South East.
    third = s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Grace Mensah").id, "LSE")

    qtbot.waitUntil(lambda: third.reference in references(view), timeout=REFRESH_WAIT_MS)
    assert set(references(view)) == {first.reference, second.reference, third.reference}
    assert view.selected().reference == second.reference  # still on the item being worked
    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == second.reference)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    # The list refreshed itself; the account manager did not open the second record again.
    assert views_of(s, second.id) == views_before
    window.grab().save("/tmp/ui_live_refresh_queue.png")
    window.close()
    assert not window.changes.listener.running


def test_a_half_written_answer_is_not_refreshed_away(qtbot, world, other_desk, sqlite_url):
    further_action_case(world, world.mp, "Amina Okafor")
    runner = TaskRunner()
    view = FurtherActionView(DeskContext(services=other_desk, user=world.leader, runner=runner))
    qtbot.addWidget(view)
    view.show()
    watcher = ChangeWatcher(other_desk.engine, view, poll_seconds=0.05)
    follower = watcher.follow(view, {ENQUIRIES})
    watcher.start()
    try:
        view.refresh()
        qtbot.waitUntil(lambda: view.record is not None)
        view.answer_edit.setPlainText("The application was decided on")  # the leader is typing
        assert typing_in(view)

        with qtbot.waitSignal(watcher.changed, timeout=REFRESH_WAIT_MS,
                              check_params_cb=lambda entities: ENQUIRIES in entities):
            further_action_case(world, world.mp_scot, "Kofi Mensah")  # another desk adds a case
        assert follower.stale  # noticed, but held back
        assert len(references(view)) == 1
        assert view.answer_edit.toPlainText() == "The application was decided on"

        view.answer_edit.clear()  # the leader gives up on the answer: the list catches up by itself
        qtbot.waitUntil(lambda: len(references(view)) == 2, timeout=REFRESH_WAIT_MS)
        assert not follower.stale
    finally:
        assert watcher.stop()
        runner.wait()


def test_a_hidden_view_is_refreshed_when_shown_not_before(qtbot, world, other_desk):
    runner = TaskRunner()
    view = RegionQueueView(DeskContext(services=other_desk, user=world.am_lse, runner=runner))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.region_code() == "LSE" and not runner.busy)
    watcher = ChangeWatcher(other_desk.engine, view, poll_seconds=0.05)
    follower = watcher.follow(view, {ENQUIRIES})
    watcher.start()
    loads: list[int] = []
    view.loaded.connect(lambda: loads.append(1))
    try:
        view.hide()  # another tab is in front
        s = world.services
        with qtbot.waitSignal(watcher.changed, timeout=REFRESH_WAIT_MS):
            rec = s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Amina").id, "LSE")
        assert follower.stale and loads == [] and not runner.busy
        view.show()
        qtbot.waitUntil(lambda: rec.reference in references(view), timeout=REFRESH_WAIT_MS)
        assert not follower.stale
    finally:
        assert watcher.stop()
        runner.wait()


def test_a_refresh_arriving_while_the_record_is_on_its_way_does_not_view_it_twice(qtbot, world, other_desk):
    """Seen under load: the list refreshed while the selected record was still being read, the row was
    selected again, and the record read (and audited as viewed) a second time."""
    s = world.services
    s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Amina Okafor").id, "LSE")
    second = s.enquiries.send_to_region(world.leader, further_action_case(world, world.mp, "Kofi Mensah").id, "LSE")
    runner = TaskRunner()
    view = RegionQueueView(DeskContext(services=other_desk, user=world.am_lse, runner=runner))
    qtbot.addWidget(view)
    view.show()
    view.refresh()
    qtbot.waitUntil(lambda: len(references(view)) == 2 and view.record is not None and not runner.busy)
    before = views_of(s, second.id)

    view.select_reference(second.reference)  # the record is read on a worker thread...
    view._show_items(list(view._all))  # ...and, before it arrives, a refresh's list is shown (what a refresh does)

    qtbot.waitUntil(lambda: view.record is not None and view.record.reference == second.reference)
    qtbot.waitUntil(lambda: not runner.busy)
    assert views_of(s, second.id) == before + 1
    assert view.selected().reference == second.reference
