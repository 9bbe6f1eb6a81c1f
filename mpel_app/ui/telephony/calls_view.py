"""Calls: the 30-second report on screen for team leaders (``VIEW_CALL_STATISTICS``).

Service level by day, week or month, by agent, or by hour of the day, as a
chart with the table beside it; offered / answered / abandoned counts, the
longest waits and the formula under the figure; export to CSV (formula-safe,
``reports.audit_csv.write_safe_csv``) and PDF (the same chart, as vectors).
The report is loaded through the TaskRunner (SQL aggregates, then the chart's
SVG drawn off the UI thread) and refreshes when calls change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ...domain.call_records import CallReport
from ...domain.call_stats import CallCounts
from ...domain.calendar import LONDON
from ...reports.call_stats import GROUPINGS, grouped, write_csv
from ..context import DeskContext
from ..task_runner import LatestOnly
from ..widgets import MessageLabel, SaveChooser, button, choose_save_path, error_text, heading, in_row
from .calls_sections import CHART_SIZE, CallsFigure, CallsFilter, CallsSummary

DEFAULT_DAYS = 28
choose_csv = partial(choose_save_path, title="Export the call figures", file_filter="CSV file (*.csv)")
choose_pdf = partial(choose_save_path, title="Save the call report as PDF", file_filter="PDF file (*.pdf)")


@dataclass(frozen=True)
class CallsPage:
    report: CallReport
    grouping: str
    rows: list[tuple[str, CallCounts]]
    svg: bytes
    queues: list[str]


class CallsView(QWidget):
    title = "Calls"
    exported = Signal(object)  # Path

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 save_chooser: SaveChooser | None = None, pdf_chooser: SaveChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose_csv = save_chooser or choose_csv
        self._choose_pdf = pdf_chooser or save_chooser or choose_pdf
        self._loads = LatestOnly(ctx.runner)
        today = ctx.services.clock.now().astimezone(LONDON).date()
        self.filter = CallsFilter(today - timedelta(days=DEFAULT_DAYS - 1), today)
        self.filter.requested.connect(self.refresh)
        self.summary = CallsSummary()
        self.figure = CallsFigure()
        self.csv_button = button("Export &CSV…", "Save the table as a spreadsheet file", auto_default=True)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = button("Export P&DF…", "Save the chart and the table as a PDF", auto_default=True)
        self.pdf_button.clicked.connect(self.export_pdf)
        self.message = MessageLabel()
        self.page: CallsPage | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Calls: the 30-second report", 2))
        layout.addWidget(self.filter)
        layout.addWidget(self.summary)
        layout.addWidget(self.figure, 1)
        layout.addWidget(in_row(self.csv_button, self.pdf_button, stretch=None))
        layout.addWidget(self.message)
        self._set_exportable(False)

    def refresh(self) -> None:
        first, last, grouping, queue = self.filter.values()
        calls, user = self._ctx.services.calls, self._ctx.user

        def work() -> CallsPage:
            from ...reports.call_stats_pdf import chart_svg  # reportlab: loaded on first use, off the UI thread

            report = calls.report(user, first, last, queue)
            rows = grouped(report, grouping)
            svg = chart_svg(rows, *CHART_SIZE, heading=f"Service level by {GROUPINGS[grouping].lower()}")
            return CallsPage(report, grouping, rows, svg, calls.queues(user))

        self.message.show_info("Loading…")
        self._loads.submit(work, self._show, self._failed, owner=self)

    def _show(self, page: CallsPage) -> None:
        self.page = page
        self.message.clear()
        self.filter.set_queues(page.queues)
        self.summary.show_report(page.report)
        self.figure.show_rows(GROUPINGS[page.grouping], page.rows, page.report.totals, page.svg, page.report)
        self._set_exportable(True)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))

    def _set_exportable(self, on: bool) -> None:
        self.csv_button.setEnabled(on)
        self.pdf_button.setEnabled(on)

    def _suggested(self, ext: str) -> str:
        report = self.page.report
        return f"calls-{report.first.isoformat()}-to-{report.last.isoformat()}.{ext}"

    def export_csv(self) -> None:
        page = self.page
        if page is None:
            return
        path = self._choose_csv(self, self._suggested("csv"))
        if path is None:
            return
        path = Path(path)
        self._ctx.runner.submit(lambda: write_csv(path, page.report, page.grouping),
                                lambda _n: self._exported(path), self._failed, owner=self)

    def export_pdf(self) -> None:
        page = self.page
        if page is None:
            return
        path = self._choose_pdf(self, self._suggested("pdf"))
        if path is None:
            return
        path, now = Path(path), self._ctx.services.clock.now()

        def work() -> None:
            from ...reports.call_stats_pdf import build_calls_pdf

            path.write_bytes(build_calls_pdf(page.report, page.grouping, printed_at=now))

        self._ctx.runner.submit(work, lambda _r: self._exported(path), self._failed, owner=self)

    def _exported(self, path: Path) -> None:
        self.message.show_ok(f"Saved to {path}.")
        self.exported.emit(path)
