"""The main window builds a view when its tab is first shown (issue 16: a faster start).

Every tab is there from the start, in the registry's order; the person's first view and the views
that announce work (their tabs count it from the start) are built with the window; the others
when first shown, switched to by a shortcut, or read as ``window.<key>``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from mpel_app.domain.records import Role
from mpel_app.ui.context import DeskContext
from mpel_app.ui import main_window
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from mpel_app.ui.view_page import ViewPage
from mpel_app.ui.view_registry import VIEWS, views_for
from tests.support.world import PASSWORD, build_world

AM_TABS = ["New call", "Region queue", "Central inbox", "Find", "Missed calls"]


def _window(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    return window


def _built(window: MainWindow) -> list[str]:
    return [entry.title for entry in window.view_entries.values()]


def test_an_account_manager_starts_with_only_the_region_queue_built(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    assert [window.tabs.tabText(i).split(" (")[0] for i in range(window.tabs.count())] == AM_TABS
    assert _built(window) == ["Region queue"]
    assert window.current_view() is window.built_view("region_queue_view")
    assert window.tabs.currentWidget().view is window.region_queue_view
    # The others have their (empty) pages, and are known to be there without building them.
    assert window.built_view("call_view") is None and window.has_view("call_view")
    assert window.new_call_action.isEnabled()
    assert not window.has_view("duty_view") and window.duty_view is None
    for index in range(window.tabs.count()):
        assert isinstance(window.tabs.widget(index), ViewPage)


def test_showing_a_tab_builds_its_view_and_loads_it(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    page = window.tabs.widget(AM_TABS.index("Central inbox"))
    assert page.view is None
    window.tabs.setCurrentWidget(page)  # a click on the tab
    inbox = page.view
    assert inbox is not None and window.inbox_view is inbox and window.current_view() is inbox
    assert page.widget() is inbox and window.pages_by_view[inbox] is page
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    assert _built(window) == ["Region queue", "Central inbox"]

    number = AM_TABS.index("Missed calls") + 1
    window.view_actions[number - 1].trigger()  # Ctrl+5
    assert window.current_view() is window.missed_calls_view
    assert window.view_entries[window.missed_calls_view].title == "Missed calls"


def test_reading_a_view_builds_it_once(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    find = window.find_view
    assert window.find_view is find and window.built_view("find_view") is find
    assert window.tabs.widget(AM_TABS.index("Find")).view is find
    window.find_action.trigger()  # Ctrl+F
    assert window.current_view() is find
    window.new_call_action.trigger()  # Ctrl+N builds the call screen
    assert window.current_view() is window.call_view
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    # Every view, in tab order, each built once.
    assert [window.view_entries[v].title for v in window.views] == AM_TABS
    assert len(window.view_entries) == len(AM_TABS)


def test_views_that_announce_work_count_it_on_their_tabs_from_the_start(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.leader)
    announcing = [e.title for e in views_for(window.ctx) if e.announces]
    assert announcing == ["Further Action", "Region queue", "Duty"]
    assert set(_built(window)) == set(announcing)  # the leader's first view is Further Action
    for title in announcing:
        index = [window.tabs.tabText(i).split(" (")[0] for i in range(window.tabs.count())].index(title)
        qtbot.waitUntil(lambda i=index: "(" in window.tabs.tabText(i))


def test_the_registry_marks_each_view_that_announces_work():
    """``announces`` says without importing the view what its class says: it publishes alerts_changed."""
    for entry in VIEWS:
        assert entry.announces == hasattr(entry.view_class, "alerts_changed"), entry.title


def test_the_help_lists_every_views_keys(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    dialog = window.show_shortcuts()  # F1 reads the views' own actions: it builds them all
    qtbot.addWidget(dialog)
    assert len(window.view_entries) == len(AM_TABS)
    # The call screen's own keys are listed though it had not been opened.
    assert any(row.where == "New call" and row.keys == "F9" for row in dialog.rows)
    dialog.close()
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


class _WindowsShown(QObject):
    """Every widget shown as a window of its own (not the main window), while installed."""

    def __init__(self, main: MainWindow):
        super().__init__()
        self.main, self.shown = main, []

    def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Show and isinstance(obj, QWidget) and obj.isWindow() and obj is not self.main:
            self.shown.append(f"{type(obj).__name__} {obj.accessibleName()!r}")
        return False


def test_a_view_built_once_the_window_is_up_shows_no_stray_window(qtbot, sqlite_services):
    """A view built late must not flash a part of itself as a window, nor take the desk's focus away."""
    world = build_world(sqlite_services)
    admin = sqlite_services.users.authenticate("admin", PASSWORD)
    everything = sqlite_services.users.create_user(admin, username="all", full_name="All Roles", password=PASSWORD,
                                                   roles=set(Role), region_code="LSE", grade="SEO")
    window = _window(qtbot, sqlite_services, everything)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    watch = _WindowsShown(window)
    QApplication.instance().installEventFilter(watch)
    try:
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)  # builds each view not built yet
            qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    finally:
        QApplication.instance().removeEventFilter(watch)
    assert len(window.view_entries) == len(VIEWS) and world.admin is not None
    assert watch.shown == []
    assert QApplication.activeWindow() is window




def test_the_letters_two_day_sweep_runs_once_the_first_view_is_up(qtbot, sqlite_services, monkeypatch):
    world = build_world(sqlite_services)
    monkeypatch.setattr(main_window, "FIRST_SWEEP_DELAY_MS", 600_000)  # not while this test looks
    window = _window(qtbot, sqlite_services, world.am_lse)
    assert "letters" not in sqlite_services.built_now()  # not part of the start: the first lists are up
    window.escalation_timer.timeout.emit()  # each minute's tick sweeps
    qtbot.waitUntil(lambda: "letters" in sqlite_services.built_now())
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def test_the_first_two_day_sweep_follows_the_start_by_itself(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    qtbot.waitUntil(lambda: "letters" in sqlite_services.built_now())  # FIRST_SWEEP_DELAY_MS later
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
