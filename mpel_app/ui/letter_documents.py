"""A letter's documents in its case view (issue 4): the scan, written agreements and the replies made.

``DocumentsPanel(ctx)`` lists the documents of the letter it is shown
(``show_letter(record)``) with their kind, file name, date and size; a
purged one says when it went [CORR 1.9].  "View" opens the selected document
in the desktop's viewer (through a copy in the user's data folder, removed a
day later: it carries personal data); "Save a copy…" writes it where the
person chooses.  "Generate a reply…" opens a small form: the template (the
standard third-party reply, the "in confidence" reply with its forwardable
companion, the MDL reply), the text (the draft, to start with), and who
signs; ``generate_reply`` makes the PDF and the Word file and keeps them with
the letter.  The form is offered to the case owner while drafting (and to
those the service also lets produce it); the service decides.

Every fetch, write and generation runs through the TaskRunner.  The viewer
and the save-file chooser are parameters, so tests open no native window.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from .. import paths
from ..domain.correspondence import LetterKind, SignatoryKind
from ..domain.errors import ValidationError
from ..domain.letter_records import GeneratedReply, LetterDocumentRecord, LetterRecord
from ..domain.records import Role
from ..reports.letters import COMPANIONS, TEMPLATES
from ..services.letters.documents import REPLY_STATES
from .context import DeskContext
from .models import format_received
from .viewer import Opener, default_opener, open_in_viewer, remove_old_copies
from .widgets import (ListTableModel, MessageLabel, SaveChooser, button, choose_save_path, error_text, labelled,
                      named, record_table, tab_chain, text_box)

COLUMNS = ("Document", "File", "Added", "Size")
# The templates a person chooses from; a companion letter comes with its own.
REPLY_TEMPLATES = {name: text for name, text in TEMPLATES.items() if name not in COMPANIONS.values()}


def format_size(size: int) -> str:
    """``812 bytes``, ``14 KB``, ``2.3 MB``."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def choose_document_path(parent: QWidget, suggested: str) -> Path | None:
    """Ask where to save a copy of a document."""
    suffix = Path(suggested).suffix.lower()
    kinds = {".pdf": "PDF files (*.pdf)", ".docx": "Word documents (*.docx)"}
    return choose_save_path(parent, suggested, title="Save a copy of the document",
                            file_filter=kinds.get(suffix, f"Files (*{suffix})"))


def opened_copies_dir() -> Path:
    return paths.user_data() / "opened-documents"


class DocumentTableModel(ListTableModel):
    """The letter's documents (``LetterDocumentRecord``), a purged one greyed."""

    columns = COLUMNS

    def data(self, index, role=Qt.DisplayRole):
        doc: LetterDocumentRecord | None = self.item(index.row()) if index.isValid() else None
        if doc is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            if column == "Document":
                return doc.kind.label
            if column == "File":
                return doc.filename
            if column == "Added":
                return format_received(doc.created_at)
            if column == "Size":
                return f"purged {format_received(doc.purged_at)}" if doc.purged else format_size(doc.size)
        if role == Qt.TextAlignmentRole and column == "Size":
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and doc.purged:
            return Qt.darkGray
        return None


class DocumentsPanel(QWidget):
    """The documents of one letter, and the reply made from a template."""

    changed = Signal()  # documents were added: the case view reads the letter again
    opened = Signal(str)  # the path handed to the viewer
    saved = Signal(str)  # where a copy was saved

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, opener: Opener | None = None,
                 save_chooser: SaveChooser | None = None, copies_dir: Path | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._opener = opener or default_opener
        self._choose_save = save_chooser or choose_document_path
        self._copies_dir = copies_dir
        self.record: LetterRecord | None = None
        self.busy = False
        self.closed = False  # set by the case view when it closes: answers arriving later are dropped
        self._keep: int | None = None  # the document to select after the next load

        self.model = DocumentTableModel(self)
        self.table = record_table(self.model, "Documents")
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.activated.connect(lambda _index: self.view_selected())
        self.table.doubleClicked.connect(lambda _index: self.view_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selection_changed())
        self.view_button = button("&View", "Open the selected document in its viewer (Enter)")
        self.view_button.setAutoDefault(False)
        self.view_button.clicked.connect(self.view_selected)
        self.save_button = button("Save a cop&y…", "Save a copy of the selected document")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_selected)
        self.generate_button = button("&Generate a reply…", "Make the reply from a standard template, "
                                                            "as PDF and Word")
        self.generate_button.setAutoDefault(False)
        self.generate_button.clicked.connect(self.open_generate_form)
        self.message = MessageLabel("Documents message")

        self._build_generate_form()

        row = QHBoxLayout()
        row.addWidget(self.view_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.generate_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.generate_box)
        self._selection_changed()

    def _build_generate_form(self) -> None:
        self.generate_box = QGroupBox("Generate a reply")
        self.generate_box.hide()
        self.generate_form = form = QFormLayout(self.generate_box)
        self.template_combo = QComboBox()
        for name, text in REPLY_TEMPLATES.items():
            self.template_combo.addItem(text, name)
        self.template_combo.currentIndexChanged.connect(lambda _i: self._template_changed())
        labelled(form, "&Template:", self.template_combo)
        self.body_edit = text_box(5, 9)
        labelled(form, "&Body of the reply:", self.body_edit)
        self.forwardable_edit = text_box(3, 6)
        labelled(form, "Reply for fo&rwarding:", self.forwardable_edit)
        # Lines the reply plan offers (a meeting asked for [CORR 2.4]): the drafter's choice, not forced.
        self.offered: tuple[str, ...] = ()
        self.offered_box = named(QCheckBox("Add the standard line on meeting in the lobby"))
        form.addRow("", self.offered_box)
        self.offered_box.hide()
        self.signatory_name = QLineEdit()
        self.signatory_name.setPlaceholderText("Who signs, e.g. Tariq Leader")
        labelled(form, "Signatory's na&me:", self.signatory_name)
        self.signatory_title = QLineEdit()
        self.signatory_title.setPlaceholderText("e.g. Minister of State for Immigration, or Team Leader, Asylum")
        labelled(form, "Signatory's &job title:", self.signatory_title)
        self.make_button = button("Make PDF and &Word", "Generate the reply and keep it with the letter")
        self.make_button.setAutoDefault(False)
        self.make_button.clicked.connect(self.generate)
        self.cancel_generate_button = button("Cancel", "Close this form without making a reply")
        self.cancel_generate_button.setAutoDefault(False)
        self.cancel_generate_button.clicked.connect(self.generate_box.hide)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.cancel_generate_button)
        buttons.addStretch(1)
        form.addRow("", buttons)

    # ------------------------------------------------------------- public API

    def show_letter(self, rec: LetterRecord) -> None:
        """The letter's documents (newest last); the form stays open with what was typed."""
        first = self.record is None or self.record.id != rec.id
        self.record = rec
        selected = self.selected()
        keep = self._keep if self._keep is not None else (selected.id if selected else None)
        self._keep = None
        self.model.set_items(rec.documents)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COLUMNS.index("File"),
                                                           self.table.horizontalHeader().ResizeMode.Stretch)
        row = next((r for r, d in enumerate(rec.documents) if d.id == keep), len(rec.documents) - 1)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(self.model.index(row, 0),
                                                        QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        may_generate = self.may_generate(rec)
        self.generate_button.setVisible(may_generate)
        if not may_generate or first:
            self.generate_box.hide()
        self._selection_changed()

    def set_offered(self, lines: tuple[str, ...]) -> None:
        """The standard lines the reply plan offers; ticked at first for a Ministerial reply, whose
        signatory the line speaks for [CORR 2.4]."""
        if lines != self.offered:
            self.offered_box.setChecked(self.record is not None and self.record.kind is LetterKind.MINISTERIAL)
        self.offered = tuple(lines)
        self.offered_box.setToolTip("\n".join(lines))
        self.offered_box.setVisible(bool(lines))

    def may_generate(self, rec: LetterRecord) -> bool:
        """Whether to offer the form; the service checks again (the unit's staff, Private Office)."""
        user = self._ctx.user
        if rec.state not in REPLY_STATES:
            return False
        if rec.case_owner == user.username or user.has(Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER):
            return True
        return user.has(Role.PRIVATE_OFFICE) and rec.kind is LetterKind.MINISTERIAL

    def selected(self) -> LetterDocumentRecord | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def view_selected(self) -> None:
        doc = self._chosen()
        if doc is None:
            return
        folder = self._copies_dir or opened_copies_dir()
        fetch = self._fetcher(doc)

        def work() -> Path:
            data = fetch()
            folder.mkdir(parents=True, exist_ok=True)
            remove_old_copies(folder)  # the copies carry personal data: .pdf and .docx alike
            # The id makes the name unique; a document never changes, so a copy already there is the same.
            target = folder / f"{doc.id}-{doc.filename}"
            if not target.exists():
                target.write_bytes(data)
            return target

        self._run(work, self._view, f"Opening {doc.filename}…")

    def save_selected(self) -> None:
        doc = self._chosen()
        if doc is None:
            return
        path = self._choose_save(self, doc.filename)
        if path is None:
            return
        path = Path(path)
        fetch = self._fetcher(doc)

        def work() -> Path:
            data = fetch()
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise ValidationError(f"cannot save {path.name}: {exc.strerror or exc}") from None
            return path

        def done(saved: Path) -> None:
            self.message.show_ok(f"Saved a copy as {saved}.")
            self.saved.emit(str(saved))

        self._run(work, done, f"Saving {doc.filename}…")

    def open_generate_form(self) -> None:
        rec = self.record
        if rec is None:
            return
        if not self.generate_box.isVisible():
            # The reply the letter's special case calls for (issue 15); the service refuses any other.
            default = next((t for t in rec.reply_templates if t in REPLY_TEMPLATES), "third_party")
            self.template_combo.setCurrentIndex(max(self.template_combo.findData(default), 0))
            self.body_edit.setPlainText(rec.draft)
            if not self.signatory_name.text() and rec.signed_by:
                self.signatory_name.setText(rec.signed_by)
            who = rec.signatory
            if not self.signatory_title.text() and who is not None and who.kind is not SignatoryKind.OFFICIAL:
                self.signatory_title.setText(who.who)  # "Minister for Immigration", "Chief Executive…"
            self._template_changed()
        self.generate_box.show()
        self.message.clear()
        tab_chain(self.generate_button, self.template_combo, self.body_edit, self.forwardable_edit,
                  self.offered_box, self.signatory_name, self.signatory_title, self.make_button, self.cancel_generate_button)
        self.template_combo.setFocus(Qt.OtherFocusReason)

    def generate(self) -> None:
        rec = self.record
        if rec is None or self.busy:
            return
        template = self.template_combo.currentData()
        body = self.body_edit.toPlainText() if self.body_edit.isEnabled() else None
        forwardable = self.forwardable_edit.toPlainText() if template in COMPANIONS else None
        name, title = self.signatory_name.text(), self.signatory_title.text()
        offered = self.offered if not self.offered_box.isHidden() and self.offered_box.isChecked() else ()
        letters, actor = self._ctx.services.letters, self._ctx.user
        work = lambda: letters.generate_reply(  # noqa: E731
            actor, rec.id, template=template, body=body, forwardable_body=forwardable,
            signatory_name=name, signatory_title=title, offered_lines=offered, expected_version=rec.version)

        def done(made: GeneratedReply) -> None:
            names = ", ".join(d.filename for d in made.documents)
            self.message.show_ok(f"Made and kept with the letter: {names}.")
            self.generate_box.hide()
            pdf = next((d for d in made.documents if d.filename.endswith(".pdf")), None)
            self._keep = pdf.id if pdf else None
            self.changed.emit()

        self._run(work, done, "Making the reply…")

    # ---------------------------------------------------------------- helpers

    def _template_changed(self) -> None:
        template = self.template_combo.currentData()
        # An MDL gets no substantive reply on an individual case: nothing to draft [CORR 4.4].
        self.body_edit.setEnabled(template != "mdl")
        # Only the "in confidence" reply has a companion, with its own text.
        self.generate_form.setRowVisible(self.forwardable_edit, template in COMPANIONS)
        self.forwardable_edit.setEnabled(template in COMPANIONS)

    def _chosen(self) -> LetterDocumentRecord | None:
        doc = self.selected()
        if doc is None:
            self.message.show_error("Select a document in the list first.")
        elif doc.purged:
            self.message.show_error(f"{doc.filename} was purged on {format_received(doc.purged_at)} "
                                    "(kept two years plus the current year): there is nothing to open.")
            return None
        return doc

    def _fetcher(self, doc: LetterDocumentRecord) -> Callable[[], bytes]:
        letters, actor = self._ctx.services.letters, self._ctx.user

        def fetch() -> bytes:
            found = letters.document(actor, doc.id)
            if found.data is None:
                raise ValidationError(f"{doc.filename} has been purged: there is nothing to open")
            return found.data
        return fetch

    def _view(self, path: Path) -> None:
        if not open_in_viewer(self._opener, path):
            self.message.show_error(f"No program could open {path.name}; it is saved as {path}.")
        else:
            self.message.show_ok(f"Opened {path.name} in its viewer.")
        self.opened.emit(str(path))

    def _run(self, work: Callable, done: Callable, busy_text: str) -> None:
        def finished(result) -> None:
            if self.closed:
                return
            self.busy = False
            self._selection_changed()
            done(result)

        def failed(exc: Exception) -> None:
            if self.closed:
                return
            self.busy = False
            self._selection_changed()
            self.message.show_error(error_text(exc))

        self.busy = True
        self._selection_changed()
        self.message.show_info(busy_text)
        self._ctx.runner.submit(work, finished, failed)

    def _selection_changed(self) -> None:
        doc = self.selected()
        usable = doc is not None and not doc.purged and not self.busy
        self.view_button.setEnabled(usable)
        self.save_button.setEnabled(usable)
        self.make_button.setEnabled(not self.busy)
