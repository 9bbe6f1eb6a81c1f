"""Help for the drafter [ASY]: contributions commissioned with due dates, and a warning that the reply will be late.

A contribution is asked for by e-mail (outbox) and due no later than the
unit deadline; the list shows each, overdue ones marked (the case view's
warnings chase them too); an answer is recorded when it comes.  The case
owner (or whoever covers them) warns the unit's senior caseworkers and
workflow managers of a delay.
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from ...domain.records import Role
from ..models import format_date
from ..widgets import button, labelled, text_box
from .base import CaseView, StepSection, date_edit


class ContributionsSection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "Contributions from colleagues", "&Ask for a contribution",
                         "E-mail a colleague for a contribution, due by the date given [ASY]", parent)
        self.listing = QLabel()
        self.listing.setWordWrap(True)
        self.form.addRow(self.listing)
        self.who = labelled(self.form, "Colleague's name:", QLineEdit())
        self.email = labelled(self.form, "Colleague's e-mail:", QLineEdit())
        self.question = labelled(self.form, "What you need:", text_box(2, 4))
        self.due = labelled(self.form, "Due by:", date_edit(self.today() + timedelta(days=3)))
        self.pending = labelled(self.form, "Contribution received:", QComboBox())
        self.answer = labelled(self.form, "The contribution's text:", text_box(2, 4))
        self.received = button("Recor&d it as received", "Keep the contribution's text with the letter",
                               auto_default=True)
        self.received.clicked.connect(self.receive)
        self.finish_form(self.received)

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit()

    def fill(self, case: CaseView) -> None:
        lines = [f"{c.contributor_name}: due {format_date(c.due_on)}"
                 + (" — received" if c.received_at else " — OVERDUE" if c.overdue else " — awaited")
                 for c in case.contributions]
        self.listing.setText("\n".join(lines) or "None asked for yet.")
        self.listing.setAccessibleName("Contributions: " + ("; ".join(lines) or "none"))
        self.pending.clear()
        for c in case.contributions:
            if c.received_at is None:
                self.pending.addItem(f"{c.contributor_name} (due {format_date(c.due_on)})", c.id)
        self.received.setEnabled(self.pending.count() > 0)

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        values = dict(contributor_name=self.who.text(), contributor_email=self.email.text(),
                      question=self.question.toPlainText(), due_on=self.due.date().toPython())
        self.run(lambda: letters.commission_contribution(user, rec.id, **values),
                 lambda c: f"Asked {c.contributor_name} by e-mail; due {format_date(c.due_on)}.")

    def receive(self) -> None:
        letters, user = self.letters, self.user
        chosen, answer = self.pending.currentData(), self.answer.toPlainText()
        if chosen is None:
            return
        self.run(lambda: letters.contribution_received(user, chosen, answer=answer),
                 lambda c: f"{c.contributor_name}'s contribution is recorded.")


class DelaySection(StepSection):
    def __init__(self, ctx, parent=None):
        super().__init__(ctx, "The reply will be late", "&Warn of the delay",
                         "E-mail the unit's senior caseworkers and workflow managers [ASY]", parent)
        self.reason = labelled(self.form, "Why:", text_box(2, 4))
        self.expected = labelled(self.form, "Reply expected by:", date_edit(self.today() + timedelta(days=7)))
        self.finish_form()

    def applies(self, case: CaseView) -> bool:
        return case.open and case.in_unit() and self.user.has(Role.CASE_OWNER, Role.SENIOR_CASEWORKER) \
            and case.record.case_owner is not None

    def submit(self) -> None:
        rec, letters, user = self.case.record, self.letters, self.user
        reason, day = self.reason.toPlainText(), self.expected.date().toPython()
        self.run(lambda: letters.warn_of_delay(user, rec.id, reason=reason, expected_on=day),
                 lambda n: f"Warned {n} {'person' if n == 1 else 'people'} by e-mail.")
