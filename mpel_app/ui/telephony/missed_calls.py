"""Missed calls: inbound calls that ended with no record written (the caller gave up in the queue, the line
let it ring out, or it was answered and never logged), with Call back and Mark dealt with.

Call back queues the call back in the database (``services.calls.callback_request``,
audited) and emits ``callback_requested(CallbackRequest)``; the CTI bridge, the one
process logged in to the phone system, rings the agent's own phone (AMI
``Originate``).  The view then follows the call back (``services.call_backs.status``)
and says exactly what happened: ringing your phone, or failed -- dial the number
yourself.  The list follows the live-change mechanism (entity ``calls``) like the
other lists.
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...domain.call_records import CALL_BACK_PENDING, CALL_BACK_PLACED, CallRecord
from ...reports.record_sections import to_london
from ..context import DeskContext
from ..task_runner import LatestOnly
from ..widgets import ListTableModel, MessageLabel, button, error_text, heading, in_row, record_table, screen_shortcut

FOLLOW_EVERY_MS = 1000
_OUTCOME_WORDS = {"abandoned": "Caller hung up waiting", "missed": "Not answered", "answered": "Answered, no record"}


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} s"


class MissedCallsModel(ListTableModel):
    columns = ("When", "Number", "Who", "What happened", "Waited", "Queue")

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        call: CallRecord = self.item(index.row())
        if call is None or role not in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return None
        return (to_london(call.offered_at).strftime("%a %d %b %H:%M"), call.number, call.who[:1].upper() + call.who[1:],
                _OUTCOME_WORDS.get(call.outcome, call.outcome), _seconds(call.wait_seconds),
                call.queue or "direct")[index.column()]


class MissedCallsView(QWidget):
    """The line's missed calls, newest first."""

    title = "Missed calls"
    callback_requested = Signal(object)  # CallbackRequest

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._loads = LatestOnly(ctx.runner)
        self.model = MissedCallsModel(self)
        self.table = record_table(self.model, "Missed calls")
        self.table.selectionModel().currentChanged.connect(lambda *_: self._selection_changed())
        self.count_label = QLabel()
        self.callback_button = button("Call &back", "Ring this number from your own phone", auto_default=True)
        self.callback_button.clicked.connect(self.call_back)
        self.dealt_button = button("Mark &dealt with", "Take this call off the list: you have dealt with it",
                                   auto_default=True)
        self.dealt_button.clicked.connect(self.mark_dealt_with)
        self.refresh_button = button("&Refresh", auto_default=True)
        self.refresh_button.clicked.connect(self.refresh)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Missed calls", 2))
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(in_row(self.callback_button, self.dealt_button, self.refresh_button, stretch=None))
        layout.addWidget(self.message)
        screen_shortcut(self, "Ctrl+B", self.call_back)
        self._selection_changed()

    def refresh(self) -> None:
        calls, user = self._ctx.services.calls, self._ctx.user
        self._loads.submit(lambda: calls.missed_calls(user), self._show,
                           lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _show(self, calls: list[CallRecord]) -> None:
        keep = getattr(self.selected(), "call_id", None)
        self.model.set_items(calls)
        self.table.resizeColumnsToContents()
        n = len(calls)
        self.count_label.setText("No missed calls." if not n else
                                 f"{n} missed call{'s' if n != 1 else ''} nobody has dealt with yet.")
        self.count_label.setAccessibleName(self.count_label.text())
        row = next((r for r, c in enumerate(calls) if c.call_id == keep), 0 if calls else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> CallRecord | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _selection_changed(self) -> None:
        call = self.selected()
        self.callback_button.setEnabled(call is not None and bool(call.caller_e164))
        self.dealt_button.setEnabled(call is not None)

    def call_back(self) -> None:
        call = self.selected()
        if call is None or not call.caller_e164:
            return
        calls, user = self._ctx.services.calls, self._ctx.user

        def done(request) -> None:
            self.message.show_info(f"Call back of {call.number} asked for: waiting for the phone system to ring "
                                   f"your phone ({request.interface})…")
            self.callback_requested.emit(request)
            self._follow(request, call.number)

        self._ctx.runner.submit(lambda: calls.callback_request(call.call_id, user), done,
                                lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _follow(self, request, number: str) -> None:
        """Ask where the call back stands until the phone system has answered (or it is too late)."""
        queue, user = self._ctx.services.call_backs, self._ctx.user

        def show(now) -> None:
            if now.state == CALL_BACK_PENDING:
                QTimer.singleShot(FOLLOW_EVERY_MS, self, lambda: self._follow(request, number))
            elif now.state == CALL_BACK_PLACED:
                self.message.show_ok(f"Your phone ({now.interface}) is ringing: pick it up and the phone system "
                                     f"dials {number}.")
            else:
                self.message.show_error(f"Call back of {number} failed: {now.message.rstrip('.')}. "
                                        f"Dial {number} yourself.")

        self._ctx.runner.submit(lambda: queue.status(user, request.id), show,
                                lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def mark_dealt_with(self) -> None:
        call = self.selected()
        if call is None:
            return
        calls, user = self._ctx.services.calls, self._ctx.user

        def done(_record) -> None:
            self.message.show_ok(f"The call from {call.number} is marked dealt with.")
            self.refresh()

        def failed(exc: Exception) -> None:
            self.message.show_error(error_text(exc))
            self.refresh()

        self._ctx.runner.submit(lambda: calls.mark_dealt_with(call.call_id, user, call.version), done, failed,
                                owner=self)
