"""The call agent's screen: log one call from the first ring to completion, keyboard only.

The screen reads top to bottom as the call goes (domain-rules §2 and §5);
each part is its own section widget in ``ui/call/``:

* ``CallHeader``: the channel and "New call" (Alt+N); the hotline reference is
  issued at once and shown large, to read out.
* ``CallerSection`` (1): the member, by type-ahead, and who is on the line.
* ``PasscodeSection`` (2): the passcode before anything else; after three
  wrong ones the only way on is to close the call as refused.
* ``CaseSection`` (3): subject, disclosure checks, question and answer;
  locked until the passcode is verified.
* ``UrgentSection`` (4): imminent removal (Alt+V, with the date and time) or
  compelling / compassionate (Alt+L), with a live countdown and where the
  note will go (the routing rule is ``domain.urgency``'s).
* ``UrgentPlanPanel``: after the urgent send, whom to telephone and a form to
  record the call; it replaces the form until the call is finished.
* ``CallFooter``: the message line and the finishing buttons, whose keys are
  declared once in ``ui/call/keys.py`` (Save, Complete, Further Action Case,
  Send urgent call note).

The caller, passcode and urgent sections sit beside the case on a wide
screen and above it at 200 % text (``ui.reflow.ReflowColumns``), in reading
order either way.  After an urgent send the plan and the call note's honest
status are ``UrgentFlow``'s (``ui/call/urgent_flow.py``); crash recovery of
what was typed is ``DraftRecovery``'s (``ui/call/recovery.py``).

``CallController`` runs every use case through the TaskRunner; this view
only wires the sections to it: it works out the ``CallState`` once per
record and hands it to each section, reads plain values off the sections
for the controller, and hands the results back.  What is typed into a
verified call is autosaved (``TypedFields``) and offered back after a crash;
a save refused because someone else saved first says who changed what and
merges their change into the fields the agent had not touched.
"""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .call.autosave import TypedFields
from .call.caller import CallerSection
from .call.case import CaseSection
from .call.controller import CallController, CallDetails, StepFailed
from .call.from_phone import PhoneStart
from .call.footer import CallFooter
from .call.header import CallHeader
from .call.keys import CALL_SHORTCUTS, COMPLETE, CONTACTS, FURTHER_ACTION, GUIDANCE, SAVE, SEND_URGENT
from .call.note_status import NoteWatch
from .call.passcode import PasscodeSection
from .call.recovery import DraftRecovery
from .call.plan import UrgentPlanPanel
from .call.state import CallState
from .call.urgent import UrgentSection
from .call.urgent_flow import UrgentFlow, written_confirmation_said
from .context import DeskContext
from .guidance_dialog import AnswersDialog, ContactsDialog, bring_forward
from .enquiry_edits import detail_values, reload_message
from .models import format_time
from .reflow import ReflowColumns
from .shortcuts import install
from .widgets import GROUP_STYLE, MessageLabel, ask, error_text, tab_chain
from ..domain.errors import StaleRecord
from ..domain.records import Channel, EnquiryRecord, EnquiryStatus, UrgentContactRecord, UrgentPlan
from ..services.conflicts import stale_message

COUNTDOWN_INTERVAL_MS = 30_000  # the removal countdown ticks twice a minute


class CallView(UrgentFlow, DraftRecovery, QWidget):
    """One call at a time, from 'New call' to 'Complete' or 'Further Action Case'."""

    title = "New call"
    shortcuts = CALL_SHORTCUTS  # F1 lists them from here
    open_record = Signal(int)
    call_changed = Signal(object)  # the current EnquiryRecord, or None after a reset
    outbox_changed = Signal()  # a call note was queued: the window wakes the mail sender

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._record: EnquiryRecord | None = None
        self._last_finished: EnquiryRecord | None = None
        self._flagged = False  # the record carries urgent flags from this call
        self._recovery_offered = False
        self.controller = CallController(ctx, self)
        self.note_watch = NoteWatch(ctx, self)  # what happened to the urgent call note, until it has gone
        self.note_watch.changed.connect(self._show_note)

        self.header = CallHeader()
        self.caller = CallerSection(ctx)
        self.passcode = PasscodeSection()
        self.case = CaseSection()
        self.urgent = UrgentSection(SEND_URGENT.label, ctx=ctx)
        self.plan_panel = UrgentPlanPanel(self.controller)
        self.footer = CallFooter()
        self.phone = PhoneStart(self, ctx)  # a record started from a ringing call (issue 9)
        self.message = self.footer.message
        self._layout()
        self.setStyleSheet(GROUP_STYLE)
        self._connect()
        self.typed = TypedFields(ctx, {"caseworker_name": self.caller.caseworker_name, **self.case.text_fields(),
                                       **self.urgent.text_fields()},
                                 {"caller_caseworker": self.caller.caller_caseworker, **self.case.flag_fields(),
                                  **self.urgent.flag_fields()}, lambda: self._record, self)
        self.typed.timer.timeout.connect(self.write_draft)
        tab_chain(*self.header.tab_order(), *self.caller.tab_order(), *self.passcode.tab_order(),
                  *self.case.tab_order(), *self.urgent.tab_order(), *self.footer.tab_order(),
                  *self.plan_panel.tab_order())
        self._apply_state()
        self._read_note_targets()
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown_timer.timeout.connect(self.update_urgent_preview)
        self._countdown_timer.start()

    def _read_note_targets(self) -> None:
        """The regions and tonight's duty region (read again at each call: an administrator may have put an
        inbox right, the duty manager changed the rota), for the caller's region names and the urgent warning."""
        def regions_read(regions) -> None:
            self.caller.set_regions({r.code: r.name for r in regions})
            self.urgent.set_regions(regions)
            self.update_urgent_preview()

        def duty_read(code: str | None) -> None:
            self.urgent.set_duty_region(code)
            self.update_urgent_preview()

        self.controller.regions(regions_read)
        self.controller.duty_region(duty_read)

    def _layout(self) -> None:
        left_widget = QWidget()
        self._left = QVBoxLayout(left_widget)
        self._left.setContentsMargins(0, 0, 0, 0)
        for section in (self.caller, self.passcode, self.urgent):
            self._left.addWidget(section)
        self._left.addStretch(1)
        left_widget.setMinimumWidth(420)
        # Side by side on a wide screen; at 200 % text on a laptop the case goes below the caller, so
        # nothing needs sideways scrolling (WCAG 1.4.10), and the urgent section below the case, so the
        # sections still read 1, 2, 3, 4 from the top.
        self.columns = ReflowColumns(left_widget, self.case, stretch=(4, 6), first_max=520)
        self.columns.reflowed.connect(self._reflowed)
        self.form_area = QWidget()
        self._form = QVBoxLayout(self.form_area)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.addWidget(self.columns)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.plan_panel)
        layout.addWidget(self.form_area, 1)
        layout.addStretch(0)
        layout.addWidget(self.footer)

    def _reflowed(self, side_by_side: bool) -> None:
        if side_by_side:
            self._left.insertWidget(2, self.urgent)
        else:
            self._form.addWidget(self.urgent)

    def _connect(self) -> None:
        self.header.start_requested.connect(self.new_call)
        self.header.stray_enter.connect(lambda: self.message.show_info(
            f"Enter pressed as the desk opened: no call started, no reference used. Press Enter again (or Alt+N) "
            f"to start a {self.header.channel().value} call."))
        self.caller.problem.connect(self.message.show_error)
        self.passcode.verify_requested.connect(self.verify_passcode)
        self.passcode.refuse_requested.connect(self.refuse_call)
        for edit in self.urgent.text_fields().values():
            edit.textChanged.connect(self.update_urgent_preview)
        for box in self.urgent.flag_fields().values():
            box.toggled.connect(self.update_urgent_preview)
        self.plan_panel.finish_requested.connect(self.finish_urgent)
        f = self.footer
        f.save_button.clicked.connect(self.save_details)
        f.complete_button.clicked.connect(self.complete_call)
        f.further_action_button.clicked.connect(self.further_action)
        f.send_urgent_button.clicked.connect(self.send_urgent)
        f.open_last_button.clicked.connect(self._open_last)
        slots = {COMPLETE: self.complete_call, FURTHER_ACTION: self.further_action, SAVE: self.save_details,
                 SEND_URGENT: self.send_urgent, CONTACTS: self.open_contacts, GUIDANCE: self.open_guidance}
        self.actions_by_key = {s: install(self, s, slots[s]) for s in CALL_SHORTCUTS}

    # ------------------------------------------------------------- public API

    @property
    def record(self) -> EnquiryRecord | None:
        """The call being logged, as last returned by the service."""
        return self._record

    @property
    def busy(self) -> bool:
        return self.controller.busy

    @property
    def plan(self) -> UrgentPlan | None:
        """What the agent must do after an urgent send, while it is on screen."""
        return self.plan_panel.plan

    @property
    def contacts(self) -> list[UrgentContactRecord]:
        return list(self.plan_panel.contacts)

    def channel(self):
        return self.header.channel()

    def open_contacts(self) -> ContactsDialog:
        """F6: the contacts directory beside the call (one window, brought forward if open)."""
        self.contacts_dialog = bring_forward(getattr(self, "contacts_dialog", None), ContactsDialog, self._ctx, self)
        return self.contacts_dialog

    def open_guidance(self) -> AnswersDialog:
        """F7: the FAQ with model answers and the rules needed mid-call."""
        self.guidance_dialog = bring_forward(getattr(self, "guidance_dialog", None), AnswersDialog, self._ctx, self)
        return self.guidance_dialog

    def focus_start(self) -> None:
        """Where the agent's work starts: the channel of the next call (Enter then starts it)."""
        self.header.focus_channel()

    def refresh(self) -> None:
        """Re-read the open call's status (never the fields being typed, nor the version being edited)."""
        if self._record is None:
            return

        def done(rec: EnquiryRecord) -> None:
            if self._record is not None and self._record.id == rec.id:
                self.header.show_record(rec)

        self.controller.header(self._record.id, done, lambda exc: self.message.show_error(error_text(exc, full_stop=False)))

    def new_call(self, *, channel: Channel | None = None, then=None) -> None:
        """Start a new enquiry on the chosen channel (or ``channel``); asks first if a call is still open.
        ``then(record)`` runs once it has started (a call from the phone picks its caller: ui/call/from_phone)."""
        if self.busy:
            return
        if self._record is not None and self._record.status is EnquiryStatus.OPEN:
            if not self.confirm_abandon(self._record.reference):
                self.caller.member_edit.setFocus() if self.caller.member_edit.isEnabled() else None
                return
        if self.plan is not None and not self.plan_panel.contacts:
            if not self.confirm_unrecorded(self.plan):
                self.plan_panel.spoken_to.setFocus()
                return
        if channel is not None:
            self.header.channel_buttons[channel].setChecked(True)
        channel = self.header.channel()
        self._reset_form()
        self.discard_draft()  # the agent chose to leave the open call (or none was open)
        self._read_note_targets()

        def done(rec: EnquiryRecord) -> None:
            self._set_record(rec)
            self.message.show_info(f"{rec.reference} started: ask who is calling.")
            self.caller.member_edit.setFocus()
            if then is not None:
                then(rec)

        self.controller.start(channel, done, self._failed(self.message))

    def confirm_abandon(self, reference: str) -> bool:
        """Ask before leaving an unfinished call; the safe answer (keep it) is the default."""
        return ask(self, "Start a new call?",
                   f"{reference} is still open: it has not been completed, passed on or refused.\n\n"
                   "Start a new call anyway? The open call stays in the log as open.",
                   yes="Start a new call", no="Keep this call")

    def confirm_unrecorded(self, plan: UrgentPlan) -> bool:
        """Ask before leaving an urgent call whose telephone call is not recorded; keeping it is the default."""
        return ask(self, "Start a new call?",
                   f"The call to {plan.call_name} about {plan.reference} is not recorded yet.\n\n"
                   "Start a new call anyway?", yes="Start a new call", no="Record the call first")

    def verify_passcode(self) -> None:
        status = self.passcode.passcode_status
        if self.busy:
            return
        if self._record is None:
            status.show_error("Start a new call first (Alt+N).")
            return
        if self.caller.member is None:
            status.show_error("Choose the member first: type their name and press Enter.")
            self.caller.member_edit.setFocus()
            return
        passcode = self.passcode.passcode()
        if not passcode.strip():
            status.show_error("Type the passcode the caller gives, then press Enter.")
            self.passcode.passcode_edit.setFocus()
            return
        caller = self.caller.values() if self.caller.changed_from(self._record) else None
        self.controller.verify(self._record.id, caller, passcode, self._passcode_checked, self._failed(status))

    def _passcode_checked(self, rec: EnquiryRecord) -> None:
        self._set_record(rec)
        self.passcode.show_checked(rec, format_time(self.controller.now()))
        if rec.passcode_verified:
            self.message.show_info("Unlocked: take the enquiry.")
            self.case.subject_name.setFocus()
        else:
            self.message.clear()  # the "started" line no longer describes where the call is

    def save_details(self) -> None:
        if self.plan is not None:
            self.message.show_info(f"The call note has gone: record the call, then finish ({COMPLETE.label}).")
            return
        self._save_then(None)

    def complete_call(self) -> None:
        if self.plan is not None:
            self.finish_urgent()  # Ctrl+Enter after an urgent send means "finished"
            return
        self._save_then("complete")

    def further_action(self) -> None:
        self._save_then("further_action")

    def send_urgent(self) -> None:
        """Save, flag, send the call note now, and show whom to telephone."""
        if self.plan is not None:
            self.message.show_info(f"The urgent call note for {self.plan.reference} has already gone.")
            return
        self._save_then("urgent")

    def refuse_call(self) -> None:
        if self.busy or self._record is None:
            return
        if self._record.passcode_verified:
            self.message.show_error("The passcode was verified: complete the call or pass it on instead.")
            return
        reason = self.passcode.reason()
        if not reason:
            self.passcode.passcode_status.show_error("Give a reason for closing the call as refused.")
            self.passcode.refuse_reason.setFocus()
            return
        self.controller.refuse(
            self._record.id, reason,
            lambda rec: self._finished(rec, f"{rec.reference} closed as refused: nothing was disclosed."),
            self._failed(self.passcode.passcode_status))

    def update_urgent_preview(self) -> None:
        """Recompute the countdown and the routing preview from the clock (every 30 s and on each edit)."""
        self.urgent.update_preview(self._record, self.controller.now())
        self.footer.set_buttons(CallState.of(self._record).verified, self.urgent.urgent)

    def urgent_values(self):
        return self.urgent.values()

    # ------------------------------------------------------------ save/finish

    def _save_then(self, finish: str | None) -> None:
        if self.busy or self._record is None:
            return
        rec = self._record
        if not rec.passcode_verified:
            self.message.show_error("Locked until the passcode is verified.")
            self.passcode.focus_gate()
            return
        try:
            subject = self.case.subject()
        except ValueError as exc:
            self.message.show_error(str(exc))
            self.case.dob_edit.setFocus()
            return
        try:
            removal_at, compassionate = self.urgent.values()
        except ValueError as exc:
            self.message.show_error(str(exc))
            self.urgent.focus_removal()
            return
        if finish in ("complete", "further_action") and self.urgent.urgent:
            self.message.show_error(f"This call is urgent: send the urgent call note with {SEND_URGENT.label}.")
            self.footer.send_urgent_button.setFocus()
            return
        if finish == "urgent" and removal_at is None and not compassionate:
            self.message.show_error("Tick Imminent removal (Alt+V) and type the removal date and time, or tick "
                                    "Compelling / compassionate (Alt+L), before sending an urgent call note.")
            self.urgent.imminent_check.setFocus()
            return
        # Once flagged in this call, the flags are saved every time, so unticking clears them too.
        self._flagged = finish == "urgent" or self._flagged or removal_at is not None or compassionate
        details = CallDetails(subject=subject, question=self.case.question.toPlainText(),
                              answer=self.case.answer.toPlainText(),
                              written_confirmation=self.case.written_confirmation.isChecked(),
                              checks=self.case.disclosure(),
                              caller=self.caller.values() if self.caller.changed_from(rec) else None,
                              removal_at=removal_at, compassionate=compassionate, flag=self._flagged)

        def done(saved) -> None:
            if finish == "urgent":
                rec, plan = saved
                self._set_record(rec)
                self._show_plan(plan)
                self.outbox_changed.emit()
            elif finish in ("complete", "further_action"):
                written = written_confirmation_said(saved)
                done_text = ("completed: answered at first contact." if finish == "complete" else
                             "passed to the MPEL team leader as a Further Action Case.")
                self._finished(saved, f"{saved.reference} {done_text}{written}")
                if saved.written_confirmation:
                    self.outbox_changed.emit()  # the window wakes the mail sender
            else:
                self._set_record(saved)
                self.message.show_ok(f"{saved.reference} saved at {format_time(self.controller.now())}.")
            self.discard_draft()

        self.controller.save(rec.id, rec.version, details, finish, done, self._failed(self.message))

    def _finished(self, rec: EnquiryRecord, text: str) -> None:
        self._last_finished = rec
        self._record = None
        self._reset_form()
        self.discard_draft()
        self._apply_state()
        self.call_changed.emit(None)
        self.header.show_no_call()
        self.message.show_ok(text)
        self.footer.offer_last(rec.reference)
        self.header.arm()
        self.header.focus_channel()

    def _failed(self, message: MessageLabel):
        """What a failed use case does: show what was saved before it stopped, then say why (or reload)."""
        def failed(exc: Exception) -> None:
            if isinstance(exc, StepFailed):
                if exc.record is not None:
                    self._set_record(exc.record)
                exc = exc.error
            if isinstance(exc, StaleRecord) and self._record is not None:
                self._reload_keeping_typing(exc)
                return
            message.show_error(error_text(exc, full_stop=False))
        return failed

    def _reload_keeping_typing(self, stale: StaleRecord) -> None:
        """Someone else saved this call since it was loaded: nothing of the agent's was saved.

        The message says who changed what; the call is read again and their
        change comes into the fields the agent had not touched, while what the
        agent typed stays (``domain.edits``), so saving again loses neither.
        """
        base, rec_id = detail_values(self._record), self._record.id
        said = "Not saved: " + stale_message(stale.reference or self._record.reference, stale.changes, advice=False)
        self.message.show_error(said)

        def done(fresh: EnquiryRecord) -> None:
            if self._record is None or self._record.id != fresh.id:
                return
            theirs, merged = self.typed.merge_theirs(base, fresh)
            self._set_record(fresh)
            self.message.show_error(f"{said}\n{reload_message(fresh.reference, base, theirs, merged)}")

        self.controller.get(rec_id, done, lambda exc: self.message.show_error(
            f"{said}\nCould not reload it: {error_text(exc, full_stop=False)}"))

    def _open_last(self) -> None:
        if self._last_finished is not None:
            self.open_record.emit(self._last_finished.id)

    # ------------------------------------------------------------------ state

    def _set_record(self, rec: EnquiryRecord) -> None:
        self._record = rec
        self._flagged = self._flagged or rec.urgent
        self.caller.adopt(rec)
        self.header.show_record(rec)
        self._apply_state()
        self.call_changed.emit(rec)

    def _apply_state(self) -> None:
        state = CallState.of(self._record)
        self.caller.set_state(state)
        self.passcode.set_state(state)
        self.case.set_state(state, self._record)
        self.urgent.set_state(state)
        self.footer.save_button.setEnabled(state.verified)
        self.update_urgent_preview()  # also sets Complete, Further Action and Send urgent

    def _reset_form(self) -> None:
        for section in (self.caller, self.passcode, self.case, self.urgent):
            section.reset()
        self.footer.open_last_button.setVisible(False)
        self._flagged = False
        self._clear_plan()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._record is None and self.focusWidget() is None:
            self.header.focus_channel()
        if not self._recovery_offered:
            self._recovery_offered = True
            QTimer.singleShot(0, self.offer_recovery)
