"""The Microsoft 365 sign-in of a desk that takes the central inbox in: the device code shown, the sign-in awaited.

Shown when the mailbox is read with the person's own Microsoft 365 account
and the desk has no sign-in for it (the first time, or after the provider
ended it): the person opens the address on any device (this computer's
browser, or a phone) and enters the code.  The dialog asks the provider every
few seconds whether that is done, each time one short request through the
TaskRunner (never on the UI thread, never a worker held for minutes), and
closes itself, accepted, once signed in.  "Not now" (Esc) stops asking.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..inbox.oauth_delegated import DeviceCode
from .context import DeskContext
from .widgets import buddy_label, button, dialog_buttons, error_text, heading, in_row


class SignInDialog(QDialog):
    def __init__(self, ctx: DeskContext, account: str, code: DeviceCode, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._code = ctx, code
        self.asking = False
        self.setWindowTitle("Sign in to Microsoft 365")
        self.setAccessibleName("Sign in to Microsoft 365")
        title = heading("Sign in to read the central mailbox", 2)
        why = QLabel(f"The central mailbox {account} is read with your own Microsoft 365 account. "
                     "Sign in once on this computer: the desk then keeps the sign-in in the system keyring.")
        why.setWordWrap(True)
        steps = QLabel(f"On any device, open {code.verification_uri} and enter this code:")
        steps.setWordWrap(True)
        steps.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.code_field = QLineEdit(code.user_code)
        self.code_field.setReadOnly(True)
        self.code_field.setAccessibleName("Sign-in code")
        font = QFont(self.code_field.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        font.setLetterSpacing(QFont.AbsoluteSpacing, 3)
        self.code_field.setFont(font)
        self.open_button = button("&Open the sign-in page", "Open the address in this computer's web browser")
        self.open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl(code.verification_uri)))
        self.copy_button = button("&Copy the code", "Put the code on the clipboard")
        self.copy_button.clicked.connect(self._copy)
        self.status = QLabel("Waiting for you to sign in…")
        self.status.setAccessibleName("Sign-in status: Waiting for you to sign in…")
        self.status.setWordWrap(True)
        self.not_now = button("Not now", "Stop waiting; the mail is not taken in until you sign in")
        layout = QVBoxLayout(self)
        code_row = in_row(buddy_label("Sign-in code:", self.code_field), self.code_field, self.copy_button, stretch=1)
        for widget in (title, why, steps, code_row, self.status):
            layout.addWidget(widget)
        layout.addWidget(dialog_buttons(self, self.open_button, self.not_now))
        self.timer = QTimer(self)
        self.timer.setInterval(max(1000, int(code.interval * 1000)))
        self.timer.timeout.connect(self.poll)
        self.finished.connect(self.timer.stop)
        self.timer.start()
        self.code_field.setFocus()

    def poll(self) -> None:
        """Ask the provider once whether the person has signed in (skipped while the last ask is out)."""
        if self.asking:
            return
        self.asking = True
        ctx, code = self._ctx, self._code
        ctx.runner.submit(lambda: ctx.services.desk_intake.poll_sign_in(ctx.user, code), self._polled,
                          self._failed, owner=self)

    def _polled(self, done: bool) -> None:
        self.asking = False
        if done:
            self._say("Signed in.")
            self.accept()

    def _failed(self, exc: Exception) -> None:
        self.asking = False
        self.timer.stop()
        self._say(f"Not signed in: {error_text(exc)} Close this and take the mail in again for a new code.")

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self._code.user_code)
        self._say("The code is on the clipboard. Waiting for you to sign in…")

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleName(f"Sign-in status: {text}")
