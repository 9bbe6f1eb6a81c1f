"""What happened to a Member (issue 15), recorded by MPCS: the general-election result [CORR 5.4] and an MDL
who is also an MP or a devolved Minister [CORR 4.1].

``MemberStatusDialog(ctx)``: pick the Member, see what is recorded
(``member_status``), change it (``record_member_status``).  The reply plan of
every letter of theirs follows: a returned candidate is answered
substantively, an unsuccessful one's outstanding letters as a third party; an
MDL who is an MP or a devolved Minister gets a full reply.  A death is
recorded in the "Deceased Member" dialog.
"""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from ..domain.records import MemberRecord
from .context import DeskContext
from .member_picker import MemberPicker
from .widgets import MessageLabel, button, dialog_buttons, error_text, heading, labelled, named, tab_chain

STATUS_SHORTCUT = "Ctrl+Shift+M"
OUTCOMES = (("Not recorded (no election, or not yet known)", None), ("Returned at the election", "returned"),
            ("Not returned at the election", "not_returned"))


class MemberStatusDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.member: MemberRecord | None = None
        self.setWindowTitle("A Member's status")
        self.picker = MemberPicker(ctx)
        form = QFormLayout()
        labelled(form, "&Member:", self.picker, self.picker.edit)
        self.outcome = QComboBox()
        for text, value in OUTCOMES:
            self.outcome.addItem(text, value)
        labelled(form, "&General election:", self.outcome)
        self.also_mp = named(QCheckBox("An MDL who is also a sitting MP"))
        self.devolved_minister = named(QCheckBox("An MDL who is a Minister of a devolved government"))
        form.addRow("", self.also_mp)
        form.addRow("", self.devolved_minister)
        self.record_button = button("&Record", "Record the Member's status; their letters' replies follow it")
        self.record_button.clicked.connect(self.record)
        self.message = MessageLabel("Member status message")
        close = button("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("A Member's status"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.record_button, close))
        tab_chain(self.picker.edit, self.outcome, self.also_mp, self.devolved_minister, self.record_button, close)
        self.picker.member_changed.connect(self._member_changed)
        self._member_changed(None)

    def _member_changed(self, member: MemberRecord | None) -> None:
        self.member = member
        self.record_button.setEnabled(False)  # until what is recorded has been read, or it would be overwritten
        if member is None:
            return
        ctx = self._ctx

        def done(status: dict) -> None:
            self.outcome.setCurrentIndex(max(self.outcome.findData(status.get("election_outcome")), 0))
            self.also_mp.setChecked(bool(status.get("also_mp")))
            self.devolved_minister.setChecked(bool(status.get("devolved_minister")))
            self.record_button.setEnabled(self.member is member)

        ctx.runner.submit(lambda: ctx.services.letters.member_status(member.id), done,
                          lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def record(self) -> None:
        member, ctx = self.member, self._ctx
        if member is None:
            return
        fields = dict(election_outcome=self.outcome.currentData(), also_mp=self.also_mp.isChecked(),
                      devolved_minister=self.devolved_minister.isChecked())
        ctx.runner.submit(lambda: ctx.services.letters.record_member_status(ctx.user, member.id, **fields),
                          lambda _r: self.message.show_ok(f"Recorded for {member.display_name}."),
                          lambda exc: self.message.show_error(error_text(exc)), owner=self)
