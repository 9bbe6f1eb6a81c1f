"""The sections of an e-mail enquiry on screen: the message as received, the reply editor, the off-line procedure.

Each section owns its widgets and accessible names and shows an
``EmailCaseView``; it asks for actions through signals, which the inbox view's
controller runs through the TaskRunner.  The message is shown as plain text
only (``QPlainTextEdit``): HTML that came in is never rendered, so nothing in
it can run or call out.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.email_case_flow import CaseStep
from ..services.email_cases import EmailCaseView
from .widgets import button, labelled, text_box


def _when(at) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M") if at else "—"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


class IncomingSection(QGroupBox):
    """Who wrote, when, the targets, the text (plain) and the attachments (saved as files, never opened)."""

    save_attachment = Signal(int)  # attachment id
    compassionate_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("The e-mail as received", parent)
        self.setAccessibleName("The e-mail as received")
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name in ("References", "From", "Member", "Subject", "Received", "Targets", "State"):
            label = QLabel()
            label.setWordWrap(True)
            self.fields[name] = label
            labelled(form, name, label)
        self.text = text_box(8)
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Message text")
        self.attachments = QListWidget()
        self.attachments.setAccessibleName("Attachments")
        self.attachments.setMaximumHeight(90)
        self.attachments.itemActivated.connect(self._activated)
        self.save_button = button("Save &attachment…", "Save the selected attachment as a file")
        self.save_button.clicked.connect(self._save_selected)
        self.urgent_button = button("Flag compelling or compassionate (&URGENT)",
                                    "Note it, and tell the region again with URGENT in the subject, flagged high")
        self.urgent_button.clicked.connect(self.compassionate_requested.emit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        urgent_row = QHBoxLayout()
        urgent_row.addWidget(self.urgent_button)
        urgent_row.addStretch(1)
        layout.addLayout(urgent_row)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        row.addWidget(self.attachments, 1)
        row.addWidget(self.save_button)
        layout.addLayout(row)

    def show_case(self, v: EmailCaseView) -> None:
        f = self.fields
        f["References"].setText(" · ".join(x for x in (v.cts_reference, v.reference) if x)
                                + (" · URGENT (compassionate)" if v.compassionate else ""))
        f["From"].setText(f"{v.sender_name} <{v.sender}>" if v.sender_name else v.sender)
        f["Member"].setText(v.member_name or "Not matched: the MPEL team leader matches it to a Member")
        f["Subject"].setText(v.subject or "(no subject)")
        f["Received"].setText(_when(v.received_at) + (" · sent as HTML only, shown as text" if v.html_only else ""))
        f["Targets"].setText(
            f"10 working days: {v.targets.due_90:%d/%m/%Y} · 20 working days: {v.targets.due_100:%d/%m/%Y} "
            f"· {v.target_status}" if v.targets else
            f"Response due {v.due_date:%d/%m/%Y}" if v.due_date else "Set when the enquiry is allocated to a region")
        f["State"].setText(v.state.label.capitalize() + (f" · allocated to {v.allocated_to}" if v.allocated_to else ""))
        for name, label in f.items():
            label.setAccessibleName(f"{name}: {label.text()}")
        self.text.setPlainText(v.text + ("\n\n— Noted on intake —\n" + v.notes if v.notes else ""))
        self.attachments.clear()
        for a in v.attachments:
            item = QListWidgetItem(f"{a.filename} ({_size(a.size)}, {a.kind})" + (f" — {a.note}" if a.note else ""))
            item.setData(256, a.id if a.kept else None)
            item.setToolTip(a.note or a.mime)
            self.attachments.addItem(item)
        self.save_button.setEnabled(any(a.kept for a in v.attachments))
        self.urgent_button.setEnabled(not v.compassionate and v.reply_sent_at is None)

    def _activated(self, item: QListWidgetItem) -> None:
        if item.data(256) is not None:
            self.save_attachment.emit(int(item.data(256)))

    def _save_selected(self) -> None:
        item = self.attachments.currentItem() or self.attachments.item(0)
        if item is not None:
            self._activated(item)


_STEP_BUTTONS = ((CaseStep.ACCEPT, "A&ccept"), (CaseStep.DRAFT, "Save &draft"),
                 (CaseStep.SUBMIT, "Submit for &QA"), (CaseStep.APPROVE, "A&pprove"),
                 (CaseStep.RETURN, "&Return to drafter"), (CaseStep.REPLY, "Send &reply by e-mail"))


class ReplySection(QGroupBox):
    """The reply editor (plain text) and the lifecycle's buttons, enabled as the case's state allows."""

    step_requested = Signal(object, str)  # CaseStep, the text (draft or return note)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Reply to the MP's office", parent)
        self.setAccessibleName("Reply to the MP's office")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Reply status")
        self.editor = text_box(6)
        self.editor.setAccessibleName("Reply text")
        self.note = text_box(2, 3)
        self.note.setAccessibleName("Note to the drafter")
        self.note.setPlaceholderText("What needs changing (when returning the draft)")
        self.buttons: dict[CaseStep, object] = {}
        rows = (QHBoxLayout(), QHBoxLayout())
        for n, (step, text) in enumerate(_STEP_BUTTONS):
            b = button(text, step.value.capitalize())
            b.clicked.connect(lambda _=False, st=step: self._ask(st))
            self.buttons[step] = b
            rows[n // 3].addWidget(b)
        for row in rows:
            row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.note)
        for row in rows:
            layout.addLayout(row)

    def show_case(self, v: EmailCaseView) -> None:
        self.editor.setPlainText(v.draft_text)
        self.editor.setReadOnly(CaseStep.DRAFT not in v.steps)
        parts = []
        if v.drafter:
            parts.append(f"Drafted by {v.drafter} ({v.drafter_grade or 'no grade'})")
        if v.qa_by:
            parts.append(f"QA by {v.qa_by}" + (f": returned — {v.qa_note}" if v.qa_note else ""))
        if v.reply_sent_at:
            parts.append(f"Reply sent {_when(v.reply_sent_at)} to {v.member_email or v.sender}, threaded to "
                         "the MP's message")
        if CaseStep.APPROVE in v.steps:
            parts.append("Quality assurance must be by someone of a grade above the drafter's")
        self.status.setText(" · ".join(parts) or "No draft yet")
        self.status.setAccessibleName(f"Reply status: {self.status.text()}")
        for step, b in self.buttons.items():
            b.setEnabled(step in v.steps)
        self.note.setEnabled(CaseStep.RETURN in v.steps)

    def _ask(self, step: CaseStep) -> None:
        text = self.note.toPlainText() if step is CaseStep.RETURN else self.editor.toPlainText()
        self.step_requested.emit(step, text)


class OfflineSection(QGroupBox):
    """The off-line procedure: the e-mail as a Word document (saved, or to the regional inbox); a reply checked in."""

    export_requested = Signal(bool)  # True: also to the regional inbox
    check_in_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Off-line procedure (CTS unavailable)", parent)
        self.setAccessibleName("Off-line procedure")
        self.status = QLabel()
        self.status.setAccessibleName("Off-line status")
        self.save_button = button("Save as &Word…", "Save the e-mail enquiry as a .docx with its CTS reference")
        self.send_button = button("Send to the regional &inbox",
                                  "E-mail the .docx to the region's inbox through the outbox")
        self.check_in_button = button("Check &in a reply file…", "Check in a reply that came back as a .docx")
        self.save_button.clicked.connect(lambda: self.export_requested.emit(False))
        self.send_button.clicked.connect(lambda: self.export_requested.emit(True))
        self.check_in_button.clicked.connect(self.check_in_requested.emit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        for b in (self.save_button, self.send_button, self.check_in_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)

    def show_case(self, v: EmailCaseView) -> None:
        parts = []
        if v.offline_exported_at:
            parts.append(f"Exported {_when(v.offline_exported_at)}")
        if v.offline_reply_at:
            parts.append(f"reply checked in {_when(v.offline_reply_at)}")
        self.status.setText(", ".join(parts) or "Not exported")
        self.status.setAccessibleName(f"Off-line status: {self.status.text()}")
        self.send_button.setEnabled(bool(v.region_code) and v.reply_sent_at is None)
        self.check_in_button.setEnabled(v.reply_sent_at is None)
