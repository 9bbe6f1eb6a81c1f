"""F1 lists every shortcut of every view the person has, from the views' own actions, and filters as you type."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from mpel_app.ui.call.keys import CALL_SHORTCUTS
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.shortcuts_help import KeyRow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible


def window_for(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    return window


def test_f1_lists_the_call_screens_own_keys_and_every_views_actions(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = window_for(qtbot, sqlite_services, world.leader)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    rows = dialog.shown()
    assert KeyRow("New call", "F9", "Send the urgent call note") in rows
    assert KeyRow("New call", "Ctrl+Enter", "Complete: answered at first contact (or finish an urgent call)") in rows
    assert KeyRow("New call", "Ctrl+S", "Save the call's details") in rows
    assert KeyRow("Region queue", "Ctrl+K", "Acknowledge the selected item") in rows
    assert KeyRow("New call", "Alt+V", "Imminent removal") in rows  # the Alt+letters of each view
    assert KeyRow("Everywhere", "F1", "Keyboard shortcuts") in rows
    assert not [r for r in rows if "Ctrl+U" in r.keys]
    # Every key any view installed is there, under that view's name: nothing left out by hand.
    for i in range(window.tabs.count()):
        title, view = window.tabs.tabText(i), window.tabs.widget(i)
        for action in view.actions():
            if isinstance(action, QAction) and action.shortcuts():
                assert any(r.where == title and r.text == action.text() for r in rows), (title, action.text())
    assert {s.text for s in CALL_SHORTCUTS} <= {r.text for r in rows if r.where == "New call"}
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_shortcuts_help.png")


def test_f1_filters_as_you_type(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = window_for(qtbot, sqlite_services, world.agent)
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.filter_edit.hasFocus)
    qtbot.keyClicks(dialog.filter_edit, "urgent")
    assert {r.keys for r in dialog.shown()} >= {"F9"}
    assert all("urgent" in f"{r.where} {r.keys} {r.text}".lower() for r in dialog.shown())
    qtbot.keyClick(dialog.filter_edit, Qt.Key_Escape)
