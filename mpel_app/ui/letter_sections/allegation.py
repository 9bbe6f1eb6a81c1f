"""An allegation letter [CORR 3.5]: passed to the unit that deals with it, by e-mail (outbox), and recorded.

Only then may the ``allegation`` reply be made, which gives no assurances.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from ...domain.correspondence.reply_plan import Category
from ..widgets import labelled, text_box
from .base import CaseView, StepSection


class AllegationSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Allegation: pass it on", "Pass t&o the unit",
                         "E-mail the allegation to the unit that deals with it [CORR 3.5]", parent)
        self.passed = QLabel()
        self.passed.setWordWrap(True)
        self.form.addRow(self.passed)
        self.unit_name = labelled(self.form, "Unit:", QLineEdit())
        self.unit_name.setPlaceholderText("e.g. Immigration Enforcement Intelligence")
        self.unit_email = labelled(self.form, "Unit's &e-mail:", QLineEdit())
        self.note = labelled(self.form, "Note fo&r the unit:", text_box(2, 4))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit() and case.facts.get("category") == Category.ALLEGATION.value

    def fill(self, case: CaseView) -> None:
        where = case.facts.get("allegation_unit") or ""
        self.passed.setText(f"Passed to {where}." if where else "Not passed on yet: the reply waits for it.")
        self.passed.setAccessibleName(self.passed.text())

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        name, email, note = self.unit_name.text(), self.unit_email.text(), self.note.toPlainText()
        self.run(lambda: letters.pass_allegation(user, rec.id, unit_name=name, unit_email=email, note=note,
                                                 expected_version=rec.version),
                 f"Passed to {name.strip()} by e-mail; the allegation reply can now be made.")
