"""The Calls view's parts: the filter row, the figures line, and the chart with its table beside it.

The chart is the report module's reportlab drawing rendered to SVG (the
same drawing the PDF prints) in a ``QSvgWidget``; the table beside it holds
the same numbers as text, the chart's alternative for anyone who cannot see
it.  The formula is printed under the chart.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...domain.call_records import CallReport
from ...domain.call_stats import FORMULA, CallCounts
from ...reports.call_stats import COLUMNS, GROUPINGS, longest_rows, percent, row_cells, seconds
from ..widgets import button, labelled

CHART_SIZE = (560, 300)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def read_only_table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    return table


def _two_lines(heading: str) -> str:
    first, _space, rest = heading.partition(" ")
    return f"{first}\n{rest}" if rest else heading


def fill(table: QTableWidget, rows: list[list[str]], right: set[int] | None = None) -> None:
    """Rows of text; figures (``right``: those columns, default all but the first) aligned right."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if (c > 0) if right is None else (c in right):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


class CallsFilter(QWidget):
    """From, to (London days, inclusive), grouping and queue; Show."""

    requested = Signal()

    def __init__(self, first: date, last: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.first = QDateEdit(_qdate(first))
        self.last = QDateEdit(_qdate(last))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.grouping = QComboBox()
        for key, label in GROUPINGS.items():
            self.grouping.addItem(label, key)
        self.queue = QComboBox()
        self.queue.addItem("All queues and direct calls", None)
        self.show_button = button("S&how", "Show the figures for these days", auto_default=True)
        self.show_button.clicked.connect(self.requested)
        left, right = QFormLayout(), QFormLayout()
        labelled(left, "&From:", self.first)
        labelled(left, "&To:", self.last)
        labelled(right, "&Group by:", self.grouping)
        labelled(right, "&Queue:", self.queue)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left)
        row.addLayout(right)
        row.addWidget(self.show_button, 0, Qt.AlignBottom)
        row.addStretch(1)

    def values(self) -> tuple[date, date, str, str | None]:
        return _date(self.first.date()), _date(self.last.date()), self.grouping.currentData(), self.queue.currentData()

    def set_queues(self, queues: list[str]) -> None:
        current = self.queue.currentData()
        self.queue.clear()
        self.queue.addItem("All queues and direct calls", None)
        for name in queues:
            self.queue.addItem(name, name)
        index = self.queue.findData(current)
        self.queue.setCurrentIndex(max(index, 0))


class CallsSummary(QLabel):
    """The period's figures in one sentence (read out as the label's accessible name)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("font-size: 11pt;")

    def show_report(self, report: CallReport) -> None:
        t: CallCounts = report.totals
        self.setText(f"<b>Service level {percent(t.service_level)}</b> — offered {t.offered}, answered "
                     f"{t.answered} ({t.answered_within_threshold} within 30 s), abandoned {t.abandoned} "
                     f"({t.abandoned_short} within 5 s); mean wait {seconds(t.mean_wait)} s, longest wait "
                     f"{seconds(t.longest_wait)} s.")
        self.setAccessibleName(self.text().replace("<b>", "").replace("</b>", ""))


class CallsFigure(QWidget):
    """The chart, the table beside it (its text alternative), and the formula under both."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.chart = QSvgWidget()
        self.chart.setFixedSize(*CHART_SIZE)
        self.chart.setAccessibleName("Service level chart")
        self.chart.setAccessibleDescription("The table beside the chart holds the same figures.")
        # Two-line headings on screen, so the table fits beside the chart; the files keep one line.
        self.table = read_only_table(["Period", *(_two_lines(c) for c in COLUMNS)], "Service level table")
        self.formula = QLabel(FORMULA)
        self.formula.setWordWrap(True)
        self.formula.setStyleSheet("color: #444;")
        self.formula.setAccessibleName(FORMULA)
        self.longest = read_only_table(["Offered (London)", "Wait (s)", "Outcome", "Queue"], "Longest waits")
        self.longest.setMaximumHeight(180)
        side = QHBoxLayout()
        side.addWidget(self.chart, 0, Qt.AlignTop)
        side.addWidget(self.table, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(side, 1)
        column.addWidget(self.formula)
        column.addWidget(QLabel("<b>Longest waits</b>"))
        column.addWidget(self.longest)

    def show_rows(self, grouping_label: str, rows: list[tuple[str, CallCounts]], total: CallCounts,
                  svg: bytes, report: CallReport) -> None:
        self.chart.load(svg)
        self.table.setHorizontalHeaderItem(0, QTableWidgetItem(grouping_label))
        fill(self.table, [[label, *row_cells(c)] for label, c in rows] + [["Total", *row_cells(total)]])
        fill(self.longest, longest_rows(report))
