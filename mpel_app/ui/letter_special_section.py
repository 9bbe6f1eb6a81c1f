"""The register dialog's "What kind of letter" section (issue 15): the special cases MPCS sees on arrival.

The kind of letter (a case, policy, support, an allegation, a family member
or sponsor, an MDL challenging the policy) and what it asks (FOI only, in
Welsh, a meeting, against removal, a case the writer raised before, an
answer to our earlier request).  ``values()`` gives them as the keyword
arguments ``CorrespondenceService.register`` takes; the service decides
what each means for the reply (``domain.correspondence.reply_plan``).
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QWidget

from ..domain.correspondence.reply_plan import Category
from .widgets import labelled, named

# (keyword, visible text); the mnemonics avoid the register dialog's own.
FLAGS = (
    ("foi_only", "Only an FOI request (no other points)"),
    ("letter_in_welsh", "The letter is in Welsh"),
    ("meeting_requested", "Asks for a meeting"),
    ("against_removal", "Intervenes against removal"),
    ("raised_before", "The writer raised this case before (election)"),
    ("answers_earlier_request", "Answers our request for further particulars"),
)


class LetterKindSection(QGroupBox):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("What kind of letter", parent)
        form = QFormLayout(self)
        self.category = QComboBox()
        for category in Category:
            self.category.addItem(category.label, category.value)
        labelled(form, "Letter t&ype:", self.category)
        self.flags: dict[str, QCheckBox] = {}
        for name, text in FLAGS:
            box = named(QCheckBox(text))
            self.flags[name] = box
            form.addRow("", box)

    def values(self) -> dict[str, object]:
        """Only what differs from an ordinary case letter, so that a plain letter records nothing extra."""
        values: dict[str, object] = {name: True for name, box in self.flags.items() if box.isChecked()}
        if self.category.currentData() != Category.CASE.value:
            values["category"] = self.category.currentData()
        return values

    def clear(self) -> None:
        self.category.setCurrentIndex(0)
        for box in self.flags.values():
            box.setChecked(False)
