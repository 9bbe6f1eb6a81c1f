"""After sign-in the focus is where each role's work starts, and a stray Enter never spends a hotline reference.

The walkthrough found the focus on the Outbox banner's button or the tab
bar after sign-in (so a view's own keys did nothing until Tab), and an
Enter pressed straight after signing in started a call and used up a
reference (issue 13, finding 3).
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import Channel
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import build_world


def signed_in(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    return window


@pytest.mark.parametrize("who, where", [
    ("agent", lambda w: w.call_view.header.channel_buttons[Channel.TELEPHONE]),
    ("leader", lambda w: w.further_action_view.table),
    ("am_lse", lambda w: w.region_queue_view.table),
])
def test_focus_starts_where_the_roles_work_starts(qtbot, sqlite_services, who, where):
    world = build_world(sqlite_services)
    window = signed_in(qtbot, sqlite_services, getattr(world, who))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is where(window))


def test_enter_straight_after_sign_in_starts_no_call(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = signed_in(qtbot, sqlite_services, world.agent)
    view = window.call_view
    radio = view.header.channel_buttons[Channel.TELEPHONE]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is radio)
    qtbot.keyClick(radio, Qt.Key_Return)  # the sign-in's Enter pressed twice, or a key bounce
    qtbot.wait(100)
    assert view.record is None and not view.busy
    assert "no call started" in view.message.text()
    # The agent means it: Enter again starts the call.
    qtbot.keyClick(radio, Qt.Key_Return)
    qtbot.waitUntil(lambda: view.record is not None)
    assert view.record.reference == "MPH000001"


def test_a_held_enter_starts_one_call_only(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = signed_in(qtbot, sqlite_services, world.agent)
    view = window.call_view
    radio = view.header.channel_buttons[Channel.TELEPHONE]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is radio)
    qtbot.keyClick(radio, Qt.Key_Down)  # the agent moves among the channels: they are at the desk
    qtbot.keyClick(radio, Qt.Key_Up)
    radio = QApplication.focusWidget()
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtCore import QEvent
    QApplication.sendEvent(radio, QKeyEvent(QEvent.KeyPress, Qt.Key_Return, Qt.NoModifier, "\r", True))
    qtbot.wait(100)
    assert view.record is None  # an auto-repeated Enter is not a decision
