"""The Performance view's sections: the period picker, a league table, its charts, a chasing list.

Each section owns its widgets and accessible names and shows plain records it is handed; the
view (``performance_view``) runs the use cases and hands the results over.
"""
from __future__ import annotations

from datetime import date, timedelta

from html import escape

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QStyle, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..domain.chasing import ChaseItem
from ..domain.performance import LeagueRow, Period, Target, last_month, quarter_of, this_week
from ..reports.performance_table import (COLUMNS, Cell, definitions_text, extra_cells, extra_columns, extra_notes,
                                         row_cells, target_line)
from .widgets import GROUP_STYLE, button, buddy_label, in_row

SHORT_BG = QColor("#fbe9e7")
SHORT_FG = QColor("#b3261e")


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fit_height(table: QTableWidget, rows: int, most: int = 12) -> None:
    """As tall as its rows (up to ``most``), so a short league table leaves no empty box."""
    # From the font and the style, not the header's or scroll bar's own hints: those are 0 until
    # the table has been laid out once, and the table came out too short on its first fill.
    header = max(table.horizontalHeader().sizeHint().height(), table.fontMetrics().height() + 10)
    row = table.verticalHeader().defaultSectionSize()
    scroll = table.style().pixelMetric(QStyle.PM_ScrollBarExtent)
    table.setFixedHeight(header + row * max(1, min(rows, most)) + scroll + 2 * table.frameWidth() + 4)


def _fill(table: QTableWidget, rows: list[list[Cell]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            item = QTableWidgetItem(cell.text)
            if cell.short:  # the text says "below target" too: colour is never the only sign
                item.setBackground(QBrush(SHORT_BG))
                item.setForeground(QBrush(SHORT_FG))
            table.setItem(r, c, item)


class PeriodPicker(QWidget):
    """This week, last month, a quarter, or any dates; "Show" asks for the figures."""

    requested = Signal(object)  # Period
    CHOICES = ("This week", "Last month", "This quarter", "Last quarter", "Any dates")

    def __init__(self, today: date, parent: QWidget | None = None):
        super().__init__(parent)
        self.today = today
        self.choice = QComboBox()
        self.choice.addItems(self.CHOICES)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
        self.show_button = button("&Show", "Count the figures for this period", auto_default=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(buddy_label("&Period:", self.choice))
        row.addWidget(self.choice)
        row.addWidget(buddy_label("&From:", self.start))
        row.addWidget(self.start)
        row.addWidget(buddy_label("&To:", self.end))
        row.addWidget(self.end)
        row.addWidget(self.show_button)
        row.addStretch(1)
        self.choice.currentIndexChanged.connect(self._preset)
        self.show_button.clicked.connect(lambda: self.requested.emit(self.period()))
        self._preset(0)

    def _preset(self, index: int) -> None:
        label = self.CHOICES[index]
        current = quarter_of(self.today)
        found = {"This week": lambda: this_week(self.today), "Last month": lambda: last_month(self.today),
                 "This quarter": lambda: current,
                 "Last quarter": lambda: quarter_of(current.start - timedelta(days=1))}.get(label)
        if found is not None:
            period = found()
            self.start.setDate(QDate(period.start.year, period.start.month, period.start.day))
            self.end.setDate(QDate(period.end.year, period.end.month, period.end.day))
            self._preset_period = period
        else:
            self._preset_period = None

    def period(self) -> Period:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        if end < start:
            start, end = end, start
        # A preset's name only while its dates are untouched: edited dates are "any dates".
        preset = self._preset_period
        label = preset.label if preset is not None and (preset.start, preset.end) == (start, end) else ""
        return Period(start, end, label)


class LeagueSection(QGroupBox):
    """One league table (regions or drafting units), best first, with its target line and definitions."""

    def __init__(self, title: str, target: Target, *, regions: bool, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.setStyleSheet(GROUP_STYLE)
        self.target = target
        self.regions = regions
        headers = list(COLUMNS) + extra_columns(regions)
        self.table = _table(f"{title} league table", headers)
        # The target line first, then the definitions, in a read-only text box, not a wrapped label: it keeps its height in a scrolling page
        # (wrapped labels report no height-for-width there and get overlapped), and the keyboard
        # can reach and scroll it.
        self.definitions = QPlainTextEdit("\n".join([target_line(target), *extra_notes(regions),
                                                     *definitions_text()]))
        self.definitions.setReadOnly(True)
        self.definitions.setAccessibleName(f"{title}: how the figures are counted")
        self.definitions.setFixedHeight(96)
        self.definitions.setStyleSheet("color: #444;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.definitions)

    def show_rows(self, rows: tuple[LeagueRow, ...]) -> None:
        _fit_height(self.table, len(rows))
        _fill(self.table, [row_cells(i, r, self.target) + extra_cells(r, self.regions)
                           for i, r in enumerate(rows, start=1)])

    def row_texts(self, row: int) -> list[str]:
        return [self.table.item(row, c).text() for c in range(self.table.columnCount()) if self.table.item(row, c)]


class ChartsSection(QWidget):
    """A league table's two charts as SVG: % within target over time, and the age of the open work."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.trend = QSvgWidget()
        self.ageing = QSvgWidget()
        for chart, what in ((self.trend, "% answered within target over time"),
                            (self.ageing, "open work by working days since receipt")):
            chart.setAccessibleName(f"{title}: chart of {what}")
            chart.setAccessibleDescription("The table above gives the same figures as text.")
            chart.setMinimumSize(420, 210)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.trend)
        row.addWidget(self.ageing)

    def show_svg(self, trend: bytes, ageing: bytes) -> None:
        self.trend.load(trend)
        self.ageing.load(ageing)


class MoreFiguresSection(QGroupBox):
    """Figures another source adds to the league table (the calls answered within 30 s), as sentences.

    Hidden while there are none: a period with no calls has no calls figure, not a zero."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("More figures", parent)
        self.setStyleSheet(GROUP_STYLE)
        self._column = QVBoxLayout(self)
        self.labels: list[QLabel] = []
        self.hide()

    def show_figures(self, figures) -> None:
        for label in self.labels:
            self._column.removeWidget(label)
            label.deleteLater()
        self.labels = []
        for figure in figures:
            title = QLabel(f"<b>{escape(figure.title)}</b>")
            body = QLabel("\n".join(figure.lines))
            body.setWordWrap(True)
            body.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
            body.setAccessibleName(figure.title)
            body.setAccessibleDescription(" ".join(figure.lines))
            for label in (title, body):
                self._column.addWidget(label)
                self.labels.append(label)
        self.setVisible(bool(figures))


class ChaseSection(QGroupBox):
    """A chasing list with who holds each item and when it was last chased; "Chase" sends a reminder."""

    chase_requested = Signal(object)  # ChaseItem
    HEADERS = ["Reference", "Where", "Held by", "Due", "Why", "Last chased"]

    def __init__(self, title: str, action: str = "C&hase", parent: QWidget | None = None):
        super().__init__(title, parent)
        self.setStyleSheet(GROUP_STYLE)
        self.items: list[ChaseItem] = []
        self.table = _table(title, self.HEADERS)
        self.chase_button = button(action, "E-mail the holder a reminder and record the chase on the item",
                                   auto_default=True)
        self.chase_button.clicked.connect(self._chase)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(in_row(self.chase_button, stretch=None))

    def show_items(self, items: list[ChaseItem]) -> None:
        self.items = list(items)
        _fill(self.table, [[Cell(i.reference), Cell(i.where), Cell(i.holder), Cell(f"{i.due:%a %d %b %Y}"),
                            Cell(i.reason, i.reason == "overdue"), Cell(i.chased_text)] for i in self.items])
        self.chase_button.setEnabled(bool(self.items))

    def _chase(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            self.chase_requested.emit(self.items[row])
