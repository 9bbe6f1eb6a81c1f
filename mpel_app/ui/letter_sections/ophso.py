"""An OPHSO enquiry where we got it wrong [ASY]: the written apologies made, the consult recorded.

A senior caseworker of the unit words the error for the applicant, names the
representative, and says whom the consolatory payment was discussed with;
``record_ophso_remedy`` makes both apologies (PDF and Word, on the
Documents tab).
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from ...domain.records import Role
from ..widgets import labelled, named, text_box
from .base import CaseView, StepSection


class OphsoSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "OPHSO: an error found", "&Make the apologies",
                         "Make the written apologies to the applicant and the representative, and record them",
                         parent)
        self.error = labelled(self.form, "What went &wrong (for the applicant):", text_box(3, 6))
        self.representative = labelled(self.form, "Re&presentative:", QLineEdit())
        self.representative.setPlaceholderText("e.g. Ms Jo Solicitor")
        self.to_applicant = named(QCheckBox("Apologise in writing to the applicant"))
        self.to_representative = named(QCheckBox("Apologise in writing to the representative"))
        for box in (self.to_applicant, self.to_representative):
            box.setChecked(True)
            self.form.addRow("", box)
        self.consulted = labelled(self.form, "Consolatory payment &discussed with:", QLineEdit())
        self.consulted.setPlaceholderText("e.g. UKBA Briefing and Complaints Unit, if they consulted you")
        self.title_edit = labelled(self.form, "Your &job title:", QLineEdit())
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return bool(case.facts.get("ophso")) and case.in_unit() and self.user.has(Role.SENIOR_CASEWORKER)

    def fill(self, case: CaseView) -> None:
        if not self.title_edit.text():
            self.title_edit.setText(f"Senior Caseworker, {case.record.unit_code}")

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        values = dict(error_found=self.error.toPlainText(), representative_name=self.representative.text(),
                      apology_to_applicant=self.to_applicant.isChecked(),
                      apology_to_representative=self.to_representative.isChecked(),
                      consolatory_payment_consulted=self.consulted.text(), signatory_title=self.title_edit.text())
        self.run(lambda: letters.record_ophso_remedy(user, rec.id, expected_version=rec.version, **values),
                 lambda made: f"Made {len(made.documents)} documents (Documents tab): the apologies, PDF and Word.")
