"""People's data (issue 17): the data protection officer's search, subject-access export and erasure.

Search by name with date of birth, Home Office reference or CTS reference; each person found is one row
(a family sharing a Home Office reference shows as several people, never one).  Export… writes the zip
(PDF, JSON, documents) for the chosen person; Erase… opens the confirmation (``ErasureDialog``) with the
reasons it would be refused.  Every call to a service runs through the TaskRunner; the services check the
right (``Action.SUBJECT_ACCESS``, ``Action.ERASE_PERSON``) and audit it.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.data_rights import PersonMatch
from ..domain.permissions import Action
from ..services import people
from .call.typed import parse_day
from .context import DeskContext
from .erasure_dialog import ErasureDialog
from .retention_section import RetentionSection
from .widgets import (ListTableModel, MessageLabel, SaveChooser, button, choose_save_path, error_text, heading,
                      keys_hint, labelled, record_table, tab_chain)

choose_zip_path = partial(choose_save_path, title="Save the subject-access export", file_filter="Zip file (*.zip)")


class MatchModel(ListTableModel):
    columns = ("Person", "Date of birth", "Home Office references", "Records")

    def data(self, index, role=Qt.DisplayRole):
        match: PersonMatch | None = self.item(index.row()) if index.isValid() else None
        if match is None or role not in (Qt.DisplayRole, Qt.AccessibleTextRole):
            return None
        return (match.name, f"{match.date_of_birth:%d/%m/%Y}" if match.date_of_birth else "not recorded",
                ", ".join(match.ho_references) or "—",
                ", ".join(r.label for r in match.records))[index.column()]


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
        self.model = MatchModel(self)
        self.table = record_table(self.model, "People found")
        for column in range(len(MatchModel.columns) - 1):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeToContents)
        self.result = QLabel("")
        self.result.setAccessibleName("Search result")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("People's data: subject access and erasure"))
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.result)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.retention = RetentionSection(ctx) if perm.allowed(ctx.user, Action.PURGE_RECORDS) else None
        if self.retention is not None:
            layout.addWidget(self.retention)
        layout.addWidget(keys_hint("Each person found is one row: relatives sharing a Home Office reference are "
                                   "listed apart. Searches, exports and erasures are recorded in the audit trail."))
        tab_chain(self.by_combo, self.text_edit, self.dob_edit, self.search_button, self.table, self.export_button,
                  self.erase_button, self.hold_button, self.lift_button)
        self.setFocusProxy(self.by_combo)
        self._update_buttons()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

    def refresh(self) -> None:
        """Nothing is loaded until the officer searches: a list of everyone would itself be a disclosure."""

    def chosen(self) -> PersonMatch | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        has = self.chosen() is not None
        for b in (self.export_button, self.erase_button, self.hold_button, self.lift_button):
            b.setEnabled(has)

    def search(self) -> None:
        try:
            dob = parse_day(self.dob_edit.text(), "Date of birth")
        except ValueError as exc:
            self.message.show_error(str(exc))
            return
        ctx, by, text = self._ctx, self.by_combo.currentData(), self.text_edit.text()
        self.message.clear()
        self.result.setText("Searching…")
        ctx.runner.submit(lambda: ctx.services.subject_access.search(ctx.user, by, text, dob), self._show,
                          self._failed, owner=self)

    def _show(self, matches: list[PersonMatch]) -> None:
        self.model.set_items(matches)
        n = len(matches)
        self.result.setText(f"{n} {'person' if n == 1 else 'people'} found" if n else "Nobody found")
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
        if match is None:
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
        if match is None:
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
            self.model.set_items([m for m in self.model.items() if m is not match])
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


def wanted_by(ctx: DeskContext) -> bool:
    return perm.allowed(ctx.user, Action.SUBJECT_ACCESS)

