"""Section 2 of the call screen, the passcode gate: nothing is taken before the office's passcode is verified.

After three wrong passcodes the only way on is to close the call as
refused; once verified, refusing is no longer offered.  The section asks
(``verify_requested``, ``refuse_requested``); the view runs the service.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit

from ...domain.enquiry_flow import MAX_PASSCODE_ATTEMPTS
from ...domain.records import EnquiryRecord
from ..widgets import MessageLabel, button, in_row, labelled
from .state import CallState


class PasscodeSection(QGroupBox):
    """The passcode, Verify, and closing the call as refused."""

    verify_requested = Signal()
    refuse_requested = Signal()

    def __init__(self, parent=None):
        super().__init__("2  Passcode — ask for it before taking the enquiry", parent)
        self.passcode_edit = QLineEdit()
        self.passcode_edit.setEchoMode(QLineEdit.Password)
        self.passcode_edit.setMaxLength(40)
        self.passcode_edit.returnPressed.connect(self.verify_requested)
        self.verify_button = button("&Verify", auto_default=True)
        self.verify_button.clicked.connect(self.verify_requested)
        self.passcode_status = MessageLabel("Passcode status", keep_space=True)
        self.refuse_reason = QLineEdit()
        self.refuse_reason.setPlaceholderText("e.g. caller did not know it")
        self.refuse_reason.returnPressed.connect(self.refuse_requested)
        self.refuse_button = button("C&lose call as refused", auto_default=True)
        self.refuse_button.clicked.connect(self.refuse_requested)

        form = QFormLayout(self)
        labelled(form, "&Passcode:", in_row(self.passcode_edit, self.verify_button), self.passcode_edit)
        form.addRow(self.passcode_status)
        self.refuse_note = QLabel("If the caller cannot give the passcode, nothing may be disclosed:")
        self.refuse_note.setWordWrap(True)
        self.refuse_note.setStyleSheet("color: #444; margin-top: 6px;")
        form.addRow(self.refuse_note)
        self._refuse_row = in_row(self.refuse_reason, self.refuse_button)
        labelled(form, "Reason for refusing:", self._refuse_row, self.refuse_reason)
        self._form = form

    def tab_order(self) -> list:
        return [self.passcode_edit, self.verify_button, self.refuse_reason, self.refuse_button]

    def set_state(self, state: CallState) -> None:
        open_call, verified = state.open_call, state.verified
        self.passcode_edit.setEnabled(open_call and not verified and not state.refused_only)
        self.verify_button.setEnabled(open_call and not verified and not state.refused_only)
        self.refuse_reason.setEnabled(open_call and not verified)
        self.refuse_button.setEnabled(open_call and not verified)
        self.setEnabled(open_call)
        # Once verified, refusing is no longer possible: hide it rather than show a dead control.
        self._form.setRowVisible(self.refuse_note, not state.once_verified)
        self._form.setRowVisible(self._refuse_row, not state.once_verified)

    def passcode(self) -> str:
        return self.passcode_edit.text()

    def reason(self) -> str:
        return self.refuse_reason.text().strip()

    def focus_gate(self) -> None:
        """The field that moves the call on: the passcode, or the refusal once no attempt is left."""
        (self.passcode_edit if self.passcode_edit.isEnabled() else self.refuse_reason).setFocus()

    def show_checked(self, rec: EnquiryRecord, at_text: str) -> None:
        """The verdict on the passcode just checked; the focus goes where the agent carries on."""
        # Cleared only once checked: a refused caller name, say, should not cost a retype.
        self.passcode_edit.clear()
        if rec.passcode_verified:
            who = rec.member.display_name if rec.member else "the member"
            self.passcode_status.show_ok(f"Passcode verified for {who}'s office at {at_text}.")
            return
        used = rec.passcode_failures
        if used >= MAX_PASSCODE_ATTEMPTS:
            self.passcode_status.show_error(
                f"Wrong passcode — {used} of {MAX_PASSCODE_ATTEMPTS} attempts used. No information may "
                "be given on this call: close it as refused.")
            self.refuse_reason.setText(f"Passcode wrong {MAX_PASSCODE_ATTEMPTS} times")
            self.refuse_reason.selectAll()
            self.refuse_reason.setFocus()
        else:
            self.passcode_status.show_error(f"Wrong passcode — {used} of {MAX_PASSCODE_ATTEMPTS} attempts used.")
            self.passcode_edit.setFocus()

    def reset(self) -> None:
        self.passcode_edit.clear()
        self.refuse_reason.clear()
        self.passcode_status.clear()
