"""Desk fit: the main window fits a 1366×768 laptop with a taskbar, at normal and at 200 % text.

The window's minimum size must leave room for the taskbar and the title bar (about 70 px of the
768), whatever the view shows: the views sit in scroll pages (ui/view_page.py), so the window
no longer grows to the tallest view (it was 749 px, 837 px with the member suggestions showing).
A control reached by keyboard below the fold is scrolled into sight.
"""
from __future__ import annotations

from mpel_app.ui.view_registry import VIEWS

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QPushButton

from mpel_app.domain.records import Role
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from mpel_app.ui.view_page import ViewPage
from tests.support.world import PASSWORD, build_world

SCREEN_W, USABLE_H = 1366, 768 - 40 - 30  # a Windows taskbar, and the window's title bar


def _everything_window(qtbot, services) -> MainWindow:
    build_world(services)
    admin = services.users.authenticate("admin", PASSWORD)
    user = services.users.create_user(admin, username="all", full_name="All Roles", password=PASSWORD,
                                      roles=set(Role), region_code="LSE", grade="SEO")
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.resize(SCREEN_W, USABLE_H)
    window.show()
    # The window puts the focus where the person's work starts just after it shows (focus_home):
    # let that happen before a test moves the focus itself.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


def test_the_window_fits_a_laptop_screen_whatever_the_view_shows(qtbot, sqlite_services, text_scale):
    window = _everything_window(qtbot, sqlite_services)
    assert [type(v) for v in window.views] == [entry.view_class for entry in VIEWS]  # every view
    for view in window.views:
        assert isinstance(window.pages_by_view[view], ViewPage)
        window.show_view(view)
        qtbot.wait(10)
        minimum = window.minimumSizeHint()
        assert minimum.width() <= SCREEN_W and minimum.height() <= USABLE_H, type(view).__name__

    # The member suggestions appearing used to grow the window by 88 px.
    call = window.call_view
    window.show_view(call)
    call.new_call()
    qtbot.waitUntil(lambda: call.record is not None)
    call.caller.member_edit.setFocus()
    qtbot.keyClicks(call.caller.member_edit, "Jane")
    qtbot.waitUntil(lambda: call.caller.suggestions.isVisible())
    minimum = window.minimumSizeHint()
    assert minimum.width() <= SCREEN_W and minimum.height() <= USABLE_H
    assert window.size().height() == USABLE_H
    window.grab().save(f"/tmp/ui_desk_fit_call_{text_scale}x.png")


def test_a_button_below_the_fold_is_scrolled_into_sight_when_it_takes_the_focus(qtbot, sqlite_services, qapp):
    font = qapp.font()
    bigger = qapp.font()
    bigger.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(bigger)
    try:
        window = _everything_window(qtbot, sqlite_services)
        call = window.call_view
        window.show_view(call)
        page = window.pages_by_view[call]
        complete = next(b for b in call.findChildren(QPushButton) if b.text().startswith("Complete"))
        qtbot.waitUntil(lambda: page.viewport().height() > 0)
        viewport = page.viewport()

        def in_sight() -> bool:
            top_left = complete.mapTo(viewport, QPoint(0, 0))
            return 0 <= top_left.y() and top_left.y() + complete.height() <= viewport.height()

        assert call.height() > viewport.height()  # at 200 % text the call screen is taller than the page
        assert not in_sight()
        complete.setEnabled(True)
        complete.setFocus()
        qtbot.waitUntil(in_sight)
        window.grab().save("/tmp/ui_desk_fit_focus_followed_2x.png")
    finally:
        qapp.setFont(font)


def test_the_lists_fit_the_width_at_200_percent_text(qtbot, sqlite_services, text_scale):
    """Queues, Duty, Letters, Find and Audit need no sideways scrolling even at 200 % text."""
    window = _everything_window(qtbot, sqlite_services)
    for view in (window.further_action_view, window.region_queue_view, window.duty_view, window.letters_view,
                 window.find_view, window.audit_view):
        assert view.minimumSizeHint().width() <= SCREEN_W - 20, type(view).__name__
    QApplication.processEvents()
    window.show_view(window.letters_view)
    window.grab().save(f"/tmp/ui_desk_fit_letters_{text_scale}x.png")
