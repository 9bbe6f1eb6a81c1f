"""The main window's mail: delivering the outbox over SMTP, the banner of undelivered mail, and the Outbox.

Once signed in, ``start_mail_delivery`` asks for the SMTP password if the
keyring has none (on this, the UI thread) and then starts the outbox sender
thread (``ui.mail.MailDelivery``); its reports arrive as queued signals.  A
view that queues a call note emits ``outbox_changed`` and the sender is woken
at once.  The banner is refreshed from the outbox after every sender report
and every 30 seconds (Ctrl+Shift+O opens the Outbox).

``MailWindow`` is a mix-in of ``MainWindow``; it needs ``ctx``, ``smtp``,
``mail``, ``outbox_dialog``, ``outbox_banner``, ``save_chooser``, ``locked``,
``_outbox_seq`` and ``_closed``.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from ..domain import alarms
from ..domain.alarms import Alarm
from ..notify import credentials
from ..notify.outbox import OutboxSummary
from ..notify.sender import DeliveryReport, OutboxSender
from ..notify.smtp import SmtpSettings, Transport
from .mail import SEND_INTERVAL_SECONDS, MailDelivery, ask_smtp_password, smtp_transport_factory
from .outbox_dialog import OutboxDialog

log = logging.getLogger(__name__)


class MailWindow:
    """The main window's outbox delivery, banner and dialog (a mix-in: see the module doc)."""

    @property
    def sends_mail_itself(self) -> bool:
        """False on a person's own PostgreSQL login: the site's mail service (``mpel outbox serve``, its own
        login) sends; the desk may not read the messages' text (db/pg_private.py)."""
        return not self.ctx.services.uow.person_login

    @property
    def mail_configured(self) -> bool:
        return self.smtp is not None or not self.sends_mail_itself

    def start_mail_delivery(self, smtp: SmtpSettings | None, *, prompt: Callable[[], str | None] | None = None,
                            transport_factory: Callable[[], Transport] | None = None,
                            interval: float = SEND_INTERVAL_SECONDS) -> None:
        """Start delivering the outbox through ``smtp`` (None: mail not set up; the banner says so).

        The password is asked for here, on the UI thread, when the keyring does not
        have it; the sender thread itself never asks (it would have no window to ask in).
        """
        if self.mail is not None:
            self.mail.stop()
            self.mail = None
        self.smtp = smtp
        if smtp is not None and self.sends_mail_itself:
            if smtp.username:
                credentials.get_password(smtp.username, prompt or (lambda: ask_smtp_password(self, smtp)))
            sender = OutboxSender(self.ctx.services.uow, self.ctx.services.clock,
                                  transport_factory or smtp_transport_factory(smtp))
            self.mail = MailDelivery(sender, interval=interval, parent=self)
            self.mail.reported.connect(self._mail_reported)
            self.mail.failed.connect(self._mail_failed)
            self.mail.start()
        self.refresh_outbox()

    def ask_mail_password(self) -> bool:
        """Ask for the mail password again (after the server refused it, or a cancelled prompt)."""
        if self.smtp is None or not self.smtp.username:
            return False
        answer = ask_smtp_password(self, self.smtp)
        if not answer:
            return False
        username = self.smtp.username
        # The keyring may be slow (D-Bus, a locked store): off the UI thread, then deliver at once.
        self.ctx.runner.submit(lambda: credentials.set_password(username, answer), lambda _stored: self.wake_mail(),
                               lambda exc: log.warning("cannot keep the mail password: %s", exc))
        return True

    def wake_mail(self) -> None:
        if self.mail is not None:
            self.mail.wake()

    def refresh_outbox(self) -> None:
        """Re-read the undelivered count and last error for the banner (the latest answer wins)."""
        self._outbox_seq += 1
        seq = self._outbox_seq

        def done(summary: OutboxSummary) -> None:
            if seq == self._outbox_seq and not self._closed:
                self._show_outbox(summary)

        def failed(exc: Exception) -> None:
            log.warning("cannot read the outbox for the banner: %s", exc)

        outbox, user = self.ctx.services.outbox, self.ctx.user
        self.ctx.runner.submit(lambda: outbox.pending_summary(user), done, failed)

    def _show_outbox(self, summary: OutboxSummary) -> None:
        self.outbox_banner.show_summary(summary, mail_configured=self.mail_configured)
        if self.locked or not alarms.shown_to(self.ctx.user, Alarm.OUTBOX):  # only for those who can act on it
            self.outbox_banner.setVisible(False)

    def open_outbox(self) -> OutboxDialog:
        """The Outbox dialog: undelivered messages, retry, and the offline procedure."""
        if self.outbox_dialog is not None:
            self.outbox_dialog.refresh()
            self.outbox_dialog.raise_()
            self.outbox_dialog.activateWindow()
            return self.outbox_dialog
        smtp = self.smtp
        if smtp is None:
            status = ("Mail is not set up on this desk (no mail server is configured), so nothing is sent from "
                      "here: save each message as a document and send it by other means, or ask for the mail "
                      "settings (MPEL_SMTP_HOST).")
        else:
            who = f" as {smtp.username}" if smtp.username else ""
            status = (f"Mail goes through {smtp.where}{' with STARTTLS' if smtp.starttls else ''}{who}. Failed "
                      "messages are retried automatically, more slowly each time (at most every 15 minutes).")
        dialog = OutboxDialog(self.ctx, self, mail_configured=smtp is not None, mail_status=status,
                              wake=self.wake_mail if self.mail is not None else None,
                              from_address=smtp.from_address if smtp else "", save_chooser=self.save_chooser,
                              ask_password=self.ask_mail_password if smtp and smtp.username else None)
        dialog.changed.connect(self.refresh_outbox)
        dialog.finished.connect(lambda _result: self._outbox_closed(dialog))
        self.outbox_dialog = dialog
        dialog.show()
        dialog.refresh()
        return dialog

    def _outbox_closed(self, dialog: OutboxDialog) -> None:
        if self.outbox_dialog is dialog:
            self.outbox_dialog = None
        dialog.deleteLater()

    def _outbox_changed(self) -> None:
        self.wake_mail()
        self.refresh_outbox()

    def _mail_reported(self, report: DeliveryReport) -> None:
        if self._closed:
            return
        if report.sent:
            self.statusBar().showMessage(f"{report.sent} message{'s' if report.sent != 1 else ''} delivered "
                                         "to the mail server.", 10_000)
        self.refresh_outbox()
        if self.outbox_dialog is not None and (report.sent or report.failed):
            self.outbox_dialog.refresh()

    def _mail_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.statusBar().showMessage(f"The mail sender could not read the outbox: {exc}", 15_000)
        self.refresh_outbox()
