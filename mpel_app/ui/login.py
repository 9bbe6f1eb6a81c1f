"""Signing in, and creating the first administrator on an empty database.

Both dialogs do their database work in the TaskRunner (argon2 hashing takes a
noticeable moment on purpose) and show failures inline, in a label screen
readers announce, rather than in a pop-up the agent has to dismiss.

The small helpers at the top (``error_text``, ``AlertLabel``, ``labelled``)
are shared by the other dialogs of the shell.
"""
from __future__ import annotations

import html
import logging
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (QAccessibleWidget, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

from ..app import Services
from ..domain.errors import AuthenticationFailed, MpelError, ValidationError
from ..domain.records import UserRecord
from ..services.security import MIN_PASSWORD_LENGTH, check_password_strength
from .task_runner import TaskRunner

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b00020; font-weight: bold;"
INFO_STYLE = "color: #1b5e20;"


# ------------------------------------------------------------ shared helpers

def error_text(exc: BaseException) -> str:
    """A sentence for a person: MpelError messages are written for people; anything else is a fault."""
    if isinstance(exc, MpelError):
        text = str(exc).strip() or exc.__class__.__name__
    else:
        log.error("unexpected error", exc_info=exc)
        text = f"something went wrong ({exc.__class__.__name__}: {exc}); the details are in the log"
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def plain_label(text: str) -> str:
    """A label's visible text as a screen reader should say it: no '&' mnemonic, colon or ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").rstrip("…").strip()


def labelled(form: QFormLayout, text: str, widget: QWidget) -> QWidget:
    """Add a row whose label is the widget's buddy (Alt+mnemonic) and whose text is its accessible name."""
    label = QLabel(text)
    label.setBuddy(widget)
    widget.setAccessibleName(plain_label(text))
    form.addRow(label, widget)
    return widget


def button(text: str, tooltip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(plain_label(text))
    if tooltip:
        b.setToolTip(tooltip)
    return b


class AlertLabel(QLabel):
    """An inline message that screen readers announce (accessible role: alert).

    Empty, it takes no room. Its accessible name is the message itself, so a
    screen reader reads the error rather than "label".
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        _install_alert_role()
        self.setWordWrap(True)
        self.setTextFormat(Qt.PlainText)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE)

    def show_info(self, text: str) -> None:
        self._show(text, INFO_STYLE)

    def clear(self) -> None:  # noqa: D102 (QLabel.clear, plus hiding)
        super().clear()
        self.setAccessibleName("")
        self.hide()

    def _show(self, text: str, style: str) -> None:
        self.setStyleSheet(style)
        self.setText(text)
        self.setAccessibleName(text)
        self.show()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))


_alert_role_installed = False


def _alert_factory(_key: str, obj: Any) -> QAccessibleWidget | None:
    if isinstance(obj, AlertLabel):
        return QAccessibleWidget(obj, QAccessible.Role.AlertMessage)
    return None


def _install_alert_role() -> None:
    global _alert_role_installed
    if not _alert_role_installed:
        QAccessible.installFactory(_alert_factory)
        _alert_role_installed = True


def _heading(text: str, size_delta: int = 4) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


class DemoLogins(Protocol):
    """What the sign-in window needs to know about a demo database (mpel_app.demo.DemoInfo fits)."""

    password: str
    usernames: dict[str, str]


# --------------------------------------------------------------------- login

class LoginDialog(QDialog):
    """Personal sign-in: username, password, Sign in. ``user`` holds the result once accepted."""

    def __init__(self, services: Services, runner: TaskRunner, *, demo: DemoLogins | None = None,
                 username: str = "", locked_user: UserRecord | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self._demo = demo
        self._locked_user = locked_user
        self.user: UserRecord | None = None
        self.setWindowTitle("Sign in — MPEL Desk" if locked_user is None else "Locked — MPEL Desk")
        if locked_user is not None:
            username = locked_user.username

        form = QFormLayout()
        self.username = labelled(form, "&Username:", QLineEdit(username))
        self.username.setMaxLength(64)
        self.password = labelled(form, "&Password:", QLineEdit())
        self.password.setEchoMode(QLineEdit.Password)
        self.message = AlertLabel()

        self.sign_in_button = button("&Sign in")
        self.sign_in_button.setDefault(True)  # Enter in either box signs in
        self.sign_in_button.clicked.connect(self.sign_in)
        self.quit_button = button("&Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.sign_in_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.RejectRole)

        layout = QVBoxLayout(self)
        if locked_user is None:
            layout.addWidget(_heading("MPs' Enquiry Line"))
            layout.addWidget(QLabel("Sign in with your personal account."))
        else:
            # Only the person who locked the desk may unlock it: their work is open behind this.
            self.username.setReadOnly(True)
            self.sign_in_button.setText("&Unlock")
            self.sign_in_button.setAccessibleName("Unlock")
            layout.addWidget(_heading("Desk locked"))
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
        layout.addWidget(_heading("Demo database", 1))
        hint = QLabel(f"Every demo account's password is <b>{html.escape(demo.password)}</b>. "
                      "Choose an account below and press Enter to fill in the form.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        accounts = QListWidget()
        accounts.setAccessibleName("Demo accounts")
        for role_label, username in demo.usernames.items():
            item = QListWidgetItem(f"{username}  —  {role_label}")
            item.setData(Qt.UserRole, username)
            accounts.addItem(item)
        accounts.setMinimumHeight(min(24 + 18 * len(demo.usernames), 340))
        accounts.itemActivated.connect(self._use_demo_account)
        label = QLabel("&Demo accounts:")
        label.setBuddy(accounts)
        layout.addWidget(label)
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
        self.user = user
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.message.show_error(error_text(exc))
        self.password.clear()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.username, self.password, self.sign_in_button):
            w.setEnabled(not busy)
        idle_text = "&Sign in" if self._locked_user is None else "&Unlock"
        self.sign_in_button.setText("Signing in…" if busy else idle_text)
        if busy:
            self.message.show_info("Checking your password…")
        elif self.message.text() == "Checking your password…":
            self.message.clear()


# --------------------------------------------------------- first administrator

class FirstAdminDialog(QDialog):
    """First start on an empty database: create the administrator who then adds everyone else."""

    def __init__(self, services: Services, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self._services = services
        self._runner = runner
        self.user: UserRecord | None = None
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
        self.message = AlertLabel()

        self.create_button = button("C&reate administrator")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        self.quit_button = button("&Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QDialogButtonBox()
        buttons.addButton(self.create_button, QDialogButtonBox.AcceptRole)
        buttons.addButton(self.quit_button, QDialogButtonBox.RejectRole)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Welcome to MPEL Desk"))
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
                self.strength.setStyleSheet(ERROR_STYLE.replace("font-weight: bold;", ""))
            else:
                self.strength.setText("Long enough.")
                self.strength.setStyleSheet(INFO_STYLE)
        if confirm:
            same = confirm == password
            self.match.setText("The passwords match." if same else "The passwords do not match yet.")
            self.match.setStyleSheet(INFO_STYLE if same else ERROR_STYLE.replace("font-weight: bold;", ""))
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
                            self._created, self._failed)

    def _created(self, user: UserRecord) -> None:
        self.user = user
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.message.show_error(error_text(exc))
        text = str(exc).lower()
        target = (self.username if "username" in text else self.full_name if "full name" in text
                  else self.password)
        target.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for w in (self.username, self.full_name, self.password, self.confirm, self.create_button):
            w.setEnabled(not busy)
        if busy:
            self.message.show_info("Creating the administrator…")
