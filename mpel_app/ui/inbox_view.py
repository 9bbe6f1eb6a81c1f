"""The "Central inbox" view: e-mail and fax enquiries taken in over IMAP, one opened to answer, and the quarantine.

Assembled from small parts: the list of cases (``EmailCaseModel``), the open
case's sections (ui/email_case_sections.py: the message as received, the
reply editor, the off-line procedure), the team leader's matching of an
unmatched sender, the quarantine list (ui/quarantine_list.py), and for a desk
that takes the mailbox in by itself, its intake (ui/inbox_intake_section.py).  A thin
controller here runs every use case through the TaskRunner and hands the
results back to the sections.  F5 reloads; Enter on a list line opens it.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QScrollArea, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.email_case_flow import CaseState, CaseStep
from ..domain.permissions import Action
from ..services.email_cases import EmailCaseSummary, EmailCaseView
from .context import DeskContext
from .email_case_sections import IncomingSection, OfflineSection, ReplySection
from .inbox_intake_section import DeskIntakeSection, PasswordAsker
from .member_picker import MemberPicker
from .models import format_date
from .note_warning import NoteWarning
from .quarantine_list import QuarantineList
from .task_runner import LatestOnly
from .widgets import (ListTableModel, MessageLabel, button, choose_save_path, error_text, heading, record_table,
                      screen_shortcut)

COLUMNS = ("CTS ref", "Reference", "Channel", "State", "Region", "Member", "Subject", "Due (10 days)")
SaveChooser = Callable[..., "Path | None"]
OpenChooser = Callable[[QWidget], "Path | None"]


def choose_docx(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Check in a reply file", str(Path.home()),
                                          "Word document (*.docx);;All files (*)")
    return Path(name) if name else None


class EmailCaseModel(ListTableModel):
    columns = COLUMNS

    def row_of(self, enquiry_id: int) -> int:
        return next((r for r, i in enumerate(self.items()) if i.enquiry_id == enquiry_id), -1)

    def data(self, index, role=Qt.DisplayRole):
        item: EmailCaseSummary | None = self.item(index.row()) if index.isValid() else None
        if item is None or role != Qt.DisplayRole:
            return None
        return (item.cts_reference or "—", item.reference, item.channel.capitalize(), item.state.label.capitalize(),
                item.region_code or "—", item.member_name or "(not matched)", item.subject,
                format_date(item.due_date) if item.due_date else "—")[index.column()]


class InboxView(QWidget):
    title = "Central inbox"
    loaded = Signal()
    case_shown = Signal()
    outbox_changed = Signal()

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, save_chooser: SaveChooser | None = None,
                 open_chooser: OpenChooser | None = None, ask_password: PasswordAsker | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = LatestOnly(ctx.runner)
        self._choose_save = save_chooser or choose_save_path
        self._choose_open = open_chooser or choose_docx
        self.current: EmailCaseView | None = None
        self.summary = QLabel()
        self.summary.setAccessibleName("Inbox summary")
        self.model = EmailCaseModel(self)
        self.table = record_table(self.model, "E-mail and fax enquiries")
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._open_row(cur.row()))
        self.refresh_button = button("Re&fresh", "Reload the list (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.incoming = IncomingSection()
        self.reply = ReplySection()
        self.offline = OfflineSection()
        self.match_picker = MemberPicker(ctx)
        self.match_button = button("&Match to this Member", "Match the unmatched sender to the Member chosen")
        self.match_button.clicked.connect(self._match)
        self.match_row = QWidget()
        match_layout = QHBoxLayout(self.match_row)
        match_layout.setContentsMargins(0, 0, 0, 0)
        match_layout.addWidget(QLabel("Sender matches no Member's office. Member:"))
        match_layout.addWidget(self.match_picker, 1)
        match_layout.addWidget(self.match_button)
        self.match_row.setVisible(False)
        # The case's notes go to its region's inbox (allocation, URGENT, the off-line document): a region
        # whose inbox does not work, or a desk without mail, is said here before anything is sent (issue 14).
        self.inbox_warning = NoteWarning(ctx, "Regional inbox warning")
        self.match_picker.member_changed.connect(lambda _m: self._warn())
        self.message = MessageLabel()
        self.incoming.save_attachment.connect(self._save_attachment)
        self.incoming.compassionate_requested.connect(self._flag_compassionate)
        self.reply.step_requested.connect(self._step)
        self.offline.export_requested.connect(self._export)
        self.offline.check_in_requested.connect(self._check_in)

        # The message on the left, the answer to it on the right: both in sight while drafting.
        answer = QWidget()
        answer_column = QVBoxLayout(answer)
        answer_column.setContentsMargins(0, 0, 0, 0)
        answer_column.addWidget(self.reply, 1)
        answer_column.addWidget(self.offline)
        sides = QSplitter(Qt.Horizontal)
        sides.addWidget(self.incoming)
        sides.addWidget(answer)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.match_row)
        column.addWidget(self.inbox_warning)
        column.addWidget(sides, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(detail)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.table)
        split.addWidget(scroll)
        split.setSizes([160, 640])
        cases = QWidget()
        cases_layout = QVBoxLayout(cases)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)
        cases_layout.addLayout(top)
        cases_layout.addWidget(split, 1)
        cases_layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Central inbox pages")
        self.tabs.addTab(cases, "E-mail and fax enquiries")
        self.quarantine = None
        if perm.allowed(ctx.user, Action.FILTER_FURTHER_ACTION):
            self.quarantine = QuarantineList(ctx)
            self.tabs.addTab(self.quarantine, "Quarantine")
            self.quarantine.released.connect(lambda _ref: self.refresh())
        # The desk takes the mailbox in itself when one is set up (no service process needed).
        self.intake = None
        if perm.allowed(ctx.user, Action.FILTER_FURTHER_ACTION) and ctx.services.desk_intake is not None:
            self.intake = DeskIntakeSection(ctx, ask_password=ask_password)
            self.intake.taken_in.connect(lambda _summary: self.refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Central inbox"))
        if self.intake is not None:
            layout.addWidget(self.intake)
        layout.addWidget(self.tabs, 1)
        screen_shortcut(self, "F5", self.refresh)
        self._show_detail(None)
        self.refresh()

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        ctx = self._ctx
        self._latest.submit(lambda: ctx.services.email_cases.queue(ctx.user), self._show_list, self._failed,
                            owner=self)
        if self.quarantine is not None:
            self.quarantine.refresh()
        ctx.runner.submit(ctx.services.reference.regions, self._regions_read,
                          lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _regions_read(self, regions) -> None:
        self.inbox_warning.set_regions(regions)
        self._warn()

    def _warn(self) -> None:
        """The warning for the region the open case's notes go to: its own, or while it is being matched,
        the region of the Member picked; none once the reply has gone."""
        view = self.current
        code = None
        if view is not None and view.reply_sent_at is None:
            picked = self.match_picker.member if not self.match_row.isHidden() else None
            code = picked.region_code if picked is not None else view.region_code
        self.inbox_warning.show_for(code)

    def _show_list(self, items: list[EmailCaseSummary]) -> None:
        keep = self.current.enquiry_id if self.current else None
        self.model.set_items(items)
        self.table.resizeColumnsToContents()
        unmatched = sum(1 for i in items if i.state is CaseState.UNMATCHED)
        self.summary.setText(f"{len(items)} open e-mail and fax enquir{'ies' if len(items) != 1 else 'y'}"
                             + (f", {unmatched} waiting to be matched to a Member" if unmatched else ""))
        self.summary.setAccessibleName(f"Inbox summary: {self.summary.text()}")
        row = self.model.row_of(keep) if keep else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            self._open_row(row)
        else:
            self._show_detail(None)
        self.loaded.emit()

    def _open_row(self, row: int) -> None:
        item = self.model.item(row)
        if item is None:
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.email_cases.view(ctx.user, item.enquiry_id), self._show_detail,
                          self._failed, owner=self)

    def _show_detail(self, view: EmailCaseView | None) -> None:
        self.current = view
        for section in (self.incoming, self.reply, self.offline):
            section.setVisible(view is not None)
            if view is not None:
                section.show_case(view)
        self.match_row.setVisible(view is not None and CaseStep.MATCH in view.steps
                                  and perm.allowed(self._ctx.user, Action.FILTER_FURTHER_ACTION))
        self._warn()
        if view is not None:
            self.case_shown.emit()

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
        self.loaded.emit()

    # ------------------------------------------------------------------ actions

    def _run(self, fn: Callable, done_text: str, *, queued: bool = False) -> None:
        def done(view: EmailCaseView) -> None:
            self.message.show_ok(done_text)
            if queued:
                self.outbox_changed.emit()
            self._show_detail(view)
            self.refresh()

        self._ctx.runner.submit(fn, done, self._failed, owner=self)

    def _step(self, step: CaseStep, text: str) -> None:
        if self.current is None:
            return
        cases, user, eid = self._ctx.services.email_cases, self._ctx.user, self.current.enquiry_id
        version = self.current.version
        calls = {CaseStep.ACCEPT: lambda: cases.accept(user, eid),
                 # Saved only over the version on screen: another desk's save since is refused, not overwritten.
                 CaseStep.DRAFT: lambda: cases.save_draft(user, eid, text, expected_version=version),
                 CaseStep.SUBMIT: lambda: cases.submit(user, eid),
                 CaseStep.APPROVE: lambda: cases.approve(user, eid),
                 CaseStep.RETURN: lambda: cases.return_to_drafter(user, eid, text),
                 CaseStep.REPLY: lambda: cases.send_reply(user, eid)}
        if step is CaseStep.SUBMIT and text != self.current.draft_text:
            # What is on screen is what goes to QA: save it first, then submit, in order.
            calls[step] = lambda: (cases.save_draft(user, eid, text), cases.submit(user, eid))[1]
        self._run(calls[step], f"{step.value.capitalize()}: done.", queued=step is CaseStep.REPLY)

    def _match(self) -> None:
        member = self.match_picker.member
        if self.current is None or member is None:
            self.message.show_error("Choose the Member first.")
            return
        cases, user, eid = self._ctx.services.email_cases, self._ctx.user, self.current.enquiry_id
        self._run(lambda: cases.match_member(user, eid, member.id), f"Matched to {member.name} and allocated.",
                  queued=True)

    def _flag_compassionate(self) -> None:
        if self.current is None:
            return
        cases, user, eid = self._ctx.services.email_cases, self._ctx.user, self.current.enquiry_id
        self._run(lambda: cases.flag_compassionate(user, eid), "Flagged compelling or compassionate: the region is "
                  "told again, URGENT.", queued=True)

    def _save_attachment(self, attachment_id: int) -> None:
        ctx = self._ctx

        def save(result: tuple[str, str, bytes]) -> None:
            name, _mime, data = result
            path = self._choose_save(self, name, title="Save attachment", file_filter="The file (*.*)")
            if path is not None:
                path.write_bytes(data)
                self.message.show_ok(f"Saved {path.name}.")

        ctx.runner.submit(lambda: ctx.services.email_cases.attachment(ctx.user, attachment_id), save, self._failed,
                          owner=self)

    def _export(self, to_region: bool) -> None:
        if self.current is None:
            return
        ctx, eid = self._ctx, self.current.enquiry_id

        def done(result: tuple[str, bytes]) -> None:
            name, data = result
            if to_region:
                self.message.show_ok(f"{name} is in the outbox for the regional inbox.")
                self.outbox_changed.emit()
            else:
                path = self._choose_save(self, name, title="Save as Word", file_filter="Word document (*.docx)")
                if path is not None:
                    path.write_bytes(data)
                    self.message.show_ok(f"Saved {path.name}.")
            self._open_row(self.model.row_of(eid))

        ctx.runner.submit(lambda: ctx.services.email_cases.export_docx(ctx.user, eid, send_to_region=to_region),
                          done, self._failed, owner=self)

    def _check_in(self) -> None:
        path = self._choose_open(self)
        if path is None:
            return
        data = path.read_bytes()
        cases, user = self._ctx.services.email_cases, self._ctx.user
        self._run(lambda: cases.check_in_file(user, data), f"{path.name} checked in as the draft reply.")
