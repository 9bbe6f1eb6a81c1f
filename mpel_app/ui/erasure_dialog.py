"""The erasure confirmation (issue 17): whose records go, what stays for the statistics, why it is refused.

Shown by the People's data view with the refusals the service found (``ErasureService.refusals``).  The
Erase button stays disabled while there is any refusal, and until the officer types the person's name as
shown: an erasure cannot be undone, so Enter alone never confirms it.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ..domain.data_rights import PersonMatch
from ..domain.text import fold
from .widgets import buddy_label, button, dialog_buttons, heading

KEPT = ("Kept for the league tables and the 30-second report: the records' references, dates and times, "
        "channel, status, region, unit, targets met, and the telephone calls. Everything else about the "
        "person goes for good: names, date of birth, nationality, Home Office reference, the case text, "
        "drafts, documents, e-mails in and out, name-search entries, and their values in the audit trail.")


class ErasureDialog(QDialog):
    def __init__(self, match: PersonMatch, refusals: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Erase a person")
        self.setAccessibleName("Erase a person")
        self._match = match
        born = f", born {match.date_of_birth:%d/%m/%Y}" if match.date_of_birth else ""
        title = heading(f"Erase {match.name}{born}?")
        records = QPlainTextEdit("\n".join(f"{r.label}  ({r.entity})" for r in match.records))
        records.setReadOnly(True)
        records.setAccessibleName("Records to erase")
        records.setMaximumHeight(90)
        kept = QLabel(KEPT)
        kept.setWordWrap(True)
        kept.setAccessibleName("What is kept and what goes")
        self.refusals = QLabel("Refused: " + "; ".join(refusals) if refusals else "")
        self.refusals.setWordWrap(True)
        self.refusals.setAccessibleName("Why the erasure is refused")
        self.refusals.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.refusals.setVisible(bool(refusals))
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(match.name)
        self.confirm.setEnabled(not refusals)
        self.erase_button = button("&Erase for good", "Erase the person's values from these records")
        self.erase_button.setEnabled(False)
        self.erase_button.clicked.connect(self.accept)
        cancel = button("Cancel", "Close without erasing")
        self.confirm.textChanged.connect(
            lambda text: self.erase_button.setEnabled(not refusals and fold(text) == fold(match.name)))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(buddy_label("&Records:", records))
        layout.addWidget(records)
        layout.addWidget(kept)
        layout.addWidget(self.refusals)
        layout.addWidget(buddy_label("&Type the person's name to confirm:", self.confirm))
        layout.addWidget(self.confirm)
        layout.addWidget(dialog_buttons(self, self.erase_button, cancel))
        self.erase_button.setDefault(False)  # Enter in the name box must not erase
        self.resize(560, 420)
        (self.confirm if not refusals else cancel).setFocus()
