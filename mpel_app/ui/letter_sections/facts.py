"""What kind of letter it is and what it asks, recorded or corrected after registration (issue 15).

The category (case, policy, support [CORR 3.4], allegation [CORR 3.5],
family member or sponsor [CORR 3.2], an MDL challenging the policy
[CORR 4.5]) and the marks: an FOI request (the Information Access Team is
told at once [CORR 5.2]), FOI only, a Welsh reply asked for and the letter in
Welsh [CORR 5.3], a meeting asked for [CORR 2.4], an intervention against
removal and the general-election facts [CORR 5.4].  ``record_letter_facts``
returns the new reply plan; the case view shows it under *Warnings*.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox

from ...domain.correspondence.reply_plan import Category
from ...domain.records import Role
from ..widgets import labelled, named
from .base import CaseView, StepSection

MARKS = (
    ("foi", "Contains an FOI request (the Information Access Team is told)"),
    ("foi_only", "Only an FOI request (no other points)"),
    ("welsh_requested", "A Welsh reply is asked for"),
    ("letter_in_welsh", "The letter is in Welsh"),
    ("meeting_requested", "Asks for a meeting"),
    ("against_removal", "Intervenes against removal"),
    ("raised_before", "The writer raised this case before (election)"),
    ("answers_earlier_request", "Answers our request for further particulars"),
)


class LetterFactsSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "What kind of letter", "Record what the letter i&s",
                         "Save the kind of letter and what it asks; the reply plan follows", parent)
        self.category = QComboBox()
        for category in Category:
            self.category.addItem(category.label, category.value)
        labelled(self.form, "Letter t&ype:", self.category)
        self.marks: dict[str, QCheckBox] = {}
        for name, text in MARKS:
            self.marks[name] = box = named(QCheckBox(text))
            self.form.addRow("", box)
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and (self.user.has(Role.MPCS_ALLOCATOR) or case.in_unit())

    def fill(self, case: CaseView) -> None:
        self.category.setCurrentIndex(max(self.category.findData(case.facts.get("category", "case")), 0))
        for name, box in self.marks.items():
            box.setChecked(bool(case.facts.get(name)))

    def values(self) -> dict[str, object]:
        return {"category": self.category.currentData(),
                **{name: box.isChecked() for name, box in self.marks.items()}}

    def submit(self) -> None:
        rec, values, letters, user = self.case.record, self.values(), self.letters, self.user
        self.run(lambda: letters.record_letter_facts(user, rec.id, expected_version=rec.version, **values),
                 "Recorded. The reply plan and the warnings above follow it.")
