"""A region's queue: an account manager works their region's open items (``RegionQueueView``).

Urgent items nobody has acknowledged first, then by due date, each with a
status that says (in words and colour, ``domain.alarms``) whether it is on
time, due soon, overdue or urgent; acknowledge receipt, record whether the
file is needed (5 or 10 working days, worked out by the service), and write up
the response to complete.  A long queue comes a page at a time (``Show
more``, or scrolling to the end); the summary line counts the whole queue.
Filtering and sorting (the filter bar, a column's heading) are done by the
service over the whole queue, not on the page shown (``db.queue_steer_sql``).
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..domain import permissions as perm
from ..domain.alarms import Tone
from ..domain.permissions import Action
from ..domain.queue_filter import QueueFilter, QueueOrder
from ..domain.records import EnquiryRecord, QueueCounts, QueueCursor, QueuePage, SteeredCursor
from ..services.enquiries import QUEUE_PAGE_SIZE
from .context import DeskContext
from .models import TONE_COLOURS, Column, format_received
from .queue_base import QueueBase
from .steer_specs import QUEUE_STATUS_WORDS
from .widgets import (buddy_label, button, holds_focus, in_row, keys_hint, labelled, named, screen_shortcut,
                      tab_chain, text_box)
from .work_alerts import urgent_alerts

# What the account manager acts on first, left to right: a narrow pane (a laptop, the case beside it) cuts
# off the long names at the right, never the status, acknowledged or file-needed columns (issue 14).
REGION_COLUMNS = (Column.REFERENCE, Column.QUEUE_STATUS, Column.DUE, Column.ACKNOWLEDGED, Column.FILE_NEEDED,
                  Column.RECEIVED, Column.MEMBER, Column.SUBJECT)


class RegionQueueView(QueueBase):
    """A region's open items, urgent first then by due date, and the actions to work them."""

    title = "Region queue"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, REGION_COLUMNS, "Region queue", headers={Column.QUEUE_STATUS: "Status"},
                         parent=parent, steer_name="region_queue", statuses=QUEUE_STATUS_WORDS, server_side=True)
        self.may_choose_region = perm.allowed(ctx.user, Action.WORK_ANY_REGION)
        self.region_combo = QComboBox()
        self.region_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.region_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Queue summary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        # A page at a time: a region's queue can hold tens of thousands of items.
        self._queue_code: str | None = None  # the region whose items the table shows
        self._next: QueueCursor | SteeredCursor | None = None
        self._counts: QueueCounts | None = None
        self._matched: int | None = None  # how many items the filter keeps (None: unfiltered)
        self._queue_seq = 0
        self._loading_more = False
        self.shown_label = QLabel()
        self.shown_label.setAccessibleName("Items shown")
        self.shown_label.setStyleSheet("color: #555;")
        self.more_button = button("Show &more", "Load the next items of the queue (scrolling to the end does too)",
                                  auto_default=True)
        self.more_button.clicked.connect(self.load_more)
        self.table.verticalScrollBar().valueChanged.connect(self._scrolled)

        self.acknowledge_button = button("Ac&knowledge receipt",
                                         "Record that the region has acknowledged receipt (Ctrl+K)", auto_default=True)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.file_needed = named(QCheckBox("&File needed (target 10 working days, not 5)"))
        # clicked, not toggled: only a person's change is sent, never the one made when loading a case.
        self.file_needed.clicked.connect(self.set_file_needed)
        self.response_edit = text_box(4, 8)
        self.response_edit.setPlaceholderText("The response given to the MP's office")
        self.complete_button = button("Record response and &complete", auto_default=True)
        self.complete_button.clicked.connect(self.complete)

        top = QHBoxLayout()
        top.addWidget(buddy_label("Re&gion:", self.region_combo))
        top.addWidget(self.region_combo)
        top.addSpacing(16)
        top.addWidget(self.summary_label, 1)

        actions = QGroupBox("Work the selected item")
        actions_layout = QVBoxLayout(actions)
        actions_layout.addWidget(in_row(self.acknowledge_button, stretch=None))
        actions_layout.addWidget(self.file_needed)
        form = QFormLayout()
        labelled(form, "&Response:", self.response_edit)
        form.addRow("", in_row(self.complete_button, stretch=None))
        actions_layout.addLayout(form)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.table, 1)
        self._more_row = in_row(self.shown_label, self.more_button, stretch=None)
        self._more_row.hide()
        left_layout.addWidget(self._more_row)
        # The table needs its eight columns visible; the detail wraps.
        splitter = self._split(actions, stretch=(2, 1), left=left)
        self._splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addWidget(keys_hint("Ctrl+K acknowledge  ·  Alt+F file needed  ·  Alt+R response  ·  "
                                   "Alt+M more items  ·  Enter on a row opens the record"))

        self.acknowledge_action = screen_shortcut(self, "Ctrl+K", self.acknowledge, "Acknowledge the selected item")
        tab_chain(self.region_combo, self.table, self.more_button, self.acknowledge_button, self.file_needed,
                  self.response_edit, self.complete_button)
        self._set_actions_enabled(False)
        self._load_regions(self._fill_regions)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not getattr(self, "_sized", False):
            # Once, at the first real width: about two thirds for the table's eight columns.
            self._sized = True
            width = max(self._splitter.width(), 900)
            self._splitter.setSizes([int(width * 0.64), width - int(width * 0.64)])

    # ------------------------------------------------------------- public API

    def region_code(self) -> str | None:
        return self.region_combo.currentData()

    def show_region(self, code: str) -> None:
        """Show a region's queue; the service refuses regions the user may not work."""
        index = self.region_combo.findData(code)
        if index >= 0:
            self.region_combo.setCurrentIndex(index)
            self.refresh()
        else:
            self._load_queue(code)

    def refresh(self) -> None:
        code = self.region_code()
        if code is None:
            if self.region_combo.count() == 0 and self._region_records:
                self.message.show_error("You have no region to work: ask an administrator to set yours.")
            return
        self._load_queue(code)

    def load_more(self) -> None:
        """Add the next page of the queue below the items shown."""
        if self._next is None or self._loading_more or self._queue_code is None:
            return
        seq, code, after = self._queue_seq, self._queue_code, self._next
        self._loading_more = True
        self.more_button.setEnabled(False)

        def done(page: QueuePage) -> None:
            self._loading_more = False
            if seq != self._queue_seq:  # reloaded (or another region chosen) meanwhile
                return
            # An item can move within the queue between pages (acknowledged, say): show it once.
            shown = {i.id for i in self.model.items()}
            self.model.append_items([i for i in page.items if i.id not in shown])
            self._show_page_state(page, self.model.rowCount())
            self.loaded.emit()

        def failed(exc: Exception) -> None:
            self._loading_more = False
            self.more_button.setEnabled(self._next is not None)
            self._error(exc)

        steer = self._steer_args()
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.region_queue_page(self._ctx.user, code, after=after, steer=steer),
            done, failed)

    def acknowledge(self) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        if rec.acknowledged_at is not None:
            self.message.show_info(f"{rec.reference} was already acknowledged "
                                   f"{format_received(rec.acknowledged_at)} by {rec.acknowledged_by}.")
            return
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.acknowledge(self._ctx.user, rec.id),
                                self._after_change("{rec.reference}: receipt acknowledged."), self._error)

    def set_file_needed(self, needed: bool) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        verb = "File needed" if needed else "File not needed"

        def failed(exc: Exception) -> None:
            self.file_needed.setChecked(rec.file_needed)  # show what is saved, not what was asked
            self._error(exc)

        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.set_file_needed(self._ctx.user, rec.id, needed),
            self._after_change(verb + " for {rec.reference}: response now due by {due}."), failed)

    def complete(self) -> None:
        rec = self._require_selected()
        if rec is None:
            return
        text = self.response_edit.toPlainText()
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.complete_with_response(self._ctx.user, rec.id, text),
            self._after_change("{rec.reference} completed: response recorded."), self._error)

    # ---------------------------------------------------------------- helpers

    def _fill_regions(self) -> None:
        self.region_combo.blockSignals(True)
        self.region_combo.clear()
        if self.may_choose_region:
            for r in self._region_records:
                self.region_combo.addItem(f"{r.name} ({r.code})", r.code)
            start = self.region_combo.findData(self._ctx.user.region_code)
            self.region_combo.setCurrentIndex(max(start, 0))
        else:
            # Regional staff work their own region only (the service checks this too).
            own = self._ctx.user.region_code
            if own:
                self.region_combo.addItem(self._region_name(own), own)
            self.region_combo.setEnabled(False)
            self.region_combo.setToolTip("You work your own region's queue")
        self.region_combo.blockSignals(False)
        self.refresh()

    def _load_queue(self, code: str) -> None:
        self._queue_seq += 1
        seq = self._queue_seq
        # A refresh after working an item reloads as many items as were shown, keeping the place.
        limit = max(QUEUE_PAGE_SIZE, self.model.rowCount() if code == self._queue_code else 0)

        def done(page: QueuePage) -> None:
            if seq != self._queue_seq:
                return
            self._queue_code = code
            self._show_items(list(page.items))
            self._show_page_state(page, len(page.items))
            self.count_changed.emit(page.counts.total)
            # From the queue's urgent items waiting, not the page shown: a filter or an order must not hide news.
            self.alerts_changed.emit(urgent_alerts(page.urgent_waiting))

        def failed(exc: Exception) -> None:
            if seq != self._queue_seq:
                return
            self._queue_code, self._next, self._counts = None, None, None
            self.model.set_items([])
            self._show_detail(None)
            self.summary_label.clear()
            self._more_row.hide()
            self._error(exc)

        steer = self._steer_args()
        self._ctx.runner.submit(
            lambda: self._ctx.services.enquiries.region_queue_page(self._ctx.user, code, limit=limit, steer=steer),
            done, failed)

    def _steer_args(self) -> tuple[QueueFilter, QueueOrder]:
        """The filter and order for the service, the column named as the service knows it (``Column``)."""
        order = self.steer.order
        if order.column:
            column = self.model.columns[self.steer.spec.columns.index(order.column)]
            order = QueueOrder(column.value, order.descending)
        return self.steer.filter, order

    def _show_page_state(self, page: QueuePage, shown: int) -> None:
        """The whole queue's counts, and how much of it the table shows (``shown`` items)."""
        self._next, self._counts, self._matched = page.next, page.counts, page.matched
        self._show_summary(page.counts)
        self.filter_bar.show_counts(page.matched if page.matched is not None else page.counts.total,
                                    page.counts.total)
        self._update_more(shown)

    def _show_summary(self, counts: QueueCounts) -> None:
        parts = []
        if counts.urgent:
            parts.append(f"{counts.urgent:,} urgent")
        parts.append(f"{counts.overdue:,} overdue")
        parts.append(f"{counts.due_soon:,} due soon")
        self.summary_label.setText(f"{counts.total:,} open — {', '.join(parts)}")
        # Red only for what needs action today (domain.alarms): urgent items nobody has acknowledged.
        loud = Tone.ACT_NOW if counts.urgent else Tone.LATE if counts.overdue else Tone.QUIET
        self.summary_label.setStyleSheet("font-weight: bold;" + (
            f" color: {TONE_COLOURS[loud][0]};" if loud in TONE_COLOURS else ""))

    def _update_more(self, shown: int) -> None:
        """Offer the next page while there is one, saying how much of the queue is shown."""
        if self._next is None:
            had_focus = holds_focus(self.more_button)
            self._more_row.hide()
            if had_focus:
                self.table.setFocus()
            return
        total = self._matched if self._matched is not None else self._counts.total
        self.shown_label.setText(f"Showing {shown:,} of {total:,}")
        self._more_row.show()
        self.more_button.setEnabled(True)

    def _scrolled(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if value > 0 and value >= bar.maximum():
            self.load_more()

    def _show_detail(self, rec: EnquiryRecord | None) -> None:
        super()._show_detail(rec)
        self._set_actions_enabled(rec is not None)
        if rec is not None:
            self.file_needed.setChecked(rec.file_needed)
            self.acknowledge_button.setText("Ac&knowledge receipt" if rec.acknowledged_at is None
                                            else "Ac&knowledged")
            named(self.acknowledge_button)
            self.acknowledge_button.setEnabled(rec.acknowledged_at is None)
            self.response_edit.clear()

    def _set_actions_enabled(self, enabled: bool) -> None:
        for w in (self.acknowledge_button, self.file_needed, self.response_edit, self.complete_button):
            w.setEnabled(enabled)

    def _require_selected(self) -> EnquiryRecord | None:
        if self._record is None or self.selected() is None or self.selected().id != self._record.id:
            self.message.show_error("Select an item in the queue first.")
            return None
        return self._record
