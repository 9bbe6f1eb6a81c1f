"""Find a call record by any of the five keys and open it.

Keyboard flow, for speed: Ctrl+F lands in the search box; type and press
Enter; the results take the focus with the first row selected, so a second
Enter opens the record.  By default ("Automatic") the key is recognised
from what is typed (``domain.references.recognise_search``: hotline, Home
Office and CTS reference shapes, short forms such as ``MPH2840``, else a
name), and the screen says what it recognised as you type; choosing a key
(Alt+R, Alt+O, Alt+C, Alt+S, Alt+N) searches by that key instead.
Anything that parses as a hotline reference is searched as one whatever
key is chosen, because that is what an agent reading out "MPH0…" means.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QRadioButton, QTableView, QVBoxLayout, QWidget)

from ..domain.errors import ValidationError
from ..domain.records import EnquirySummary, SearchKey
from ..domain.references import is_hotline_reference, recognise_search
from .context import DeskContext
from .models import SEARCH_COLUMNS, Column, SummaryTableModel
from .why_due import add_why_due_key
from .steer import FilterBar, Steer, attach_header
from .steer_specs import summary_spec
from .widgets import MessageLabel, buddy_label, button, error_text, holds_focus, named, plain_label

# Label with its Alt+ mnemonic, and what to type, per key. The letters differ
# from the search box's (T) and the record window's.
KEY_LABELS: dict[SearchKey, tuple[str, str]] = {
    SearchKey.REFERENCE: ("Hotline &reference", "e.g. MPH000123"),
    SearchKey.HO_REFERENCE: ("H&ome Office reference", "e.g. B1234567"),
    SearchKey.CTS_REFERENCE: ("&CTS reference", "e.g. M12345/26"),
    SearchKey.SUBJECT_NAME: ("&Subject name", "whole or start of any names, e.g. zoe nun"),
    SearchKey.NATIONALITY: ("&Nationality", "e.g. Nigerian"),
}


# Enough to scan by eye; beyond this the search is too broad to be useful.
FIND_LIMIT = 200
KEYS_PER_ROW = 3


def cut_text(key: SearchKey, shown: int) -> str:
    """What to say when a search was cut at ``FIND_LIMIT``: that it was, and how to narrow it for ``key``."""
    how = {SearchKey.SUBJECT_NAME: "type more of the name (a first name and the surname), or search by a "
                                   "reference if you have one",
           SearchKey.NATIONALITY: "search by the subject's name or a reference instead",
           }.get(key, "type the whole reference")
    return (f"The results were cut at {shown}: there may be more records, and the one you want may not be "
            f"among those shown. To narrow the search, {how}; the filter (Ctrl+Shift+F) narrows only the "
            f"{shown} shown.")


class _SearchBox(QLineEdit):
    """Down arrow goes to the results, as in a browser's address bar."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key_Down:
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class FindView(QWidget):
    """The Find tab: key, search box, results; emits ``open_record(enquiry_id)``."""

    title = "Find"
    open_record = Signal(int)
    results_shown = Signal(int)  # number of rows, after every completed search
    count_changed = Signal(int)  # records found (the window's tab says it)
    count_at_least = Signal(int)  # records found when the search was cut at FIND_LIMIT: the tab says "200+"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._last: tuple[SearchKey, str] | None = None
        self._shown_search: tuple[SearchKey, str] | None = None  # what the table shows the results of
        self._generation = 0  # only the latest search may fill the table

        # The choices in rows of three, so the view fits a laptop's width even at 200 % text (issue 12).
        key_row = QGridLayout()
        key_caption = QLabel("Find by:")
        key_row.addWidget(key_caption, 0, 0)
        self.key_group = QButtonGroup(self)
        self.auto_button = named(QRadioButton("&Automatic"))
        self.auto_button.setToolTip("Recognise a hotline, Home Office or CTS reference, or a name, from what is typed")
        self.auto_button.setAccessibleDescription("Find by")
        self.key_group.addButton(self.auto_button)
        self.auto_button.toggled.connect(self._key_changed)
        radios = [self.auto_button]
        self.key_buttons: dict[SearchKey, QRadioButton] = {}
        for key, (label, _example) in KEY_LABELS.items():
            radio = named(QRadioButton(label))
            radio.setAccessibleDescription("Find by")
            self.key_group.addButton(radio)
            self.key_buttons[key] = radio
            radio.toggled.connect(self._key_changed)
            radios.append(radio)
        for n, radio in enumerate(radios):
            key_row.addWidget(radio, n // KEYS_PER_ROW, 1 + n % KEYS_PER_ROW)
        key_row.setColumnStretch(1 + KEYS_PER_ROW, 1)

        search_row = QHBoxLayout()
        self.search_box = _SearchBox()
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(200)
        search_label = buddy_label("Search &text:", self.search_box)
        self.search_box.returnPressed.connect(self.search)
        self.find_button = button("Find", "Find records (Enter)", auto_default=False)
        self.find_button.clicked.connect(self.search)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(self.find_button)

        self.recognised_label = QLabel()
        self.recognised_label.setAccessibleName("Recognised as")
        self.recognised_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.search_box.textChanged.connect(self._recognise)
        self.count_label = QLabel("Type a reference or a name and press Enter.")
        self.count_label.setAccessibleName("Search result")
        # A search cut at FIND_LIMIT says so, and how to narrow it: the record sought may be past the cut.
        self.cut_label = QLabel()
        self.cut_label.setWordWrap(True)
        self.cut_label.setStyleSheet("color: #5c3b00; font-weight: bold;")
        self.cut_label.setAccessibleName("Results cut")
        self.cut_label.hide()
        self.message = MessageLabel()

        self.model = SummaryTableModel(SEARCH_COLUMNS, self, headers={Column.RECEIVED: "Received (London)"})
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Records found")
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        # The subject's name is what people scan for; it takes the spare width.
        header.setSectionResizeMode(self.model.column_of(Column.SUBJECT), QHeaderView.Stretch)
        header.setMinimumSectionSize(60)
        # Enter (activated) and double-click both open; activated covers both.
        self.table.activated.connect(self._open_index)
        self.search_box.down_pressed.connect(self._focus_results)
        self._rows: list[EnquirySummary] = []  # the results as found, before the filter (ui.steer)
        self.steer = Steer(ctx, "find", summary_spec(self.model), parent=self)
        self.filter_bar = FilterBar(self.steer)
        attach_header(self.table, self.steer)
        self.steer.changed.connect(self._resteer)
        self._load_regions()

        layout = QVBoxLayout(self)
        layout.addLayout(key_row)
        layout.addLayout(search_row)
        layout.addWidget(self.recognised_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.cut_label)
        layout.addWidget(self.message)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        hint = QLabel("Enter or double-click opens the selected record; F8 says why it is due when it is.")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.setTabOrder(self.search_box, self.find_button)
        self.setTabOrder(self.find_button, self.table)
        self.auto_button.setChecked(True)
        self.setFocusProxy(self.search_box)
        add_why_due_key(self, ctx, self._selected_id, self.message)

    # ------------------------------------------------------------- public API

    @property
    def key(self) -> SearchKey | None:
        """The key chosen, or None for "Automatic" (recognised from the text)."""
        for key, radio in self.key_buttons.items():
            if radio.isChecked():
                return key
        return None

    def set_key(self, key: SearchKey | str) -> None:
        self.key_buttons[SearchKey(key)].setChecked(True)

    def focus_search(self) -> None:
        """Ctrl+F: the search box, its text selected so typing replaces it."""
        self.search_box.setFocus(Qt.ShortcutFocusReason)
        self.search_box.selectAll()

    def search(self, key: SearchKey | str | None = None, text: str | None = None) -> None:
        """Run a find in the background; with no arguments, what the form says."""
        if key is not None:
            self.set_key(key)
        if text is not None:
            self.search_box.setText(text)
        key, text = self.key, self.search_box.text().strip()
        if not text:
            what = plain_label(KEY_LABELS[key][0]).lower() if key else "reference or a name"
            self.message.show_error(f"Type a {what} to find.")
            self.focus_search()
            return
        if key is None:
            found = recognise_search(text)
            if found.key is None:
                self.message.show_error(found.said + ".")
                self.focus_search()
                return
            key, text = SearchKey(found.key), found.text
        if key is not SearchKey.REFERENCE and is_hotline_reference(text):
            self.set_key(SearchKey.REFERENCE)
            key = SearchKey.REFERENCE
        self._run(key, text)

    def refresh(self) -> None:
        """F5, and after a record is deleted: run the last search again."""
        if self._last is not None:
            self._run(*self._last)

    def summaries(self) -> list[EnquirySummary]:
        return self.model.items()

    # --------------------------------------------------------------- internals

    def _run(self, key: SearchKey, text: str) -> None:
        self._last = (key, text)
        self._generation += 1
        generation = self._generation
        self.message.clear()
        self.count_label.setText("Searching…")
        self.cut_label.hide()
        services, user = self._ctx.services, self._ctx.user
        self._ctx.runner.submit(lambda: services.enquiries.find(user, key, text, limit=FIND_LIMIT),
                                lambda rows: self._show(generation, key, text, rows),
                                lambda exc: self._failed(generation, exc))

    def _show(self, generation: int, key: SearchKey, text: str, rows: list[EnquirySummary]) -> None:
        if generation != self._generation:
            return  # a newer search is on its way; do not flash stale rows
        had_focus = holds_focus(self.search_box, self.find_button)
        # The same search again (F5, another desk's change): stay on the record the person was on.
        current = self.model.item(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        keep = current.id if current is not None and self._shown_search == (key, text) else None
        self._shown_search = (key, text)
        self._rows = list(rows)
        self._fill(rows)
        self._fit_columns()
        what = plain_label(KEY_LABELS[key][0]).lower()
        if not rows:
            self.count_label.setText(f"No records found for {what} “{text}”.")
            self.focus_search()
        else:
            count = "1 record found" if len(rows) == 1 else f"{len(rows)} records found"
            if len(rows) >= FIND_LIMIT:
                count = f"{len(rows)} or more records found"
            suffix = f" Showing the newest {len(rows)}." if len(rows) >= FIND_LIMIT else ""
            self.count_label.setText(f"{count} for {what} “{text}”.{suffix}")
            self.table.selectRow(max(self.model.row_of(keep) if keep is not None else 0, 0))
            if had_focus:
                self._focus_results()
        self.count_label.setAccessibleName(self.count_label.text())
        cut = len(rows) >= FIND_LIMIT
        self.cut_label.setText(cut_text(key, len(rows)) if cut else "")
        self.cut_label.setAccessibleName(self.cut_label.text() or "Results cut")
        self.cut_label.setVisible(cut)
        if cut:
            self.count_at_least.emit(len(rows))
        else:
            self.count_changed.emit(len(rows))
        self.results_shown.emit(len(rows))

    def _fill(self, rows: list[EnquirySummary]) -> None:
        shown = self.steer.apply(rows)
        self.filter_bar.show_counts(len(shown), len(rows))
        self.model.set_items(shown)

    def _resteer(self) -> None:
        """The filter or order changed: the same results, steered again (on the same record if still shown)."""
        current = self.model.item(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        self._fill(self._rows)
        self._fit_columns()
        if self.model.rowCount():
            self.table.selectRow(max(self.model.row_of(current.id) if current is not None else 0, 0))

    def _load_regions(self) -> None:
        self._ctx.runner.submit(self._ctx.services.reference.regions,
                                lambda regions: self.filter_bar.set_regions([(r.code, r.name) for r in regions]),
                                lambda exc: self.message.show_error(error_text(exc)))

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            if header.sectionResizeMode(column) == QHeaderView.Interactive:
                header.resizeSection(column, header.sectionSize(column) + 18)  # room to breathe

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self.count_label.setText("")
        self.message.show_error(error_text(exc))
        if isinstance(exc, ValidationError):
            self.focus_search()

    def _focus_results(self) -> None:
        if self.model.rowCount():
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
            self.table.setFocus(Qt.OtherFocusReason)

    def _open_index(self, index) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.open_record.emit(item.id)

    def _key_changed(self, checked: bool) -> None:
        if checked:
            key = self.key
            self.search_box.setPlaceholderText(KEY_LABELS[key][1] if key else
                                               "a reference (MPH2840, S1234567, M12345/26) or a name")
            self._recognise(self.search_box.text())

    def _recognise(self, text: str) -> None:
        """Say, as it is typed, what "Automatic" will search for."""
        said = recognise_search(text).said if self.key is None and text.strip() else ""
        self.recognised_label.setText(f"Recognised: {said}" if said and not said.startswith("“") else said)
        self.recognised_label.setAccessibleName(self.recognised_label.text() or "Recognised as")
        self.recognised_label.setStyleSheet("color: #1b5e20; font-weight: bold;" if recognise_search(text).key
                                            else "color: #5c3b00;")

    def _selected_id(self) -> int | None:
        index = self.table.currentIndex()
        item = self.model.item(index.row()) if index.isValid() else None
        return item.id if item is not None else None

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._open_index(index)
