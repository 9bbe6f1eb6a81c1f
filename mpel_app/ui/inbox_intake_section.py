"""The desk taking the central inbox in by itself: "Take mail in now", and a pass every few minutes.

For a desk on its own database (no `mpel inbox serve` for the site).  Each
pass runs ``DeskIntake.take_in_now`` (inbox/desk_intake.py) through the
TaskRunner, one at a time on this desk; across desks sharing the database
the intake's lease lets one read the mailbox at a time, and a desk that
finds it taken says so and tries again at its next turn.  When the keyring
has no password for the mailbox, the person is asked once (on the UI
thread), and the pass is tried again with it.  A Microsoft 365 mailbox read
with the person's own account and no sign-in on this desk yet: the device
code is shown (ui/inbox_sign_in.py) and the pass runs again once signed in.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ..inbox.desk_intake import DeskMailbox, IntakeBusy, NeedsPassword
from ..inbox.oauth import NeedsSignIn
from .context import DeskContext
from .inbox_sign_in import SignInDialog
from .mail import ask_secret
from .widgets import button, error_text

PASS_INTERVAL_MS = 5 * 60 * 1000
PasswordAsker = Callable[[QWidget, str], "str | None"]


def ask_mailbox_password(parent: QWidget, account: str) -> str | None:
    return ask_secret(parent, "Central inbox password", f"the central mailbox {account}")


class DeskIntakeSection(QWidget):
    taken_in = Signal(object)  # the Summary of a pass that ran
    finished = Signal()  # after every attempt, whatever came of it

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 ask_password: PasswordAsker | None = None, interval_ms: int = PASS_INTERVAL_MS):
        super().__init__(parent)
        self._ctx = ctx
        self._ask = ask_password or ask_mailbox_password
        self.running = False
        self.mailbox: DeskMailbox | None = None
        self.sign_in: SignInDialog | None = None  # while the person signs in to Microsoft 365
        self._starting_sign_in = False
        self.take_button = button("Take &mail in now", "Take in what is waiting in the central mailbox")
        self.take_button.clicked.connect(self.take_in)
        self.status = QLabel("Looking for the central mailbox…")
        self.status.setAccessibleName("Mail intake status")
        self.status.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.take_button)
        layout.addWidget(self.status, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.take_in)
        intake = ctx.services.desk_intake
        ctx.runner.submit(intake.mailbox, self._found, self._failed, owner=self)

    def _found(self, mailbox: DeskMailbox | None) -> None:
        self.mailbox = mailbox
        if mailbox is None:
            self._say("No central mailbox is set up for the desks (an administrator runs `mpel inbox configure`); "
                      "e-mail comes in through the site's `mpel inbox serve`, if it runs.")
            return
        self._say(f"This desk takes in {mailbox.account} every {self.timer.interval() // 60000 or 1} minutes.")
        self.timer.start()
        self.take_in()

    def take_in(self, password: str | None = None) -> None:
        """One pass, unless one is already running on this desk."""
        if self.running:
            return
        self.running = True
        self.take_button.setEnabled(False)
        self._say("Taking mail in…")
        ctx, secret = self._ctx, password or None
        ctx.runner.submit(lambda: ctx.services.desk_intake.take_in_now(ctx.user, password=secret),
                          self._done, self._failed, owner=self)

    def _done(self, summary) -> None:
        self._settle()
        made = summary.enquiries_created
        self._say(f"Mail taken in: {summary.fetched} message{'s' if summary.fetched != 1 else ''} looked at, "
                  f"{made} new enquir{'ies' if made != 1 else 'y'}, {summary.already_taken_in} already in, "
                  f"{summary.quarantined} quarantined.")
        self.taken_in.emit(summary)
        self.finished.emit()

    def _failed(self, exc: Exception) -> None:
        self._settle()
        if isinstance(exc, NeedsPassword):
            password = self._ask(self, exc.account)
            if password:
                self.take_in(password)
                return
            self._say("Not taken in: the mailbox's password was not given.")
        elif isinstance(exc, NeedsSignIn):
            self._begin_sign_in(exc.account)
            return
        elif isinstance(exc, IntakeBusy):
            self._say(f"Not taken in now: {exc}.")
        else:
            self._say(f"Not taken in: {error_text(exc)}")
        self.finished.emit()

    def _begin_sign_in(self, account: str) -> None:
        if self.sign_in is not None or self._starting_sign_in:
            return  # already waiting for the person (a timed pass found no sign-in either)
        self._starting_sign_in = True
        self._say(f"Sign in to Microsoft 365 to take in {account}…")
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.desk_intake.begin_sign_in(ctx.user),
                          lambda code: self._show_sign_in(account, code), self._failed_sign_in, owner=self)

    def _show_sign_in(self, account: str, code) -> None:
        self._starting_sign_in = False
        self.sign_in = SignInDialog(self._ctx, account, code, self)
        self.sign_in.finished.connect(self._signed_in)
        self.sign_in.open()

    def _signed_in(self, result: int) -> None:
        self.sign_in.deleteLater()
        self.sign_in = None
        if result == SignInDialog.Accepted:
            self.take_in()
            return
        self._say("Not taken in: not signed in to Microsoft 365.")
        self.finished.emit()

    def _failed_sign_in(self, exc: Exception) -> None:
        self._starting_sign_in = False
        self._say(f"Not taken in: the sign-in could not start: {error_text(exc)}")
        self.finished.emit()

    def _settle(self) -> None:
        self.running = False
        self.take_button.setEnabled(True)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setAccessibleName(f"Mail intake status: {text}")
