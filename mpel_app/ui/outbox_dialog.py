"""Undelivered mail on the desk: the banner across the main window and the Outbox dialog.

* ``OutboxBanner``: hidden while everything has been delivered; otherwise
  "3 messages not yet delivered to regional inboxes — last error: …" with a
  "Show…" button (Ctrl+Shift+O from anywhere in the window).  Where mail is
  not set up on this desk it says so, so nothing waits unnoticed.
* ``OutboxDialog``: the undelivered messages (record, recipient, subject,
  attempts, last error, next attempt) and what a person can do about them:
  "Retry now" (due at once, and the sender woken), and the offline procedure:
  "Save as document…" (the very email, as an ``.eml`` with the printed record
  attached, to send from another mail program or print) then "Mark as sent by
  other means…" with a note saying how (audited on the record).

The save-file chooser is a parameter, so tests can hand it a path.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QFrame, QHBoxLayout, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.errors import MpelError, ValidationError
from ..domain.permissions import Action
from ..domain.region_contacts import inbox_problem, inbox_problem_in_brief
from ..notify.outbox import FAILED, SENDING, OutboxItem, OutboxSummary
from .context import DeskContext
from .models import format_received
from .widgets import (MessageLabel, SaveChooser, button, choose_save_path, dialog_buttons, error_text, heading,
                      labelled, tab_chain, text_box)

OUTBOX_SHORTCUT = "Ctrl+Shift+O"
COLUMNS = ("Record", "To", "Subject", "Attempts", "Last error", "Next attempt")


# Ask where to save the message as a document.
choose_eml_path = partial(choose_save_path, title="Save the message as a document",
                          file_filter="Email message (*.eml)")


def banner_text(summary: OutboxSummary, *, mail_configured: bool) -> str:
    n = summary.undelivered
    messages = f"{n} message{'s' if n != 1 else ''}"
    if not mail_configured:
        return (f"{messages} waiting: mail is not set up on this desk, so nothing is being sent from here. "
                "Show them to send each by other means.")
    if summary.last_error:
        return (f"{messages} not yet delivered to regional inboxes — last error: {summary.last_error}. "
                "Show them to retry, or send each by other means.")
    return f"{messages} waiting to be delivered to regional inboxes — sending…"


class OutboxBanner(QFrame):
    """A strip across the top of the window while any message is undelivered."""

    show_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("outboxBanner")
        self.setStyleSheet("#outboxBanner { background: #fff1c9; border: 1px solid #c9a227; border-radius: 3px; }")
        self.label = MessageLabel("Undelivered messages")
        self.label.setStyleSheet("color: #5c3b00; font-weight: bold;")
        self.show_button = button("Show…", f"Show the undelivered messages ({OUTBOX_SHORTCUT})", auto_default=True)
        self.show_button.clicked.connect(self.show_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.show_button)
        self.summary: OutboxSummary | None = None
        self.setVisible(False)

    def text(self) -> str:
        """What the banner says ("" while hidden)."""
        return self.label.text()

    def show_summary(self, summary: OutboxSummary, *, mail_configured: bool) -> None:
        self.summary = summary
        if summary.undelivered == 0:
            self.label.clear()
            self.setVisible(False)
            return
        text = banner_text(summary, mail_configured=mail_configured)
        if text != self.label.text():  # announce changes, not every refresh
            # Warning (amber) while sending, error (red) once something failed or cannot be sent.
            if summary.last_error or not mail_configured:
                self.label.show_error(text)
            else:
                self.label.show_info(text)
            self.label.setStyleSheet(("color: #9b0000;" if summary.last_error or not mail_configured
                                      else "color: #5c3b00;") + " font-weight: bold;")
        self.setVisible(True)


# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    item: OutboxItem
    record: str  # "MPH000123", or what the message is about


def load_rows(ctx: DeskContext) -> list[OutboxRow]:
    """The undelivered messages with the reference of the record each is about (worker thread)."""
    services, user = ctx.services, ctx.user
    references: dict[int, str] = {}
    rows = []
    for item in services.outbox.list_undelivered(user):
        record = f"{item.entity.replace('_', ' ')} {item.entity_id or ''}".strip()
        if item.entity == "enquiry" and item.entity_id is not None:
            if item.entity_id not in references:
                try:
                    references[item.entity_id] = services.enquiries.header(user, item.entity_id).reference
                except MpelError:  # deleted since, or not for this user's eyes: say what we know
                    references[item.entity_id] = f"enquiry {item.entity_id}"
            record = references[item.entity_id]
        rows.append(OutboxRow(item, record))
    return rows


def _next_attempt(item: OutboxItem, now: datetime) -> str:
    if item.status == SENDING:
        return "sending now"
    if item.next_attempt_at is None:
        return "waits for a person" if item.status == FAILED else "—"
    if item.next_attempt_at <= now:
        return "now"
    wait = item.next_attempt_at - now
    if wait < timedelta(minutes=1):
        return "in under a minute"
    if wait < timedelta(hours=1):
        return f"in {int(wait.total_seconds() // 60)} min"
    return format_received(item.next_attempt_at)


class MarkSentDialog(QDialog):
    """Asks how the message was sent by other means; the service insists on a note."""

    def __init__(self, row: OutboxRow, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Mark as sent by other means")
        self.row = row
        intro = QLabel(f"{row.record}: “{row.item.subject}”\nto {row.item.to_name or row.item.to_address} "
                       f"<{row.item.to_address}>")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.PlainText)
        form = QFormLayout()
        self.note = text_box(3, 5)
        self.note.setPlaceholderText("e.g. emailed from the team mailbox to MP INBOX – North West at 14:20, "
                                     "or faxed to 0161 496 0501")
        labelled(form, "&How and to whom was it sent?", self.note)
        self.message = MessageLabel()
        self.mark_button = button("&Mark as sent")
        self.cancel_button = button("Cancel")
        buttons = dialog_buttons(self, self.mark_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Mark as sent by other means", 2))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(560, 300)
        self.note.setFocus()

    def note_text(self) -> str:
        return self.note.toPlainText()


class OutboxDialog(QDialog):
    """The undelivered messages, and retry / save as document / mark as sent by other means."""

    changed = Signal()  # something was retried or marked: the window refreshes its banner
    loaded = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, mail_configured: bool = True,
                 mail_status: str = "", wake: Callable[[], None] | None = None, from_address: str = "",
                 save_chooser: SaveChooser | None = None, ask_password: Callable[[], bool] | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._wake = wake
        self._from_address = from_address
        self._choose_save = save_chooser or choose_eml_path
        self._mail_configured = mail_configured
        self.rows: list[OutboxRow] = []
        self._load_seq = 0
        # Closed dialogs are deleted; an answer from the TaskRunner may still be on its way.
        self._closed = False
        self.finished.connect(self._set_closed)
        self.mark_dialog: MarkSentDialog | None = None
        self.setWindowTitle("Outbox — messages not yet delivered")

        self.status_label = QLabel(mail_status or ("Mail is sent in the background; failed messages are retried "
                                                   "automatically." if mail_configured else
                                                   "Mail is not set up on this desk (no mail server): send these "
                                                   "messages by other means."))
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Mail status")
        if not mail_configured:
            self.status_label.setStyleSheet("color: #9b0000; font-weight: bold;")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Undelivered messages")
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.retry_button = button("&Retry now", "Try to send the selected message now", auto_default=True)
        self.retry_button.clicked.connect(self.retry_now)
        self.save_button = button("&Save as document…", "Save the email, with the printed record attached, to "
                                  "send by other means", auto_default=True)
        self.save_button.clicked.connect(self.save_document)
        self.mark_button = button("&Mark as sent by other means…", "Record that it was sent another way, and how",
                                  auto_default=True)
        self.mark_button.clicked.connect(self.mark_sent)
        self.password_button = button("Mail &password…", "Enter the mail account's password again",
                                      auto_default=True)
        self.password_button.clicked.connect(self._ask_password)
        self.password_button.setVisible(ask_password is not None)
        self._ask = ask_password
        self.close_button = button("Close", auto_default=True)
        self.close_button.clicked.connect(self.reject)
        self.message = MessageLabel(keep_space=True)
        offline = QLabel("When mail cannot be sent at all: save the message as a document, send it by other "
                         "means (another mail account, or print the attached record and fax it), then mark it "
                         "as sent by other means.")
        offline.setWordWrap(True)
        offline.setStyleSheet("color: #444;")

        actions = QHBoxLayout()
        for b in (self.retry_button, self.save_button, self.mark_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.password_button)
        actions.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Messages not yet delivered", 2))
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(offline)
        tab_chain(self.table, self.retry_button, self.save_button, self.mark_button, self.password_button,
                  self.close_button)
        self._may_act = perm.allowed(ctx.user, Action.WORK_OUTBOX)
        self._set_actions_enabled(False)
        self.resize(1180, 460)

    # ------------------------------------------------------------- public API

    def refresh(self) -> None:
        """Reload the list; when loads overlap, the one asked for last is shown (it read last)."""
        now = self._ctx.services.clock.now()
        self._load_seq += 1
        seq = self._load_seq

        def done(rows: list[OutboxRow]) -> None:
            if seq == self._load_seq:
                self._show_rows(rows, now)

        self._submit(lambda: load_rows(self._ctx), done, self._error)

    def selected(self) -> OutboxRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def select_row(self, row: int) -> None:
        self.table.setCurrentCell(row, 0)
        self.table.selectRow(row)

    def retry_now(self) -> None:
        row = self._require_selected()
        if row is None:
            return
        user = self._ctx.user

        def done(item: OutboxItem) -> None:
            if self._wake is not None:
                self._wake()
                self.message.show_ok(f"{row.record}: sending again now.")
            else:
                self.message.show_error(f"{row.record} is due again, but mail is not set up on this desk: "
                                        "save it as a document and send it by other means.")
            self.changed.emit()
            self.refresh()

        self._submit(lambda: self._ctx.services.outbox.retry_now(user, row.item.id), done, self._error)

    def save_document(self) -> None:
        row = self._require_selected()
        if row is None:
            return
        outbox, from_address = self._ctx.services.outbox, self._from_address

        def exported(result: tuple[str, bytes]) -> None:
            name, data = result
            path = self._choose_save(self, name)
            if path is None:
                return
            path = Path(path)

            def write() -> Path:
                try:
                    path.write_bytes(data)
                except OSError as exc:
                    raise ValidationError(f"cannot save {path.name}: {exc.strerror or exc}") from exc
                return path

            self._submit(write, lambda saved: self.message.show_ok(
                f"{row.record} saved as {saved}. Send it by other means, then mark it as sent by other means."),
                self._error)

        self._submit(lambda: outbox.export_document(self._ctx.user, row.item.id, from_address=from_address), exported,
                                self._error)

    def mark_sent(self) -> None:
        """Opens the note dialog (non-modal to the rest of the desk, modal to this one)."""
        row = self._require_selected()
        if row is None:
            return
        dialog = MarkSentDialog(row, self)
        self.mark_dialog = dialog
        dialog.mark_button.clicked.connect(lambda: self._mark(dialog))
        dialog.finished.connect(lambda _result: self._mark_closed(dialog))
        dialog.setWindowModality(Qt.WindowModal)
        dialog.open()

    # ---------------------------------------------------------------- helpers

    def _submit(self, work, on_done, on_error) -> None:
        """Run ``work`` on the TaskRunner; its answer is dropped if the dialog has been closed meanwhile."""
        def done(value) -> None:
            if not self._closed:
                on_done(value)

        def failed(exc: Exception) -> None:
            if not self._closed:
                on_error(exc)

        self._ctx.runner.submit(work, done, failed)

    def _set_closed(self, _result: int) -> None:
        self._closed = True

    def _ask_password(self) -> None:
        if self._ask is not None and self._ask():
            self.message.show_ok("Password kept; sending again now.")
            self.changed.emit()

    def _mark(self, dialog: MarkSentDialog) -> None:
        row, note, user = dialog.row, dialog.note_text(), self._ctx.user

        def done(item: OutboxItem) -> None:
            if self.mark_dialog is dialog:  # not cancelled (and deleted) meanwhile
                dialog.accept()
            self.message.show_ok(f"{row.record}: marked as sent by other means ({note.strip()[:80]}).")
            self.changed.emit()
            self.refresh()

        def failed(exc: Exception) -> None:
            if self.mark_dialog is not dialog:
                self.message.show_error(error_text(exc))
                return
            dialog.message.show_error(error_text(exc))
            dialog.note.setFocus()

        self._submit(lambda: self._ctx.services.outbox.mark_sent_by_hand(user, row.item.id, note),
                                done, failed)

    def _mark_closed(self, dialog: MarkSentDialog) -> None:
        if self.mark_dialog is dialog:
            self.mark_dialog = None
        dialog.deleteLater()

    def _show_rows(self, rows: list[OutboxRow], now: datetime) -> None:
        keep = self.selected().item.id if self.selected() else None
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            item = row.item
            full_to = f"{item.to_name} <{item.to_address}>" if item.to_name else item.to_address
            # Issue 14: an address that reaches nobody (a region's placeholder inbox) says so in the row.
            problem = inbox_problem_in_brief(item.to_address)
            to = item.to_name or item.to_address
            values = (row.record, f"{to} (PROBLEM: {problem})" if problem else to, item.subject,
                      str(item.attempts), item.last_error or "not tried yet", _next_attempt(item, now))
            tips = (None, f"{full_to}: {inbox_problem(item.to_address)}" if problem else full_to, item.subject,
                    None, item.last_error or None, None)
            for c, (value, tip) in enumerate(zip(values, tips)):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.AccessibleTextRole, tip or value)
                if tip:
                    cell.setToolTip(tip)
                if c == 1 and problem:
                    cell.setForeground(QBrush(QColor("#9b0000")))
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        # Long texts are cut to fit (whole in the tooltip) so every column shows without scrolling.
        for column, most in ((1, 230), (2, 300), (4, 300)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), most))
        again = next((i for i, row in enumerate(rows) if row.item.id == keep), 0 if rows else -1)
        if again >= 0:
            self.select_row(again)
        self._selection_changed()
        if not rows:
            self.message.show_ok("Every message has been delivered or sent by other means.")
        self.loaded.emit()

    def _selection_changed(self) -> None:
        self._set_actions_enabled(self.selected() is not None)

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.save_button.setEnabled(enabled)
        for b in (self.retry_button, self.mark_button):
            b.setEnabled(enabled and self._may_act)

    def _require_selected(self) -> OutboxRow | None:
        row = self.selected()
        if row is None:
            self.message.show_error("Select a message first.")
        return row

    def _error(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
