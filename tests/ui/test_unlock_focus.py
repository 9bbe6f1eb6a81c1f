"""After the lock screen the keyboard goes back exactly where the agent was typing (ui/desk_lock.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import Channel
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSCODE, PASSWORD, build_world
from tests.ui.test_guidance_ui import further_action_case
from tests.ui.test_call_view import enter_passcode, pick_member, press, start_call, tab, type_text


def focused():
    return QApplication.focusWidget()


def desk(qtbot, services, user) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    if window.call_view is not None:  # the agent's work starts on the call's channel
        qtbot.waitUntil(lambda: focused() is window.call_view.header.channel_buttons[Channel.TELEPHONE])
    return window


def verified_call(qtbot, window: MainWindow):
    """A call started, the member picked and the passcode verified: the cursor is in the subject's name."""
    view = window.call_view
    start_call(qtbot, view)
    pick_member(qtbot, view, "holborn")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    assert focused() is view.case.subject_name
    return view


def unlock(qtbot, window: MainWindow) -> None:
    dialog = window.lock_dialog
    qtbot.waitUntil(lambda: focused() is dialog.password)
    type_text(qtbot, PASSWORD)
    press(qtbot, Qt.Key_Return)
    qtbot.waitUntil(lambda: not window.locked)


def test_unlock_puts_the_caret_back_in_the_answer_being_typed(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = desk(qtbot, sqlite_services, world.agent)
    view = verified_call(qtbot, window)
    type_text(qtbot, "Ali Rezaei")
    view.case.answer.setFocus()
    qtbot.waitUntil(lambda: focused() is view.case.answer)
    type_text(qtbot, "Decision due soon.")
    for _ in range(len(" soon.")):
        press(qtbot, Qt.Key_Left)  # the agent went back to add a word
    press(qtbot, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.locked)
    assert not view.isVisible()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: focused() is view.case.answer)
    type_text(qtbot, " very")
    assert view.case.answer.toPlainText() == "Decision due very soon."
    assert view.case.subject_name.text() == "Ali Rezaei"


def test_unlock_puts_the_selection_back_in_a_line_field(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = desk(qtbot, sqlite_services, world.agent)
    view = verified_call(qtbot, window)
    type_text(qtbot, "Ali Rezaie")
    press(qtbot, Qt.Key_Left, Qt.ShiftModifier)
    press(qtbot, Qt.Key_Left, Qt.ShiftModifier)  # "ie" selected, to be retyped
    window.lock()  # as the idle timer does
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: focused() is view.case.subject_name)
    type_text(qtbot, "ei")
    assert view.case.subject_name.text() == "Ali Rezaei"


def test_unlock_returns_to_the_edit_window_being_typed_in(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    rec = further_action_case(sqlite_services, world)
    window = desk(qtbot, sqlite_services, world.agent)
    record = window.open_record(rec.id)
    qtbot.waitUntil(lambda: record.record is not None)
    record.ask_edit()
    edit = record.edit_dialog
    qtbot.waitExposed(edit)
    nationality = edit.fields["nationality"]
    nationality.setFocus()
    qtbot.waitUntil(lambda: focused() is nationality)
    type_text(qtbot, "Irnian")
    assert nationality.text() == "Irnian"
    for _ in range(4):
        press(qtbot, Qt.Key_Left)  # back to put the missing letter in: "Ir|nian"
    window.lock()
    assert not edit.isVisible() and not record.isVisible()
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: edit.isVisible() and focused() is nationality)
    type_text(qtbot, "a")
    assert nationality.text() == "Iranian"
