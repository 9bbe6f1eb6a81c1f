"""Deleting a call record: "are you sure, and why?" (the record window's Delete…).

Deletion is a soft delete with a reason kept in the audit trail, limited to
team leaders and administrators (domain-rules §2); the service checks again.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..services.enquiries import MIN_DELETION_REASON
from .widgets import MessageLabel, button, dialog_buttons, error_text, heading, labelled

class DeleteDialog(QDialog):
    """Are you sure, and why? Yes stays disabled until a reason is given."""

    confirmed = Signal(str)

    def __init__(self, reference: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Delete record")
        question = heading(f"Delete record {reference}?", 3)
        explain = QLabel("The record will no longer show in searches or queues. It is kept, with this "
                         "reason, in the audit trail.")
        explain.setWordWrap(True)
        form = QFormLayout()
        self.reason = labelled(form, "&Reason for deleting:", QLineEdit())
        self.reason.setMaxLength(500)
        self.reason.setPlaceholderText("e.g. logged twice; duplicate of MPH000122")
        self.message = MessageLabel()
        self.yes_button = button("&Yes, delete")
        self.no_button = button("&No, keep it")
        self.yes_button.setEnabled(False)
        buttons = dialog_buttons(self, self.yes_button, self.no_button)
        self.yes_button.clicked.connect(self._confirm)
        self.reason.textChanged.connect(
            lambda text: self.yes_button.setEnabled(len(text.strip()) >= MIN_DELETION_REASON))
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(explain)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self.reason.setFocus()

    def _confirm(self) -> None:
        reason = self.reason.text().strip()
        if len(reason) < MIN_DELETION_REASON:
            self.message.show_error("Give the reason for deleting this record.")
            return
        self.yes_button.setEnabled(False)
        self.message.show_info("Deleting…")
        self.confirmed.emit(reason)

    def failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
        self.yes_button.setEnabled(True)
        self.reason.setFocus()
