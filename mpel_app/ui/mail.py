"""Mail delivery on the desk: the background outbox sender, wrapped for Qt.

``MailDelivery`` runs a ``notify.sender.BackgroundSender`` (a plain thread) and
turns its callbacks, which arrive on that thread, into Qt signals delivered on
the UI thread (``Qt.QueuedConnection``), so the window can refresh its banner
without ever touching widgets from another thread.

``smtp_transport_factory`` builds a real ``SmtpTransport`` for each delivery
round, reading the password from the keyring (or this session's memory) with
``prompt=None``: the sender thread never asks anyone anything.  The password is
asked for on the UI thread, before the sender starts, by ``ask_smtp_password``
through ``notify.credentials.get_password``.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from ..notify import credentials
from ..notify.sender import BackgroundSender, DeliveryReport, OutboxSender
from ..notify.smtp import SmtpSettings, SmtpTransport, Transport

SEND_INTERVAL_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 20.0


def smtp_transport_factory(settings: SmtpSettings) -> Callable[[], Transport]:
    """A factory the sender calls once a round: settings as given, password as known now (never prompts)."""
    def make() -> Transport:
        password = credentials.get_password(settings.username) if settings.username else None
        return SmtpTransport(settings, password)

    return make


def ask_smtp_password(parent: QWidget | None, settings: SmtpSettings) -> str | None:
    """The password dialog (echo off) that ``credentials.get_password`` calls when the keyring has none."""
    return ask_secret(parent, "Mail password", f"the mail account {settings.username} on {settings.where}")


def ask_secret(parent: QWidget | None, title: str, what: str) -> str | None:
    """A password dialog (echo off) for ``what``; None when cancelled or left empty."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(f"Password for {what}\n"
                        "(kept in the system keyring, or for this session only where there is none):")
    dialog.setTextEchoMode(QLineEdit.Password)
    dialog.setOkButtonText("Use this password")
    dialog.setCancelButtonText("Not now")
    dialog.setAccessibleName(title)
    if dialog.exec() != QInputDialog.Accepted:
        return None
    return dialog.textValue() or None


class MailDelivery(QObject):
    """The outbox sender thread, with its reports as signals on the UI thread."""

    reported = Signal(object)  # DeliveryReport, after each round
    failed = Signal(object)  # the exception of a round that could not run (database unreachable, say)
    # Emitted on the sender thread; connected queued to the public signals above.
    _report_from_thread = Signal(object)
    _error_from_thread = Signal(object)

    def __init__(self, sender: OutboxSender, *, interval: float = SEND_INTERVAL_SECONDS,
                 parent: QObject | None = None):
        super().__init__(parent)
        # Signal to signal, queued: the public signals fire on this object's (the UI) thread.
        self._report_from_thread.connect(self.reported, Qt.QueuedConnection)
        self._error_from_thread.connect(self.failed, Qt.QueuedConnection)
        self.background = BackgroundSender(sender, interval=interval, on_report=self._report_from_thread.emit,
                                           on_error=self._error_from_thread.emit)

    @property
    def running(self) -> bool:
        return self.background.running

    @property
    def last_report(self) -> DeliveryReport | None:
        return self.background.last_report

    def start(self) -> None:
        self.background.start()

    def wake(self) -> None:
        """Deliver now (after an urgent call note was queued, or "Retry now")."""
        self.background.wake()

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> bool:
        return self.background.stop(timeout)
