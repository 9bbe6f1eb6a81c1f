"""A Member asks to meet on policy [CORR 2.4]: the drafting unit refers it to the Private Office (outbox).

On an individual case the standard lobby line is offered in the reply form
instead (``letter_documents``).  Once referred, the section says when (the
letter keeps it) and the referral cannot be sent twice.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ...domain.calendar import LONDON
from ...domain.correspondence.reply_plan import Category
from ..widgets import labelled, text_box
from .base import CaseView, StepSection


class MeetingSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Meeting on policy", "R&efer to the Private Office",
                         "E-mail the Private Office that the Member asks to meet on policy [CORR 2.4]", parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.form.addRow(self.status)
        self.note = labelled(self.form, "&Note for the Private Office:", text_box(2, 4))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return (case.open and case.in_unit() and bool(case.facts.get("meeting_requested"))
                and not Category(case.facts.get("category", "case")).individual_case)

    def fill(self, case: CaseView) -> None:
        referred = case.facts.get("meeting_referred_at")
        self.status.setText(f"Referred to the Private Office on {referred.astimezone(LONDON):%d %B %Y at %H:%M}."
                            if referred else "Not yet referred: the reply to the Member will not answer it.")
        self.status.setAccessibleName(self.status.text())
        self.go.setEnabled(not referred and not self.busy)
        self.note.setEnabled(not referred)

    def submit(self) -> None:
        rec, letters, user, note = self.case.record, self.letters, self.user, self.note.toPlainText()
        self.run(lambda: letters.refer_meeting_to_private_office(user, rec.id, note=note,
                                                                 expected_version=rec.version),
                 "Referred to the Private Office by e-mail.")
