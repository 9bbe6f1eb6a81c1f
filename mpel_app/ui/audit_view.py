"""The Audit tab, for team leaders and administrators: who did what to which record, and who looked.

Filters (user, action, record type, reference, London dates, text) narrow
the whole trail; the table lists the newest entries first, at most
``SEARCH_LIMIT``, and says so when more matched.  Each line names the fields
an entry touched but shows only values that are nobody's personal data
(status, region, which fields a view showed): Enter or a double-click opens
the entry with all its values, and that opening is itself audited against
the record (services/audit.py says why).  "Export CSV…" writes every
matching entry (up to ``EXPORT_LIMIT``) to a file a spreadsheet opens safely
(reports/audit_csv.py); the export is audited too.

Everything that touches the database or a file runs through the TaskRunner.
The save-file chooser is a parameter, so tests hand it a path instead of
opening a native dialog.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget)

from ..domain.errors import ValidationError
from ..reports.audit_csv import change_lines, entity_label, record_text, write_audit_csv
from ..services.audit import EXPORT_LIMIT, SEARCH_LIMIT, AuditChoices, AuditFilter, AuditLine, AuditPage
from .call.typed import parse_day
from .context import DeskContext
from .models import format_received
from .view_access import AUDIT_SHORTCUT
from .widgets import (ListTableModel, MessageLabel, SaveChooser, button, choose_save_path, error_text, heading,
                      labelled, record_table, screen_shortcut, tab_chain)

COLUMNS = ("When (London)", "User", "Action", "Record", "What")
_SUMMARY_TEXT = 160  # the What column: enough to scan; the entry itself has everything


# Ask where to save the export.
choose_csv_path = partial(choose_save_path, title="Export the audit trail", file_filter="CSV file (*.csv)")


def summary_text(line: AuditLine) -> str:
    """One line for the table: '(blank) → Answered; Subject name; Question'."""
    text = "; ".join(change_lines(line))
    return text if len(text) <= _SUMMARY_TEXT else text[:_SUMMARY_TEXT - 1] + "…"


class AuditTableModel(ListTableModel):
    """The trail's entries (``AuditLine``), newest first as the service returns them."""

    columns = COLUMNS

    def data(self, index, role=Qt.DisplayRole):
        line: AuditLine | None = self.item(index.row()) if index.isValid() else None
        if line is None or role not in (Qt.DisplayRole, Qt.AccessibleTextRole, Qt.ToolTipRole):
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ToolTipRole:
            return "Enter or double-click shows the whole entry" if column == "What" else None
        return {"When (London)": lambda: format_received(line.at), "User": lambda: line.username,
                "Action": lambda: line.action, "Record": lambda: record_text(line),
                "What": lambda: summary_text(line)}[column]()


class AuditEntryDialog(QDialog):
    """One entry in full: when, who, what, which record, and every change with its values."""

    def __init__(self, line: AuditLine, parent: QWidget | None = None):
        super().__init__(parent)
        self.line = line
        self.setWindowTitle(f"Audit entry {line.id} — MPEL Desk")
        title = heading(f"{line.action[:1].upper()}{line.action[1:]}", 3)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for label, value in (("When (London)", format_received(line.at)), ("User", line.username),
                             ("Record", record_text(line))):
            edit = QLineEdit(value)
            edit.setReadOnly(True)
            self.fields[label] = labelled(form, f"{label}:", edit)
        self.changes = QPlainTextEdit("\n".join(change_lines(line)) or "(no details recorded)")
        self.changes.setReadOnly(True)
        self.changes.setTabChangesFocus(True)
        self.changes.setMinimumHeight(160)
        changes_label = QLabel("&Changes:")
        changes_label.setBuddy(self.changes)
        self.changes.setAccessibleName("Changes")
        self.close_button = button("Close")
        self.copy_button = button("C&opy", "Copy the changes to the clipboard")
        self.copy_button.clicked.connect(lambda: (self.changes.selectAll(), self.changes.copy()))
        # Enter and Esc both close: the dialog only shows; Copy is a button of its own (Alt+O).
        buttons = QDialogButtonBox()
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.RejectRole)
        self.close_button.clicked.connect(self.reject)
        self.copy_button.setAutoDefault(False)
        self.close_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(changes_label)
        layout.addWidget(self.changes, 1)
        layout.addWidget(buttons)
        self.resize(620, 420)
        self.changes.setFocus()


class AuditView(QWidget):
    """The whole audit trail, filtered, newest first; open an entry; export to CSV."""

    title = "Audit"
    loaded = Signal()  # a search (or its failure) has been shown
    exported = Signal(object)  # the Path written
    entry_opened = Signal(object)  # the AuditEntryDialog

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, save_chooser: SaveChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose_save = save_chooser or choose_csv_path
        self._seq = 0
        self._choices: AuditChoices | None = None
        self.page: AuditPage | None = None
        self.entry_dialogs: dict[int, AuditEntryDialog] = {}

        left, middle, right = QFormLayout(), QFormLayout(), QFormLayout()
        self.user_combo = labelled(left, "&User:", QComboBox())
        self.action_combo = labelled(left, "A&ction:", QComboBox())
        self.entity_combo = labelled(left, "Record &type:", QComboBox())
        for combo, anything in ((self.user_combo, "Anyone"), (self.action_combo, "Any action"),
                                (self.entity_combo, "Any record")):
            combo.addItem(anything, "")
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            combo.setMinimumContentsLength(18)
            combo.activated.connect(lambda _i: self.search())
        self.reference_edit = labelled(middle, "&Reference:", QLineEdit())
        self.reference_edit.setPlaceholderText("e.g. MPH000123")
        self.reference_edit.setToolTip("A hotline reference (MPH000123) or a CTS reference (M00012/26)")
        self.reference_edit.setMaxLength(20)
        self.from_edit = labelled(middle, "&From (London date):", QLineEdit())
        self.to_edit = labelled(middle, "T&o (London date):", QLineEdit())
        for edit in (self.from_edit, self.to_edit):
            edit.setPlaceholderText("dd/mm/yyyy")
            edit.setToolTip("A date in London time, both days included; leave it blank for any")
            edit.setMaxLength(10)
        self.text_edit = labelled(right, "Containing te&xt:", QLineEdit())
        self.text_edit.setPlaceholderText("a name, a word…")
        self.text_edit.setMaxLength(200)
        for edit in (self.reference_edit, self.from_edit, self.to_edit, self.text_edit):
            edit.setClearButtonEnabled(True)
            edit.returnPressed.connect(self.search)
        self.search_button = button("&Search", "Search the audit trail (Enter)", auto_default=True)
        self.search_button.clicked.connect(self.search)
        self.clear_button = button("C&lear filters", "Show the newest entries of the whole trail", auto_default=True)
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button = button("&Export CSV…", "Save every entry these filters find as a CSV file",
                                    auto_default=True)
        self.export_button.clicked.connect(self.export)
        actions = QVBoxLayout()
        for b in (self.search_button, self.clear_button, self.export_button):
            actions.addWidget(b)
        actions.addStretch()
        filters = QHBoxLayout()
        for form in (left, middle, right):
            filters.addLayout(form)
            filters.addSpacing(12)
        filters.addLayout(actions)
        filters.addStretch()

        self.count_label = QLabel("Searching…")
        self.count_label.setAccessibleName("Search result")
        self.count_label.setWordWrap(True)
        self.message = MessageLabel()
        self.model = AuditTableModel(self)
        self.table = record_table(self.model, "Audit entries")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(lambda index: self.open_entry(index.row()))  # Enter and double-click

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        hint = QLabel("Enter or double-click shows the whole entry  ·  F5 search again  ·  "
                      "values that may be personal data show only in the entry, and opening it is recorded")
        hint.setAccessibleName("Keyboard shortcuts")
        hint.setStyleSheet("color: #555;")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        screen_shortcut(self, "F5", self.refresh, "Search again")
        tab_chain(self.user_combo, self.action_combo, self.entity_combo, self.reference_edit, self.from_edit,
                  self.to_edit, self.text_edit, self.search_button, self.clear_button, self.export_button, self.table)
        self.setFocusProxy(self.user_combo)

    # ------------------------------------------------------------ public API

    def filters(self) -> AuditFilter:
        """What the form asks for; ValidationError for a date that is not one."""
        try:
            date_from = parse_day(self.from_edit.text(), "From")
            date_to = parse_day(self.to_edit.text(), "To")
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return AuditFilter(username=self.user_combo.currentData() or "", action=self.action_combo.currentData() or "",
                           entity=self.entity_combo.currentData() or "", reference=self.reference_edit.text(),
                           date_from=date_from, date_to=date_to, text=self.text_edit.text())

    def refresh(self) -> None:
        """F5 and on showing the tab: the search again (nothing is written); the filters' choices the first time."""
        if self._choices is None:
            self.load_choices()
        self.search()

    def load_choices(self) -> None:
        """The users, actions and record types to choose from (the actions take a scan of the trail: about a
        second for a million entries, so once, and again on "Clear filters")."""
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.audit.choices(ctx.user), self._fill_choices,
                          lambda exc: self.message.show_error(error_text(exc)))

    def search(self) -> None:
        filters = self._filters_or_say()
        if filters is None:
            return
        self.message.clear()
        self.count_label.setText("Searching…")
        self._seq += 1
        seq, ctx = self._seq, self._ctx

        def done(page: AuditPage) -> None:
            if seq == self._seq:
                self._show(page)

        def failed(exc: Exception) -> None:
            if seq == self._seq:
                self.count_label.setText("")
                self.message.show_error(error_text(exc))
                self.loaded.emit()

        ctx.runner.submit(lambda: ctx.services.audit.search(ctx.user, filters, SEARCH_LIMIT), done, failed)

    def clear_filters(self) -> None:
        for combo in (self.user_combo, self.action_combo, self.entity_combo):
            combo.setCurrentIndex(0)
        for edit in (self.reference_edit, self.from_edit, self.to_edit, self.text_edit):
            edit.clear()
        self.load_choices()
        self.search()

    def set_filter(self, combo: QComboBox, value: str) -> bool:
        """Choose ``value`` (a username, an action, a record type) in ``combo``; False if it is not offered."""
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)
        return index >= 0

    def open_entry(self, row: int) -> None:
        line = self.model.item(row)
        if line is None:
            return
        dialog = self.entry_dialogs.get(line.id)
        if dialog is not None:  # already open: bring it forward rather than record a second look
            dialog.raise_()
            dialog.activateWindow()
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.audit.entry(ctx.user, line.id), self._show_entry,
                          lambda exc: self.message.show_error(error_text(exc)))

    def export(self) -> None:
        filters = self._filters_or_say()
        if filters is None:
            return
        path = self._choose_save(self, f"audit-{self._ctx.services.clock.now():%Y-%m-%d}.csv")
        if path is None:
            return
        path, ctx = Path(path), self._ctx
        self.export_button.setEnabled(False)
        self.message.show_info(f"Exporting to {path.name}…")

        def work() -> tuple[int, bool]:
            page = ctx.services.audit.export(ctx.user, filters, EXPORT_LIMIT)
            return write_audit_csv(path, page.lines), page.more

        def done(result: tuple[int, bool]) -> None:
            written, more = result
            self.export_button.setEnabled(True)
            entries = f"{written:,} entr{'y' if written == 1 else 'ies'}"
            cut = (f" Only the newest {EXPORT_LIMIT:,} were exported: narrow the filters for the rest."
                   if more else "")
            self.message.show_ok(f"{entries} exported to {path}.{cut}")
            self.exported.emit(path)

        def failed(exc: Exception) -> None:
            self.export_button.setEnabled(True)
            self.message.show_error(error_text(exc))

        ctx.runner.submit(work, done, failed)

    # -------------------------------------------------------------- internals

    def _filters_or_say(self) -> AuditFilter | None:
        try:
            return self.filters()
        except ValidationError as exc:
            self.message.show_error(error_text(exc))
            return None

    def _fill_choices(self, choices: AuditChoices) -> None:
        self._choices = choices
        for combo, values in (
                (self.user_combo, [(f"{u} — {name}", u) for u, name in choices.usernames]),
                (self.action_combo, [(a[:1].upper() + a[1:], a) for a in choices.actions]),
                (self.entity_combo, [(entity_label(e), e) for e in choices.entities])):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, value in values:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)

    def _show(self, page: AuditPage) -> None:
        self.page = page
        self.model.set_items(page.lines)
        n = len(page.lines)
        if not n:
            text = "No entries match these filters."
        elif page.more:
            text = (f"Showing the first {n:,} entries (the newest): more match. Narrow the filters, "
                    f"a date range or a user say, to see older ones; Export CSV… writes them all (up to "
                    f"{EXPORT_LIMIT:,}).")
        else:
            text = f"{n:,} entr{'y' if n == 1 else 'ies'}, newest first."
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text)
        if n and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.resizeSection(column, min(header.sectionSize(column) + 16, 320))
        self.loaded.emit()

    def _show_entry(self, line: AuditLine) -> None:
        dialog = AuditEntryDialog(line, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _o=None, i=line.id: self.entry_dialogs.pop(i, None))
        self.entry_dialogs[line.id] = dialog
        dialog.open()  # window-modal: one entry at a time, and the tabs stay put while it is open
        self.entry_opened.emit(dialog)

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # The desk locking (or the window closing) hides this view: an entry's values must not stay on screen.
        for dialog in list(self.entry_dialogs.values()):
            dialog.close()
        super().hideEvent(event)

