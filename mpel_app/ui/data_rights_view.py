"""People's data (issue 17): the data protection officer's search, subject-access export and erasure.

Search by name with date of birth, Home Office reference or CTS reference; each person found is one row
(a family sharing a Home Office reference shows as several people, never one), and each record with no
date of birth (every letter) is a row of its own: the desk does not guess whose it is.  The officer
selects the person's rows (Shift+arrows, Ctrl+Space), and the actions take them together; rows that
cannot be one person's (two names, two dates of birth) are refused before anything runs.  Export… writes
the zip (PDF, JSON, documents) for the chosen person; Erase… opens the confirmation (``ErasureDialog``) with the
reasons it would be refused.  Every call to a service runs through the TaskRunner; the services check the
right (``Action.SUBJECT_ACCESS``, ``Action.ERASE_PERSON``) and audit it.

Another desk's erasure or a retention run can change what the results show.  The search is not re-run by
itself (each search is a disclosure, written to the audit trail): the main window's change watcher calls
``records_changed`` instead, which says the results are out of date and disables Export and Erase on them until
the officer searches again.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView,
                               QInputDialog, QLabel, QLineEdit, QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.data_rights import PersonMatch, combine
from ..domain.permissions import Action
from ..services import people
from .call.typed import parse_day
from .context import DeskContext
from .erasure_dialog import ErasureDialog
from .retention_section import RetentionSection
from .widgets import (ListTableModel, MessageLabel, SaveChooser, button, choose_save_path, error_text, heading,
                      keys_hint, labelled, record_table, tab_chain)

STALE_TEXT = "Records changed since this search — search again to see them as they are now."

choose_zip_path = partial(choose_save_path, title="Save the subject-access export", file_filter="Zip file (*.zip)")


class MatchModel(ListTableModel):
    columns = ("Person", "Date of birth", "Home Office references", "Records")

    def data(self, index, role=Qt.DisplayRole):
        match: PersonMatch | None = self.item(index.row()) if index.isValid() else None
        if match is None or role not in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return None
        return (match.name, f"{match.date_of_birth:%d/%m/%Y}" if match.date_of_birth else
                "not recorded: add only if theirs",
                ", ".join(match.ho_references) or "—",
                ", ".join(f"{r.entity} {r.label}" for r in match.records))[index.column()]


class DataRightsView(QWidget):
    title = "People's data"
    searched = Signal()
    exported = Signal(object)  # the Path written
    erased = Signal(object)  # the ErasureReport
    dialog_opened = Signal(object)  # the ErasureDialog, before it is shown

    held = Signal(str)  # what was said

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, save_chooser: SaveChooser | None = None,
                 confirm=None, reason_asker=None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose_save = save_chooser or choose_zip_path
        self._confirm = confirm or (lambda dialog: dialog.exec() == QDialog.Accepted)
        self._ask_reason = reason_asker or _ask_reason
        form = QFormLayout()
        self.by_combo = labelled(form, "Search &by:", QComboBox())
        for key in people.KEYS:
            self.by_combo.addItem(key, key)
        self.text_edit = labelled(form, "&Name or reference:", QLineEdit())
        self.text_edit.setMaxLength(200)
        self.dob_edit = labelled(form, "&Date of birth:", QLineEdit())
        self.dob_edit.setPlaceholderText("dd/mm/yyyy (with a name)")
        self.dob_edit.setMaxLength(10)
        for edit in (self.text_edit, self.dob_edit):
            edit.returnPressed.connect(self.search)
        self.search_button = button("&Search", "Find the people this detail names (Enter)", auto_default=True)
        self.search_button.clicked.connect(self.search)
        self.export_button = button("&Export…", "Save everything held on the chosen person: PDF, JSON and documents")
        self.export_button.clicked.connect(self.export)
        self.erase_button = button("E&rase…", "Erase the chosen person's values, keeping the statistics")
        self.erase_button.clicked.connect(self.erase)
        # hide(), not setVisible(True): a button with no parent yet would show as a window of its own.
        if not perm.allowed(ctx.user, Action.ERASE_PERSON):
            self.erase_button.hide()
        self.hold_button = button("&Hold…", "Place a legal hold on the chosen person's records: no erasure or "
                                            "retention run touches them until it is lifted")
        self.hold_button.clicked.connect(self.hold)
        self.lift_button = button("&Lift holds", "Lift the legal holds on the chosen person's records")
        self.lift_button.clicked.connect(self.lift_holds)
        if not perm.allowed(ctx.user, Action.LEGAL_HOLD):
            self.hold_button.hide()
            self.lift_button.hide()
        actions = QHBoxLayout()
        for b in (self.search_button, self.export_button, self.erase_button, self.hold_button, self.lift_button):
            actions.addWidget(b)
        actions.addStretch()
        self.message = MessageLabel()
        self.stale_line = MessageLabel("Results out of date")
        self._stale = False  # records changed since the results shown were found
        self._shown = False  # results of a finished search are on screen
        self.model = MatchModel(self)
        self.table = record_table(self.model, "People found")
        # Several rows may be one person's (their dated records and their letters): chosen together.
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        for column in range(len(MatchModel.columns) - 1):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.result = QLabel("")
        self.result.setAccessibleName("Search result")
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("People's data: subject access and erasure"))
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.stale_line)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.retention = RetentionSection(ctx) if perm.allowed(ctx.user, Action.PURGE_RECORDS) else None
        if self.retention is not None:
            layout.addWidget(self.retention)
        layout.addWidget(keys_hint("Each person found is one row: relatives sharing a Home Office reference are "
                                   "listed apart, and a record with no date of birth stands alone. Select the "
                                   "person's rows with Shift+arrows or Ctrl+Space. Searches, exports and erasures "
                                   "are recorded in the audit trail."))
        tab_chain(self.by_combo, self.text_edit, self.dob_edit, self.search_button, self.table, self.export_button,
                  self.erase_button, self.hold_button, self.lift_button)
        self.setFocusProxy(self.by_combo)
        self._update_buttons()
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

    def refresh(self) -> None:
        """Nothing is loaded until the officer searches: a list of everyone would itself be a disclosure."""

    def records_changed(self) -> None:
        """Enquiries or letters changed (another desk, a retention run): the results shown may be out of date."""
        if not self._shown or self._stale:
            return  # nothing shown yet, or a search under way whose answer is read after the change
        self._stale = True
        self.stale_line.show_error(STALE_TEXT)
        self._update_buttons()

    def selected_matches(self) -> list[PersonMatch]:
        return [self.model.item(i.row()) for i in sorted(self.table.selectionModel().selectedRows(),
                                                         key=lambda i: i.row())]

    def chosen(self) -> PersonMatch | None:
        """The selected rows as one person's records; None when nothing, or more than one person, is selected."""
        try:
            return combine(self.selected_matches())
        except ValueError:
            return None

    def _update_buttons(self) -> None:
        selected = self.selected_matches()
        has = self.chosen() is not None
        for b in (self.hold_button, self.lift_button):
            b.setEnabled(has)
        for b in (self.export_button, self.erase_button):  # never on results that may no longer be true
            b.setEnabled(has and not self._stale)
        if selected and not has:
            self.message.show_error("The rows selected are more than one person's (different names or dates of "
                                    "birth): select one person's rows.")
        elif has and self.message.text().startswith("The rows selected"):
            self.message.clear()

    def search(self) -> None:
        try:
            dob = parse_day(self.dob_edit.text(), "Date of birth")
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        ctx, by, text = self._ctx, self.by_combo.currentData(), self.text_edit.text()
        self.message.clear()
        self._shown = False
        self._set_fresh()
        self.result.setText("Searching…")
        ctx.runner.submit(lambda: ctx.services.subject_access.search(ctx.user, by, text, dob), self._show,
                          self._failed, owner=self)

    def _set_fresh(self) -> None:
        self._stale = False
        self.stale_line.clear()

    def _show(self, matches: list[PersonMatch]) -> None:
        self._shown = True
        self.model.set_items(matches)
        n = len(matches)
        undated = sum(1 for m in matches if m.date_of_birth is None)
        said = f"{n} {'person' if n == 1 else 'people'} found" if n else "Nobody found"
        if undated:
            said = (f"{n} rows found; {undated} with no date of birth {'is' if undated == 1 else 'are'} listed "
                    "alone: add a row to the person's (Shift+arrows, Ctrl+Space) only if the record is theirs")
        self.result.setText(said)
        if n:
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._update_buttons()
        self.searched.emit()

    def _failed(self, exc: Exception) -> None:
        self.result.setText("")
        self.message.show_error(error_text(exc))
        self.searched.emit()

    def export(self) -> None:
        match = self.chosen()
        if match is None or self._stale:
            return
        path = self._choose_save(self, f"subject-access-{match.records[0].label.replace('/', '-')}.zip")
        if path is None:
            return
        ctx = self._ctx

        def work() -> Path:
            from ..reports.subject_access_pdf import write_bundle  # reportlab only when an export is made

            export = ctx.services.subject_access.export(ctx.user, match.ids("enquiry"), match.ids("letter"))
            return write_bundle(export, Path(path))

        def done(written: Path) -> None:
            self.message.show_ok(f"Saved {written.name}: the PDF, the JSON and the documents.")
            self.exported.emit(written)

        ctx.runner.submit(work, done, self._failed, owner=self)

    def erase(self) -> None:
        match = self.chosen()
        if match is None or self._stale:
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.erasure.refusals(ctx.user, match.ids("enquiry"), match.ids("letter")),
                          lambda refusals: self._confirm_erasure(match, refusals), self._failed, owner=self)

    def _confirm_erasure(self, match: PersonMatch, refusals: list[str]) -> None:
        dialog = ErasureDialog(match, refusals, self)
        self.dialog_opened.emit(dialog)
        if not self._confirm(dialog):
            return
        ctx = self._ctx

        def done(report) -> None:
            self.message.show_ok(f"Erased from {', '.join(report.references)}; the statistics are unchanged.")
            gone = {(r.entity, r.id) for r in match.records}
            self.model.set_items([m for m in self.model.items() if not {(r.entity, r.id) for r in m.records} & gone])
            self._update_buttons()
            self.erased.emit(report)

        ctx.runner.submit(lambda: ctx.services.erasure.erase(ctx.user, match.ids("enquiry"), match.ids("letter")),
                          done, self._failed, owner=self)


    def hold(self) -> None:
        match = self.chosen()
        reason = self._ask_reason(self) if match is not None else None
        if not reason:
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.erasure.hold_person(ctx.user, match.ids("enquiry"), match.ids("letter"),
                                                                   reason),
                          lambda n: self._said(f"Legal hold placed on {n} record{'' if n == 1 else 's'}."),
                          self._failed, owner=self)

    def lift_holds(self) -> None:
        match = self.chosen()
        if match is None:
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.erasure.lift_person_holds(ctx.user, match.ids("enquiry"),
                                                                         match.ids("letter")),
                          lambda n: self._said(f"{n} legal hold{'' if n == 1 else 's'} lifted."),
                          self._failed, owner=self)

    def _said(self, text: str) -> None:
        self.message.show_ok(text)
        self.held.emit(text)


def _ask_reason(parent: QWidget) -> str | None:
    text, ok = QInputDialog.getText(parent, "Legal hold", "Why are these records held (case, inquiry)?")
    return text.strip() if ok and text.strip() else None

