"""MPCS checks in what an off-line unit sent back through "MPCS CTS Offline Management" [ASY].

An approved Ministerial draft goes on to the Private Office; a signed and
issued Official reply closes the case.  This section is where that lifecycle
action (``check_in_offline``) is done, so the case view's action row leaves
it out.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ...domain.correspondence import LetterAction
from ..widgets import labelled
from .base import CaseView, StepSection
from .files import read_pdf


class OfflineSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Off-line unit: check in the reply", "Check &in the reply",
                         "Check in the approved draft or signed reply the off-line unit sent back", parent)
        self.path = labelled(self.form, "Reply sent back (PDF &file):", QLineEdit())
        self.path.setPlaceholderText("Path of the PDF from MPCS CTS Offline Management")
        self.approved_by = labelled(self.form, "Approved or si&gned by:", QLineEdit())
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return LetterAction.CHECK_IN_OFFLINE in case.record.allowed_actions

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        path, approved = self.path.text(), self.approved_by.text()

        def work():
            data, name = read_pdf(path, "reply")
            return letters.check_in_offline_reply(user, rec.id, pdf=data, filename=name, approved_by=approved,
                                                  expected_version=rec.version)
        self.run(work, lambda r: f"Checked in; the letter is now {r.state.label.lower()}.")
