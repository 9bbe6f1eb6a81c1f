"""Removal, expediting and interim replies: what the drafting unit records besides the reply.

- the barrier to removal lifted before replying, when the Member supports an
  imminent removal (workflow manager or team leader) [CORR 2.2];
- a case expedited on the Member's letter, with its audit note [CORR 2.1];
- an interim reply, only with MPCS's advice [CORR 1.5].
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLineEdit

from ...domain.records import Role
from ..widgets import labelled, named, text_box
from .base import CaseView, StepSection, date_edit


class BarrierSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Barrier to removal", "Lift the &barrier",
                         "Lift the barrier before replying: the Member supports an imminent removal [CORR 2.2]",
                         parent)
        self.supports = named(QCheckBox("The Member supports the removal"))
        self.form.addRow("", self.supports)
        self.removal_on = labelled(self.form, "Removal o&n:", date_edit(self.today()))
        self.reason = labelled(self.form, "Reason:", QLineEdit())
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return (case.open and case.in_unit() and case.facts.get("barrier_to_removal") is True
                and self.user.has(Role.WORKFLOW_MANAGER, Role.UNIT_TEAM_LEADER))

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        supports, day, reason = self.supports.isChecked(), self.removal_on.date().toPython(), self.reason.text()
        self.run(lambda: letters.lift_barrier_to_removal(user, rec.id, member_supports_removal=supports,
                                                         removal_on=day, reason=reason,
                                                         expected_version=rec.version),
                 "The barrier is lifted and recorded; reply before the removal date.")


class ExpediteSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Expedited on the Member's letter", "Record the e&xpediting",
                         "The audit note the guidance asks for [CORR 2.1]", parent)
        self.intervention = labelled(self.form, "Nature of the intervention:", QLineEdit())
        self.reason = labelled(self.form, "Reason for expediting:", QLineEdit())
        self.decisions = labelled(self.form, "Decisions taken:", text_box(2, 4))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit()

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        values = dict(intervention=self.intervention.text(), reason=self.reason.text(),
                      decisions=self.decisions.toPlainText())
        self.run(lambda: letters.record_expedited(user, rec.id, expected_version=rec.version, **values),
                 "The expediting is recorded in the case's audit trail.")


class InterimSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Interim reply", "Record the interi&m reply",
                         "An interim reply is sent only on MPCS's advice [CORR 1.5]", parent)
        self.advice = labelled(self.form, "MPCS's advice:", QLineEdit())
        self.advice.setPlaceholderText("Who at MPCS advised it, and when")
        self.summary = labelled(self.form, "What it told the Member:", text_box(2, 4))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit()

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        advice, summary = self.advice.text(), self.summary.toPlainText()
        self.run(lambda: letters.record_interim_reply(user, rec.id, mpcs_advice=advice, summary=summary,
                                                      expected_version=rec.version),
                 "The interim reply is recorded.")
