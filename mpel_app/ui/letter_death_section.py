"""The "Record the death" section of the deceased-Member dialog (issue 15, [CORR 5.1]).

MPCS records the date of death, the by-election once held, and whoever has
taken on the late Member's casework meanwhile
(``CorrespondenceService.record_member_status``).  The service then tells each
drafting unit holding the Member's letters which to review, and every reply
produced afterwards is addressed as the guidance says.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from ..domain.calendar import LONDON
from ..domain.records import MemberRecord
from .context import DeskContext
from .letter_sections.base import date_edit
from .widgets import MessageLabel, button, error_text, labelled, named


class DeathSection(QGroupBox):
    recorded = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__("Record the death", parent)
        self._ctx = ctx
        self.member: MemberRecord | None = None
        today = ctx.services.clock.now().astimezone(LONDON).date()
        form = QFormLayout(self)
        self.died_on = labelled(form, "Date of &death:", date_edit(today))
        self.by_election_held = named(QCheckBox("The &by-election has been held"))
        form.addRow("", self.by_election_held)
        self.by_election_on = labelled(form, "By-election &on:", date_edit(today))
        self.by_election_on.setEnabled(False)
        self.by_election_held.toggled.connect(self.by_election_on.setEnabled)
        self.interim_handler = labelled(form, "Casework &taken on by:", QLineEdit())
        self.interim_handler.setPlaceholderText("A neighbouring Member or office staff, if any")
        self.record_button = button("&Record", "Record the death; the drafting units are told by e-mail")
        self.record_button.clicked.connect(self.record)
        self.message = MessageLabel()
        form.addRow("", self.record_button)
        form.addRow(self.message)
        self.set_member(None)

    def set_member(self, member: MemberRecord | None) -> None:
        self.member = member
        self.setEnabled(member is not None)

    def widgets(self) -> tuple[QWidget, ...]:
        """In tab order, for the dialog's chain."""
        return (self.died_on, self.by_election_held, self.by_election_on, self.interim_handler, self.record_button)

    def record(self) -> None:
        member, ctx = self.member, self._ctx
        if member is None:
            return
        fields = dict(died_on=self.died_on.date().toPython(), interim_handler=self.interim_handler.text(),
                      by_election_on=self.by_election_on.date().toPython() if self.by_election_held.isChecked()
                      else None)
        self.record_button.setEnabled(False)

        def done(_result) -> None:
            self.record_button.setEnabled(True)
            self.message.show_info(f"Recorded for {member.display_name}; the drafting units holding their letters "
                                   "have been told.")
            self.recorded.emit()

        def failed(exc: Exception) -> None:
            self.record_button.setEnabled(True)
            self.message.show_error(error_text(exc))

        ctx.runner.submit(lambda: ctx.services.letters.record_member_status(ctx.user, member.id, **fields),
                          done, failed, owner=self)
