"""Passwords at the desk: "Change my password" for whoever is signed in, and an administrator's reset.

* ``open_change_password(ctx, parent)`` opens the dialog the main window's
  File menu offers: the current password, then the new one twice.
* ``ResetPasswordDialog``: an administrator gives someone a new password
  (Administration → Users); it unlocks the account too.
* ``NewPasswordFields``: the new password and its confirmation, with hints as
  you type; the strength hint is the service's own rule, not a copy of it.

The work runs in the TaskRunner (argon2 takes a noticeable moment on purpose);
failures show inline, in a label screen readers announce.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..domain.errors import AuthenticationFailed, ValidationError
from ..domain.records import UserRecord
from ..services.security import MIN_PASSWORD_LENGTH, check_password_strength
from .context import DeskContext
from .widgets import ERROR_STYLE, OK_STYLE, MessageLabel, button, dialog_buttons, error_text, heading, labelled

# Hints beside a field are advice, not messages: quieter than MessageLabel's.
_HINT_OK = OK_STYLE.replace(" font-weight: bold;", "")
_HINT_ERROR = ERROR_STYLE.replace(" font-weight: bold;", "")
_HINT_PLAIN = "color: #555;"


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.Password)
    edit.setMaxLength(200)
    return edit


class NewPasswordFields:
    """A new password and its confirmation as two rows of ``form``, each followed by a hint."""

    def __init__(self, form: QFormLayout, *, label: str = "&New password:",
                 confirm_label: str = "Con&firm new password:"):
        self.password = labelled(form, label, _password_edit())
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        # Two lines kept for it, so the form does not jump as the hint changes.
        self.strength.setMinimumHeight(self.strength.fontMetrics().lineSpacing() * 2 + 4)
        form.addRow("", self.strength)
        self.confirm = labelled(form, confirm_label, _password_edit())
        self.match = QLabel()
        form.addRow("", self.match)
        self.password.textChanged.connect(self.update_hints)
        self.confirm.textChanged.connect(self.update_hints)
        self.update_hints()

    def text(self) -> str:
        return self.password.text()

    def mismatch(self) -> bool:
        return self.password.text() != self.confirm.text()

    def update_hints(self) -> None:
        password, confirm = self.password.text(), self.confirm.text()
        if not password:
            self._hint(self.strength, f"At least {MIN_PASSWORD_LENGTH} characters. A phrase of three or four "
                       "words is easy to type and hard to guess.", _HINT_PLAIN)
        else:
            try:
                check_password_strength(password)
            except ValidationError as exc:
                self._hint(self.strength, f"Too weak: {exc} ({len(password)} so far).", _HINT_ERROR)
            else:
                self._hint(self.strength, "Long enough.", _HINT_OK)
        if confirm:
            same = confirm == password
            self._hint(self.match, "The passwords match." if same else "The passwords do not match yet.",
                       _HINT_OK if same else _HINT_ERROR)
        else:
            self._hint(self.match, "", _HINT_PLAIN)

    @staticmethod
    def _hint(label: QLabel, text: str, style: str) -> None:
        label.setText(text)
        label.setStyleSheet(style)
        label.setAccessibleName(text)

    def clear(self) -> None:
        self.password.clear()
        self.confirm.clear()


class _PasswordDialog(QDialog):
    """What both dialogs share: a form, an inline message, a default button and Cancel, work in the runner."""

    def __init__(self, ctx: DeskContext, title: str, action_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(f"{title} — MPEL Desk")
        self.form = QFormLayout()
        # Room kept for a two-line message: the dialog does not grow when one appears, it would squeeze the form.
        self.message = MessageLabel(keep_space=True)
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 2 + 4)
        self.action_button = button(action_text)
        self.action_button.clicked.connect(self.submit)
        self.cancel_button = button("Cancel")
        self.buttons = dialog_buttons(self, self.action_button, self.cancel_button)
        self.done_ok = False
        self.delete_when_closed = False  # open_change_password: the dialog goes once closed and its work is done
        self._pending = 0
        self.finished.connect(self._closed)
        self.setMinimumWidth(500)

    def _layout(self, *intro: QWidget) -> None:
        layout = QVBoxLayout(self)
        for widget in intro:
            layout.addWidget(widget)
        layout.addSpacing(6)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _fields(self) -> list[QWidget]:
        raise NotImplementedError

    def submit(self) -> None:
        raise NotImplementedError

    def _run(self, work, on_done, on_error) -> None:
        """Run ``work`` in the runner; an answer arriving after the dialog was closed is dropped."""
        self._pending += 1

        def finish(callback, value) -> None:
            self._pending -= 1
            if self.isVisible():
                callback(value)
            elif self.delete_when_closed and not self._pending:
                self.deleteLater()

        self._ctx.runner.submit(work, lambda value: finish(on_done, value), lambda exc: finish(on_error, exc))

    def _closed(self, _result: int) -> None:
        if self.delete_when_closed and not self._pending:
            self.deleteLater()

    def _check_confirmation(self, fields: NewPasswordFields) -> bool:
        if fields.mismatch():
            self.message.show_error("The two new passwords are different: type the same password in both boxes.")
            fields.confirm.selectAll()
            fields.confirm.setFocus()
            return False
        return True

    def _set_busy(self, busy: bool, text: str = "") -> None:
        for widget in (*self._fields(), self.action_button):
            widget.setEnabled(not busy)
        if busy:
            self.message.show_info(text)
        else:
            self.action_button.setDefault(True)  # disabling it took that away: Enter would do nothing

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.message.show_error(error_text(exc))


class ChangePasswordDialog(_PasswordDialog):
    """The signed-in person changes their own password; the current one is asked for first."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, reset: bool = False):
        super().__init__(ctx, "Change my password", "&Change password", parent)
        user = ctx.user
        self.current = labelled(self.form, "C&urrent password:", _password_edit())
        self.new = NewPasswordFields(self.form)
        self._reset = reset
        why = ("An administrator has reset your password, so they know it: choose your own now. "
               if reset else "")
        note = QLabel(f"{user.full_name} ({user.username}): {why}your new password is for signing in and for "
                      "unlocking the desk.")
        note.setWordWrap(True)
        self._layout(heading("Change my password", 2), note)
        self.current.setFocus()

    def _fields(self) -> list[QWidget]:
        return [self.current, self.new.password, self.new.confirm]

    def submit(self) -> None:
        if self.done_ok:
            return
        if not self.current.text():
            self.message.show_error("Enter your current password first.")
            self.current.setFocus()
            return
        if not self._check_confirmation(self.new):
            return
        user, old, new = self._ctx.user, self.current.text(), self.new.text()
        self._set_busy(True, "Changing your password…")
        self._run(lambda: self._ctx.services.users.change_password(user, old, new), self._changed, self._refused)

    def _changed(self, _result: None) -> None:
        self.done_ok = True
        if self._reset:  # signing in: go straight on to the desk
            self.accept()
            return
        self.current.clear()
        self.new.clear()
        for widget in self._fields():
            widget.setEnabled(False)
        self.action_button.setEnabled(False)
        self.cancel_button.setText("&Close")
        self.cancel_button.setAccessibleName("Close")
        self.cancel_button.setDefault(True)
        self.message.show_ok("Your password has been changed. Use the new one next time you sign in or unlock "
                             "the desk.")
        self.cancel_button.setFocus()

    def _refused(self, exc: Exception) -> None:
        self._failed(exc)
        field = self.current if isinstance(exc, AuthenticationFailed) else self.new.password
        field.selectAll()
        field.setFocus()


class ResetPasswordDialog(_PasswordDialog):
    """An administrator gives ``user`` a new password, which also unlocks the account.

    ``reset`` holds the updated record once done (the dialog is then accepted).
    """

    def __init__(self, ctx: DeskContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(ctx, "Reset password", "&Reset password", parent)
        self.user = user
        self.reset: UserRecord | None = None
        self.new = NewPasswordFields(self.form)
        locked = " The account is locked after repeated failed sign-ins: resetting unlocks it." if user.locked else ""
        self.note = QLabel(f"Give {user.full_name} a new password, then tell it to them in a way only they will "
                           f"see (not by e-mail).{locked}")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.PlainText)
        self._layout(heading(f"Reset the password of {user.full_name} ({user.username})", 2), self.note)
        self.new.password.setFocus()

    def _fields(self) -> list[QWidget]:
        return [self.new.password, self.new.confirm]

    def submit(self) -> None:
        if not self._check_confirmation(self.new):
            return
        actor, user_id, new = self._ctx.user, self.user.id, self.new.text()
        self._set_busy(True, "Setting the new password…")
        self._run(lambda: self._ctx.services.users.reset_password(actor, user_id, new), self._done, self._failed)

    def _done(self, record: UserRecord) -> None:
        self.reset = record
        self.new.clear()
        self.accept()


def open_change_password(ctx: DeskContext, parent: QWidget | None = None) -> ChangePasswordDialog:
    """Open "Change my password" over ``parent`` (window-modal) and return the dialog; it goes once closed."""
    dialog = ChangePasswordDialog(ctx, parent)
    dialog.delete_when_closed = True
    dialog.open()
    return dialog
