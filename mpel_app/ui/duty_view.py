"""The duty manager's screen: tonight's rota, evenings without cover, and every urgent item not yet acknowledged.

* At the top, who is on duty tonight (region, duty account manager, telephone)
  or a clear warning that nobody is, and the working evenings of the next 14
  days with no duty region on the rota.
* The board: urgent items not yet acknowledged, oldest first, with the time
  left before removal (a dash for compassionate cases), whether the item was
  escalated to the region's team leader, and the calls MPEL made about it.
* Actions: acknowledge (Ctrl+K), reassign to another region (Alt+G picks the
  region, Alt+R reassigns; the call note goes there too), open the record
  (Enter on a row).  The board reloads every minute and on F5.

Everything is read and changed through the services, on the TaskRunner.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt,
                            QTimer, Signal)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QSplitter, QTextBrowser, QVBoxLayout,
                               QWidget)

from ..domain.calendar import LONDON
from ..domain.records import RegionRecord, RotaRecord, UrgentContactRecord, UrgentItem
from ..reports.record_sections import format_weekday_date
from .context import DeskContext
from .models import format_received, format_time, removal_countdown
from .why_due import add_why_due_key
from .steer import FilterBar, Steer, attach_header
from .work_alerts import board_alerts
from .widgets import (GROUP_STYLE, MessageLabel, RecordTableMixin, buddy_label, button, error_text, holds_focus,
                      keys_hint, record_table, screen_shortcut, tab_chain)

REFRESH_INTERVAL_MS = 60_000
# Less than this before removal: the countdown is shown in red and bold.
SOON = timedelta(hours=24)

DESTINATIONS = {"region": "Region", "duty_region": "Duty region", "oscu": "OSCU (out of hours)"}
ROUTED = {"region": "to its own region", "duty_region": "to tonight's duty region (16:00–17:00)",
          "oscu": "to OSCU out of hours; the call note to the region for the morning"}
CONTACT_KINDS = {"region": "regional team", "duty_region": "duty account manager", "oscu": "OSCU"}
COLUMNS = ("Reference", "Received", "Member", "Subject", "Region", "Destination", "Time left before removal",
           "Escalated", "Calls made")
(REFERENCE, RECEIVED, MEMBER, SUBJECT, REGION, DESTINATION, TIME_LEFT, ESCALATED, CALLS) = range(len(COLUMNS))


@dataclass(frozen=True)
class DutyBoard:
    """One load of the screen: the rota for tonight, the gaps, and the unacknowledged items."""

    tonight: RotaRecord | None
    uncovered: list[date]
    items: list[UrgentItem]
    now: datetime


def calls_text(contacts: Sequence[UrgentContactRecord]) -> str:
    """``Priya Shah 16:32 (Carla Agent)`` for each call, latest last; ``None yet`` when there is none."""
    if not contacts:
        return "None yet"
    return "; ".join(f"{c.spoken_to} {format_time(c.at)} ({c.recorded_by})" for c in contacts)


class UrgentItemModel(QAbstractTableModel):
    """The board's rows; the countdown is worked out against ``now`` (the injected clock's)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[UrgentItem] = []
        self._regions: dict[str, str] = {}
        self._now: datetime | None = None

    def set_items(self, items: Sequence[UrgentItem], now: datetime, regions: dict[str, str]) -> None:
        self.beginResetModel()
        self._items, self._now, self._regions = list(items), now, dict(regions)
        self.endResetModel()

    def item(self, row: int) -> UrgentItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def items(self) -> list[UrgentItem]:
        return list(self._items)

    def row_of(self, enquiry_id: int) -> int:
        return next((r for r, i in enumerate(self._items) if i.id == enquiry_id), -1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def text(self, item: UrgentItem, column: int) -> str:
        match column:
            case 0:
                return item.reference
            case 1:
                return format_received(item.received_at)
            case 2:
                return item.member_name
            case 3:
                return item.subject_name
            case 4:
                return self._regions.get(item.region_code, item.region_code or "")
            case 5:
                return DESTINATIONS.get(item.destination or "region", item.destination or "")
            case 6:
                if not item.imminent_removal:
                    return "—"  # compassionate: no removal to count down to
                return removal_countdown(item.removal_at, self._now)
            case 7:
                if item.escalated_at is None:
                    return "No"
                same_day = item.escalated_at.astimezone(LONDON).date() == self._now.astimezone(LONDON).date()
                return f"Yes, {format_time(item.escalated_at) if same_day else format_received(item.escalated_at)}"
            case 8:
                return calls_text(item.contacts)
        return ""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        item = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = index.column()
        if role in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return self.text(item, column)
        if role == Qt.ToolTipRole:
            if column == TIME_LEFT and item.removal_at is not None:
                return f"Removal {format_received(item.removal_at)} (UK time)"
            if column == CALLS and item.contacts:
                return "\n".join(f"{format_received(c.at)}: {c.spoken_to} ({CONTACT_KINDS.get(c.kind, c.kind)})"
                                 f"{' on ' + c.phone if c.phone else ''}, recorded by {c.recorded_by}"
                                 for c in item.contacts)
            if column == REGION and item.region_code:
                return item.region_code
            return None
        urgent_cell = ((column == TIME_LEFT and item.imminent_removal and item.removal_at is not None
                        and item.removal_at - self._now < SOON)
                       or (column == ESCALATED and item.escalated_at is not None)
                       or (column == CALLS and not item.contacts))
        if urgent_cell:
            # Dark red on a pale tint (over 4.5:1); the words say it too, so colour is not the only signal.
            if role == Qt.ForegroundRole:
                return QBrush(QColor("#9b0000"))
            if role == Qt.BackgroundRole:
                return QBrush(QColor("#fde2e2"))
            if role == Qt.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        return None


class DutyView(QWidget, RecordTableMixin):
    """Tonight's rota and the board of unacknowledged urgent items, for the duty manager."""

    title = "Duty"
    open_record = Signal(int)
    outbox_changed = Signal()  # a reassignment queued a call note
    loaded = Signal()
    count_changed = Signal(int)  # items on the board (the window's tab says it)
    alerts_changed = Signal(object)  # each announces itself when new (ui.work_alerts)

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._regions: dict[str, str] = {}
        self._selected_id: int | None = None
        self._load_seq = 0
        self.board: DutyBoard | None = None

        self.tonight_label = QLabel("Loading tonight's rota…")
        self.tonight_label.setAccessibleName("Tonight's duty")
        self.tonight_label.setWordWrap(True)
        self.tonight_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.gaps_label = QLabel()
        self.gaps_label.setAccessibleName("Evenings without cover")
        self.gaps_label.setWordWrap(True)
        self.gaps_label.setVisible(False)
        rota = QFrame()
        rota.setObjectName("dutyRota")
        rota.setStyleSheet("#dutyRota { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 4px; }")
        rota_layout = QVBoxLayout(rota)
        rota_layout.setContentsMargins(12, 8, 12, 8)
        rota_layout.addWidget(self.tonight_label)
        rota_layout.addWidget(self.gaps_label)

        self.count_label = QLabel()
        self.count_label.setAccessibleName("Urgent items waiting")
        self.count_label.setStyleSheet("font-weight: bold;")
        self.model = UrgentItemModel(self)
        self.table = record_table(self.model, "Urgent items not acknowledged")
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Selected item")
        self.detail.setOpenLinks(False)
        self.detail.setTabChangesFocus(True)
        self.detail.setFrameShape(QFrame.NoFrame)
        self.detail.setStyleSheet("QTextBrowser { background: transparent; }")

        self.acknowledge_button = button("Ac&knowledge", "Record that the region has picked it up (Ctrl+K)",
                                         auto_default=True)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.region_combo = QComboBox()
        self.region_combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.reassign_button = button("&Reassign", "Send the item and its call note to the region chosen",
                                      auto_default=True)
        self.reassign_button.clicked.connect(self.reassign)
        self.open_button = button("&Open record", "Open the selected record (Enter)", auto_default=True)
        self.open_button.clicked.connect(self._open_selected)
        self.message = MessageLabel(keep_space=True)

        actions = QHBoxLayout()
        actions.addWidget(self.acknowledge_button)
        actions.addSpacing(24)
        actions.addWidget(buddy_label("Reassign to re&gion:", self.region_combo))
        actions.addWidget(self.region_combo)
        actions.addWidget(self.reassign_button)
        actions.addSpacing(24)
        actions.addWidget(self.open_button)
        actions.addStretch(1)

        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        keys = keys_hint("Ctrl+K acknowledge  ·  Alt+G region, Alt+R reassign  ·  Enter opens the record  ·  "
                         "F5 refresh (automatic every minute)")

        layout = QVBoxLayout(self)
        layout.addWidget(rota)
        layout.addWidget(self.count_label)
        layout.addWidget(self._steering())
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(keys)
        self.setStyleSheet(GROUP_STYLE)

        self.acknowledge_action = screen_shortcut(self, "Ctrl+K", self.acknowledge, "Acknowledge the selected item")
        add_why_due_key(self, ctx, lambda: getattr(self.selected(), "id", None), self.message)
        tab_chain(self.table, self.acknowledge_button, self.region_combo, self.reassign_button, self.open_button,
                  self.detail)

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_INTERVAL_MS)
        self.refresh_timer.timeout.connect(self._auto_refresh)
        self.refresh_timer.start()
        self._set_actions_enabled(False)
        self._show_detail(None)
        self._load_regions()

    # ------------------------------------------------------------- public API

    def refresh(self) -> None:
        """Reload tonight's rota, the gaps and the board (F5; every minute).

        When loads overlap (a refresh after acknowledging, the minute's refresh) the one
        asked for last is shown: it read the database last.
        """
        services, user = self._ctx.services, self._ctx.user
        self._load_seq += 1
        seq = self._load_seq

        def work() -> DutyBoard:
            return DutyBoard(tonight=services.rota.tonight(), uncovered=services.rota.uncovered(),
                             items=services.urgent.unacknowledged(user), now=services.clock.now())

        def done(board: DutyBoard) -> None:
            if seq == self._load_seq:
                self._show_board(board)

        def failed(exc: Exception) -> None:
            if seq == self._load_seq:
                self._error(exc)

        self._ctx.runner.submit(work, done, failed)

    def acknowledge(self) -> None:
        item = self._require_selected()
        if item is None:
            return
        user = self._ctx.user
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.acknowledge(user, item.id),
                                lambda rec: self._changed(f"{rec.reference} acknowledged at "
                                                          f"{format_time(rec.acknowledged_at)}."),
                                self._error)

    def reassign(self) -> None:
        item = self._require_selected()
        if item is None:
            return
        code = self.region_combo.currentData()
        if not code:
            self.message.show_error("Choose the region to reassign it to.")
            self.region_combo.setFocus()
            return
        if code == item.region_code:
            self.message.show_error(f"{item.reference} is already with {self._region_name(code)}.")
            self.region_combo.setFocus()
            return
        user = self._ctx.user

        def done(rec) -> None:
            self.outbox_changed.emit()
            self._changed(f"{rec.reference} reassigned to {self._region_name(rec.region_code)}: "
                          "the call note is on its way there.")

        self._ctx.runner.submit(lambda: self._ctx.services.urgent.reassign(user, item.id, code), done, self._error)

    # ---------------------------------------------------------------- helpers

    def _auto_refresh(self) -> None:
        if self.isVisible():
            self.refresh()

    def _load_regions(self) -> None:
        def done(regions: list[RegionRecord]) -> None:
            self._regions = {r.code: r.name for r in regions}
            self.filter_bar.set_regions([(r.code, r.name) for r in regions])
            self.region_combo.clear()
            for r in regions:
                self.region_combo.addItem(f"{r.name} ({r.code})", r.code)
            if self.board is not None:
                self._show_board(self.board)

        self._ctx.runner.submit(self._ctx.services.reference.regions, done, self._error)

    def _region_name(self, code: str | None) -> str:
        return self._regions.get(code, code) if code else "no region"

    def _show_board(self, board: DutyBoard) -> None:
        self.board = board
        today = board.now.astimezone(LONDON).date()
        if board.tonight is not None:
            t = board.tonight
            self.tonight_label.setText(f"On duty tonight ({format_weekday_date(t.day)}): {t.region_name} — "
                                       f"duty account manager {t.manager_name}, telephone {t.phone}")
            self.tonight_label.setStyleSheet("font-weight: bold; font-size: 11pt;")
        else:
            self.tonight_label.setText(f"No duty region on the rota tonight ({format_weekday_date(today)}): "
                                       "imminent-removal calls between 16:00 and 17:00 will go to the member's "
                                       "own region. Ask a team leader to fill the rota.")
            self.tonight_label.setStyleSheet("color: #9b0000; font-weight: bold; font-size: 11pt;")
        self.tonight_label.setAccessibleName(self.tonight_label.text())
        if board.uncovered:
            days = ", ".join(format_weekday_date(d, year=False) for d in board.uncovered)
            n = len(board.uncovered)
            self.gaps_label.setText(f"No cover on the rota for {n} evening{'s' if n != 1 else ''} in the next "
                                    f"14 days: {days}")
            self.gaps_label.setStyleSheet("color: #7a4a00; font-weight: bold;")
        else:
            self.gaps_label.setText("Every working evening in the next 14 days has a duty region.")
            self.gaps_label.setStyleSheet("color: #1b5e20;")
        self.gaps_label.setAccessibleName(self.gaps_label.text())
        self.gaps_label.setVisible(True)

        n = len(board.items)
        self.count_label.setText("No urgent items waiting for acknowledgement." if n == 0 else
                                 f"{n} urgent item{'s' if n != 1 else ''} not yet acknowledged, oldest first")
        self.count_label.setStyleSheet("font-weight: bold;" + (" color: #9b0000;" if n else ""))
        self.count_label.setAccessibleName(self.count_label.text())

        keep = self._selected_id
        had_focus = holds_focus(self.table)
        shown = self.steer.apply(board.items)
        self.filter_bar.show_counts(len(shown), n)
        self.model.set_items(shown, board.now, self._regions)
        self.table.resizeColumnsToContents()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and shown:
            row = 0
        if row >= 0:
            self._select_row(row)
        else:
            self._selected_id = None
            self._show_detail(None)
        if had_focus:
            self.table.setFocus()
        self.count_changed.emit(n)
        self.alerts_changed.emit(board_alerts(board.items))
        self.loaded.emit()

    def _steering(self) -> QWidget:
        """The filter bar over the board, steering it (``ui.steer``; the spec is ``ui.duty_steer``'s)."""
        from .duty_steer import DUTY_SPEC  # it reads this module's columns

        self.steer = Steer(self._ctx, "duty", DUTY_SPEC, parent=self)
        self.filter_bar = FilterBar(self.steer)
        attach_header(self.table, self.steer)
        self.steer.changed.connect(lambda: self._show_board(self.board) if self.board is not None else None)
        return self.filter_bar

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is None:
            return
        self._selected_id = item.id
        self._show_detail(item)

    def _show_detail(self, item: UrgentItem | None) -> None:
        self._set_actions_enabled(item is not None)
        if item is None:
            self.detail.setHtml("<p style='color:#555'>Nothing selected: urgent items waiting for "
                                "acknowledgement appear above.</p>")
            return
        kind = "Imminent removal" if item.imminent_removal else "Compelling / compassionate"
        rows = [("Urgent", kind + (f", removal {format_received(item.removal_at)} (UK time)"
                                   if item.imminent_removal and item.removal_at else "")),
                ("Received", format_received(item.received_at)),
                ("With", f"{self._region_name(item.region_code)} · routed "
                         f"{ROUTED.get(item.destination or 'region', item.destination)}"),
                ("Escalated", f"to the region's team leader at {format_received(item.escalated_at)}"
                 if item.escalated_at else "not yet")]
        if item.contacts:
            for c in item.contacts:
                rows.append(("Call", f"{format_received(c.at)}: {c.spoken_to} ({CONTACT_KINDS.get(c.kind, c.kind)})"
                                     f"{' on ' + c.phone if c.phone else ''}, recorded by {c.recorded_by}"
                                     f"{' — ' + c.note if c.note else ''}"))
        else:
            rows.append(("Calls", "no call recorded yet"))
        body = "".join(f"<tr><td style='color:#555; padding:2px 10px 2px 0'>{escape(k)}</td>"
                       f"<td style='padding:2px 0'>{escape(v)}</td></tr>" for k, v in rows)
        self.detail.setHtml(f"<b>{escape(item.reference)}</b> — {escape(item.member_name or 'no member')}, "
                            f"about {escape(item.subject_name or 'no subject recorded')}"
                            f"<table cellspacing='0'>{body}</table>")
        index = self.region_combo.findData(item.region_code)
        if index >= 0:
            self.region_combo.setCurrentIndex(index)

    def _set_actions_enabled(self, enabled: bool) -> None:
        for w in (self.acknowledge_button, self.region_combo, self.reassign_button, self.open_button):
            w.setEnabled(enabled)

    def _require_selected(self) -> UrgentItem | None:
        item = self.selected()
        if item is None:
            self.message.show_error("Select an urgent item first.")
        return item

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_record.emit(item.id)

    def _open_selected(self) -> None:
        item = self._require_selected()
        if item is not None:
            self.open_record.emit(item.id)

    def _changed(self, text: str) -> None:
        self.message.show_ok(text)
        self.refresh()

    def _error(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc, full_stop=False))
