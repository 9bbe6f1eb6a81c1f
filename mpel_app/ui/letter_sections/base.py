"""What every "Special handling" section shares: a titled form, a message line, and one service call at a time.

``StepSection.show_case(case)`` shows or hides the section for the letter
(``applies``) and refills it (``fill``); ``run(work, ok_text)`` calls the
service off the UI thread (TaskRunner, owner the section) with the version
of the letter the person saw, says what happened, and emits ``changed`` so
the case view reads the letter again.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QWidget

from ...domain.calendar import LONDON
from ...domain.correspondence.reply_plan import ReplyPlan
from ...domain.letter_records import LetterRecord
from ...domain.records import Role
from ..context import DeskContext
from ..widgets import MessageLabel, button, error_text

UNIT_ROLES = (Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER)


@dataclass(frozen=True)
class CaseView:
    """One load of the letter for the sections: the record, its special facts, its plan, its contributions."""

    record: LetterRecord
    facts: dict
    plan: ReplyPlan | None
    contributions: tuple = ()
    my_units: frozenset[str] = field(default_factory=frozenset)

    @property
    def open(self) -> bool:
        return self.record.state.value not in ("dispatched", "cancelled")

    def in_unit(self) -> bool:
        """The person works in the unit holding the letter (the service checks again)."""
        return bool(self.record.unit_code) and self.record.unit_code in self.my_units


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


class StepSection(QGroupBox):
    """A titled form with one action button (``self.go``) and a message line."""

    changed = Signal()

    def __init__(self, ctx: DeskContext, title: str, go_text: str, go_tip: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self._ctx = ctx
        self.case: CaseView | None = None
        self.busy = False
        self.form = QFormLayout(self)
        self.go = button(go_text, go_tip, auto_default=True)
        self.go.clicked.connect(self.submit)
        self.message = MessageLabel(f"{title}: message")

    def finish_form(self, *extra_buttons) -> None:
        row = QHBoxLayout()
        row.addWidget(self.go)
        for b in extra_buttons:
            row.addWidget(b)
        row.addStretch(1)
        self.form.addRow("", row)
        self.form.addRow(self.message)

    def today(self) -> date:
        return self._ctx.services.clock.now().astimezone(LONDON).date()

    def show_case(self, case: CaseView) -> None:
        self.case = case
        shown = self.applies(case)
        self.setVisible(shown)
        if shown:
            self.fill(case)

    def applies(self, case: CaseView) -> bool:  # pragma: no cover - every section says
        raise NotImplementedError

    def fill(self, case: CaseView) -> None:
        """Refill the fields from the letter; by default what was typed stays."""

    def submit(self) -> None:  # pragma: no cover - every section says
        raise NotImplementedError

    def run(self, work: Callable[[], object], ok_text: Callable[[object], str] | str) -> None:
        if self.busy or self.case is None:
            return

        def done(result) -> None:
            self.busy = False
            self.go.setEnabled(True)
            self.message.show_ok(ok_text(result) if callable(ok_text) else ok_text)
            self.changed.emit()

        def failed(exc: Exception) -> None:
            self.busy = False
            self.go.setEnabled(True)
            self.message.show_error(error_text(exc))

        self.busy = True
        self.go.setEnabled(False)
        self.message.show_info("Saving…")
        self._ctx.runner.submit(work, done, failed, owner=self)

    @property
    def letters(self):
        return self._ctx.services.letters

    @property
    def user(self):
        return self._ctx.user
