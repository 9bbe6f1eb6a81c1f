"""The case view of one CTS letter (issue 4): what it is, its deadlines, and what this user may do next.

``LetterDialog(ctx, letter_id)`` loads the letter through the TaskRunner and
shows its reference, kind, state, Member, subject, issue and deadlines (each
with its status in words and colour), with the service's warnings and
lateness prompts at the top where they cannot be missed.

Only the actions in ``record.allowed_actions`` appear, one button each.
Pressing one opens its form below (the fields that action needs: a reason,
a note, the barrier to removal, a case owner, the background note, the
draft, the reply channel…) with a "Confirm" button; the service is called
with the version the user saw (``expected_version``), its refusal is shown
inline, and on success the letter is read again.

The letter's documents (the scan, written agreements, the replies made from
templates) are on a second tab, ``letter_documents.DocumentsPanel``: view,
save a copy, and generate the reply; its viewer and save-file chooser are
passed through (``opener``, ``save_chooser``) so tests open no native window.
"""
from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.correspondence import (CANCEL_GROUNDS, TERMINAL_STATES, LetterAction, LetterFacts, allowed_channels,
                                     may_own_case)
from ..domain.letter_records import LetterRecord, QaSubmission
from ..domain.records import QueueStatus
from ..domain.errors import ValidationError
from .context import DeskContext
from .empty_states import NO_UNITS
from .letter_documents import DocumentsPanel
from .letter_steps import LetterStepsPanel
from .mnemonics import MnemonicGuard
from .models import format_date, format_received, member_line
from .viewer import Opener
from .why_due import add_why_due_key
from .widgets import (GROUP_STYLE, MessageLabel, SaveChooser, button, dialog_buttons, error_text, heading, labelled,
                      named, tab_chain, text_box)

A = LetterAction

STATUS_TEXT = {QueueStatus.ON_TIME: "on time", QueueStatus.DUE_SOON: "due soon", QueueStatus.OVERDUE: "overdue",
               QueueStatus.URGENT: "urgent"}
STATUS_COLOUR = {QueueStatus.ON_TIME: "#1b5e20", QueueStatus.DUE_SOON: "#7a4a00", QueueStatus.OVERDUE: "#9b0000",
                 QueueStatus.URGENT: "#b00000"}

DEADLINE_LABELS = {
    "allocation": "Allocation to a unit", "decision": "Unit's decision (two-day rule)",
    "submit_to_qa": "Draft to QA", "draft": "Drafting", "unit": "Unit deadline", "signing": "Signing",
    "reply": "Reply due (case deadline)", "ophso": "OPHSO deadline",
}

# The button text of each action: verbs, with a mnemonic that clashes with nothing else the same person sees
# (the frame, the forms, the Special handling sections: tests/ui/test_letter_mnemonics.py checks the guard moves none).
ACTION_TEXT = {
    A.ALLOCATE: "&Allocate to a unit…", A.ACCEPT: "A&ccept for the unit…", A.REJECT: "&Reject to MPCS…",
    A.ESCALATE: "&Escalate…", A.ENFORCE: "E&nforce on a unit…", A.LIFT_ENFORCEMENT: "Lift enforce&ment…",
    A.ALLOCATE_TO_CASE_OWNER: "Allocate to a case &owner…", A.REQUEST_REALLOCATION: "Ask for reall&ocation…",
    A.SAVE_BACKGROUND_NOTE: "Bac&kground note…", A.SUBMIT_TO_QA: "Submit to &QA…",
    A.QA_RETURN: "Re&turn to case owner…", A.QA_PASS: "&Pass QA…", A.TL_RETURN: "Re&turn to case owner…",
    A.SIGN: "&Sign the reply…", A.SEND_TO_PRIVATE_OFFICE: "Send to &Private Office…",
    A.PO_RETURN: "Re&turn to case owner…", A.MINISTER_SIGN: "Record the &Minister's signature…",
    A.DISPATCH: "Record &dispatch…", A.REJECT_FOR_CANCELLING: "Reject for ca&ncelling…", A.CANCEL: "Can&cel…",
    A.CONVERT_TO_OFFICIAL: "Con&vert to Official…",
}


# Done on the "Special handling" tab, where its fields are (an off-line unit's reply [ASY]).
SECTION_ACTIONS = frozenset({A.CHECK_IN_OFFLINE})


def status_html(status: QueueStatus | None) -> str:
    if status is None:
        return ""
    colour = STATUS_COLOUR[status]
    return f" <b style='color:{colour}'>({escape(STATUS_TEXT[status])})</b>"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _deadline_status(day: date, today: date) -> QueueStatus:
    if day < today:
        return QueueStatus.OVERDUE
    if (day - today).days <= 1:
        return QueueStatus.DUE_SOON
    return QueueStatus.ON_TIME


class LetterDialog(QDialog):
    """One letter, and the actions its user may take on it now."""

    loaded = Signal(object)  # the LetterRecord, after every (re)load
    changed = Signal(int)  # an action succeeded on this letter (for the workstack to refresh)

    def __init__(self, ctx: DeskContext, letter_id: int, parent: QWidget | None = None, *,
                 opener: Opener | None = None, save_chooser: SaveChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.letter_id = letter_id
        self.record: LetterRecord | None = None
        self.units: list[tuple[str, str]] = []  # (code, name)
        self.owners: list[tuple[int, str]] = []  # (user id, full name) of the letter's unit
        self.action: LetterAction | None = None
        self.fields: dict[str, QWidget] = {}
        self.action_buttons: dict[LetterAction, QPushButton] = {}
        self.busy = False
        self._closed = False  # answers from the worker that arrive after closing are dropped
        self.setWindowTitle("Letter")
        self.setStyleSheet(GROUP_STYLE)

        self.title_label = heading("Loading the letter…")
        self.alerts = QLabel()
        self.alerts.setWordWrap(True)
        self.alerts.setTextFormat(Qt.RichText)
        self.alerts.setAccessibleName("Warnings and prompts")
        self.alerts.setStyleSheet("QLabel { background: #fff1c9; color: #5a3600; border: 1px solid #c98a00; "
                                  "padding: 6px; }")
        self.alerts.hide()
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Letter details")
        self.detail.setOpenLinks(False)
        self.detail.setTabChangesFocus(True)
        self.detail.setFrameShape(QFrame.NoFrame)
        self.documents = DocumentsPanel(ctx, opener=opener, save_chooser=save_chooser)
        self.documents.changed.connect(self.reload)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Letter")
        self.tabs.addTab(self.detail, "Case deta&ils")
        self.tabs.addTab(self.documents, "Doc&uments")
        self.steps = LetterStepsPanel(ctx)  # the special cases of the guidance (issue 15)
        self.steps.changed.connect(self.reload)
        self.steps.loaded.connect(lambda case: self.documents.set_offered(case.plan.offered if case.plan else ()))
        self.tabs.addTab(self.steps, "Special &handling")

        self.actions_box = QGroupBox("What you can do")
        self.actions_row = QHBoxLayout(self.actions_box)
        self.no_actions = QLabel("Nothing for you to do on this letter now.")
        self.no_actions.setStyleSheet("color: #555;")
        self.actions_row.addWidget(self.no_actions)
        self.actions_row.addStretch(1)

        self.form_box = QGroupBox()
        self.form_box.hide()
        self.form_layout = QVBoxLayout(self.form_box)
        self.form_holder: QWidget | None = None
        self.confirm_button = button("Con&firm")
        self.confirm_button.clicked.connect(self.confirm)

        self.message = MessageLabel(keep_space=True)
        self.close_button = button("Close")
        self.refresh_button = button("Re&load")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.reload)
        buttons = dialog_buttons(self, self.refresh_button, self.close_button)
        self.refresh_button.setDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.alerts)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.actions_box)
        layout.addWidget(self.form_box)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        add_why_due_key(self, ctx, lambda: self.letter_id, self.message, letters=True, what="this letter's deadlines")
        self.resize(860, 760)
        # More controls come and go here than there are letters: one Alt+letter each of those shown (issue 15).
        self.mnemonics = MnemonicGuard(self)
        self.reload()

    # ---------------------------------------------------------------- loading

    def reload(self) -> None:
        ctx, letter_id = self._ctx, self.letter_id

        def load():
            rec = ctx.services.letters.get(ctx.user, letter_id)
            units = [(u.code, u.name) for u in ctx.services.units.list_units(active_only=True)]
            owners = []
            if rec.unit_code and A.ALLOCATE_TO_CASE_OWNER in rec.allowed_actions:
                # Only whom the rules let own this letter: a senior caseworker for OPHSO, else a case owner.
                facts = LetterFacts(kind=rec.kind, ophso=rec.ophso)
                owners = [(u.id, u.full_name) for u in ctx.services.units.members(rec.unit_code)
                          if u.active and may_own_case(u.roles, facts)]
            return rec, units, owners

        self.busy = True
        ctx.runner.submit(load, self._show, self._failed)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._closed = self.documents.closed = False
        super().showEvent(event)

    def done(self, result: int) -> None:  # noqa: D102 (QDialog.done: close, accept or reject)
        self._closed = self.documents.closed = True
        super().done(result)

    def _show(self, result) -> None:
        if self._closed:
            return
        self.busy = False
        rec, self.units, self.owners = result
        self.record = rec
        urgent = "  URGENT" if rec.urgent else ""
        self.title_label.setText(f"{rec.reference} — {rec.kind.value.capitalize()}{urgent}")
        self.setWindowTitle(f"Letter {rec.reference}")
        self._show_alerts(rec)
        self.detail.setHtml(self._detail_html(rec))
        self.documents.show_letter(rec)
        self.steps.show_letter(rec)
        count = len(rec.documents)
        self.tabs.setTabText(1, f"Doc&uments ({count})" if count else "Doc&uments")
        self._show_actions(rec)
        self.loaded.emit(rec)

    def _failed(self, exc: Exception) -> None:
        if self._closed:
            return
        self.busy = False
        self.message.show_error(error_text(exc))

    def _show_alerts(self, rec: LetterRecord) -> None:
        lines = [f"⚠ {escape(w)}" for w in rec.warnings]
        lines += [f"➜ {escape(p.text)}" for p in rec.prompts]
        if rec.last_return_note and rec.state.value == "drafting":
            lines.append(f"↩ Returned ({rec.returns_count}×): {escape(rec.last_return_note)}")
        self.alerts.setText("<br>".join(lines))
        self.alerts.setAccessibleName("Warnings and prompts: " + " ".join(
            [*rec.warnings, *(p.text for p in rec.prompts)]) if lines else "Warnings and prompts")
        self.alerts.setVisible(bool(lines))

    def _detail_html(self, rec: LetterRecord) -> str:
        today = self._ctx.services.clock.now().astimezone(LONDON).date()
        rows: list[tuple[str, str]] = [
            ("State", f"<b>{escape(rec.state.label)}</b>"
                      + (f" · stage deadline {escape(format_date(rec.stage_deadline))}{status_html(rec.status)}"
                         if rec.stage_deadline else "")),
            ("Member", escape(member_line(rec.member))),
            ("Subject", escape(rec.subject_name) + (f" · HO ref {escape(rec.ho_reference)}"
                                                   if rec.ho_reference else "")),
            ("Issue", escape(rec.issue)),
        ]
        if rec.constituent_name:
            rows.append(("Constituent", escape(rec.constituent_name)))
        if rec.question:
            rows.append(("Question", escape(rec.question).replace("\n", "<br>")))
        rows.append(("Received", escape(format_received(rec.received_at)) + f" · registered by "
                     f"{escape(rec.registered_by)}"))
        unit = rec.unit_code or "with MPCS"
        owner = rec.case_owner_name or "none yet"
        rows.append(("Unit", f"{escape(unit)} · case owner: {escape(owner)}"))
        if rec.signatory:
            rows.append(("Signatory", escape(getattr(rec.signatory, "who", "") or "")))
        flags = [t for f, t in ((rec.ophso, "OPHSO"), (rec.foi, "FOI"), (rec.welsh_requested, "Welsh reply"),
                                (rec.restricted, "restricted"), (rec.enforced, "enforced")) if f]
        if flags:
            rows.append(("Flags", escape(", ".join(flags))))
        if rec.linked_letters:  # several MPs on one person [CORR 2.6]
            reply = escape(rec.reply_role.label) + (f" of {escape(rec.copy_of)}" if rec.copy_of else "")
            others = [f"{escape(o.reference)} · {escape(o.member_name)}"
                      + (" (constituency MP)" if o.constituency_mp else "")
                      + (f" · {escape(o.reply.label.lower())}" if o.reply else " · cancelled")
                      for o in rec.linked_letters]
            rows.append(("Other MPs' letters", "<br>".join(others) + f"<br><b>This letter:</b> {reply}"))
        if rec.line_manager_name:  # Agency staff [CORR 2.5]
            rows.append(("Line manager told", escape(rec.line_manager_name) + (
                f" · {escape(format_received(rec.line_manager_flagged_at))}" if rec.line_manager_flagged_at else "")))
        if rec.barrier_to_removal is not None:
            rows.append(("Barrier to removal", "entered" if rec.barrier_to_removal else
                         f"not entered: {escape(rec.no_barrier_reason)}"))
        deadlines = []
        open_case, marked = rec.state not in TERMINAL_STATES, False
        for key in sorted(rec.deadlines, key=lambda k: (rec.deadlines[k], k)):
            day = rec.deadlines[key]
            # A status only where it still means something: this stage's deadline and the case's own.
            if open_case and not marked and day == rec.stage_deadline and rec.status:
                status, tail, marked = rec.status, " ← this stage", True
            elif open_case and key in ("reply", "ophso", "unit"):
                status, tail = _deadline_status(day, today), ""
            else:
                status, tail = None, ""
            deadlines.append(f"{escape(DEADLINE_LABELS.get(key, key.replace('_', ' ').capitalize()))}: "
                             f"{escape(format_date(day))}{status_html(status)}{escape(tail)}")
        rows.append(("Deadlines", "<br>".join(deadlines) or "—"))
        note = rec.background_note
        if note.background:
            rows.append(("Background note", escape(note.background).replace("\n", "<br>")
                         + f"<br>Drafting officer: {escape(note.drafting_officer_name)}, "
                           f"{escape(note.drafting_officer_location)}, {escape(note.drafting_officer_phone)}"))
        if rec.draft:
            rows.append(("Draft", escape(rec.draft).replace("\n", "<br>")))
        if rec.signed_by:
            rows.append(("Signed by", escape(rec.signed_by)))
        if rec.rejections:
            rows.append(("Rejected by", "<br>".join(f"{escape(r.unit_code)}: {escape(r.reason)}"
                                                   for r in rec.rejections)))
        body = "".join(f"<tr><td style='color:#555; padding:3px 10px 3px 0; white-space:nowrap; "
                       f"vertical-align:top'>{escape(k)}</td><td style='padding:3px 0'>{v}</td></tr>"
                       for k, v in rows)
        return f"<table cellspacing='0'>{body}</table>"

    # ---------------------------------------------------------------- actions

    def _show_actions(self, rec: LetterRecord) -> None:
        for b in self.action_buttons.values():
            self.actions_row.removeWidget(b)
            b.deleteLater()
        self.action_buttons = {}
        for i, action in enumerate(a for a in rec.allowed_actions if a not in SECTION_ACTIONS):
            b = button(ACTION_TEXT.get(action, _sentence(action.label) + "…"), _sentence(action.label))
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, a=action: self.choose(a))
            self.actions_row.insertWidget(i, b)
            self.action_buttons[action] = b
        self.no_actions.setVisible(not self.action_buttons)
        if self.action not in rec.allowed_actions:
            self._close_form()
        elif self.action is not None:
            self.choose(self.action)  # the same form again, freshly filled
        tab_chain(self.detail, *self.action_buttons.values())

    def _close_form(self) -> None:
        self.action = None
        self.fields = {}
        self.form_box.hide()
        self.confirm_button.setDefault(False)

    def choose(self, action: LetterAction) -> None:
        """Open the form of ``action`` below the buttons."""
        rec = self.record
        if rec is None or action not in rec.allowed_actions:
            return
        self.action = action
        self.message.clear()
        if self.form_holder is not None:
            self.form_layout.removeWidget(self.form_holder)
            self.form_holder.hide()
            self.form_holder.deleteLater()
        self.form_holder = QWidget()
        form = QFormLayout(self.form_holder)
        self.fields = {}
        self._build_fields(action, rec, form)
        self.confirm_button.setText(f"Con&firm: {action.label}")
        named(self.confirm_button)
        self.confirm_button.setParent(None)
        form.addRow("", self.confirm_button)
        self.form_layout.addWidget(self.form_holder)
        self.form_box.setTitle(_sentence(action.label))
        self.form_box.show()
        self.confirm_button.setDefault(True)
        first = next(iter(self.fields.values()), self.confirm_button)
        tab_chain(*self.action_buttons.values(), *self.fields.values(), self.confirm_button)
        first.setFocus(Qt.OtherFocusReason)

    def _add(self, form: QFormLayout, name: str, text: str, widget: QWidget) -> QWidget:
        self.fields[name] = widget
        if isinstance(widget, QCheckBox):
            form.addRow("", named(widget))
        else:
            labelled(form, text, widget)
        return widget

    def _unit_combo(self, blank: str | None = None, exclude: str | None = None) -> QComboBox:
        combo = QComboBox()
        if blank is not None:
            combo.addItem(blank, "")
        for code, name in self.units:
            if code != exclude:
                combo.addItem(f"{name} ({code})", code)
        return combo

    def _build_fields(self, action: LetterAction, rec: LetterRecord, form: QFormLayout) -> None:
        if action in (A.ALLOCATE, A.ENFORCE):
            self._add(form, "unit", "&Unit:", self._unit_combo())
            if not self.units:  # say what must be set up, rather than "Unit is required" after the click
                self.no_units = QLabel(NO_UNITS)
                self.no_units.setWordWrap(True)
                self.no_units.setStyleSheet("color: #9b0000; font-weight: bold;")
                self.no_units.setAccessibleName(NO_UNITS)
                form.addRow("", self.no_units)
        elif action is A.ACCEPT:
            barrier = QComboBox()
            barrier.addItem("Yes: the barrier to removal has been entered", True)
            barrier.addItem("No", False)
            self._add(form, "barrier_to_removal", "Barrier to &removal entered:", barrier)
            reason = self._add(form, "no_barrier_reason", "Reason &not entered:", QLineEdit())
            reason.setPlaceholderText("Needed when the barrier was not entered")
        elif action is A.REJECT:
            self._add(form, "reason", "&Reason:", text_box(2, 4))
            self._add(form, "suggested_unit", "&Suggested unit:",
                      self._unit_combo("(none)", exclude=rec.unit_code))
        elif action is A.LIFT_ENFORCEMENT:
            self._add(form, "agreeing_unit", "&Agreeing unit:", self._unit_combo(exclude=rec.unit_code))
            path = self._add(form, "written_agreement", "&Written agreement (PDF file):", QLineEdit())
            path.setPlaceholderText("Path of the scanned agreement, e.g. C:\\Scans\\agreement.pdf")
        elif action is A.ALLOCATE_TO_CASE_OWNER:
            combo = QComboBox()
            for user_id, name in self.owners:
                combo.addItem(name, user_id)
            self._add(form, "case_owner", "Case &owner:", combo)
        elif action in (A.REQUEST_REALLOCATION, A.CANCEL):
            self._add(form, "reason", "&Reason:", text_box(2, 4))
        elif action is A.REJECT_FOR_CANCELLING:
            ground = QComboBox()
            for key, text in CANCEL_GROUNDS.items():
                ground.addItem(text[0].upper() + text[1:], key)
            self._add(form, "ground", "&Ground:", ground)
            self._add(form, "reason", "&Reason:", text_box(2, 4))
        elif action is A.SAVE_BACKGROUND_NOTE:
            note = rec.background_note
            bg = self._add(form, "background", "&Background:", text_box(4, 8))
            bg.setPlainText(note.background)
            self._add(form, "drafting_officer_name", "Draftin&g officer's name:",
                      QLineEdit(note.drafting_officer_name or self._ctx.user.full_name))
            self._add(form, "drafting_officer_location", "Lo&cation:", QLineEdit(note.drafting_officer_location))
            self._add(form, "drafting_officer_phone", "&Phone:", QLineEdit(note.drafting_officer_phone))
            wanted = self._add(form, "reply_still_wanted", "",
                               QCheckBox("The MP confirmed a reply is still wanted"))
            wanted.setChecked(note.reply_still_wanted)
        elif action is A.SUBMIT_TO_QA:
            draft = self._add(form, "draft", "Draft &reply:", text_box(6, 12))
            draft.setPlainText(rec.draft)
        elif action in (A.QA_RETURN, A.TL_RETURN, A.PO_RETURN):
            self._add(form, "note", "&Note for the case owner:", text_box(3, 6))
        elif action is A.MINISTER_SIGN:
            self._add(form, "signed_by", "&Signed by:", QLineEdit())
        elif action is A.DISPATCH:
            channel = QComboBox()
            for c in allowed_channels(rec.kind):
                channel.addItem(c.label, c.value)
            self._add(form, "reply_channel", "Reply &channel:", channel)
            agreement = self._add(form, "mp_agreement", "MP's &agreement:", QLineEdit())
            agreement.setPlaceholderText("Who agreed, and when (needed for anything but a letter)")
            self._add(form, "resolution_note", "&Resolution:", text_box(2, 4))
        else:
            hint = QLabel(f"Press Confirm to {action.label}.")
            form.addRow(hint)

    def _text(self, name: str) -> str:
        w = self.fields[name]
        return w.toPlainText() if hasattr(w, "toPlainText") else w.text()

    def _call(self):
        """The service call for the chosen action, as a callable for the worker thread."""
        rec, action, actor, letters = self.record, self.action, self._ctx.user, self._ctx.services.letters
        v = dict(expected_version=rec.version)
        f = self.fields
        if action is A.ALLOCATE:
            code = f["unit"].currentData()
            return lambda: letters.allocate(actor, rec.id, code, **v)
        if action is A.ENFORCE:
            code = f["unit"].currentData()
            return lambda: letters.enforce(actor, rec.id, code, **v)
        if action is A.ACCEPT:
            barrier, reason = f["barrier_to_removal"].currentData(), self._text("no_barrier_reason")
            return lambda: letters.accept(actor, rec.id, barrier_to_removal=barrier, no_barrier_reason=reason, **v)
        if action is A.REJECT:
            reason, suggested = self._text("reason"), f["suggested_unit"].currentData() or None
            return lambda: letters.reject(actor, rec.id, reason=reason, suggested_unit=suggested, **v)
        if action is A.ESCALATE:
            return lambda: letters.escalate(actor, rec.id, **v)
        if action is A.LIFT_ENFORCEMENT:
            unit, path = f["agreeing_unit"].currentData(), self._text("written_agreement").strip()

            def lift():
                if not path:
                    raise ValidationError("written agreement: give the path of the PDF")
                try:
                    data = Path(path).read_bytes()
                except OSError as exc:
                    raise ValidationError(f"written agreement: cannot read {path} ({exc.strerror})") from None
                return letters.lift_enforcement(actor, rec.id, agreeing_unit=unit, written_agreement=data,
                                                filename=Path(path).name, **v)
            return lift
        if action is A.ALLOCATE_TO_CASE_OWNER:
            owner = f["case_owner"].currentData()

            def allocate():
                if owner is None:
                    raise ValidationError("case owner: the unit has no case owner to choose")
                return letters.allocate_to_case_owner(actor, rec.id, owner, **v)
            return allocate
        if action is A.REQUEST_REALLOCATION:
            reason = self._text("reason")
            return lambda: letters.request_reallocation(actor, rec.id, reason, **v)
        if action is A.SAVE_BACKGROUND_NOTE:
            values = {k: self._text(k) for k in ("background", "drafting_officer_name",
                                                 "drafting_officer_location", "drafting_officer_phone")}
            wanted = f["reply_still_wanted"].isChecked()
            return lambda: letters.save_background_note(actor, rec.id, reply_still_wanted=wanted, **values, **v)
        if action is A.SUBMIT_TO_QA:
            draft = self._text("draft")
            return lambda: letters.submit_to_qa(actor, rec.id, draft=draft, **v)
        if action in (A.QA_RETURN, A.TL_RETURN, A.PO_RETURN):
            note = self._text("note")
            method = {A.QA_RETURN: letters.qa_return, A.TL_RETURN: letters.tl_return,
                      A.PO_RETURN: letters.po_return}[action]
            return lambda: method(actor, rec.id, note, **v)
        if action is A.QA_PASS:
            return lambda: letters.qa_pass(actor, rec.id, **v)
        if action is A.SIGN:
            return lambda: letters.sign(actor, rec.id, **v)
        if action is A.SEND_TO_PRIVATE_OFFICE:
            return lambda: letters.send_to_private_office(actor, rec.id, **v)
        if action is A.MINISTER_SIGN:
            signed_by = self._text("signed_by")
            return lambda: letters.minister_sign(actor, rec.id, signed_by=signed_by, **v)
        if action is A.DISPATCH:
            channel = f["reply_channel"].currentData()
            agreement, note = self._text("mp_agreement"), self._text("resolution_note")
            return lambda: letters.dispatch(actor, rec.id, reply_channel=channel, mp_agreement=agreement,
                                            resolution_note=note, **v)
        if action is A.REJECT_FOR_CANCELLING:
            ground, reason = f["ground"].currentData(), self._text("reason")
            return lambda: letters.reject_for_cancelling(actor, rec.id, ground=ground, reason=reason, **v)
        if action is A.CANCEL:
            reason = self._text("reason")
            return lambda: letters.cancel(actor, rec.id, reason, **v)
        if action is A.CONVERT_TO_OFFICIAL:
            return lambda: letters.convert_to_official(actor, rec.id, **v)
        raise ValidationError(f"{action.label}: not available on this screen")

    def confirm(self) -> None:
        if self.record is None or self.action is None or self.busy:
            return
        label = self.action.label
        try:
            call = self._call()
        except ValidationError as exc:
            self._failed(exc)
            return

        def done(result) -> None:
            if self._closed:
                return
            self.busy = False
            warning = result.warning if isinstance(result, QaSubmission) else None
            rec = result.letter if isinstance(result, QaSubmission) else result
            self._close_form()
            if warning:
                self.message.show_error(warning)
            else:
                self.message.show_ok(f"Done: {label}. The letter is now {rec.state.label.lower()}.")
            self.changed.emit(rec.id)
            self.reload()

        self.busy = True
        self.message.show_info(f"Saving: {label}…")
        self._ctx.runner.submit(call, done, self._failed)
