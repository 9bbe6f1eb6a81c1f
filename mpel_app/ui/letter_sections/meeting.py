"""A Member asks to meet on policy [CORR 2.4]: the drafting unit refers it to the Private Office (outbox).

On an individual case the standard lobby line is offered in the reply form
instead (``letter_documents``).
"""
from __future__ import annotations

from ...domain.correspondence.reply_plan import Category
from ..widgets import labelled, text_box
from .base import CaseView, StepSection


class MeetingSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Meeting on policy", "&Refer to the Private Office",
                         "E-mail the Private Office that the Member asks to meet on policy [CORR 2.4]", parent)
        self.note = labelled(self.form, "&Note for the Private Office:", text_box(2, 4))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return (case.open and case.in_unit() and bool(case.facts.get("meeting_requested"))
                and not Category(case.facts.get("category", "case")).individual_case)

    def submit(self) -> None:
        rec, letters, user, note = self.case.record, self.letters, self.user, self.note.toPlainText()
        self.run(lambda: letters.refer_meeting_to_private_office(user, rec.id, note=note,
                                                                 expected_version=rec.version),
                 "Referred to the Private Office by e-mail.")
