"""Change my password: from the main window's File menu, through the real user service."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from mpel_app.domain.errors import AuthenticationFailed
from mpel_app.ui.context import DeskContext
from mpel_app.ui.login import LoginDialog
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.password_dialog import ChangePasswordDialog
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSWORD, build_world
from tests.ui.accessibility import assert_accessible

NEW_PASSWORD = "blue kettle on a tuesday"


def _fill(dialog: ChangePasswordDialog, current: str, new: str, confirm: str) -> None:
    dialog.current.setText(current)
    dialog.new.password.setText(new)
    dialog.new.confirm.setText(confirm)


def test_change_my_password_from_the_file_menu_then_only_the_new_one_signs_in(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = MainWindow(DeskContext(services=sqlite_services, user=world.agent, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.password_action in file_menu.actions()
    assert window.password_action.text() == "Change my &password…"
    window.password_action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ChangePasswordDialog) is not None)
    dialog = window.findChild(ChangePasswordDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.isModal() and dialog.focusWidget() is dialog.current
    assert_accessible(dialog)

    # The confirmation must match before anything is sent.
    _fill(dialog, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert dialog.new.match.text() == "The passwords do not match yet."
    dialog.action_button.click()
    assert dialog.message.text().startswith("The two new passwords are different")
    assert dialog.focusWidget() is dialog.new.confirm

    # The service's own rules: the current password, then the new one's strength.
    _fill(dialog, "not my password", NEW_PASSWORD, NEW_PASSWORD)
    dialog.action_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "The current password is wrong.")
    assert dialog.focusWidget() is dialog.current
    _fill(dialog, PASSWORD, "short", "short")
    assert dialog.new.strength.text() == "Too weak: a password needs at least 10 characters (5 so far)."
    dialog.action_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "A password needs at least 10 characters.")
    assert sqlite_services.users.authenticate("agent", PASSWORD).id == world.agent.id

    # Enter in the last box changes it.
    _fill(dialog, PASSWORD, NEW_PASSWORD, "")
    qtbot.keyClicks(dialog.new.confirm, NEW_PASSWORD)
    assert dialog.new.match.text() == "The passwords match."
    qtbot.keyClick(dialog.new.confirm, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Your password has been changed."))
    assert dialog.current.text() == "" and not dialog.current.isEnabled()
    assert dialog.cancel_button.text() == "&Close" and dialog.focusWidget() is dialog.cancel_button
    dialog.grab().save("/tmp/ui_change_password.png")

    with pytest.raises(AuthenticationFailed):
        sqlite_services.users.authenticate("agent", PASSWORD)
    assert sqlite_services.users.authenticate("agent", NEW_PASSWORD).id == world.agent.id

    with qtbot.waitSignal(dialog.destroyed):  # it goes once closed
        dialog.cancel_button.click()
    assert window.findChild(ChangePasswordDialog) is None


def test_a_reset_password_must_be_replaced_before_the_desk_opens(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    users = sqlite_services.users
    users.reset_password(world.admin, world.agent.id, "Temporary-Pass-2026")
    dialog = LoginDialog(sqlite_services, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("agent")
    dialog.password.setText("Temporary-Pass-2026")
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.change_password_dialog is not None)
    change = dialog.change_password_dialog
    assert any("has reset your password" in label.text() for label in change.findChildren(QLabel))
    assert change.current.text() == "Temporary-Pass-2026"  # typed once already, at sign-in
    assert dialog.result() != dialog.DialogCode.Accepted

    # Closing it without a new password signs nobody in.
    change.reject()
    qtbot.waitUntil(lambda: dialog.change_password_dialog is None)
    assert dialog.user is None and "choose your own" in dialog.message.text()

    dialog.password.setText("Temporary-Pass-2026")
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.change_password_dialog is not None)
    change = dialog.change_password_dialog
    change.new.password.setText("Temporary-Pass-2026")  # the administrator's one again: refused
    change.new.confirm.setText("Temporary-Pass-2026")
    change.action_button.click()
    qtbot.waitUntil(lambda: "this is the one you have now" in change.message.text())
    change.new.password.setText("My-Own-Choice-2026")
    change.new.confirm.setText("My-Own-Choice-2026")
    with qtbot.waitSignal(dialog.accepted):
        change.action_button.click()
    assert dialog.user.username == "agent" and not dialog.user.must_change_password
    assert not users.authenticate("agent", "My-Own-Choice-2026").must_change_password
