"""Administration → Members: add one Member by hand (a by-election, a new Peer), with the office's passcode.

Part of the one Members tab (``ui.admin_member_list``): the list, the selected
Member's details and passcode, the CSV import, and this form.  The service
(``MemberService.add``) checks every field and the person's right to do it;
the passcode is typed hidden and never shown again.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLineEdit, QWidget

from ..domain.calendar import REGION_CODES
from ..domain.records import MemberRecord
from ..services.members import MEMBER_KINDS
from .context import DeskContext
from .widgets import button, in_row, labelled


class MemberAddSection(QGroupBox):
    """Name, House, constituency, region, office telephone, passcode and Privy Council of a new Member."""

    def __init__(self, ctx: DeskContext, added: Callable[[MemberRecord, str], None],
                 failed: Callable[[Exception], None], parent: QWidget | None = None):
        super().__init__("Add a Member", parent)
        self._ctx, self._added, self._failed = ctx, added, failed
        form = QFormLayout(self)
        self.name = labelled(form, "New Mem&ber's name:", QLineEdit())
        self.kind = labelled(form, "Hous&e:", QComboBox())
        self.kind.addItems(list(MEMBER_KINDS))
        self.constituency = labelled(form, "Constituenc&y:", QLineEdit())
        self.region = labelled(form, "&Region:", QComboBox())
        self.region.addItems(list(REGION_CODES))
        self.phone = labelled(form, "Office te&lephone:", QLineEdit())
        self.passcode = labelled(form, "Passcode, &kept hidden:", QLineEdit())
        self.passcode.setEchoMode(QLineEdit.Password)
        self.passcode.setPlaceholderText("optional: can be set later")
        self.privy = labelled(form, "Pri&vy Counsellor (Rt Hon):", QCheckBox())
        self.add_button = button("&Add Member", "Add this Member: offered at the desk at once")
        self.add_button.clicked.connect(self.add)
        form.addRow("", in_row(self.add_button, stretch=None))

    def add(self) -> None:
        values = dict(name=self.name.text(), kind=self.kind.currentText(), constituency=self.constituency.text(),
                      region_code=self.region.currentText(), office_phone=self.phone.text(),
                      passcode=self.passcode.text() or None, privy_counsellor=self.privy.isChecked())
        members, actor = self._ctx.services.members, self._ctx.user

        def done(member: MemberRecord) -> None:
            for field in (self.name, self.constituency, self.phone, self.passcode):
                field.clear()
            self.privy.setChecked(False)
            self._added(member, f"{member.display_name} added.")

        self._ctx.runner.submit(lambda: members.add(actor, **values), done, self._failed)
