"""Qt item models over the immutable records the services return.

``SummaryTableModel`` shows a list of ``EnquirySummary`` rows (search results,
queues) in a ``QTableView``.  The views choose which columns to show; the
model only formats, it never asks the services for anything.

Usage::

    model = SummaryTableModel([Column.REFERENCE, Column.RECEIVED, Column.DUE, Column.QUEUE_STATUS])
    table.setModel(model)
    model.set_items(service_result)        # replaces every row
    model.append_items(next_page.items)    # adds rows at the end
    summary = model.item(table.currentIndex().row())   # the EnquirySummary, or None

Roles:

* ``Qt.DisplayRole``: the text a person reads (times in Europe/London).
* ``SORT_ROLE``: a raw, comparable value (datetime, date, str, ...) for a
  ``QSortFilterProxyModel`` with ``setSortRole(SORT_ROLE)``.
* ``ITEM_ROLE``: the whole ``EnquirySummary`` of the row.
* ``Qt.ForegroundRole`` / ``Qt.BackgroundRole`` / ``Qt.FontRole``: the queue
  status colours.  Colour is never the only signal (WCAG 1.4.1): the status
  is always spelt out in the Queue status column as well.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ..domain.alarms import Tone, tone
from ..domain.records import EnquiryStatus, EnquirySummary, MemberRecord, QueueStatus
from ..reports.record_sections import format_datetime, format_weekday_date, to_london

SORT_ROLE = Qt.UserRole
ITEM_ROLE = Qt.UserRole + 1


# London time, English names whatever the desktop's language: the wording is record_sections', as on the record.

def format_received(at: datetime | None) -> str:
    """A stored UTC instant as London local time: ``23 Nov 2026 14:05``."""
    return "" if at is None else format_datetime(at)


def format_time(at: datetime | None) -> str:
    """Just the London time of day: ``14:05``."""
    return "" if at is None else f"{to_london(at):%H:%M}"


def format_due(day: date | None) -> str:
    """A due date, short, as agents read it out: ``Mon 30 Nov``."""
    return "" if day is None else format_weekday_date(day, year=False)


def format_date(day: date | None) -> str:
    """A full date: ``Mon 30 Nov 2026``."""
    return "" if day is None else format_weekday_date(day)


def format_span(span: timedelta) -> str:
    """A length of time as the desk reads it out: ``29 h 45 min`` (minutes rounded down)."""
    minutes = max(int(span.total_seconds() // 60), 0)
    return f"{minutes // 60} h {minutes % 60} min"


def removal_countdown(removal_at: datetime | None, now: datetime) -> str:
    """Time left before a removal: ``29 h 45 min``, ``passed 2 h 5 min ago``, or a dash when there is none."""
    if removal_at is None:
        return "—"
    left = removal_at - now
    if left < timedelta(0):
        return f"passed {format_span(-left)} ago"
    return format_span(left)


def member_line(member: MemberRecord) -> str:
    """How a member is read out: 'Rt Hon Jane Smith MP — Holborn and St Pancras'."""
    return f"{member.display_name} — {member.constituency}" if member.constituency else member.display_name


STATUS_LABELS: dict[EnquiryStatus, str] = {
    EnquiryStatus.OPEN: "Open",
    EnquiryStatus.REFUSED: "Refused (passcode)",
    EnquiryStatus.ANSWERED: "Answered",
    EnquiryStatus.FURTHER_ACTION: "Further Action Case",
    EnquiryStatus.WITH_REGION: "With region",
    EnquiryStatus.COMPLETED: "Completed",
}

QUEUE_LABELS: dict[QueueStatus, str] = {
    QueueStatus.ON_TIME: "On time",
    QueueStatus.DUE_SOON: "Due soon",
    QueueStatus.OVERDUE: "Overdue",
    QueueStatus.URGENT: "URGENT",
}

# How loud each status is shown (domain.alarms.tone): red only for what needs action today (an urgent item
# nobody has acknowledged); overdue work, already late, in a muted brown without a fill, so a queue of
# old items is not a wall of red; due soon amber.  Dark text on a pale tint passes 4.5:1 contrast.
TONE_COLOURS: dict[Tone, tuple[str, str]] = {
    Tone.ACT_NOW: ("#b00000", "#fde2e2"),
    Tone.LATE: ("#6d3b1f", ""),
    Tone.SOON: ("#7a4a00", "#fff1c9"),
}


class Column(StrEnum):
    """The columns a view may ask for; the value is the default header."""

    REFERENCE = "Reference"
    RECEIVED = "Received"
    MEMBER = "Member"
    SUBJECT = "Subject"
    NATIONALITY = "Nationality"
    HO_REFERENCE = "HO ref"
    CTS_REFERENCE = "CTS ref"
    STATUS = "Status"
    REGION = "Region"
    DUE = "Due"
    QUEUE_STATUS = "Queue status"
    ACKNOWLEDGED = "Acknowledged"
    FILE_NEEDED = "File needed"


ALL_COLUMNS: tuple[Column, ...] = tuple(Column)
SEARCH_COLUMNS: tuple[Column, ...] = (Column.REFERENCE, Column.RECEIVED, Column.MEMBER, Column.SUBJECT,
                                      Column.NATIONALITY, Column.HO_REFERENCE, Column.CTS_REFERENCE,
                                      Column.STATUS, Column.REGION, Column.DUE)


def _display(item: EnquirySummary, column: Column) -> str:
    match column:
        case Column.REFERENCE:
            return item.reference
        case Column.RECEIVED:
            return format_received(item.received_at)
        case Column.MEMBER:
            return item.member_name
        case Column.SUBJECT:
            return item.subject_name
        case Column.NATIONALITY:
            return item.nationality
        case Column.HO_REFERENCE:
            return item.ho_reference
        case Column.CTS_REFERENCE:
            return item.cts_reference
        case Column.STATUS:
            return STATUS_LABELS.get(item.status, str(item.status))
        case Column.REGION:
            return item.region_code or ""
        case Column.DUE:
            return format_due(item.due_date)
        case Column.QUEUE_STATUS:
            return QUEUE_LABELS[item.queue_status] if item.queue_status else ""
        case Column.ACKNOWLEDGED:
            return "Yes" if item.acknowledged else "Not yet"
        case Column.FILE_NEEDED:
            return "Yes" if item.file_needed else "No"
    return ""


def sort_value(item: EnquirySummary, column: Column):
    """A comparable value of ``column`` for sorting (the SORT_ROLE)."""
    match column:
        case Column.RECEIVED:
            return item.received_at
        case Column.DUE:
            return item.due_date or date.max
        case Column.QUEUE_STATUS:
            # Worst first when sorted ascending.
            order = [QueueStatus.URGENT, QueueStatus.OVERDUE, QueueStatus.DUE_SOON, QueueStatus.ON_TIME]
            return order.index(item.queue_status) if item.queue_status in order else len(order)
        case Column.ACKNOWLEDGED | Column.FILE_NEEDED:
            return int(item.acknowledged if column is Column.ACKNOWLEDGED else item.file_needed)
    return _display(item, column).casefold()


_ANSWERED_ROLES = frozenset({Qt.DisplayRole, Qt.AccessibleTextRole, SORT_ROLE, ITEM_ROLE, Qt.ToolTipRole,
                             Qt.ForegroundRole, Qt.BackgroundRole, Qt.FontRole})


class SummaryTableModel(QAbstractTableModel):
    """A read-only table of ``EnquirySummary`` rows with chosen columns.

    ``columns``: which columns, in order (default: all of ``Column``).
    ``headers``: optional header text per column, overriding ``Column``'s value.
    """

    def __init__(self, columns: Sequence[Column] = ALL_COLUMNS, parent=None, *,
                 headers: Mapping[Column, str] | None = None):
        super().__init__(parent)
        self._columns: tuple[Column, ...] = tuple(columns)
        self._headers = {c: (headers or {}).get(c, c.value) for c in self._columns}
        self._items: list[EnquirySummary] = []

    # ------------------------------------------------------------- public API

    def set_items(self, items: Sequence[EnquirySummary]) -> None:
        """Replace every row (a reset keeps views simple; the lists are short)."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def append_items(self, items: Sequence[EnquirySummary]) -> None:
        """Add rows at the end (the next page of a queue): the selection and scroll position stay."""
        if not items:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        self._items.extend(items)
        self.endInsertRows()

    def item(self, row: int) -> EnquirySummary | None:
        """The summary shown in ``row``, or None when out of range."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def items(self) -> list[EnquirySummary]:
        return list(self._items)

    def row_of(self, enquiry_id: int) -> int:
        """Row of the enquiry with this id, or -1 (to keep a selection across refreshes)."""
        return next((r for r, i in enumerate(self._items) if i.id == enquiry_id), -1)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def column_of(self, column: Column) -> int:
        """Index of a column in this model, or -1 when it is not shown."""
        return self._columns.index(column) if column in self._columns else -1

    # ------------------------------------------------------------ Qt plumbing

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self._columns):
            return self._headers[self._columns[section]]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        # Qt asks every cell in a dozen roles (fitting columns, painting); most say nothing here.
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        item = self.item(index.row())
        if item is None or not 0 <= index.column() < len(self._columns):
            return None
        column = self._columns[index.column()]
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return _display(item, column)
        if role == SORT_ROLE:
            return sort_value(item, column)
        if role == ITEM_ROLE:
            return item
        if role == Qt.ToolTipRole:
            return self._tooltip(item, column)
        # Colour the cells that carry the deadline: the status and the due date.
        loud = tone(item.queue_status)
        if column in (Column.QUEUE_STATUS, Column.DUE) and loud in TONE_COLOURS:
            fg, bg = TONE_COLOURS[loud]
            if role == Qt.ForegroundRole:
                return QBrush(QColor(fg))
            if role == Qt.BackgroundRole and bg:
                return QBrush(QColor(bg))
            if role == Qt.FontRole and loud is Tone.ACT_NOW:
                font = QFont()
                font.setBold(True)
                return font
        return None

    @staticmethod
    def _tooltip(item: EnquirySummary, column: Column) -> str | None:
        if column is Column.DUE and item.due_date:
            return f"Response due by the end of {format_date(item.due_date)}"
        if column is Column.RECEIVED:
            return "Received (UK time)"
        return None
