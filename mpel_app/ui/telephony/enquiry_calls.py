"""The telephone calls linked to one enquiry, with their wait and talk time: a tab of the record window.

Loaded by itself through the TaskRunner (``services.calls.calls_for_enquiry``)
when the record opens, so the record does not wait for it.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...domain.call_records import CallRecord
from ...reports.record_sections import to_london
from ..context import DeskContext
from ..widgets import error_text
from .calls_sections import fill, read_only_table

_OUTCOMES = {"answered": "Answered", "abandoned": "Caller hung up", "missed": "Not answered",
             "ringing": "Ringing", "outbound": "Outbound"}


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def call_row(call: CallRecord) -> list[str]:
    return [to_london(call.offered_at).strftime("%a %d %b %Y %H:%M"), call.number, call.who,
            _OUTCOMES.get(call.outcome, call.outcome), _seconds(call.wait_seconds), _seconds(call.talk_seconds),
            call.answered_by]


class EnquiryCallsSection(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.calls: list[CallRecord] = []
        self.summary = QLabel("Loading the calls…")
        self.table = read_only_table(["When (London)", "Number", "Who", "What happened", "Wait", "Talk",
                                      "Answered by"], "Telephone calls")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def load(self, enquiry_id: int) -> None:
        calls, user = self._ctx.services.calls, self._ctx.user
        self._ctx.runner.submit(lambda: calls.calls_for_enquiry(enquiry_id, user), self._show,
                                lambda exc: self.summary.setText(error_text(exc)), owner=self)

    def _show(self, calls: list[CallRecord]) -> None:
        self.calls = calls
        fill(self.table, [call_row(c) for c in calls], right={4, 5})
        n = len(calls)
        self.summary.setText("No telephone call is linked to this record." if not n else
                             f"{n} telephone call{'s' if n != 1 else ''} linked to this record.")
        self.summary.setAccessibleName(self.summary.text())
