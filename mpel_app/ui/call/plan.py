"""After an urgent send: whom to telephone and the number, in large type, and a small form to record the call.

The panel takes the place of the call form (which is saved and closed)
until the agent finishes the call.  It records the telephone call itself
(through the screen's controller) and keeps the calls recorded; it asks
the view to finish the call (``finish_requested``).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout

from ...domain.calendar import LONDON
from ...domain.records import EnquiryRecord, UrgentContactRecord, UrgentPlan
from ..models import format_received, format_time, member_line
from ..widgets import MessageLabel, button, error_text, in_row, labelled
from .controller import CallController
from .typed import london, parse_clock

DESTINATION_LABELS = {"region": "Regional team", "duty_region": "Tonight's duty region",
                      "oscu": "OSCU out-of-hours service"}


class UrgentPlanPanel(QFrame):
    """What to do after the urgent call note: the call to make, and recording it."""

    finish_requested = Signal()

    def __init__(self, controller: CallController, parent=None):
        super().__init__(parent)
        self._controller = controller
        self.plan: UrgentPlan | None = None
        self.contacts: list[UrgentContactRecord] = []
        self._finish_warned = False
        self._enquiry_id: int | None = None
        self._title = ""
        self.setObjectName("urgentPlan")
        self.setStyleSheet("#urgentPlan { background: #fff4f4; border: 2px solid #b00020; border-radius: 4px; }")
        self.plan_title = QLabel()
        self.plan_title.setAccessibleName("Urgent call note")
        self.plan_title.setWordWrap(True)
        self.plan_title.setStyleSheet("color: #9b0000; font-weight: bold;")
        self.plan_summary = QLabel()
        self.plan_summary.setAccessibleName("The call")
        self.plan_summary.setWordWrap(True)
        self.plan_summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.plan_destination = QLabel()
        self.plan_destination.setAccessibleName("Destination")
        self.plan_destination.setWordWrap(True)
        self.plan_destination.setStyleSheet("font-weight: bold;")
        telephone_now = QLabel("Telephone now:")
        telephone_now.setStyleSheet("color: #444;")
        self.plan_call_name = QLabel()
        self.plan_call_name.setAccessibleName("Whom to telephone")
        self.plan_call_name.setWordWrap(True)
        self.plan_call_phone = QLabel()
        self.plan_call_phone.setAccessibleName("Number to telephone")
        for label, scale in ((self.plan_call_name, 1.4), (self.plan_call_phone, 2.2)):
            font = QFont(self.font())
            font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
            font.setBold(True)
            label.setFont(font)
            # Selectable, and reachable with Tab, so the number can be copied into a softphone.
            label.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
            label.setFocusPolicy(Qt.StrongFocus)
        self.plan_call_phone.setStyleSheet("color: #7a0000; letter-spacing: 1px;")
        self.plan_instruction = QLabel()
        self.plan_instruction.setAccessibleName("What to do")
        self.plan_instruction.setWordWrap(True)
        self.plan_instruction.setTextInteractionFlags(Qt.TextSelectableByMouse)

        # The call-record form.  Its letters (K, C, I, R, L) belong to controls of the call form, which
        # is hidden while the plan shows, so nothing else on the screen answers to them then.
        self.record_group = QGroupBox("Record the call")
        self.spoken_to = QLineEdit()
        self.spoken_to.setPlaceholderText("Name of the person you spoke to")
        self.called_number = QLineEdit()
        self.call_time = QLineEdit()
        self.call_time.setPlaceholderText("hh:mm")
        self.call_time.setMaxLength(8)
        for edit in (self.spoken_to, self.called_number, self.call_time):
            edit.returnPressed.connect(self.record_call)
        self.record_button = button("&Record the call", "Write down whom you spoke to, on which number, when",
                                    auto_default=True)
        self.record_button.clicked.connect(self.record_call)
        self.contacts_label = QLabel("No call recorded yet.")
        self.contacts_label.setAccessibleName("Calls recorded")
        self.contacts_label.setWordWrap(True)
        self.contacts_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.record_message = MessageLabel("Record the call message")
        self.finish_button = button("Finish the ca&ll", "Clear the form for the next call (Ctrl+Enter)",
                                    auto_default=True)
        self.finish_button.clicked.connect(self.finish_requested)
        record_form = QFormLayout(self.record_group)
        labelled(record_form, "Spo&ken to:", self.spoken_to)
        labelled(record_form, "Number &called:", self.called_number)
        labelled(record_form, "T&ime of call (UK):", in_row(self.call_time, self.record_button, stretch=None),
                 self.call_time)
        record_form.addRow(self.contacts_label)
        record_form.addRow(self.record_message)

        left = QVBoxLayout()
        for widget in (self.plan_title, self.plan_summary, self.plan_destination):
            left.addWidget(widget)
        left.addSpacing(4)
        for widget in (telephone_now, self.plan_call_name, self.plan_call_phone, self.plan_instruction):
            left.addWidget(widget)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.record_group)
        right.addWidget(self.finish_button, alignment=Qt.AlignRight)
        right.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(left, 6)
        row.addSpacing(12)
        row.addLayout(right, 5)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        self.setVisible(False)

    def tab_order(self) -> list:
        return [self.plan_call_name, self.plan_call_phone, self.spoken_to, self.called_number, self.call_time,
                self.record_button, self.finish_button]

    def show_plan(self, plan: UrgentPlan, rec: EnquiryRecord | None, sent_text: str) -> None:
        """Fill the panel for ``plan`` (``sent_text``: what happened to the call note, truthfully)."""
        self.plan, self.contacts, self._finish_warned = plan, [], False
        self._enquiry_id = rec.id if rec is not None else None
        kinds = [k for k, on in (("IMMINENT REMOVAL", plan.imminent_removal),
                                 ("COMPELLING / COMPASSIONATE", plan.compassionate and not plan.imminent_removal))
                 if on]
        removal = f" on {format_received(plan.removal_at)}" if plan.imminent_removal and plan.removal_at else ""
        self._title = f"URGENT – {' '.join(kinds) or 'CALL'}{removal} · {plan.reference}"
        self.show_note(sent_text)
        if plan.rota_missing:
            destination = f"No duty region on the rota tonight: the member's own region, {plan.region_name}"
        elif plan.destination == "region":
            destination = f"{DESTINATION_LABELS['region']}: {plan.region_name}"
        elif plan.destination == "duty_region":
            destination = f"{DESTINATION_LABELS['duty_region']}: {plan.region_name}"
        else:
            destination = f"{DESTINATION_LABELS['oscu']} (the call note also goes to {plan.region_name})"
        if plan.inbox_problem:  # issue 14: a note to an inbox that does not work reaches nobody
            destination += f"\nPROBLEM: {plan.inbox_problem}"
        self.plan_destination.setText(destination)
        self.plan_summary.setText(call_summary(plan, rec))
        alarm = plan.rota_missing or bool(plan.inbox_problem)
        self.plan_destination.setStyleSheet("font-weight: bold;" + (" color: #9b0000;" if alarm else ""))
        self.plan_call_name.setText(plan.call_name)
        self.plan_call_phone.setText(plan.call_phone or "no number on record: look it up")
        self.plan_call_phone.setAccessibleName(f"Number to telephone: {plan.call_phone}")
        self.plan_instruction.setText(plan.instruction)
        self.called_number.setText(plan.call_phone)
        self.call_time.setText(format_time(self._controller.now()))
        self.spoken_to.clear()
        self.record_message.clear()
        self.show_contacts()
        self.setVisible(True)

    def show_note(self, said: str) -> None:
        """What happened to the call note (queued, sent, …), after the call's heading."""
        self.plan_title.setText(f"{self._title}: {said}")
        self.plan_title.setAccessibleName(self.plan_title.text())

    def record_call(self) -> None:
        """Write down the call the plan asked for: whom, which number, when (today, UK time)."""
        plan = self.plan
        if self._controller.busy or plan is None:
            return
        spoken_to, phone = self.spoken_to.text(), self.called_number.text()
        if not spoken_to.strip():
            self.record_message.show_error("Write down whom you spoke to.")
            self.spoken_to.setFocus()
            return
        try:
            at_time = parse_clock(self.call_time.text(), "Time of call")
        except ValueError as exc:
            self.record_message.show_error(str(exc) + ".")
            self.call_time.setFocus()
            return
        now = self._controller.now()
        at = london(now.astimezone(LONDON).date(), at_time) if at_time else now
        kind = "region" if plan.rota_missing else plan.destination

        def done(contact: UrgentContactRecord) -> None:
            self.contacts.append(contact)
            self.show_contacts()
            self.record_message.show_ok(f"Call to {contact.spoken_to} at {format_time(contact.at)} recorded.")
            self.spoken_to.clear()
            self.call_time.setText(format_time(self._controller.now()))
            self.finish_button.setFocus()

        self._controller.record_contact(self._enquiry_id, kind, spoken_to, phone, at, done,
                                        lambda exc: self.record_message.show_error(error_text(exc, full_stop=False)))

    def finished_text(self) -> str | None:
        """What to say on finishing; None (and a warning, once) while no call is recorded."""
        plan = self.plan
        if plan is None:
            return None
        if not self.contacts and not self._finish_warned:
            self._finish_warned = True
            self.record_message.show_error(
                f"No call recorded yet: telephone {plan.call_name} on {plan.call_phone} and record it (Alt+K), "
                "or press Finish again to finish without.")
            self.spoken_to.setFocus()
            return None
        calls = len(self.contacts)
        return (f"{plan.reference} sent as urgent to {plan.region_name}; "
                f"{calls} call{'s' if calls != 1 else ''} recorded.")

    def show_contacts(self) -> None:
        contacts = self.contacts
        if not contacts:
            self.contacts_label.setText("No call recorded yet.")
        else:
            self.contacts_label.setText("Recorded: " + "; ".join(
                f"{format_time(c.at)} {c.spoken_to}" + (f" on {c.phone}" if c.phone else "") for c in contacts))
        self.contacts_label.setAccessibleName(self.contacts_label.text())

    def clear(self) -> None:
        self.plan, self.contacts, self._finish_warned = None, [], False
        self.setVisible(False)
        for edit in (self.spoken_to, self.called_number, self.call_time):
            edit.clear()
        self.record_message.clear()


def call_summary(plan: UrgentPlan, rec: EnquiryRecord | None) -> str:
    """The call summed up in one line for the plan: about whom, for which member, when the removal is."""
    parts = []
    if rec is not None and rec.subject is not None and rec.subject.name:
        s = rec.subject
        refs = ", ".join(r for r in (f"HO ref {s.ho_reference}" if s.ho_reference else "",
                                     f"CTS ref {s.cts_reference}" if s.cts_reference else "") if r)
        parts.append(f"About {s.name}" + (f" ({refs})" if refs else ""))
    if rec is not None and rec.member is not None:
        parts.append(f"for {member_line(rec.member)}")
    if plan.imminent_removal and plan.removal_at is not None:
        parts.append(f"removal {format_received(plan.removal_at)} (UK time)")
    return "  ·  ".join(parts)
