"""Work queues after the call: the MPEL team leader's Further Action filter and a region's queue.

* ``FurtherActionView`` (here): the team leader reads each Further Action
  Case, answers it (closing it), or sends it to a region; the member's
  constituency decides the default region, which the leader can change.
* ``RegionQueueView`` (``ui.region_queue``): an account manager works their
  region's open items.

Both are assembled from the same parts (``ui.queue_base``): the filter bar
and table, the selected case (``ui.case_detail``), inline messages.
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from ..domain.records import EnquiryRecord, EnquirySummary
from .context import DeskContext
from .note_warning import NoteWarning
from .models import Column
from .queue_base import QueueBase
from .region_queue import RegionQueueView
from .task_runner import LatestOnly
from .widgets import button, in_row, labelled, tab_chain, text_box
from .work_alerts import urgent_alerts

__all__ = ["FurtherActionView", "RegionQueueView", "FURTHER_ACTION_COLUMNS"]

FURTHER_ACTION_COLUMNS = (Column.REFERENCE, Column.RECEIVED, Column.MEMBER, Column.SUBJECT, Column.NATIONALITY,
                          Column.HO_REFERENCE)


class FurtherActionView(QueueBase):
    """The MPEL team leader's filter: answer a Further Action Case or send it to the region."""

    title = "Further Action"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, FURTHER_ACTION_COLUMNS, "Further Action Cases", parent=parent,
                         steer_name="further_action")
        self._latest = LatestOnly(ctx.runner)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Cases waiting")
        self.count_label.setStyleSheet("font-weight: bold;")

        self.answer_edit = text_box(4, 8)
        self.answer_edit.setPlaceholderText("The answer given to the MP's office; this closes the case")
        self.answer_button = button("Record answer and c&lose case", auto_default=True)
        self.answer_button.clicked.connect(self.answer)
        self.region_combo = QComboBox()
        self.send_button = button("&Send to region", auto_default=True)
        self.send_button.clicked.connect(self.send_to_region)
        # The region chosen cannot receive the note (issue 14): said before it is sent, not after.
        self.inbox_warning = NoteWarning(ctx, "Inbox warning")
        self.region_combo.currentIndexChanged.connect(lambda _i: self._warn())

        answer_group = QGroupBox("Answer it")
        answer_form = QFormLayout(answer_group)
        labelled(answer_form, "&Answer:", self.answer_edit)
        answer_form.addRow("", in_row(self.answer_button, stretch=None))
        send_group = QGroupBox("Or send it to the regional team")
        send_form = QFormLayout(send_group)
        labelled(send_form, "Re&gion:", in_row(self.region_combo, self.send_button), self.region_combo)
        hint = QLabel("The region defaults to the member's constituency.")
        hint.setStyleSheet("color: #555;")
        send_form.addRow("", hint)
        send_form.addRow("", self.inbox_warning)

        splitter = self._split(answer_group, send_group, stretch=(5, 4))

        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        tab_chain(self.table, self.answer_edit, self.answer_button, self.region_combo, self.send_button)
        self._set_actions_enabled(False)
        self._load_regions(self._fill_regions)

    def _fill_regions(self) -> None:
        current = self.region_combo.currentData()
        self.region_combo.clear()
        for r in self._region_records:
            self.region_combo.addItem(f"{r.name} ({r.code})", r.code)
        self._default_region(self._record, current)
        self._warn()

    def _warn(self, regions=None) -> None:
        """The chosen region's inbox warning (``regions``: the regions read again, an administrator may
        have put an inbox right since)."""
        self.inbox_warning.set_regions(regions if regions is not None else self._region_records)
        self.inbox_warning.show_for(self.region_combo.currentData())

    def refresh(self) -> None:
        # F5, a change notice and the reload after each action may overlap: only the newest list is shown.
        self._latest.submit(lambda: self._ctx.services.enquiries.further_action_queue(self._ctx.user),
                            self._show_items, self._error, owner=self)
        self._ctx.runner.submit(self._ctx.services.reference.regions, self._warn, self._error, owner=self)

    def _show_items(self, items: list[EnquirySummary]) -> None:
        n = len(items)
        order = "oldest first" if self.steer.order.default else f"by {self.steer.order.column.lower()}"
        self.count_label.setText("No Further Action Cases waiting." if n == 0 else
                                 f"{n} Further Action Case{'s' if n != 1 else ''} waiting, {order}")
        super()._show_items(items)
        self.count_changed.emit(n)
        self.alerts_changed.emit(urgent_alerts(items))

    def _show_detail(self, rec: EnquiryRecord | None) -> None:
        super()._show_detail(rec)
        self._set_actions_enabled(rec is not None)
        if rec is not None:
            self.answer_edit.clear()
            self._default_region(rec)

    def _default_region(self, rec: EnquiryRecord | None, fallback: str | None = None) -> None:
        code = rec.member.region_code if rec is not None and rec.member else fallback
        index = self.region_combo.findData(code) if code else -1
        if index >= 0:
            self.region_combo.setCurrentIndex(index)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for w in (self.answer_edit, self.answer_button, self.region_combo, self.send_button):
            w.setEnabled(enabled)

    def answer(self) -> None:
        rec = self._record
        if rec is None:
            self.message.show_error("Select a case first.")
            return
        text = self.answer_edit.toPlainText()
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.leader_answer(self._ctx.user, rec.id, text),
                                self._after_change("{rec.reference} answered and closed."), self._error)

    def send_to_region(self) -> None:
        rec = self._record
        if rec is None:
            self.message.show_error("Select a case first.")
            return
        code = self.region_combo.currentData()
        done = self._after_change("{rec.reference} sent to {region}: response due by {due}.")
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.send_to_region(self._ctx.user, rec.id, code), done, self._error)
