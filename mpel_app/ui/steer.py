"""Steering a list: sort by any column, filter by status, region, member, age and text (issue 14).

One component for every queue (Further Action, a region's queue, the duty
board, a letters workstack, Find's results), in two parts:

* ``Steer`` (no widgets): the filter and order chosen for one list, kept per
  person between sessions in the desk's QSettings (``DeskContext.view_settings``;
  none in most tests), and ``apply(items)``, which filters with the domain's one
  rule (``domain.queue_filter.matches``) and sorts by the column's own sort key.
  A list read a page at a time from the database (a region's queue) is steered
  in SQL instead: ``server_side`` makes ``apply`` leave the items alone and the
  view re-reads its first page on ``changed``.
* ``FilterBar`` (a section widget): the controls, each with an accessible name,
  reachable by Tab, Ctrl+Shift+F to the text filter; clicking a column's heading
  sorts by it too (``attach_header``), and the heading shows the order.

The views keep their models as they were (row n of the table is item n of
the model): they hand the steered list to ``model.set_items``.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QTableView, QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.queue_filter import FilterFields, QueueFilter, QueueOrder, matches
from .context import DeskContext
from .widgets import button, named, screen_shortcut

TEXT_DELAY_MS = 300  # typing in a text filter re-steers once the person pauses


@dataclass(frozen=True)
class SteerSpec:
    """What a list offers to steer by.

    ``columns``: the column headings, in table order; ``sort_key(item, column)``: a comparable
    value (None sorts last); ``fields(item)``: what the filter looks at; ``statuses``: the status
    words offered; ``regions``: whether to offer a region filter.
    """

    columns: tuple[str, ...]
    sort_key: Callable[[Any, str], Any]
    fields: Callable[[Any], FilterFields]
    statuses: tuple[str, ...] = ()
    regions: bool = True
    sortable: tuple[str, ...] | None = None  # None: every column

    def may_sort_by(self, column: str) -> bool:
        return column in self.columns and (self.sortable is None or column in self.sortable)


@dataclass
class _Saved:
    filter: QueueFilter = field(default_factory=QueueFilter)
    order: QueueOrder = field(default_factory=QueueOrder)


class Steer(QObject):
    """The filter and order of one list, kept between sessions; ``changed`` when either changes."""

    changed = Signal()

    def __init__(self, ctx: DeskContext, name: str, spec: SteerSpec, *, server_side: bool = False,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._ctx, self.name, self.spec, self.server_side = ctx, name, spec, server_side
        self._state = self._load()

    # ------------------------------------------------------------- state

    @property
    def filter(self) -> QueueFilter:
        return self._state.filter

    @property
    def order(self) -> QueueOrder:
        return self._state.order

    @property
    def active(self) -> bool:
        """Anything other than the list's own order, unfiltered."""
        return not self.filter.empty or not self.order.default

    def set_filter(self, f: QueueFilter) -> None:
        if f != self._state.filter:
            self._state.filter = f
            self._save()
            self.changed.emit()

    def set_order(self, order: QueueOrder) -> None:
        if order.column and not self.spec.may_sort_by(order.column):
            order = QueueOrder()
        if order != self._state.order:
            self._state.order = order
            self._save()
            self.changed.emit()

    def clear(self) -> None:
        self.set_filter(QueueFilter())
        self.set_order(QueueOrder())

    def today(self) -> date:
        return self._ctx.services.clock.now().astimezone(LONDON).date()

    # ------------------------------------------------------------- applying

    def keeps(self, item) -> bool:
        return matches(self.spec.fields(item), self.filter, self.today())

    def apply(self, items: Sequence) -> list:
        """The items the filter keeps, in the order asked for (the list's own order when none)."""
        if self.server_side:
            return list(items)
        today, f = self.today(), self.filter
        kept = [i for i in items if matches(self.spec.fields(i), f, today)] if not f.empty else list(items)
        column = self.order.column
        if column:
            key = self.spec.sort_key
            present = [i for i in kept if key(i, column) is not None]
            missing = [i for i in kept if key(i, column) is None]  # nothing to sort by: last, either way
            present.sort(key=lambda i: key(i, column), reverse=self.order.descending)
            kept = present + missing
        return kept

    # ------------------------------------------------------------- keeping

    def _key(self, part: str) -> str:
        return f"steer/{self._ctx.user.username}/{self.name}/{part}"

    def _load(self) -> _Saved:
        store = getattr(self._ctx, "view_settings", None)
        if store is None:
            return _Saved()
        get = lambda part, default="": store.value(self._key(part), default)  # noqa: E731
        try:
            age = int(get("age", 0) or 0)
        except (TypeError, ValueError):
            age = 0
        f = QueueFilter(status=str(get("status") or ""), region=str(get("region") or ""),
                        member=str(get("member") or ""), min_age_days=max(age, 0), text=str(get("text") or ""))
        if f.status and f.status not in self.spec.statuses:
            f = QueueFilter(region=f.region, member=f.member, min_age_days=f.min_age_days, text=f.text)
        column = str(get("sort") or "")
        order = QueueOrder(column, str(get("descending") or "") in ("true", "1", "True"))
        if column and not self.spec.may_sort_by(column):
            order = QueueOrder()
        return _Saved(f, order)

    def _save(self) -> None:
        store = getattr(self._ctx, "view_settings", None)
        if store is None:
            return
        f, o = self._state.filter, self._state.order
        for part, value in (("status", f.status), ("region", f.region), ("member", f.member),
                            ("age", f.min_age_days), ("text", f.text), ("sort", o.column),
                            ("descending", "true" if o.descending else "false")):
            store.setValue(self._key(part), value)
        store.sync()


def attach_header(table: QTableView, steer: Steer) -> None:
    """Clicking a column's heading sorts by it (again: the other way); the heading shows the order."""
    header = table.horizontalHeader()
    header.setSectionsClickable(True)

    def show() -> None:
        column = steer.order.column
        if column and column in steer.spec.columns:
            header.setSortIndicatorShown(True)
            header.setSortIndicator(steer.spec.columns.index(column),
                                    Qt.DescendingOrder if steer.order.descending else Qt.AscendingOrder)
        else:
            header.setSortIndicatorShown(False)

    def clicked(section: int) -> None:
        if not 0 <= section < len(steer.spec.columns):
            return
        column = steer.spec.columns[section]
        if not steer.spec.may_sort_by(column):
            return
        descending = not steer.order.descending if steer.order.column == column else False
        steer.set_order(QueueOrder(column, descending))

    header.sectionClicked.connect(clicked)
    steer.changed.connect(show)
    show()


class FilterBar(QWidget):
    """The filter and sort controls over a list (a section widget; see the module docstring)."""

    def __init__(self, steer: Steer, parent: QWidget | None = None):
        super().__init__(parent)
        self.steer = steer
        spec = steer.spec
        self._filling = False
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Filter by status")
        self.status_combo.addItem("Any status", "")
        for word in spec.statuses:
            self.status_combo.addItem(word, word)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName("Filter by region")
        self.region_combo.addItem("Any region", "")
        if not spec.regions:
            # Not setVisible(True) otherwise: a widget with no parent yet shows as a window of its own (a
            # view built once the desk is up, ui.main_window, flashed it and lost the window its focus).
            self.region_combo.hide()
        self.member_edit = QLineEdit()
        self.member_edit.setAccessibleName("Filter by member")
        self.member_edit.setPlaceholderText("Member")
        self.member_edit.setClearButtonEnabled(True)
        self.age_spin = QSpinBox()
        self.age_spin.setAccessibleName("Filter by age: received at least this many days ago")
        self.age_spin.setRange(0, 3650)
        self.age_spin.setSpecialValueText("Any age")
        self.age_spin.setPrefix("≥ ")
        self.age_spin.setSuffix(" days old")
        self.text_edit = QLineEdit()
        self.text_edit.setAccessibleName("Filter by text")
        self.text_edit.setPlaceholderText("Text: reference, subject… (Ctrl+Shift+F)")
        self.text_edit.setClearButtonEnabled(True)
        self.sort_combo = QComboBox()
        self.sort_combo.setAccessibleName("Sort by")
        self.sort_combo.addItem("List's own order", "")
        for column in spec.columns:
            if spec.may_sort_by(column):
                self.sort_combo.addItem(f"Sort: {column}", column)
        self.descending_box = named(QCheckBox("Descending"))
        self.clear_button: QPushButton = button("Clear", "Show everything, in the list's own order")
        self.clear_button.setAutoDefault(False)
        self.shown_label = QLabel()
        self.shown_label.setAccessibleName("Filter result")
        self.shown_label.setStyleSheet("color: #555;")

        # Combos as narrow as a few letters (their lists open wide): the bar must not widen the view.  The
        # status box then fits the status chosen (``_fit_status``: "Compassionate" on the duty board is read whole).
        for combo, letters in ((self.status_combo, 8), (self.region_combo, 8), (self.sort_combo, 11)):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(letters)
        self.shown_label.setMinimumWidth(0)
        # Two rows, so the bar fits a narrow pane (a laptop at 200 % text) beside the selected case.
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Filter:"))
        for w in (self.status_combo, self.region_combo, self.member_edit, self.age_spin):
            row.addWidget(w)
        row.setStretchFactor(self.member_edit, 1)
        second = QHBoxLayout()
        second.addWidget(self.text_edit, 2)
        second.addWidget(self.sort_combo)
        second.addWidget(self.descending_box)
        second.addWidget(self.clear_button)
        second.addWidget(self.shown_label, 1)
        rows.addLayout(row)
        rows.addLayout(second)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self._push)
        self.status_combo.currentIndexChanged.connect(lambda _i: self._fit_status())
        self.status_combo.currentIndexChanged.connect(lambda _i: self._push())
        self.region_combo.currentIndexChanged.connect(lambda _i: self._push())
        self.age_spin.valueChanged.connect(lambda _v: self._push())
        self.member_edit.textChanged.connect(lambda _t: self._later())
        self.text_edit.textChanged.connect(lambda _t: self._later())
        self.member_edit.returnPressed.connect(self._push)
        self.text_edit.returnPressed.connect(self._push)
        self.sort_combo.currentIndexChanged.connect(lambda _i: self._push_order())
        self.descending_box.toggled.connect(lambda _b: self._push_order())
        self.clear_button.clicked.connect(steer.clear)
        steer.changed.connect(self._show_state)
        self.focus_action = screen_shortcut(self, "Ctrl+Shift+F", self.focus_text, "Filter the list by text")
        self._show_state()

    # ------------------------------------------------------------- public API

    def _fit_status(self) -> None:
        """As wide as the status chosen (at least a few letters), so a long one is not cut off at 200 % text."""
        chosen = self.status_combo.currentText() if self.status_combo.currentData() else ""
        self.status_combo.setMinimumContentsLength(max(8, len(chosen)))

    def set_regions(self, regions: Sequence[tuple[str, str]]) -> None:
        """Offer these regions (code, name)."""
        self._filling = True
        self.region_combo.clear()
        self.region_combo.addItem("Any region", "")
        for code, name in regions:
            self.region_combo.addItem(f"{name} ({code})", code)
        self._filling = False
        self._show_state()

    def show_counts(self, shown: int, total: int) -> None:
        """Say how much of the list the filter keeps ("" when it keeps everything)."""
        text = "" if not self.steer.active or shown == total else f"{shown:,} of {total:,} shown"
        self.shown_label.setText(text)
        self.shown_label.setAccessibleName(text or "Filter result")

    def focus_text(self) -> None:
        self.text_edit.setFocus(Qt.ShortcutFocusReason)
        self.text_edit.selectAll()

    # ------------------------------------------------------------- helpers

    def _later(self) -> None:
        if not self._filling:
            self._text_timer.start()

    def _push(self) -> None:
        if self._filling:
            return
        self._text_timer.stop()
        # Regions not loaded yet: keep the one chosen last session rather than dropping it.
        region = (self.region_combo.currentData() or "") if self.region_combo.count() > 1 else self.steer.filter.region
        self.steer.set_filter(QueueFilter(
            status=self.status_combo.currentData() or "", region=region,
            member=self.member_edit.text().strip(), min_age_days=self.age_spin.value(),
            text=self.text_edit.text().strip()))

    def _push_order(self) -> None:
        if not self._filling:
            order = QueueOrder(self.sort_combo.currentData() or "", self.descending_box.isChecked())
            if self._text_timer.isActive():  # typed but not yet applied: apply it first, not lose it
                self._push()
            self.steer.set_order(order)

    def _show_state(self) -> None:
        """The controls say what the steer holds (after loading, a header click, Clear)."""
        self._filling = True
        f, o = self.steer.filter, self.steer.order
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(f.status), 0))
        if self.region_combo.findData(f.region) >= 0:
            self.region_combo.setCurrentIndex(self.region_combo.findData(f.region))
        if self.member_edit.text().strip() != f.member:
            self.member_edit.setText(f.member)
        self.age_spin.setValue(f.min_age_days)
        if self.text_edit.text().strip() != f.text:
            self.text_edit.setText(f.text)
        self.sort_combo.setCurrentIndex(max(self.sort_combo.findData(o.column), 0))
        self.descending_box.setChecked(o.descending)
        self.descending_box.setEnabled(bool(o.column))
        self._filling = False
