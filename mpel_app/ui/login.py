"""Signing in, and creating the first administrator on an empty database.

Both dialogs do their database work in the TaskRunner (argon2 hashing takes a
noticeable moment on purpose) and show failures inline, in a label screen
readers announce, rather than in a pop-up the agent has to dismiss.
"""
from __future__ import annotations

import html
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QDialog, QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
                               QWidget)

from ..app import Services
from ..domain.errors import AuthenticationFailed, ValidationError
from ..domain.records import UserRecord
from ..services.security import MIN_PASSWORD_LENGTH, check_password_strength
from .task_runner import TaskRunner
from .widgets import (ERROR_STYLE, OK_STYLE, MessageLabel, buddy_label, button, dialog_buttons, error_text, heading,
                      labelled)

# The password hints are plain advice beside the field, not messages: quieter than MessageLabel's.
_HINT_OK_STYLE = OK_STYLE.replace(" font-weight: bold;", "")
_HINT_ERROR_STYLE = ERROR_STYLE.replace(" font-weight: bold;", "")


class DemoLogins(Protocol):
    """What the sign-in window needs to know about a demo database (mpel_app.demo.DemoInfo fits)."""

    password: str
    usernames: dict[str, str]


# --------------------------------------------------------------------- login

class _AccountDialog(QDialog):
    """What both dialogs share: work in the runner, the user it yields (``user``), failures shown inline."""

    message: MessageLabel

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.user: UserRecord | None = None

    def _succeeded(self, user: UserRecord) -> None:
        self.user = user
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.message.show_error(error_text(exc))
        self._refocus(exc)

    def _set_busy(self, busy: bool) -> None:
        raise NotImplementedError

    def _refocus(self, exc: Exception) -> None:
        """Put the focus where the failure says the person should look again."""
        raise NotImplementedError


class LoginDialog(_AccountDialog):
    """Personal sign-in: username, password, Sign in. ``user`` holds the result once accepted."""

    def __init__(self, services: Services, runner: TaskRunner, *, demo: DemoLogins | None = None,
                 username: str = "", locked_user: UserRecord | None = None, parent: QWidget | None = None):
        super().__init__(services, runner, parent)
        self._demo = demo
        self._locked_user = locked_user
        self.change_password_dialog = None  # open while a reset password is being replaced
        self.setWindowTitle("Sign in — MPEL Desk" if locked_user is None else "Locked — MPEL Desk")
        if locked_user is not None:
            username = locked_user.username

        form = QFormLayout()
        self.username = labelled(form, "&Username:", QLineEdit(username))
        self.username.setMaxLength(64)
        self.password = labelled(form, "&Password:", QLineEdit())
        self.password.setEchoMode(QLineEdit.Password)
        self.message = MessageLabel()

        self.sign_in_button = button("&Sign in")  # the default: Enter in either box signs in
        self.sign_in_button.clicked.connect(self.sign_in)
        self.quit_button = button("&Quit")
        buttons = dialog_buttons(self, self.sign_in_button, self.quit_button)

        layout = QVBoxLayout(self)
        if locked_user is None:
            layout.addWidget(heading("MPs' Enquiry Line"))
            layout.addWidget(QLabel("Sign in with your personal account."))
        else:
            # Only the person who locked the desk may unlock it: their work is open behind this.
            self.username.setReadOnly(True)
            self.sign_in_button.setText("&Unlock")
            self.sign_in_button.setAccessibleName("Unlock")
            layout.addWidget(heading("Desk locked"))
            note = QLabel(f"Locked to keep personal data private. {locked_user.full_name}, enter your "
                          "password to carry on, or quit.")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.demo_accounts: QListWidget | None = None
        if demo is not None:
            self._add_demo_hint(layout, demo)
        self.setMinimumWidth(420)
        (self.password if username else self.username).setFocus()

    def _add_demo_hint(self, layout: QVBoxLayout, demo: DemoLogins) -> None:
        layout.addSpacing(8)
        layout.addWidget(heading("Demo database", 1))
        hint = QLabel(f"Every demo account's password is <b>{html.escape(demo.password)}</b>. "
                      "Choose an account below and press Enter to fill in the form.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        accounts = QListWidget()
        for role_label, username in demo.usernames.items():
            item = QListWidgetItem(f"{username}  —  {role_label}")
            item.setData(Qt.UserRole, username)
            accounts.addItem(item)
        accounts.setMinimumHeight(min(24 + 18 * len(demo.usernames), 340))
        accounts.itemActivated.connect(self._use_demo_account)
        layout.addWidget(buddy_label("&Demo accounts:", accounts))
        layout.addWidget(accounts)
        passcode_hint = getattr(demo, "passcode_hint", "")
        if passcode_hint:
            note = QLabel(passcode_hint)
            note.setWordWrap(True)
            layout.addWidget(note)
        self.demo_accounts = accounts

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        # Esc would quit the whole desk from the lock screen, losing a call in
        # progress: there, only the Quit button quits.
        if self._locked_user is not None and event.key() == Qt.Key_Escape:
            event.accept()
            return
        super().keyPressEvent(event)

    def _use_demo_account(self, item: QListWidgetItem) -> None:
        assert self._demo is not None
        self.username.setText(item.data(Qt.UserRole))
        self.password.setText(self._demo.password)
        self.sign_in_button.setFocus()

    def sign_in(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.show_error("Enter your username and password.")
            (self.username if not username else self.password).setFocus()
            return
        self._set_busy(True)
        self._runner.submit(lambda: self._services.users.authenticate(username, password),
                            self._signed_in, self._failed)

    def _signed_in(self, user: UserRecord) -> None:
        if self._locked_user is not None and user.id != self._locked_user.id:
            self._failed(AuthenticationFailed(f"only {self._locked_user.full_name} can unlock this desk"))
            return
        if user.must_change_password:
            self._ask_new_password(user)
            return
        self._succeeded(user)

    def _ask_new_password(self, user: UserRecord) -> None:
        """An administrator reset this password: its owner chooses their own before the desk opens."""
        from .context import DeskContext  # here: the password dialog's module imports the desk's context
        from .password_dialog import ChangePasswordDialog

        self._set_busy(False)
        dialog = ChangePasswordDialog(DeskContext(services=self._services, user=user, runner=self._runner),
                                      parent=self, reset=True)
        dialog.current.setText(self.password.text())
        dialog.new.password.setFocus()
        self.change_password_dialog = dialog

        def finished(_result: int) -> None:
            self.change_password_dialog = None
            dialog.deleteLater()
            if dialog.done_ok:
                self._succeeded(replace(user, must_change_password=False))
            else:
                self.password.clear()
                self.message.show_error("Your password was reset by an administrator: choose your own to "
                                        "sign in.")
                self.password.setFocus()

        dialog.finished.connect(finished)
        dialog.open()

    def _refocus(self, exc: Exception) -> None:
        self.password.clear()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.username, self.password, self.sign_in_button):
            w.setEnabled(not busy)
        idle_text = "&Sign in" if self._locked_user is None else "&Unlock"
        self.sign_in_button.setText("Signing in…" if busy else idle_text)
        if not busy:
            self.sign_in_button.setDefault(True)  # disabling it dropped its default status
        if busy:
            self.message.show_info("Checking your password…")
        elif self.message.text() == "Checking your password…":
            self.message.clear()


# --------------------------------------------------------- first administrator

class FirstAdminDialog(_AccountDialog):
    """First start on an empty database: create the administrator who then adds everyone else."""

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(services, runner, parent)
        self.setWindowTitle("Create the first administrator — MPEL Desk")

        intro = QLabel(
            "This database has no user accounts yet. Create the first <b>administrator</b>: "
            "the person who will add everyone else's accounts, MPs' offices and passcodes.<br><br>"
            "You will sign in with this account next."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.username = labelled(form, "&Username:", QLineEdit())
        self.username.setPlaceholderText("e.g. ada.lovell")
        self.full_name = labelled(form, "&Full name:", QLineEdit())
        self.password = labelled(form, "&Password:", QLineEdit())
        self.password.setEchoMode(QLineEdit.Password)
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        form.addRow("", self.strength)
        self.confirm = labelled(form, "&Confirm password:", QLineEdit())
        self.confirm.setEchoMode(QLineEdit.Password)
        self.match = QLabel()
        form.addRow("", self.match)
        self.message = MessageLabel()

        self.create_button = button("C&reate administrator")
        self.create_button.clicked.connect(self.create)
        self.quit_button = button("&Quit")
        buttons = dialog_buttons(self, self.create_button, self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Welcome to MPEL Desk"))
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

        self.password.textChanged.connect(self._update_hints)
        self.confirm.textChanged.connect(self._update_hints)
        self._update_hints()
        self.username.setFocus()

    def _update_hints(self) -> None:
        password, confirm = self.password.text(), self.confirm.text()
        if not password:
            self.strength.setText(f"At least {MIN_PASSWORD_LENGTH} characters. A phrase of three or four "
                                  "words is easy to type and hard to guess.")
            self.strength.setStyleSheet("color: #555;")
        else:
            try:
                check_password_strength(password)  # the service's own rule, not a copy of it
            except ValidationError as exc:
                self.strength.setText(f"Too weak: {exc} ({len(password)} so far).")
                self.strength.setStyleSheet(_HINT_ERROR_STYLE)
            else:
                self.strength.setText("Long enough.")
                self.strength.setStyleSheet(_HINT_OK_STYLE)
        if confirm:
            same = confirm == password
            self.match.setText("The passwords match." if same else "The passwords do not match yet.")
            self.match.setStyleSheet(_HINT_OK_STYLE if same else _HINT_ERROR_STYLE)
        else:
            self.match.setText("")
        self.strength.setAccessibleName(self.strength.text())
        self.match.setAccessibleName(self.match.text())

    def create(self) -> None:
        if self.password.text() != self.confirm.text():
            self.message.show_error("The two passwords are different: type the same password in both boxes.")
            self.confirm.selectAll()
            self.confirm.setFocus()
            return
        username, full_name, password = self.username.text(), self.full_name.text(), self.password.text()
        self._set_busy(True)
        self._runner.submit(lambda: self._services.users.create_first_admin(username, full_name, password),
                            self._succeeded, self._failed)

    def _refocus(self, exc: Exception) -> None:
        text = str(exc).lower()
        target = (self.username if "username" in text else self.full_name if "full name" in text
                  else self.password)
        target.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.username, self.full_name, self.password, self.confirm, self.create_button):
            w.setEnabled(not busy)
        if not busy:
            self.create_button.setDefault(True)  # disabling it dropped its default status
        if busy:
            self.message.show_info("Creating the administrator…")
