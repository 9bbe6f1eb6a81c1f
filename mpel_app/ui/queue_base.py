"""What the Further Action and region queues share (``QueueBase``): the table, the selected case, F8, steering.

The table on the left, steered by the filter bar above it (``ui.steer``); the
selected case on the right (``ui.case_detail``); the services' messages inline.
Both load through the TaskRunner and keep the selection across refreshes.
Each queue publishes how many items it holds (``count_changed``, for the tab)
and which of them announce themselves when new (``alerts_changed``).
"""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from ..domain.records import EnquiryRecord, EnquirySummary, RegionRecord
from .case_detail import CaseDetail
from .context import DeskContext
from .due_dialog import explain_due
from .models import SummaryTableModel, format_date
from .steer import FilterBar, Steer, attach_header
from .steer_specs import summary_spec
from .widgets import GROUP_STYLE, MessageLabel, RecordTableMixin, error_text, holds_focus, record_table, screen_shortcut


class QueueBase(QWidget, RecordTableMixin):
    """What both queues share: a table on the left, the selected case on the right, inline messages,
    and the filter bar over the table (``ui.steer``)."""

    open_record = Signal(int)
    loaded = Signal()  # the list was (re)loaded: for the window's status bar and for tests
    count_changed = Signal(int)  # how many items the queue holds (the window's tab says it)
    alerts_changed = Signal(object)  # the items that announce themselves when new (ui.work_alerts)

    def __init__(self, ctx: DeskContext, columns, table_name: str, headers=None, parent: QWidget | None = None, *,
                 steer_name: str, statuses: tuple[str, ...] = (), server_side: bool = False):
        super().__init__(parent)
        self._ctx = ctx
        self._regions: dict[str, str] = {}
        self._region_records: list[RegionRecord] = []
        self._selected_id: int | None = None
        self._detail_seq = 0
        self._record: EnquiryRecord | None = None
        self._reading: tuple[int, int] | None = None  # (enquiry id, seq) of a record being read in full
        self._read_again = False  # the list changed while it was being read: check it once it arrives
        self.model = SummaryTableModel(columns, self, headers=headers)
        self.table = record_table(self.model, table_name)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)
        self.detail = CaseDetail()
        self.message = MessageLabel(keep_space=True)
        self._all: list[EnquirySummary] = []  # the list as loaded, before the filter
        self.steer = Steer(ctx, steer_name, summary_spec(self.model, statuses), server_side=server_side, parent=self)
        self.filter_bar = FilterBar(self.steer)
        attach_header(self.table, self.steer)
        self.steer.changed.connect(self._resteer)
        self.setStyleSheet(GROUP_STYLE)
        self.due_action = screen_shortcut(self, "F8", self.explain_due, "Why is it due then? (the selected case)")

    def explain_due(self) -> None:
        """F8: the selected case's due date, explained step by step (``ui.due_dialog``)."""
        item = self.selected()
        if item is None:
            self.message.show_error("Select a case first.")
            return
        explain_due(self, self._ctx, item.id, self.message.show_info)

    # ------------------------------------------------------------- public API

    @property
    def record(self) -> EnquiryRecord | None:
        """The selected case as last loaded (with its version), or None."""
        return self._record

    # ---------------------------------------------------------------- helpers

    def _split(self, *actions: QWidget, stretch: tuple[int, int], left: QWidget | None = None) -> QSplitter:
        """The filter bar and the table (or ``left``, holding them) on the left; on the right the
        selected case, with ``actions`` below it."""
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        for widget in actions:
            right_layout.addWidget(widget)
        if left is None:
            left = QWidget()
            left_layout = QVBoxLayout(left)
            left_layout.setContentsMargins(0, 0, 0, 0)
            left_layout.addWidget(self.filter_bar)
            left_layout.addWidget(self.table, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _load_regions(self, then=None) -> None:
        def done(regions: list[RegionRecord]) -> None:
            self._region_records = regions
            self._regions = {r.code: r.name for r in regions}
            self.filter_bar.set_regions([(r.code, r.name) for r in regions])
            if then:
                then()

        self._ctx.runner.submit(self._ctx.services.reference.regions, done, self._error)

    def _resteer(self) -> None:
        """The filter or order changed: steer the list again (a list steered in SQL is read again)."""
        if self.steer.server_side:
            self.refresh()
        else:
            self._show_items(self._all)

    def _show_items(self, items: list[EnquirySummary]) -> None:
        keep = self._selected_id
        had_focus = holds_focus(self.table)
        self._all = list(items)
        items = self.steer.apply(items)
        if not self.steer.server_side:  # a list steered in SQL says its counts from the service's page
            self.filter_bar.show_counts(len(items), len(self._all))
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self._select_row(row)
        else:
            self._selected_id = None
            self._record = None
            self._detail_seq += 1
            self._show_detail(None)
        if had_focus:
            self.table.setFocus()
        self.loaded.emit()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is None:
            return
        self._selected_id = item.id
        shown = self._record
        if shown is not None and shown.id == item.id:
            # The list refreshed with the same record still selected: read it again only if it changed,
            # so a refresh is not recorded as the person viewing the record once more.
            self._load_detail(item.id, shown.version)
        elif self._reading is not None and self._reading == (item.id, self._detail_seq):
            # The same row again while its record is still on its way (a refresh arrived first, seen under
            # load): one view, then a check that it is still current, not a second view in the audit trail.
            self._read_again = True
        else:
            self._load_detail(item.id)

    def _load_detail(self, enquiry_id: int, known_version: int | None = None) -> None:
        self._detail_seq += 1
        seq = self._detail_seq
        svc, user = self._ctx.services.enquiries, self._ctx.user
        self._reading = (enquiry_id, seq) if known_version is None else None
        self._read_again = False

        def arrived() -> None:
            if self._reading == (enquiry_id, seq):
                self._reading = None

        def done(rec: EnquiryRecord | None) -> None:
            arrived()
            if seq != self._detail_seq:  # the user has moved on to another row
                return
            if rec is not None:
                self._record = rec
                self._show_detail(rec)
            if self._read_again and self._record is not None and self._record.id == enquiry_id:
                self._load_detail(enquiry_id, self._record.version)

        def failed(exc: Exception) -> None:
            arrived()
            self._error(exc)

        if known_version is None:
            work = lambda: svc.get(user, enquiry_id)  # noqa: E731
        else:
            work = lambda: svc.get_if_changed(user, enquiry_id, known_version)  # noqa: E731
        self._ctx.runner.submit(work, done, failed)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_record.emit(item.id)

    def _error(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc, full_stop=False))

    def _region_name(self, code: str | None) -> str:
        return f"{self._regions.get(code, code)} ({code})" if code else "no region"

    def _show_detail(self, rec: EnquiryRecord | None) -> None:  # overridden
        item = self.selected()
        status = item.queue_status if item is not None and rec is not None and item.id == rec.id else None
        self.detail.show_record(rec, self._regions, status=status)

    def _after_change(self, text: str):
        def done(rec: EnquiryRecord) -> None:
            self.message.show_ok(text.format(rec=rec, region=self._region_name(rec.region_code),
                                             due=format_date(rec.due_date)))
            self.refresh()
        return done
