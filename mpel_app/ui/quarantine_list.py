"""The quarantine list: messages the central inbox could not read, with why, for the MPEL team leader.

Each line is a message kept whole in the database (and in the mailbox's
"Quarantine" folder): when it came, its subject as far as it could be read,
its size and the reason.  Nothing here opens or renders the message.

"Release and take in" (the MPEL team leader, an administrator) takes the
selected message in as any other, audited with who released it; the intake
then moves it from "Quarantine" to "Processed" in the mailbox.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..domain.calendar import LONDON
from ..services.email_cases import QuarantineItem
from .context import DeskContext
from .task_runner import LatestOnly
from .widgets import ListTableModel, MessageLabel, button, error_text, record_table

COLUMNS = ("Taken in", "Subject", "Size", "Why it was quarantined")


class QuarantineModel(ListTableModel):
    columns = COLUMNS

    def data(self, index, role=Qt.DisplayRole):
        item: QuarantineItem | None = self.item(index.row()) if index.isValid() else None
        if item is None or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        if role == Qt.ToolTipRole:
            return item.reason
        return (item.taken_in_at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M"), item.subject or "(unreadable)",
                f"{max(1, item.size // 1024)} KB", item.reason)[index.column()]


class QuarantineList(QWidget):
    loaded = Signal()
    released = Signal(str)  # the reference of the enquiry a released message became

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = LatestOnly(ctx.runner)
        intro = QLabel("Messages the central inbox could not read. Each is kept whole, here and in the mailbox's "
                       "Quarantine folder: ask the sender to send it again, deal with it by hand, or, once you are "
                       "content it is a genuine enquiry, release it to be taken in.")
        intro.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setAccessibleName("Quarantine summary")
        self.model = QuarantineModel(self)
        self.table = record_table(self.model, "Quarantined messages")
        self.message = MessageLabel()
        self.release_button = button("&Release and take in", "Take the selected message in as an enquiry, as if "
                                     "it had come in normally; recorded in the audit trail with your name")
        self.release_button.clicked.connect(self.release_selected)
        self.release_button.setEnabled(False)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.release_button.setEnabled(self.model.item(cur.row()) is not None))
        actions = QHBoxLayout()
        actions.addWidget(self.release_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        ctx = self._ctx
        self._latest.submit(lambda: ctx.services.email_cases.quarantine(ctx.user), self._show, self._failed,
                            owner=self)

    def _show(self, items: list[QuarantineItem]) -> None:
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.release_button.setEnabled(self.model.item(self.table.currentIndex().row()) is not None)
        self.summary.setText(f"{len(items)} message{'s' if len(items) != 1 else ''} in quarantine")
        self.summary.setAccessibleName(f"Quarantine summary: {self.summary.text()}")
        self.loaded.emit()

    def release_selected(self) -> None:
        item: QuarantineItem | None = self.model.item(self.table.currentIndex().row())
        if item is None:
            self.message.show_error("Choose the message to release first.")
            return
        ctx = self._ctx

        def done(outcome) -> None:
            what = f"enquiry {outcome.reference}" + (f" ({outcome.cts_reference})" if outcome.cts_reference else "")
            verb = "checked in against" if outcome.checked_in else "taken in as"
            self.message.show_ok(f"Released: {verb} {what}. The intake moves it to Processed in the mailbox.")
            self.released.emit(outcome.reference)
            self.refresh()

        ctx.runner.submit(lambda: ctx.services.inbox.release(ctx.user, item.id), done, self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
        self.loaded.emit()
