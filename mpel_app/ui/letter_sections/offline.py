"""MPCS checks in what an off-line unit sent back through "MPCS CTS Offline Management" [ASY].

An approved Ministerial draft comes back in Word (.docx) and goes on to the
Private Office; a signed and issued Official reply comes back scanned (PDF)
and closes the case (``domain.correspondence.offline`` says which, and the
field's hint says it for the letter shown).  This section is where that
lifecycle action (``check_in_offline``) is done, so the case view's action
row leaves it out.
"""
from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ...domain.correspondence import LetterAction
from ...domain.correspondence.offline import OFFLINE_ROUTE, offline_return
from ..widgets import labelled
from .base import CaseView, StepSection
from .files import read_file


class OfflineSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Off-line unit: check in the reply", "Chec&k in the reply",
                         "Check in the approved draft or signed reply the off-line unit sent back", parent)
        self.path = labelled(self.form, "File sent &back:", QLineEdit())
        self.approved_by = labelled(self.form, "Approved or si&gned by:", QLineEdit())
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return LetterAction.CHECK_IN_OFFLINE in case.record.allowed_actions

    def fill(self, case: CaseView) -> None:
        back = offline_return(case.record.kind)
        hint = f"Path of {back.described}, from {OFFLINE_ROUTE}"
        self.path.setPlaceholderText(hint)
        self.path.setAccessibleDescription(hint)
        self.go.setToolTip(f"Check in {back.described}")

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        path, approved = self.path.text(), self.approved_by.text()
        which = offline_return(rec.kind).described

        def work():
            data, name = read_file(path, "reply", which)
            return letters.check_in_offline_reply(user, rec.id, document=data, filename=name,
                                                  approved_by=approved, expected_version=rec.version)
        self.run(work, lambda r: f"Checked in; the letter is now {r.state.label.lower()}.")
