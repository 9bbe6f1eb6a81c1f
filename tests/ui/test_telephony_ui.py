"""The telephone screens: a second desk's ringing strip appears when the bridge records a call (SQLite and
PostgreSQL, through the live-change mechanism), missed calls with Call back and Mark dealt with, the Calls view
with its chart, table and exports, and the phone identity in Administration → Users."""
from __future__ import annotations

import csv
from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pypdf import PdfReader

from mpel_app.app import open_database
from mpel_app.domain.records import CallerKind, Channel
from mpel_app.telephony.events import ANSWER, CANCEL, HANGUP, NEW_CALL, NORMAL_CLEARING, CtiEvent
from mpel_app.ui.admin_view import UsersTab
from mpel_app.ui.change_watcher import ChangeWatcher
from mpel_app.ui.telephony.calls_view import CallsView
from mpel_app.ui.telephony.missed_calls import MissedCallsView
from mpel_app.ui.telephony.ringing_strip import RingingBar, RingingController
from tests.support.desk import desk_context, shown
from tests.support.world import MONDAY_MORNING
from tests.ui.accessibility import assert_accessible

PNG = "/tmp/tel-store-png"


def hosted_bar(qtbot, size):
    """The bar inside a window, as the main window holds it above the views (hidden while nothing rings)."""
    host = QWidget()
    layout = QVBoxLayout(host)
    bar = RingingBar()
    layout.addWidget(bar)
    layout.addStretch(1)
    shown(qtbot, host, size)
    bar.host = host  # kept alive with the bar
    return bar
WAIT_MS = 15_000  # a poll or a NOTIFY, then a load through the TaskRunner, on a busy 2-core machine
T0 = MONDAY_MORNING.astimezone(timezone.utc)


def ev(kind, call_id, seconds, **fields):
    fields.setdefault("from_number", "+44 (0)20 7219 3000")
    return CtiEvent(event=kind, call_id=call_id, at=T0 + timedelta(seconds=seconds), **fields)


@pytest.fixture
def desk(db_url, clock):
    """The agent's desk: its own Services (engine, pool) on the database the bridge writes to."""
    services = open_database(db_url, clock=clock)
    yield services
    services.close()


def test_a_second_desk_sees_the_ringing_strip(qtbot, world, desk, db_url):
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    enquiry = s.enquiries.start(world.agent, Channel.TELEPHONE)
    s.enquiries.set_caller(world.agent, enquiry.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER,
                           caller_name="Sam Case")
    ctx = desk_context(desk, world.agent)
    bar = hosted_bar(qtbot, (900, 160))
    watcher = ChangeWatcher(desk.engine, bar, poll_seconds=0.1, coalesce_ms=20)
    controller = RingingController(ctx, bar, watcher.changed)
    watcher.start()
    assert watcher.listener.wait_ready(10)
    try:
        assert not bar.isVisible()
        s.calls.record(ev(NEW_CALL, "ring-1", 0, users=("PJSIP/2001",), queue="mpel"))  # the bridge
        qtbot.waitUntil(lambda: "ring-1" in bar.strips, timeout=WAIT_MS)
        strip = bar.strips["ring-1"]
        assert bar.isVisible() and strip.number.text() == "020 7219 3000"
        assert strip.who.text() == "Jane Smith MP's office"
        assert enquiry.reference in strip.recent.text()
        assert "Sam Case" not in strip.recent.text()
        assert "Call from 020 7219 3000" in strip.accessibleName()
        bar.grab().save(f"{PNG}/ringing-strip-{desk.engine.dialect.name}.png")
        assert_accessible(bar)
        # Start a record by keyboard: what the call screen needs to pre-pick the member.
        bar.window().activateWindow()
        with qtbot.waitSignal(bar.start_record) as started:
            qtbot.keyClick(bar.window(), Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
        call = started.args[0]
        assert (call.call_id, call.member_id, call.match_kind) == ("ring-1", world.mp.id, "exact")
        # Answered at this phone: the bar says so once, for the call screen to start the record by itself.
        with qtbot.waitSignal(bar.answered, timeout=WAIT_MS) as answered:
            s.calls.record(ev(ANSWER, "ring-1", 9, users=("PJSIP/2001",)))
        assert answered.args[0].call_id == "ring-1" and answered.args[0].answered_by_me
        bar.grab().save(f"{PNG}/ringing-strip-answered-{desk.engine.dialect.name}.png")
        s.calls.record(ev(NEW_CALL, "ring-2", 20, users=("PJSIP/2001",)))
        qtbot.waitUntil(lambda: "ring-2" in bar.strips, timeout=WAIT_MS)
        # Answered at another phone: it leaves this desk; written up: so does the answered one.
        s.calls.link_enquiry("ring-1", enquiry.id, world.agent)
        s.calls.record(ev(ANSWER, "ring-2", 29, users=("PJSIP/2002",)))
        qtbot.waitUntil(lambda: not bar.strips, timeout=WAIT_MS)
        assert not bar.isVisible()
    finally:
        watcher.stop()
        ctx.runner.wait()
    del controller


def test_ctrl_shift_r_starts_a_record_from_the_answered_call(qtbot, sqlite_services):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    s.calls.record(ev(NEW_CALL, "a", 0, users=("PJSIP/2001",)))
    s.calls.record(ev(NEW_CALL, "b", 5, users=("PJSIP/2001",), from_number="anonymous"))
    s.calls.record(ev(ANSWER, "b", 8, users=("PJSIP/2001",)))
    ctx = desk_context(s, world.agent)
    bar = hosted_bar(qtbot, (900, 260))
    controller = RingingController(ctx, bar)
    with qtbot.waitSignal(controller.loaded):
        controller.refresh()
    assert set(bar.strips) == {"a", "b"}
    assert bar.strips["b"].who.text() == "The caller hid their number" and bar.strips["b"].recent.text() == ""
    bar.activateWindow()
    with qtbot.waitSignal(bar.start_record) as started:
        bar.start_first()  # what Ctrl+Shift+R does
    assert started.args[0].call_id == "b"  # the call this person answered comes first
    assert bar.strips["b"].start_button.text().endswith("(Ctrl+Shift+R)")
    assert bar.strips["a"].start_button.text() == "Start record from this call"
    bar.grab().save(f"{PNG}/ringing-two-calls.png")


def test_missed_calls_call_back_and_dealt_with(qtbot, sqlite_services):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    s.calls.record(ev(NEW_CALL, "gave-up", 0, queue="mpel"))
    s.calls.record(ev(HANGUP, "gave-up", 45, cause=CANCEL, queue="mpel"))
    s.calls.record(ev(NEW_CALL, "hidden", 60, from_number="anonymous"))
    s.calls.record(ev(HANGUP, "hidden", 70, cause=CANCEL))
    view = shown(qtbot, MissedCallsView(desk_context(s, world.agent)), (900, 400))
    view.refresh()
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert view.count_label.text() == "2 missed calls nobody has dealt with yet."
    view.table.selectRow(view.model.items().index(next(c for c in view.model.items() if c.call_id == "hidden")))
    assert not view.callback_button.isEnabled()  # no number to ring
    view.table.selectRow([c.call_id for c in view.model.items()].index("gave-up"))
    assert view.callback_button.isEnabled()
    view.grab().save(f"{PNG}/missed-calls.png")
    assert_accessible(view)
    with qtbot.waitSignal(view.callback_requested) as asked:
        view.callback_button.click()
    assert (asked.args[0].number, asked.args[0].interface) == ("+442072193000", "PJSIP/2001")
    assert view.message.text().startswith("Call back of 020 7219 3000 asked for: waiting for the phone system")
    # The bridge places it (cti serve's place_call_backs): the desk says the agent's phone is ringing.
    s.call_backs.finish(asked.args[0].id, placed=True, message="Originate successfully queued")
    qtbot.waitUntil(lambda: "ringing" in view.message.text())
    assert view.message.text() == ("Your phone (PJSIP/2001) is ringing: pick it up and the phone system dials "
                                   "020 7219 3000.")
    view.dealt_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert [c.call_id for c in view.model.items()] == ["hidden"]


def _answered(s, call_id, offered, wait, agent="PJSIP/2001", queue="mpel"):
    common = dict(call_id=call_id, queue=queue, from_number="020 7946 0000")
    s.calls.record(CtiEvent(event=NEW_CALL, at=offered, users=(agent,), **common))
    s.calls.record(CtiEvent(event=ANSWER, at=offered + timedelta(seconds=wait), users=(agent,), **common))
    s.calls.record(CtiEvent(event=HANGUP, at=offered + timedelta(seconds=wait + 200), cause=NORMAL_CLEARING,
                            **common))


def test_the_calls_view_shows_chart_table_formula_and_exports(qtbot, sqlite_services, tmp_path):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    n = 0
    for day in range(10):
        for hour, wait in ((9, 12), (11, 28), (14, 41), (16, 75 - day * 5)):
            offered = datetime(2026, 11, 9 + day, hour, 5, tzinfo=timezone.utc)
            n += 1
            _answered(s, f"c{n}", offered, wait, agent="PJSIP/2001" if n % 3 else "PJSIP/2002")
        s.calls.record(CtiEvent(event=NEW_CALL, call_id=f"ab{day}", at=datetime(2026, 11, 9 + day, 10,
                                                                               tzinfo=timezone.utc)))
        s.calls.record(CtiEvent(event=HANGUP, call_id=f"ab{day}", cause=CANCEL,
                                at=datetime(2026, 11, 9 + day, 10, 0, 3 + day * 6, tzinfo=timezone.utc)))
    saved = iter([tmp_path / "calls.csv", tmp_path / "calls.pdf"])
    view = shown(qtbot, CallsView(desk_context(s, world.leader), save_chooser=lambda *_: next(saved)), (1280, 820))
    view.filter.first.setDate(view.filter.first.date().addDays(-10))
    view.refresh()
    qtbot.waitUntil(lambda: view.page is not None)
    report = view.page.report
    assert report.totals.offered == 50 and report.totals.answered == 40
    assert view.summary.text().startswith("<b>Service level")
    table = view.figure.table
    assert table.item(table.rowCount() - 1, 0).text() == "Total"
    assert table.item(table.rowCount() - 1, 1).text() == "50"
    assert view.figure.formula.text().startswith("Service level = calls answered within 30 s")
    view.grab().save(f"{PNG}/calls-view-day.png")
    assert_accessible(view)
    view.filter.grouping.setCurrentIndex(view.filter.grouping.findData("hour"))
    view.refresh()
    qtbot.waitUntil(lambda: view.page is not None and view.page.grouping == "hour")
    assert [table.item(r, 0).text() for r in range(table.rowCount() - 1)] == [
        "09:00–09:59", "10:00–10:59", "11:00–11:59", "14:00–14:59", "16:00–16:59"]
    view.grab().save(f"{PNG}/calls-view-hour.png")
    view.filter.grouping.setCurrentIndex(view.filter.grouping.findData("agent"))
    view.refresh()
    qtbot.waitUntil(lambda: view.page is not None and view.page.grouping == "agent")
    assert table.item(0, 0).text() == "Carla Agent"
    view.grab().save(f"{PNG}/calls-view-agent.png")
    with qtbot.waitSignal(view.exported) as done:
        view.export_csv()
    with open(done.args[0], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["Agent", "Offered"] and rows[-1][0].startswith("Service level =")
    with qtbot.waitSignal(view.exported) as done:
        view.export_pdf()
    text = "".join(page.extract_text() for page in PdfReader(done.args[0]).pages)
    assert "Service level = calls answered within 30 s" in text and "Carla Agent" in text


def test_call_agents_may_not_see_the_statistics(qtbot, sqlite_services):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    view = shown(qtbot, CallsView(desk_context(world.services, world.agent)))
    view.refresh()
    qtbot.waitUntil(lambda: "may not" in view.message.text())
    assert view.page is None


def test_an_administrator_sets_a_phone_identity(qtbot, sqlite_services):
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    tab = shown(qtbot, UsersTab(desk_context(world.services, world.admin)), (1000, 500))
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() > 3)
    row = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).text() == "agent")
    tab.table.selectRow(row)
    dialog = tab.change_phone()
    qtbot.waitUntil(lambda: dialog.interfaces.isEnabled())
    dialog.interfaces.setText("PJSIP/2001")
    dialog.extension.setText("20x1")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "not an extension" in dialog.message.text())
    dialog.extension.setText("2001")
    dialog.queues.setText("mpel")
    dialog.grab().save(f"{PNG}/phone-identity.png")
    assert_accessible(dialog)
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    identity = world.services.calls.identity(world.admin, world.agent.id)
    assert (identity.interfaces, identity.extension, identity.queues) == (("PJSIP/2001",), "2001", ("mpel",))


def test_the_main_window_shows_the_strip_above_any_view_and_hides_it_while_locked(qtbot, sqlite_services):
    from mpel_app.ui.context import DeskContext
    from mpel_app.ui.main_window import MainWindow
    from mpel_app.ui.task_runner import TaskRunner
    from tests.support.world import PASSWORD, build_world

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    window = MainWindow(DeskContext(services=s, user=world.agent, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    assert window.missed_calls_view is not None and window.calls_stats_view is None  # agents: no statistics
    window.show_view(window.find_view)  # on another view: the strip still shows
    s.calls.record(ev(NEW_CALL, "w1", 0, users=("PJSIP/2001",)))
    window.ringing.refresh()  # what the change notice does (2 s SQLite poll; tested above)
    qtbot.waitUntil(lambda: window.ringing_bar.isVisible())
    window.grab().save(f"{PNG}/main-window-ringing.png")
    window.lock()
    assert not window.ringing_bar.isVisible()
    with qtbot.waitSignal(window.ringing.loaded):
        window.ringing.refresh()
    assert not window.ringing_bar.isVisible()  # nothing about callers behind the lock
    window.lock_dialog.password.setText(PASSWORD)
    window.lock_dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.locked)
    assert window.ringing_bar.isVisible()
    window.close()


def test_the_record_window_shows_its_calls_wait_and_talk(qtbot, sqlite_services):
    from mpel_app.ui.record_dialog import RecordDialog
    from tests.support.world import build_world

    world = build_world(sqlite_services)
    s = world.services
    _answered(s, "rec-1", T0, 24)
    enquiry = s.enquiries.start(world.agent, Channel.TELEPHONE)
    s.calls.link_enquiry("rec-1", enquiry.id, world.agent)
    dialog = shown(qtbot, RecordDialog(desk_context(s, world.agent), enquiry.id), (1000, 600))
    qtbot.waitUntil(lambda: dialog.calls_section.table.rowCount() == 1 and dialog.record is not None)
    table = dialog.calls_section.table
    assert [table.item(0, c).text() for c in range(1, 7)] == [
        "020 7946 0000", "unknown number", "Answered", "24 s", "3 min 20 s", "PJSIP/2001"]
    dialog.tabs.setCurrentWidget(dialog.calls_section)
    dialog.grab().save(f"{PNG}/record-calls.png")
    assert_accessible(dialog.calls_section)


def test_a_bridge_in_the_same_desk_shows_its_call_without_waiting_for_a_poll(qtbot, sqlite_services):
    import threading

    from tests.support.world import build_world

    world = build_world(sqlite_services)
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="")
    bar = hosted_bar(qtbot, (900, 160))
    controller = RingingController(desk_context(s, world.agent), bar, reload_ms=3_600_000)

    def bridge() -> None:  # the embedded desk's own CTI bridge, on its thread
        s.calls.record(ev(NEW_CALL, "local", 0, users=("PJSIP/2001",)))
        controller.recorded.emit()

    thread = threading.Thread(target=bridge)
    thread.start()
    qtbot.waitUntil(lambda: "local" in bar.strips, timeout=2_000)
    thread.join()
