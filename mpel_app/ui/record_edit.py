"""Correcting a call record's details ("Edit details…", Alt+E, in the record window).

The subject, question and answer of a record still open or waiting for the
team leader.  It saves with the version the record window loaded; when
someone else saved the record since, the save is refused and the dialog says
who changed what and when, keeps everything typed on screen, and offers
"Reload, keeping my text": their change comes into the fields the person had
not touched, and their own text stays where they had typed (``domain.edits``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ..domain.edits import merge_edits
from ..domain.errors import StaleRecord
from ..domain.records import EnquiryRecord, SubjectDetails
from .audit_text import conflict_text
from .call.typed import parse_dob
from .context import DeskContext
from .enquiry_edits import detail_values, editable, reload_message
from .models import STATUS_LABELS
from .widgets import (MessageLabel, button, dialog_buttons, error_text, heading, labelled, named, tab_chain,
                      text_box)

# The details "Edit details" changes, in form order (keys as in ``enquiry_edits``).
_DETAIL_LABELS = {
    "subject_name": "&Name:", "dob": "Date of &birth:", "nationality": "Na&tionality:",
    "ho_reference": "&Home Office reference:", "cts_reference": "&CTS reference:", "question": "&Question:",
    "answer": "&Answer given:",
}
WRITTEN_LABEL = "&Written confirmation requested"


class DetailsDialog(QDialog):
    """Correct the subject, question and answer of one record, saved against the version it started from."""

    saved = Signal(object)  # the EnquiryRecord as saved
    conflict_shown = Signal()
    reloaded = Signal()

    def __init__(self, ctx: DeskContext, record: EnquiryRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.record = record
        self._base = detail_values(record)  # what the person started from: the merge's common ancestor
        self.stale: StaleRecord | None = None
        self.setWindowTitle(f"Edit details of {record.reference} — MPEL Desk")
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        for key, label in _DETAIL_LABELS.items():
            widget = text_box(4, 8) if key in ("question", "answer") else QLineEdit()
            self.fields[key] = labelled(form, label, widget)
        self.fields["dob"].setPlaceholderText("dd/mm/yyyy")
        self.written = named(QCheckBox(WRITTEN_LABEL))
        form.addRow(self.written)
        self.message = MessageLabel()
        self.reload_button = button("&Reload, keeping my text",
                                    "Read the record again: their change comes in, what you typed stays")
        self.reload_button.clicked.connect(self.reload)
        self.reload_button.hide()
        self.save_button = button("&Save", "Save the details (Ctrl+S)")
        self.cancel_button = button("Cancel", "Close without saving (Esc)")
        self.save_button.clicked.connect(self.save)
        buttons = dialog_buttons(self, self.save_button, self.cancel_button)
        QShortcut(QKeySequence.Save, self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"Edit details of {record.reference}", 3))
        layout.addWidget(self.message)
        layout.addWidget(self.reload_button, 0, Qt.AlignLeft)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(620)
        self._fill(self._base)
        tab_chain(*self.fields.values(), self.written, self.save_button, self.cancel_button)
        self.fields["subject_name"].setFocus()

    # ---------------------------------------------------------------- values

    def values(self) -> dict[str, object]:
        """What the form holds now, in the shape of ``detail_values``."""
        found: dict[str, object] = {key: (w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text())
                                    for key, w in self.fields.items()}
        found["written_confirmation"] = self.written.isChecked()
        return found

    def _fill(self, values: dict[str, object]) -> None:
        for key, widget in self.fields.items():
            text = str(values.get(key) or "")
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(text)
            else:
                widget.setText(text)
                widget.setCursorPosition(0)
        self.written.setChecked(bool(values.get("written_confirmation")))

    # ------------------------------------------------------------------ save

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        values = self.values()
        try:
            dob = parse_dob(str(values["dob"]))
        except ValueError as exc:
            self.message.show_error(str(exc))
            self.fields["dob"].setFocus()
            return
        subject = SubjectDetails(name=str(values["subject_name"]), date_of_birth=dob,
                                 nationality=str(values["nationality"]), ho_reference=str(values["ho_reference"]),
                                 cts_reference=str(values["cts_reference"]))
        question, answer, written = str(values["question"]), str(values["answer"]), bool(values["written_confirmation"])
        services, user, rec = self._ctx.services, self._ctx.user, self.record

        def work() -> EnquiryRecord:
            return services.enquiries.update_details(user, rec.id, subject=subject, question=question, answer=answer,
                                                     written_confirmation=written, expected_version=rec.version)

        self.save_button.setEnabled(False)
        self.message.show_info(f"Saving {rec.reference}…")
        self._ctx.runner.submit(work, self._saved, self._save_failed)

    def _saved(self, record: EnquiryRecord) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()

    def _save_failed(self, exc: Exception) -> None:
        if isinstance(exc, StaleRecord):
            self._show_conflict(exc)
            return
        self.save_button.setEnabled(True)
        self.message.show_error(error_text(exc))

    def _show_conflict(self, stale: StaleRecord) -> None:
        # Saving again would be refused the same way: the way on is to reload.
        self.stale = stale
        self.message.show_error(conflict_text(stale, members=self._members()))
        self.reload_button.show()
        self.reload_button.setEnabled(True)
        self.reload_button.setFocus()
        self.conflict_shown.emit()

    def _members(self) -> dict[int, str]:
        member = self.record.member
        return {member.id: member.display_name} if member else {}

    # ---------------------------------------------------------------- reload

    def reload(self) -> None:
        services, user, enquiry_id = self._ctx.services, self._ctx.user, self.record.id
        self.reload_button.setEnabled(False)
        self.message.show_info(f"Reloading {self.record.reference}…")
        self._ctx.runner.submit(lambda: services.enquiries.get(user, enquiry_id), self._reloaded,
                                self._reload_failed)

    def _reload_failed(self, exc: Exception) -> None:
        self.reload_button.setEnabled(True)
        self.message.show_error(f"Could not reload: {error_text(exc)} What you typed is still here.")

    def _reloaded(self, fresh: EnquiryRecord) -> None:
        self.reload_button.hide()
        self.record = fresh
        if not editable(fresh):
            status = "deleted" if fresh.deleted else STATUS_LABELS.get(fresh.status, fresh.status.value).lower()
            why = "its passcode is no longer verified" if not fresh.passcode_verified else f"it is now {status}"
            self.message.show_error(f"{fresh.reference} can no longer be edited here: {why}. What you typed is "
                                    "still on screen, to copy where it belongs.")
            self.cancel_button.setFocus()
            self.reloaded.emit()
            return
        theirs = detail_values(fresh)
        merged = merge_edits(self._base, self.values(), theirs)
        self._fill(merged.values)
        self.message.show_info(reload_message(fresh.reference, self._base, theirs, merged))
        self._base = theirs
        self.save_button.setEnabled(True)
        first = next(iter(merged.clashes or merged.kept_mine), None)
        (self.fields[first] if first in self.fields else self.save_button).setFocus()
        self.reloaded.emit()
