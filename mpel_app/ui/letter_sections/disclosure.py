"""A family member or sponsor [CORR 3.2]: the three conditions for limited disclosure, recorded on the letter.

Until all three are recorded as met only the third-party reply can be made;
no letter ever prints the applicant's address.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from ...domain.correspondence.reply_plan import DISCLOSURE_CONDITIONS, Category
from ..widgets import named
from .base import CaseView, StepSection


class DisclosureSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Family member or sponsor: limited disclosure", "Record the &conditions",
                         "Record which conditions for limited disclosure are met [CORR 3.2]", parent)
        self.conditions: dict[str, QCheckBox] = {}
        for key, text in DISCLOSURE_CONDITIONS.items():
            self.conditions[key] = box = named(QCheckBox(text[:1].upper() + text[1:]))
            self.form.addRow("", box)
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit() and case.facts.get("category") == Category.FAMILY_SPONSOR.value

    def fill(self, case: CaseView) -> None:
        for key, box in self.conditions.items():
            box.setChecked(case.facts.get(key) is True)

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        given = {k: b.isChecked() for k, b in self.conditions.items()}

        def said(plan) -> str:
            if plan.unmet_conditions:
                return "Recorded. Still unmet: " + "; ".join(plan.unmet_conditions) + "."
            return "Recorded: every condition is met, so the reply may disclose what the guidance allows."
        self.run(lambda: letters.record_disclosure_conditions(user, rec.id, expected_version=rec.version, **given),
                 said)
