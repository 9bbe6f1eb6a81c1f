"""The call agent's screen: log one call from the first ring to completion, keyboard only.

The steps follow the MPEL telephone guidance (domain-rules §2 and §5):

1. New call: pick the channel, press Alt+N; the hotline reference is issued at
   once and shown large, so the agent can read it out.
2. Caller: type a few letters of the member's name or constituency; matching
   members appear below the field (Up/Down, Enter picks); then say whether the
   member or a named caseworker is calling.
3. Passcode before anything else: the subject and case fields stay disabled
   until the office's passcode is verified; after three wrong passcodes the
   only way on is to close the call as refused.
4. Subject, disclosure checks, question and answer.
5. Urgent? Tick "Imminent removal" (Alt+V) and type the removal date and
   time, or tick "Compelling / compassionate" (Alt+L).  A live countdown
   says whether the removal is within 72 hours of the call, and where the
   call note will go at this time of day (the routing rule itself is
   ``domain.urgency``'s; the service decides when the note is sent).
6. Finish: Ctrl+Enter completes it as answered at first contact,
   Ctrl+Shift+Enter passes it to the MPEL team leader as a Further Action
   Case, and Ctrl+U sends an urgent call note at once.  After an urgent send
   the screen shows whom to telephone and the number, in large type, and a
   small form to record the call (Alt+K); Ctrl+Enter (or "Finish the call")
   then clears the form for the next call.  The form resets for the next
   call after every finish; a failed save or send keeps everything typed.
   A save refused because someone else saved the call meanwhile says who
   changed what, reads the call again and keeps the typing (their change
   comes into the fields the agent had not touched).

What is typed into a verified call is autosaved to a local draft
(``ui.drafts``) a moment after each change and deleted once saved; after a
crash the next start offers it back.

Every service call goes through the TaskRunner; this module only reads
widgets on the UI thread and hands plain values to the worker.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QRadioButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.enquiry_flow import MAX_PASSCODE_ATTEMPTS
from ..domain.edits import merge_edits
from ..domain.errors import StaleRecord, ValidationError
from ..domain.records import (CallerKind, Channel, Disclosure, EnquiryRecord, EnquiryStatus,
                              MemberRecord, SubjectDetails, UrgentContactRecord, UrgentPlan)
from ..domain.urgency import IMMINENT_WINDOW, UrgentRouting, route_urgent_call
from ..reports.record_sections import format_date, format_weekday_date
from ..services.conflicts import stale_message
from .context import DeskContext
from .drafts import CallDraft
from .enquiry_edits import detail_values, reload_message
from .member_search import MemberSearch
from .models import STATUS_LABELS, format_received, format_span, format_time, member_line
from .widgets import (ERROR_STYLE, GROUP_STYLE, MessageLabel, ask, button, error_text, in_row, labelled, named,
                      screen_shortcut, tab_chain, text_box)

COUNTDOWN_INTERVAL_MS = 30_000  # the removal countdown ticks twice a minute
DRAFT_DELAY_MS = 1_500  # autosave once typing pauses: a crash loses at most the last second or two

KEYS_HINT = ("Alt+N new call  ·  Ctrl+S save  ·  Ctrl+Enter complete  ·  Ctrl+Shift+Enter Further Action Case  ·  "
             "Ctrl+U send urgent call note")
PLAN_KEYS_HINT = "Alt+K spoken to  ·  Enter records the call  ·  Ctrl+Enter finish the call  ·  Alt+N new call"
NO_CALL_TEXT = "No call open: choose the channel, then press Enter (or Alt+N) to start one."


# --------------------------------------------------------------------------

_DOB = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def parse_dob(text: str) -> date | None:
    """dd/mm/yyyy (also with '.' or '-'); blank means not known.  ValueError says what is wrong."""
    if not text.strip():
        return None
    match = _DOB.match(text)
    if not match:
        raise ValueError("Date of birth: type it as dd/mm/yyyy, for example 07/03/1985, or leave it blank")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Date of birth: {text.strip()} is not a real date") from None


_DAY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2})\s*[:.h]?\s*(\d{2})\s*$")


def parse_day(text: str, field: str) -> date | None:
    """dd/mm/yyyy for ``field``; blank is None.  ValueError says what is wrong."""
    if not text.strip():
        return None
    match = _DAY.match(text)
    if not match:
        raise ValueError(f"{field}: type it as dd/mm/yyyy, for example 24/11/2026")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{field}: {text.strip()} is not a real date") from None


def parse_clock(text: str, field: str) -> time | None:
    """A time of day, 24-hour: ``22:30``, ``22.30``, ``2230`` or ``9:05``; blank is None."""
    if not text.strip():
        return None
    match = _CLOCK.match(text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(f"{field}: type it as hh:mm on the 24-hour clock, for example 22:30")


def london(day: date, at: time) -> datetime:
    """A UK wall-clock date and time as an aware instant (the first of the two in the autumn's repeated hour)."""
    return datetime.combine(day, at, tzinfo=LONDON)


def countdown_text(removal_at: datetime, now: datetime, route: UrgentRouting) -> str:
    """The live countdown: ``Removal in 29 h 45 min — imminent (within 72 hours)``.

    The time left is counted from now; whether the removal is imminent comes
    from the routing rule, which counts from the time of the call.
    """
    left = removal_at - now
    if left < timedelta(0):
        return f"Removal time passed {format_span(-left)} ago: check the date and time"
    hours = int(IMMINENT_WINDOW.total_seconds() // 3600)
    if route.imminent_removal:
        return f"Removal in {format_span(left)} — imminent (within {hours} hours)"
    return f"Removal in {format_span(left)} — more than {hours} hours away — not imminent"


_ROUTE_TEXT = {
    "region": "Urgent: on sending, the call note goes to the region's inbox at once; then telephone the "
              "regional team.",
    "duty_region": "Urgent, received 16:00–17:00: on sending, the call note goes to tonight's duty region; then "
                   "telephone the duty account manager.",
    "oscu": "Urgent, out of hours: on sending, the call note goes to the region for the morning; refer the "
            "case to OSCU's out-of-hours service by telephone.",
}

DESTINATION_LABELS = {"region": "Regional team", "duty_region": "Tonight's duty region",
                      "oscu": "OSCU out-of-hours service"}


class _StepFailed(Exception):
    """A batch of service calls stopped part-way: carries the last record saved before the failure."""

    def __init__(self, record: EnquiryRecord | None, error: Exception):
        super().__init__(str(error))
        self.record = record
        self.error = error


# --------------------------------------------------------------------------


class CallView(QWidget):
    """One call at a time, from 'New call' to 'Complete' or 'Further Action Case'."""

    title = "New call"
    open_record = Signal(int)
    call_changed = Signal(object)  # the current EnquiryRecord, or None after a reset
    outbox_changed = Signal()  # a call note was queued: the window wakes the mail sender

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._record: EnquiryRecord | None = None
        self._last_finished: EnquiryRecord | None = None
        self._member: MemberRecord | None = None
        self._suggestions: list[MemberRecord] = []
        self._busy = False
        self._regions: dict[str, str] = {}
        # Urgent calls: whether the record carries flags from this call, the live preview of the
        # routing, the plan after sending, and the calls recorded against it.
        self._flagged = False
        self._route: UrgentRouting | None = None
        self._plan: UrgentPlan | None = None
        self._contacts: list[UrgentContactRecord] = []
        self._finish_warned = False

        self._build_header()
        self._build_caller()
        self._build_passcode()
        self._build_case()
        self._build_urgent()
        self._build_footer()
        self._build_plan()
        self._layout()
        self.setStyleSheet(GROUP_STYLE)
        self._build_shortcuts()
        self._set_tab_order()
        self._apply_state()
        self._load_regions()
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown_timer.timeout.connect(self.update_urgent_preview)
        self._countdown_timer.start()
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self._recovery_offered = False
        for edit in self._draft_texts().values():
            edit.textChanged.connect(self._typed)
        for box in self._draft_flags().values():
            box.toggled.connect(self._typed)

    # ------------------------------------------------------------------ build

    def _build_header(self) -> None:
        self.header = QFrame()
        self.header.setObjectName("callHeader")
        self.header.setStyleSheet("#callHeader { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 4px; }")
        self.channel_group = QButtonGroup(self)
        self.channel_buttons: dict[Channel, QRadioButton] = {}
        for channel, text in ((Channel.TELEPHONE, "&Telephone"), (Channel.FAX, "Fa&x"), (Channel.EMAIL, "&Email")):
            radio = named(QRadioButton(text))
            radio.installEventFilter(self)  # Enter on a channel starts the call
            self.channel_group.addButton(radio)
            self.channel_buttons[channel] = radio
        self.channel_buttons[Channel.TELEPHONE].setChecked(True)
        self.new_call_button = button("&New call", "Start a new call and issue its reference (Alt+N)",
                                      auto_default=True)
        self.new_call_button.clicked.connect(self.new_call)

        self.reference_label = QLabel()
        self.reference_label.setAccessibleName("Call reference")
        font = QFont(self.font())
        font.setPointSize(max(22, font.pointSize() * 2))
        font.setBold(True)
        font.setLetterSpacing(QFont.AbsoluteSpacing, 1.5)
        self.reference_label.setFont(font)
        self.reference_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.reference_label.setVisible(False)
        self.call_info_label = QLabel(NO_CALL_TEXT)
        self.call_info_label.setAccessibleName("Call details")
        self.call_info_label.setWordWrap(True)

    def _build_caller(self) -> None:
        self.caller_group = QGroupBox("1  Caller")
        self.member_edit = QLineEdit()
        self.member_edit.setPlaceholderText("Type the member's name or constituency")
        self.member_edit.setClearButtonEnabled(True)
        self.member_edit.textEdited.connect(self._member_text_edited)
        self.member_edit.installEventFilter(self)  # Up/Down/Enter drive the suggestion list
        self._member_search = MemberSearch(self._ctx, self.member_edit, self)
        self._member_search.found.connect(self._show_suggestions)
        self._member_search.failed.connect(lambda exc: self.message.show_error(error_text(exc, full_stop=False)))
        self._member_search.ready.connect(lambda: self._pick_member(max(self.suggestions.currentRow(), 0)))
        self.suggestions = QListWidget()
        self.suggestions.setAccessibleName("Matching members")
        # The list follows the member field's arrow keys; it never takes focus itself.
        self.suggestions.setFocusPolicy(Qt.NoFocus)
        self.suggestions.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.suggestions.setTextElideMode(Qt.ElideMiddle)
        self.suggestions.itemClicked.connect(lambda item: self._pick_member(self.suggestions.row(item)))
        self.suggestions.setVisible(False)
        self.member_info = QLabel("No member chosen")
        self.member_info.setAccessibleName("Member's office")
        self.member_info.setWordWrap(True)
        self.member_info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.member_info.setStyleSheet("color: #444;")
        self.member_info.setAlignment(Qt.AlignLeft | Qt.AlignTop)

        self.caller_member = named(QRadioButton("the mem&ber"))
        self.caller_caseworker = named(QRadioButton("a &caseworker"))
        self.caller_member.setChecked(True)
        self.caller_kind_group = QButtonGroup(self)
        self.caller_kind_group.addButton(self.caller_member)
        self.caller_kind_group.addButton(self.caller_caseworker)
        self.caller_caseworker.toggled.connect(self._caller_kind_changed)
        self.caseworker_name = QLineEdit()
        self.caseworker_name.setPlaceholderText("Name of the caseworker on the line")

        form = QFormLayout(self.caller_group)
        member_box = QWidget()
        box = QVBoxLayout(member_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.member_edit)
        box.addWidget(self.suggestions)
        box.addWidget(self.member_info)
        labelled(form, "&Member:", member_box, self.member_edit)
        form.addRow(QLabel("Calling:"), in_row(self.caller_member, self.caller_caseworker, stretch=None))
        labelled(form, "Caseworker's n&ame:", self.caseworker_name)

    def _build_passcode(self) -> None:
        self.passcode_group = QGroupBox("2  Passcode — ask for it before taking the enquiry")
        self.passcode_edit = QLineEdit()
        self.passcode_edit.setEchoMode(QLineEdit.Password)
        self.passcode_edit.setMaxLength(40)
        self.passcode_edit.returnPressed.connect(self.verify_passcode)
        self.verify_button = button("&Verify", auto_default=True)
        self.verify_button.clicked.connect(self.verify_passcode)
        self.passcode_status = MessageLabel("Passcode status", keep_space=True)
        self.refuse_reason = QLineEdit()
        self.refuse_reason.setPlaceholderText("e.g. caller did not know it")
        self.refuse_reason.returnPressed.connect(self.refuse_call)
        self.refuse_button = button("C&lose call as refused", auto_default=True)
        self.refuse_button.clicked.connect(self.refuse_call)

        form = QFormLayout(self.passcode_group)
        labelled(form, "&Passcode:", in_row(self.passcode_edit, self.verify_button), self.passcode_edit)
        form.addRow(self.passcode_status)
        self.refuse_note = QLabel("If the caller cannot give the passcode, nothing may be disclosed:")
        self.refuse_note.setWordWrap(True)
        self.refuse_note.setStyleSheet("color: #444; margin-top: 6px;")
        form.addRow(self.refuse_note)
        refuse_widget = in_row(self.refuse_reason, self.refuse_button)
        labelled(form, "Reason for refusing:", refuse_widget, self.refuse_reason)
        self._passcode_form = form
        self._refuse_row = refuse_widget

    def _build_case(self) -> None:
        self.case_group = QGroupBox("3  Subject and case")
        self.lock_banner = QLabel()
        self.lock_banner.setAccessibleName("Lock status")
        self.lock_banner.setWordWrap(True)

        self.subject_name = QLineEdit()
        self.dob_edit = QLineEdit()
        self.dob_edit.setPlaceholderText("dd/mm/yyyy (blank if not known)")
        self.dob_edit.setMaxLength(14)
        self.dob_edit.textChanged.connect(self._dob_changed)
        self.dob_hint = QLabel()
        self.dob_hint.setAccessibleName("Date of birth check")
        self.nationality = QLineEdit()
        self.ho_reference = QLineEdit()
        self.ho_reference.setPlaceholderText("e.g. S1234567")
        self.cts_reference = QLineEdit()
        self.cts_reference.setPlaceholderText("e.g. M12345/26")
        self.check_constituency = named(QCheckBox("C&onstituency MP of the applicant"))
        self.check_representative = named(
            QCheckBox("A&uthorised representative (MP writing on the applicant's behalf)"))
        self.check_third_party = named(QCheckBox("Thi&rd party (not the applicant or a representative)"))
        self.check_identity = named(QCheckBox("&Identity confirmed beyond reasonable doubt"))
        self.question = text_box(3)
        self.answer = text_box(3)
        self.written_confirmation = named(QCheckBox("&Written confirmation requested"))

        outer = QVBoxLayout(self.case_group)
        outer.addWidget(self.lock_banner)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        labelled(form, "&Subject name:", self.subject_name)
        hint_width = self.dob_edit.fontMetrics().horizontalAdvance(self.dob_edit.placeholderText())
        self.dob_edit.setFixedWidth(hint_width + 24)
        labelled(form, "&Date of birth:", in_row(self.dob_edit, self.dob_hint, stretch=1), self.dob_edit)
        labelled(form, "Nationalit&y:", self.nationality)
        labelled(form, "&Home Office reference:", self.ho_reference)
        labelled(form, "CTS re&ference:", self.cts_reference)
        outer.addLayout(form)

        checks = QGroupBox("Disclosure checks — before giving any personal information")
        checks_layout = QVBoxLayout(checks)
        for box in (self.check_constituency, self.check_representative, self.check_third_party,
                    self.check_identity):
            checks_layout.addWidget(box)
        outer.addWidget(checks)

        text_form = QFormLayout()
        text_form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        labelled(text_form, "&Question:", self.question)
        labelled(text_form, "Answer &given:", self.answer)
        text_form.addRow("", self.written_confirmation)
        outer.addLayout(text_form)

    def _build_urgent(self) -> None:
        self.urgent_group = QGroupBox("4  Urgent? Imminent removal or compassionate case")
        # Alt+V and Alt+L are free here: Verify is disabled and "Close call as refused" hidden once the
        # passcode is verified, which is the only time these boxes are enabled.
        self.imminent_check = named(QCheckBox("Imminent remo&val"))
        self.imminent_check.toggled.connect(self._imminent_toggled)
        self.removal_date = QLineEdit()
        self.removal_date.setPlaceholderText("dd/mm/yyyy")
        self.removal_date.setMaxLength(14)
        self.removal_time = QLineEdit()
        self.removal_time.setPlaceholderText("hh:mm, 24-hour")
        self.removal_time.setMaxLength(8)
        for edit in (self.removal_date, self.removal_time):
            width = edit.fontMetrics().horizontalAdvance("hh:mm, 24-hour") + 24
            edit.setFixedWidth(width)
            edit.textChanged.connect(self.update_urgent_preview)
        self.removal_date_hint = QLabel()
        self.removal_date_hint.setAccessibleName("Removal date check")
        self.compassionate_check = named(QCheckBox("Compe&lling / compassionate"))
        self.compassionate_check.toggled.connect(self.update_urgent_preview)
        self.countdown_label = QLabel()
        self.countdown_label.setAccessibleName("Removal countdown")
        self.countdown_label.setWordWrap(True)
        self.countdown_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.route_label = QLabel()
        self.route_label.setAccessibleName("Where the call note goes")
        self.route_label.setWordWrap(True)
        self.route_label.setStyleSheet("color: #333;")
        # Room kept for the longest text, so the form does not jump as the agent types.
        lines = self.countdown_label.fontMetrics().lineSpacing()
        self.countdown_label.setMinimumHeight(lines * 2 + 4)
        self.route_label.setMinimumHeight(lines * 3 + 4)

        outer = QVBoxLayout(self.urgent_group)
        form = QFormLayout()
        form.addRow(self.imminent_check)
        labelled(form, "Removal date:", in_row(self.removal_date, self.removal_date_hint, stretch=1),
                 self.removal_date)
        labelled(form, "Removal time (UK):", in_row(self.removal_time, stretch=None), self.removal_time)
        form.addRow(self.compassionate_check)
        outer.addLayout(form)
        # Outside the form: a form row does not grow for a wrapped label, and these wrap.
        outer.addWidget(self.countdown_label)
        outer.addWidget(self.route_label)

    def _build_plan(self) -> None:
        """After an urgent send: whom to telephone, the number, and a small form to record the call."""
        self.plan_frame = QFrame()
        self.plan_frame.setObjectName("urgentPlan")
        self.plan_frame.setStyleSheet("#urgentPlan { background: #fff4f4; border: 2px solid #b00020; "
                                      "border-radius: 4px; }")
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
        self.spoken_to.returnPressed.connect(self.record_call)
        self.called_number = QLineEdit()
        self.called_number.returnPressed.connect(self.record_call)
        self.call_time = QLineEdit()
        self.call_time.setPlaceholderText("hh:mm")
        self.call_time.setMaxLength(8)
        self.call_time.returnPressed.connect(self.record_call)
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
        self.finish_button.clicked.connect(self.finish_urgent)
        record_form = QFormLayout(self.record_group)
        labelled(record_form, "Spo&ken to:", self.spoken_to)
        labelled(record_form, "Number &called:", self.called_number)
        labelled(record_form, "T&ime of call (UK):", in_row(self.call_time, self.record_button, stretch=None),
                 self.call_time)
        record_form.addRow(self.contacts_label)
        record_form.addRow(self.record_message)

        left = QVBoxLayout()
        left.addWidget(self.plan_title)
        left.addWidget(self.plan_summary)
        left.addWidget(self.plan_destination)
        left.addSpacing(4)
        left.addWidget(telephone_now)
        left.addWidget(self.plan_call_name)
        left.addWidget(self.plan_call_phone)
        left.addWidget(self.plan_instruction)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.record_group)
        right.addWidget(self.finish_button, alignment=Qt.AlignRight)
        right.addStretch(1)
        row = QHBoxLayout(self.plan_frame)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(left, 6)
        row.addSpacing(12)
        row.addLayout(right, 5)
        self.plan_frame.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Maximum)
        self.plan_frame.setVisible(False)

    def _build_footer(self) -> None:
        self.save_button = button("Save details", "Save the details without finishing the call (Ctrl+S)",
                                  auto_default=True)
        self.save_button.clicked.connect(self.save_details)
        self.complete_button = button("Complete — answered at first contact", "Ctrl+Enter", auto_default=True)
        self.complete_button.clicked.connect(self.complete_call)
        self.further_action_button = button("Further Action Case", "Pass to the MPEL team leader (Ctrl+Shift+Enter)",
                                            auto_default=True)
        self.further_action_button.clicked.connect(self.further_action)
        self.send_urgent_button = button("Send urgent call note", "Send the call note to the region now and "
                                         "see whom to telephone (Ctrl+U)", auto_default=True)
        self.send_urgent_button.clicked.connect(self.send_urgent)
        bold = QFont(self.send_urgent_button.font())
        bold.setBold(True)
        # Room for the bold red style it takes when the call is urgent.
        self.send_urgent_button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(
            self.send_urgent_button.text()) + 32)
        self.open_last_button = button("Open the last call", auto_default=True)
        self.open_last_button.clicked.connect(self._open_last)
        self.open_last_button.setVisible(False)
        self.message = MessageLabel(keep_space=True)
        self.keys_hint = QLabel(KEYS_HINT)
        self.keys_hint.setAccessibleName("Keyboard shortcuts")
        self.keys_hint.setStyleSheet("color: #555;")

    def _layout(self) -> None:
        header = QHBoxLayout(self.header)
        header.setContentsMargins(12, 8, 12, 8)
        channel_box = QVBoxLayout()
        channel_title = QLabel("Channel")
        channel_title.setStyleSheet("color: #444;")
        channel_box.addWidget(channel_title)
        radios = QHBoxLayout()
        for radio in self.channel_buttons.values():
            radios.addWidget(radio)
        radios.addWidget(self.new_call_button)
        channel_box.addLayout(radios)
        header.addLayout(channel_box)
        header.addSpacing(24)
        header.addWidget(self.reference_label)
        header.addSpacing(16)
        header.addWidget(self.call_info_label, 1)

        left = QVBoxLayout()
        left.addWidget(self.caller_group)
        left.addWidget(self.passcode_group)
        left.addWidget(self.urgent_group)
        left.addStretch(1)
        self.form_area = QWidget()
        columns = QHBoxLayout(self.form_area)
        columns.setContentsMargins(0, 0, 0, 0)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        left_widget.setMinimumWidth(420)
        left_widget.setMaximumWidth(520)
        columns.addWidget(left_widget, 4)
        columns.addWidget(self.case_group, 6)

        footer = QHBoxLayout()
        footer.addWidget(self.message, 1)
        footer.addWidget(self.open_last_button)
        footer.addWidget(self.save_button)
        footer.addWidget(self.complete_button)
        footer.addWidget(self.further_action_button)
        footer.addWidget(self.send_urgent_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.plan_frame)
        layout.addWidget(self.form_area, 1)
        layout.addStretch(0)
        layout.addLayout(footer)
        layout.addWidget(self.keys_hint, alignment=Qt.AlignRight)
        self.message.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)

    def _build_shortcuts(self) -> None:
        self.complete_action = screen_shortcut(self, ["Ctrl+Return", "Ctrl+Enter"], self.complete_call)
        self.further_action_action = screen_shortcut(self, ["Ctrl+Shift+Return", "Ctrl+Shift+Enter"],
                                                     self.further_action)
        self.save_action = screen_shortcut(self, "Ctrl+S", self.save_details)
        self.send_urgent_action = screen_shortcut(self, "Ctrl+U", self.send_urgent)

    def _set_tab_order(self) -> None:
        chain = [*self.channel_buttons.values(), self.new_call_button, self.member_edit, self.caller_member,
                 self.caller_caseworker, self.caseworker_name, self.passcode_edit, self.verify_button,
                 self.refuse_reason, self.refuse_button, self.subject_name, self.dob_edit, self.nationality,
                 self.ho_reference, self.cts_reference, self.check_constituency, self.check_representative,
                 self.check_third_party, self.check_identity, self.question, self.answer,
                 self.written_confirmation, self.imminent_check, self.removal_date, self.removal_time,
                 self.compassionate_check, self.open_last_button, self.save_button, self.complete_button,
                 self.further_action_button, self.send_urgent_button, self.plan_call_name, self.plan_call_phone,
                 self.spoken_to, self.called_number, self.call_time, self.record_button, self.finish_button]
        tab_chain(*chain)

    # ------------------------------------------------------------- public API

    @property
    def record(self) -> EnquiryRecord | None:
        """The call being logged, as last returned by the service."""
        return self._record

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh(self) -> None:
        """Re-read the open call's status (never the fields being typed, nor the version being edited)."""
        if self._record is None:
            return
        record_id = self._record.id

        def done(rec: EnquiryRecord) -> None:
            if self._record is not None and self._record.id == rec.id:
                self._show_header(rec)

        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.header(self._ctx.user, record_id), done,
                                lambda exc: self.message.show_error(error_text(exc, full_stop=False)))

    def new_call(self) -> None:
        """Start a new enquiry on the chosen channel; asks first if a call is still open."""
        if self._busy:
            return
        if self._record is not None and self._record.status is EnquiryStatus.OPEN:
            if not self.confirm_abandon(self._record.reference):
                self.member_edit.setFocus() if self.member_edit.isEnabled() else None
                return
        if self._plan is not None and not self._contacts:
            if not self.confirm_unrecorded(self._plan):
                self.spoken_to.setFocus()
                return
        channel = self.channel()
        self._reset_form()
        self.discard_draft()  # the agent chose to leave the open call (or none was open)

        def done(rec: EnquiryRecord) -> None:
            self._set_record(rec)
            self.message.show_info(f"{rec.reference} started: ask who is calling.")
            self.member_edit.setFocus()

        self._submit(lambda: self._ctx.services.enquiries.start(self._ctx.user, channel), done, self.message)

    def channel(self) -> Channel:
        return next(c for c, radio in self.channel_buttons.items() if radio.isChecked())

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
        if self._busy:
            return
        if self._record is None:
            self.passcode_status.show_error("Start a new call first (Alt+N).")
            return
        if self._member is None:
            self.passcode_status.show_error("Choose the member first: type their name and press Enter.")
            self.member_edit.setFocus()
            return
        passcode = self.passcode_edit.text()
        if not passcode.strip():
            self.passcode_status.show_error("Type the passcode the caller gives, then press Enter.")
            self.passcode_edit.setFocus()
            return
        rec_id, caller = self._record.id, self._caller_values()
        needs_caller = self._caller_changed()
        svc, user = self._ctx.services.enquiries, self._ctx.user

        def work() -> EnquiryRecord:
            latest = None
            try:
                if needs_caller:
                    latest = svc.set_caller(user, rec_id, **caller)
                return svc.verify_passcode(user, rec_id, passcode)
            except Exception as exc:
                raise _StepFailed(latest, exc) from exc

        self._submit(work, self._passcode_checked, self.passcode_status)

    def save_details(self) -> None:
        if self._plan is not None:
            self.message.show_info("The call note has gone: record the call, then finish (Ctrl+Enter).")
            return
        self._save_then(None)

    def complete_call(self) -> None:
        if self._plan is not None:
            self.finish_urgent()  # Ctrl+Enter after an urgent send means "finished"
            return
        self._save_then("complete")

    def send_urgent(self) -> None:
        """Ctrl+U: save, flag, send the call note now, and show whom to telephone."""
        if self._plan is not None:
            self.message.show_info(f"The urgent call note for {self._plan.reference} has already gone.")
            return
        self._save_then("urgent")

    @property
    def plan(self) -> UrgentPlan | None:
        """What the agent must do after an urgent send, while it is on screen."""
        return self._plan

    @property
    def contacts(self) -> list[UrgentContactRecord]:
        return list(self._contacts)

    def update_urgent_preview(self) -> None:
        """Recompute the countdown and the routing preview from the clock (every 30 s and on each edit)."""
        self._route = None
        date_hint, hint_style = "", "color: #1b5e20;"
        try:
            day = parse_day(self.removal_date.text(), "Removal date")
            if day is not None:
                date_hint = format_weekday_date(day)
        except ValueError:
            if len(self.removal_date.text().strip()) >= 8:
                date_hint, hint_style = "not a date yet: dd/mm/yyyy", ERROR_STYLE
        self.removal_date_hint.setText(date_hint)
        self.removal_date_hint.setStyleSheet(hint_style)
        rec = self._record
        imminent, compassionate = self.imminent_check.isChecked(), self.compassionate_check.isChecked()
        if rec is None or not (imminent or compassionate):
            self._countdown("Not urgent. Tick a box if removal is within 72 hours or the case is compelling "
                            "or compassionate.", "color: #555;")
            self.route_label.clear()
            self._apply_urgent_buttons()
            return
        try:
            removal_at, compassionate = self.urgent_values()
        except ValueError as exc:
            partial = imminent and not (self.removal_date.text().strip() and self.removal_time.text().strip())
            self._countdown("Type the removal date and time (UK time)." if partial else str(exc),
                            "color: #5c3b00; font-weight: bold;" if partial else ERROR_STYLE)
            self.route_label.clear()
            self._apply_urgent_buttons()
            return
        try:
            route = route_urgent_call(rec.received_at, removal_at=removal_at, compassionate=compassionate)
        except ValueError as exc:
            self._countdown(error_text(ValidationError(str(exc))), ERROR_STYLE)
            self.route_label.clear()
            self._apply_urgent_buttons()
            return
        self._route = route
        now = self._ctx.services.clock.now()
        lines = []
        if removal_at is not None:
            lines.append(countdown_text(removal_at, now, route))
        if compassionate:
            lines.append("Compelling / compassionate: urgent, for the member's own region.")
        style = ("color: #9b0000; font-weight: bold;" if route.imminent_removal else
                 "color: #5c3b00; font-weight: bold;" if route.urgent else "color: #333; font-weight: bold;")
        self._countdown("\n".join(lines), style)
        if route.urgent:
            self.route_label.setText(_ROUTE_TEXT[route.destination] + " Send it with Ctrl+U.")
        else:
            self.route_label.setText("Not urgent: finish the call as usual; the removal date is saved with it.")
        self._apply_urgent_buttons()

    def urgent_values(self) -> tuple[datetime | None, bool]:
        """(removal time, compassionate) as typed; ValueError says what is missing or wrong."""
        compassionate = self.compassionate_check.isChecked()
        if not self.imminent_check.isChecked():
            return None, compassionate
        day = parse_day(self.removal_date.text(), "Removal date")
        at = parse_clock(self.removal_time.text(), "Removal time")
        if day is None or at is None:
            raise ValueError("Imminent removal: type the removal date (dd/mm/yyyy) and time (hh:mm), or untick "
                             "the box")
        return london(day, at), compassionate

    def record_call(self) -> None:
        """Write down the call the plan asked for: whom, which number, when (today, UK time)."""
        plan, rec = self._plan, self._record
        if self._busy or plan is None or rec is None:
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
        now = self._ctx.services.clock.now()
        at = london(now.astimezone(LONDON).date(), at_time) if at_time else now
        kind = "region" if plan.rota_missing else plan.destination
        user, rec_id = self._ctx.user, rec.id

        def done(contact: UrgentContactRecord) -> None:
            self._contacts.append(contact)
            self._show_contacts()
            self.record_message.show_ok(f"Call to {contact.spoken_to} at {format_time(contact.at)} recorded.")
            self.spoken_to.clear()
            self.call_time.setText(format_time(self._ctx.services.clock.now()))
            self.finish_button.setFocus()

        self._submit(lambda: self._ctx.services.urgent.record_contact(user, rec_id, kind=kind, spoken_to=spoken_to,
                                                                      phone=phone, at=at),
                     done, self.record_message)

    def finish_urgent(self) -> None:
        """Clear the form for the next call once the urgent call is recorded (asks once if it is not)."""
        plan, rec = self._plan, self._record
        if self._busy or plan is None or rec is None:
            return
        if not self._contacts and not self._finish_warned:
            self._finish_warned = True
            self.record_message.show_error(f"No call recorded yet: telephone {plan.call_name} on "
                                           f"{plan.call_phone} and record it (Alt+K), or press Finish again to "
                                           "finish without.")
            self.spoken_to.setFocus()
            return
        calls = len(self._contacts)
        self._finished(rec, f"{rec.reference} sent as urgent to {plan.region_name}; "
                            f"{calls} call{'s' if calls != 1 else ''} recorded.")

    def further_action(self) -> None:
        self._save_then("further_action")

    def refuse_call(self) -> None:
        if self._busy or self._record is None:
            return
        if self._record.passcode_verified:
            self.message.show_error("The passcode was verified: complete the call or pass it on instead.")
            return
        reason = self.refuse_reason.text().strip()
        if not reason:
            self.passcode_status.show_error("Give a reason for closing the call as refused.")
            self.refuse_reason.setFocus()
            return
        rec_id = self._record.id
        self._submit(lambda: self._ctx.services.enquiries.refuse(self._ctx.user, rec_id, reason),
                     lambda rec: self._finished(rec, f"{rec.reference} closed as refused: nothing was disclosed."),
                     self.passcode_status)

    # --------------------------------------------------------------- the gate

    def _passcode_checked(self, rec: EnquiryRecord) -> None:
        # Cleared only once checked: a refused caller name, say, should not cost a retype.
        self.passcode_edit.clear()
        self._set_record(rec)
        if rec.passcode_verified:
            who = rec.member.display_name if rec.member else "the member"
            self.passcode_status.show_ok(
                f"Passcode verified for {who}'s office at {format_time(self._ctx.services.clock.now())}.")
            self.message.show_info("Unlocked: take the enquiry.")
            self.subject_name.setFocus()
            return
        used = rec.passcode_failures
        self.message.clear()  # the "started" line no longer describes where the call is
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

    # ------------------------------------------------------------ save/finish

    def _save_then(self, finish: str | None) -> None:
        if self._busy or self._record is None:
            return
        rec = self._record
        if not rec.passcode_verified:
            self.message.show_error("Locked until the passcode is verified.")
            (self.passcode_edit if self.passcode_edit.isEnabled() else self.refuse_reason).setFocus()
            return
        try:
            dob = parse_dob(self.dob_edit.text())
        except ValueError as exc:
            self.message.show_error(str(exc))
            self.dob_edit.setFocus()
            return
        try:
            removal_at, compassionate = self.urgent_values()
        except ValueError as exc:
            self.message.show_error(str(exc))
            self._focus_removal()
            return
        if finish in ("complete", "further_action") and self._route is not None and self._route.urgent:
            self.message.show_error("This call is urgent: send the urgent call note with Ctrl+U.")
            self.send_urgent_button.setFocus()
            return
        if finish == "urgent" and removal_at is None and not compassionate:
            self.message.show_error("Tick Imminent removal (Alt+V) and type the removal date and time, or tick "
                                    "Compelling / compassionate (Alt+L), before sending an urgent call note.")
            self.imminent_check.setFocus()
            return
        # Once flagged in this call, the flags are saved every time, so unticking clears them too.
        needs_flag = finish == "urgent" or self._flagged or removal_at is not None or compassionate
        self._flagged = needs_flag
        urgent_svc = self._ctx.services.urgent
        subject = SubjectDetails(name=self.subject_name.text(), date_of_birth=dob,
                                 nationality=self.nationality.text(), ho_reference=self.ho_reference.text(),
                                 cts_reference=self.cts_reference.text())
        question, answer = self.question.toPlainText(), self.answer.toPlainText()
        written = self.written_confirmation.isChecked()
        checks = Disclosure(constituency_mp=self.check_constituency.isChecked(),
                            authorised_representative=self.check_representative.isChecked(),
                            third_party=self.check_third_party.isChecked(),
                            identity_confirmed=self.check_identity.isChecked())
        caller, needs_caller = self._caller_values(), self._caller_changed()
        svc, user, rec_id, version = self._ctx.services.enquiries, self._ctx.user, rec.id, rec.version

        def work() -> EnquiryRecord | tuple[EnquiryRecord, UrgentPlan]:
            latest = None
            try:
                # Details first, with the version the agent has been editing: a change by
                # anyone else since then stops everything here (StaleRecord).
                latest = svc.update_details(user, rec_id, subject=subject, question=question, answer=answer,
                                            written_confirmation=written, expected_version=version)
                if needs_caller:
                    latest = svc.set_caller(user, rec_id, **caller)
                latest = svc.record_disclosure(user, rec_id, checks)
                if needs_flag:
                    latest = urgent_svc.flag(user, rec_id, removal_at=removal_at, compassionate=compassionate)
                if finish in ("complete", "further_action") and latest.urgent:
                    # The service's verdict, should the preview have been stale.
                    raise ValidationError("this call is urgent: send the urgent call note with Ctrl+U")
                if finish == "complete":
                    latest = svc.complete_first_contact(user, rec_id)
                elif finish == "further_action":
                    latest = svc.mark_further_action(user, rec_id)
                elif finish == "urgent":
                    plan = urgent_svc.send(user, rec_id)
                    return svc.get(user, rec_id), plan
                return latest
            except Exception as exc:
                raise _StepFailed(latest, exc) from exc

        def done(saved) -> None:
            if finish == "urgent":
                rec, plan = saved
                self._set_record(rec)
                self._show_plan(plan)
                self.outbox_changed.emit()
            elif finish == "complete":
                self._finished(saved, f"{saved.reference} completed: answered at first contact.")
            elif finish == "further_action":
                self._finished(saved, f"{saved.reference} passed to the MPEL team leader as a Further Action Case.")
            else:
                self._set_record(saved)
                self.message.show_ok(f"{saved.reference} saved at {format_time(self._ctx.services.clock.now())}.")
            self.discard_draft()

        self._submit(work, done, self.message)

    def _finished(self, rec: EnquiryRecord, text: str) -> None:
        self._last_finished = rec
        self._record = None
        self._reset_form()
        self.discard_draft()
        self._apply_state()
        self.call_changed.emit(None)
        self._show_no_call()
        self.message.show_ok(text)
        self.open_last_button.setText(f"Open {rec.reference}")
        self.open_last_button.setAccessibleName(f"Open {rec.reference}")
        self.open_last_button.setVisible(True)
        self._focus_channel()

    # ----------------------------------------------------------------- urgent

    def _countdown(self, text: str, style: str) -> None:
        self.countdown_label.setText(text)
        self.countdown_label.setAccessibleName(text or "Removal countdown")
        self.countdown_label.setStyleSheet(style)

    def _imminent_toggled(self, checked: bool) -> None:
        self.removal_date.setEnabled(checked and self.urgent_group.isEnabled())
        self.removal_time.setEnabled(checked and self.urgent_group.isEnabled())
        if checked and self.imminent_check.hasFocus():
            self.removal_date.setFocus()  # Alt+V then straight on with the date
        self.update_urgent_preview()

    def _focus_removal(self) -> None:
        if self.imminent_check.isChecked():
            try:
                parse_day(self.removal_date.text(), "Removal date")
                target = self.removal_time if self.removal_date.text().strip() else self.removal_date
            except ValueError:
                target = self.removal_date
            target.setFocus()

    def _apply_urgent_buttons(self) -> None:
        """While the preview says urgent, only Ctrl+U finishes the call: the note must go at once."""
        verified = self._editable_and_verified()
        urgent = self._route is not None and self._route.urgent
        for finish in (self.complete_button, self.further_action_button):
            finish.setEnabled(verified and not urgent)
            finish.setToolTip("This call is urgent: send the urgent call note (Ctrl+U)" if urgent and verified
                              else ("Ctrl+Enter" if finish is self.complete_button
                                    else "Pass to the MPEL team leader (Ctrl+Shift+Enter)"))
        self.send_urgent_button.setEnabled(verified)
        self.send_urgent_button.setStyleSheet(
            "QPushButton:enabled { background: #b00020; color: white; font-weight: bold; padding: 4px 10px; }"
            if urgent and verified else "")

    def _editable_and_verified(self) -> bool:
        rec = self._record
        return rec is not None and rec.status is EnquiryStatus.OPEN and rec.passcode_verified

    def _show_plan(self, plan: UrgentPlan) -> None:
        self._plan = plan
        self._contacts = []
        self._finish_warned = False
        kinds = [k for k, on in (("IMMINENT REMOVAL", plan.imminent_removal),
                                 ("COMPELLING / COMPASSIONATE", plan.compassionate and not plan.imminent_removal))
                 if on]
        removal = f" on {format_received(plan.removal_at)}" if plan.imminent_removal and plan.removal_at else ""
        self.plan_title.setText(f"URGENT – {' '.join(kinds) or 'CALL'}{removal} · {plan.reference}: "
                                f"call note sent to {plan.region_name}")
        if plan.rota_missing:
            destination = f"No duty region on the rota tonight: the member's own region, {plan.region_name}"
        elif plan.destination == "region":
            destination = f"{DESTINATION_LABELS['region']}: {plan.region_name}"
        elif plan.destination == "duty_region":
            destination = f"{DESTINATION_LABELS['duty_region']}: {plan.region_name}"
        else:
            destination = f"{DESTINATION_LABELS['oscu']} (the call note also goes to {plan.region_name})"
        self.plan_destination.setText(destination)
        self.plan_summary.setText(self._call_summary(plan))
        self.plan_destination.setStyleSheet("font-weight: bold;" + (" color: #9b0000;" if plan.rota_missing
                                                                      else ""))
        self.plan_call_name.setText(plan.call_name)
        self.plan_call_phone.setText(plan.call_phone or "no number on record: look it up")
        self.plan_call_phone.setAccessibleName(f"Number to telephone: {plan.call_phone}")
        self.plan_instruction.setText(plan.instruction)
        self.called_number.setText(plan.call_phone)
        self.call_time.setText(format_time(self._ctx.services.clock.now()))
        self.spoken_to.clear()
        self.record_message.clear()
        self._show_contacts()
        self.plan_frame.setVisible(True)
        # The form is saved and closed: the plan takes the whole screen, with the call summed up in it.
        self.form_area.setVisible(False)
        self._show_finish_buttons(False)
        self.message.show_ok(f"{plan.reference}: urgent call note sent. Telephone {plan.call_name} now on "
                             f"{plan.call_phone}, then record the call.")
        self.spoken_to.setFocus()

    def _show_finish_buttons(self, visible: bool) -> None:
        for b in (self.save_button, self.complete_button, self.further_action_button, self.send_urgent_button):
            b.setVisible(visible)
        self.keys_hint.setText(KEYS_HINT if visible else PLAN_KEYS_HINT)

    def _call_summary(self, plan: UrgentPlan) -> str:
        rec = self._record
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

    def _show_contacts(self) -> None:
        if not self._contacts:
            self.contacts_label.setText("No call recorded yet.")
        else:
            self.contacts_label.setText("Recorded: " + "; ".join(
                f"{format_time(c.at)} {c.spoken_to}" + (f" on {c.phone}" if c.phone else "")
                for c in self._contacts))
        self.contacts_label.setAccessibleName(self.contacts_label.text())

    def _clear_plan(self) -> None:
        self._plan = None
        self._contacts = []
        self._finish_warned = False
        self.plan_frame.setVisible(False)
        self.form_area.setVisible(True)
        self._show_finish_buttons(True)
        for edit in (self.spoken_to, self.called_number, self.call_time):
            edit.clear()
        self.record_message.clear()

    def _open_last(self) -> None:
        if self._last_finished is not None:
            self.open_record.emit(self._last_finished.id)

    # ----------------------------------------------------------------- member

    def _member_text_edited(self, _text: str) -> None:
        # The search itself follows the text too (MemberSearch).
        if self._member is not None:
            self._member = None
            self.member_info.setText("No member chosen")

    def _show_suggestions(self, members: list[MemberRecord]) -> None:
        self._suggestions = members
        self.suggestions.clear()
        for m in members:
            item = QListWidgetItem(member_line(m))
            item.setToolTip(f"{member_line(m)}\nOffice telephone {m.office_phone or 'not recorded'}")
            self.suggestions.addItem(item)
        if members:
            self.suggestions.setCurrentRow(0)
            # Measured from the font: the list has no row geometry until it is shown.
            row_height = self.suggestions.fontMetrics().height() + 6
            self.suggestions.setFixedHeight(row_height * min(len(members), 6) + 6)
        elif self.member_edit.text().strip():
            self.member_info.setText("No member matches: try part of the name or the constituency.")
        self.suggestions.setVisible(bool(members))

    def _pick_member(self, row: int) -> None:
        if not 0 <= row < len(self._suggestions):
            if self.member_edit.text().strip():
                self.message.show_error("No member matches what you typed.")
            return
        member = self._suggestions[row]
        self._member = member
        self.member_edit.setText(member_line(member))
        self.suggestions.setVisible(False)
        self._show_member_info(member)
        # The next question is who is on the line.
        (self.caller_caseworker if self.caller_caseworker.isChecked() else self.caller_member).setFocus()

    def _show_member_info(self, member: MemberRecord | None) -> None:
        if member is None:
            self.member_info.setText("No member chosen")
            return
        region = self._regions.get(member.region_code, member.region_code)
        phone = member.office_phone or "not recorded"
        fax = member.office_fax or "not recorded"
        self.member_info.setText(f"Office telephone: {phone}\nOffice fax: {fax}\nRegion: {region}")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.KeyPress:
            key = event.key()
            if obj is self.member_edit:
                return self._member_key(key, event.modifiers())
            if obj in self.channel_buttons.values() and key in (Qt.Key_Return, Qt.Key_Enter) \
                    and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
                # Alt+letter "clicks" a radio only after a short animation; Enter straight
                # after it must still mean the channel that has the focus.
                obj.setChecked(True)
                self.new_call()
                return True
        return super().eventFilter(obj, event)

    def _member_key(self, key: int, modifiers) -> bool:
        if modifiers & (Qt.ControlModifier | Qt.AltModifier):
            return False  # leave Ctrl+Enter etc. to the shortcuts
        count = self.suggestions.count()
        if key in (Qt.Key_Down, Qt.Key_Up) and count:
            self.suggestions.setVisible(True)
            step = 1 if key == Qt.Key_Down else -1
            self.suggestions.setCurrentRow((self.suggestions.currentRow() + step) % count)
            return True
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if self._member_search.busy:
                # A fast typist pressed Enter before the list caught up: pick when it arrives.
                self._member_search.pick_when_ready()
            elif self._member is None:
                self._pick_member(self.suggestions.currentRow() if count else -1)
            else:
                self.focusNextChild()
            return True
        if key == Qt.Key_Escape and self.suggestions.isVisible():
            self.suggestions.setVisible(False)
            return True
        return False

    def _caller_kind_changed(self, caseworker: bool) -> None:
        # Focus stays on the radio (arrow keys may go back); Tab reaches the name next.
        self.caseworker_name.setEnabled(caseworker and self._record is not None)

    def _caller_values(self) -> dict:
        kind = CallerKind.CASEWORKER if self.caller_caseworker.isChecked() else CallerKind.MEMBER
        name = self.caseworker_name.text().strip() if kind is CallerKind.CASEWORKER else ""
        return {"member_id": self._member.id if self._member else None, "caller_kind": kind, "caller_name": name}

    def _caller_changed(self) -> bool:
        rec, values = self._record, self._caller_values()
        if rec is None or values["member_id"] is None:
            return False
        current = (rec.member.id if rec.member else None, rec.caller_kind, rec.caller_name)
        return current != (values["member_id"], values["caller_kind"], values["caller_name"])

    # ------------------------------------------------------------------ state

    def _submit(self, work, on_done, message: MessageLabel) -> None:
        self._busy = True

        def done(value) -> None:
            self._busy = False
            on_done(value)

        def failed(exc: Exception) -> None:
            self._busy = False
            if isinstance(exc, _StepFailed):
                if exc.record is not None:
                    self._set_record(exc.record)
                exc = exc.error
            if isinstance(exc, StaleRecord) and self._record is not None:
                self._reload_keeping_typing(exc)
                return
            message.show_error(error_text(exc, full_stop=False))

        self._ctx.runner.submit(work, done, failed)

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
            self._busy = False
            if self._record is None or self._record.id != fresh.id:
                return
            theirs = detail_values(fresh)
            fields = {**self._draft_texts(), **self._draft_flags()}
            mine = {key: (fields[key].isChecked() if isinstance(theirs[key], bool) else
                          fields[key].toPlainText() if hasattr(fields[key], "toPlainText") else fields[key].text())
                    for key in theirs}
            merged = merge_edits(base, mine, theirs)
            for key, value in merged.values.items():
                widget = fields[key]
                if isinstance(value, bool):
                    widget.setChecked(value)
                elif (widget.toPlainText() if hasattr(widget, "toPlainText") else widget.text()) != value:
                    (widget.setPlainText if hasattr(widget, "setPlainText") else widget.setText)(str(value))
            self._set_record(fresh)
            self.message.show_error(f"{said}\n{reload_message(fresh.reference, base, theirs, merged)}")

        def failed(exc: Exception) -> None:
            self._busy = False
            self.message.show_error(f"{said}\nCould not reload it: {error_text(exc, full_stop=False)}")

        self._busy = True
        self._ctx.runner.submit(lambda: self._ctx.services.enquiries.get(self._ctx.user, rec_id), done, failed)

    def _set_record(self, rec: EnquiryRecord) -> None:
        self._record = rec
        self._flagged = self._flagged or rec.urgent
        if rec.member is not None and self._member is None:
            self._member = rec.member
        self._show_header(rec)
        self._apply_state()
        self.call_changed.emit(rec)

    def _show_header(self, rec: EnquiryRecord) -> None:
        self.reference_label.setText(rec.reference)
        self.reference_label.setVisible(True)
        status = STATUS_LABELS.get(rec.status, rec.status.value)
        self.call_info_label.setText(f"Received {format_received(rec.received_at)}\n"
                                     f"{rec.channel.value.capitalize()}  ·  {status}  ·  logged by {rec.created_by}")

    def _apply_state(self) -> None:
        rec = self._record
        open_call = rec is not None and rec.status is EnquiryStatus.OPEN
        verified = open_call and rec.passcode_verified
        refused_only = open_call and not verified and rec.passcode_failures >= MAX_PASSCODE_ATTEMPTS

        self.caller_group.setEnabled(open_call and not refused_only)
        # The passcode belongs to one office: once verified, another member means another call.
        self.member_edit.setReadOnly(verified)
        self.member_edit.setClearButtonEnabled(not verified)
        self.member_edit.setToolTip("The passcode was checked for this member's office: another member means "
                                    "another call" if verified else "")
        self.caseworker_name.setEnabled(open_call and self.caller_caseworker.isChecked())
        self.passcode_edit.setEnabled(open_call and not verified and not refused_only)
        self.verify_button.setEnabled(open_call and not verified and not refused_only)
        self.refuse_reason.setEnabled(open_call and not verified)
        self.refuse_button.setEnabled(open_call and not verified)
        self.passcode_group.setEnabled(open_call)
        # Once verified, refusing is no longer possible: hide it rather than show a dead control.
        once_verified = rec is not None and rec.passcode_verified
        self._passcode_form.setRowVisible(self.refuse_note, not once_verified)
        self._passcode_form.setRowVisible(self._refuse_row, not once_verified)
        self.case_group.setEnabled(verified)
        self.urgent_group.setEnabled(verified)
        self.removal_date.setEnabled(verified and self.imminent_check.isChecked())
        self.removal_time.setEnabled(verified and self.imminent_check.isChecked())
        self.save_button.setEnabled(verified)
        self.update_urgent_preview()  # also sets Complete, Further Action and Send urgent

        if rec is not None and not open_call:
            self._banner(f"{rec.reference} is {STATUS_LABELS.get(rec.status, rec.status.value).lower()}: the details "
                         "are saved and can no longer be changed here.", "#f1f1f1", "#555")
        elif not open_call:
            self._banner("Start a call first: its subject and case details are entered here once the passcode "
                         "is verified.", "#f1f1f1", "#555")
        elif verified:
            self._banner("Unlocked: passcode verified.", "#e3f4e5", "#1b5e20")
        elif refused_only:
            self._banner(f"Locked: {MAX_PASSCODE_ATTEMPTS} wrong passcodes. Close the call as refused.",
                         "#fde2e2", "#9b0000")
        else:
            self._banner("Locked until the passcode is verified", "#fff1c9", "#5c3b00")

    def _banner(self, text: str, background: str, colour: str) -> None:
        self.lock_banner.setText(text)
        self.lock_banner.setStyleSheet(f"background: {background}; color: {colour}; font-weight: bold; "
                                       "padding: 6px; border-radius: 3px;")

    def _reset_form(self) -> None:
        self._member = None
        self._suggestions = []
        self._member_search.cancel()
        for edit in (self.member_edit, self.caseworker_name, self.passcode_edit, self.refuse_reason,
                     self.subject_name, self.dob_edit, self.nationality, self.ho_reference, self.cts_reference):
            edit.clear()
        self.member_edit.setReadOnly(False)
        self.suggestions.clear()
        self.suggestions.setVisible(False)
        self.member_info.setText("No member chosen")
        self.caller_member.setChecked(True)
        for box in (self.check_constituency, self.check_representative, self.check_third_party,
                    self.check_identity, self.written_confirmation):
            box.setChecked(False)
        self.question.clear()
        self.answer.clear()
        self.passcode_status.clear()
        self.dob_hint.clear()
        self.open_last_button.setVisible(False)
        for box in (self.imminent_check, self.compassionate_check):
            box.setChecked(False)
        self.removal_date.clear()
        self.removal_time.clear()
        self._flagged = False
        self._clear_plan()

    def _show_no_call(self) -> None:
        self.reference_label.clear()
        self.reference_label.setVisible(False)
        self.call_info_label.setText(NO_CALL_TEXT)

    def _focus_channel(self) -> None:
        self.channel_buttons[self.channel()].setFocus()

    def _dob_changed(self, text: str) -> None:
        try:
            dob = parse_dob(text)
        except ValueError:
            # Say so only once the text could be a whole date, not while typing it.
            self.dob_hint.setText("not a date yet: dd/mm/yyyy" if len(text.strip()) >= 8 else "")
            self.dob_hint.setStyleSheet(ERROR_STYLE)
            return
        self.dob_hint.setText(format_date(dob) if dob else "")
        self.dob_hint.setStyleSheet("color: #1b5e20;")

    def _load_regions(self) -> None:
        def done(regions) -> None:
            self._regions = {r.code: r.name for r in regions}
            self._show_member_info(self._member)

        self._ctx.runner.submit(self._ctx.services.reference.regions, done, lambda exc: None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._record is None and self.focusWidget() is None:
            self._focus_channel()
        if not self._recovery_offered:
            self._recovery_offered = True
            QTimer.singleShot(0, self.offer_recovery)

    # ------------------------------------------------------------------ drafts

    def _draft_texts(self) -> dict:
        return {"caseworker_name": self.caseworker_name, "subject_name": self.subject_name, "dob": self.dob_edit,
                "nationality": self.nationality, "ho_reference": self.ho_reference,
                "cts_reference": self.cts_reference, "question": self.question, "answer": self.answer,
                "removal_date": self.removal_date, "removal_time": self.removal_time}

    def _draft_flags(self) -> dict:
        return {"caller_caseworker": self.caller_caseworker, "check_constituency": self.check_constituency,
                "check_representative": self.check_representative, "check_third_party": self.check_third_party,
                "check_identity": self.check_identity, "written_confirmation": self.written_confirmation,
                "imminent": self.imminent_check, "compassionate": self.compassionate_check}

    def _typed(self, *_args) -> None:
        rec = self._record
        if (self._ctx.drafts is not None and rec is not None and rec.status is EnquiryStatus.OPEN
                and rec.passcode_verified):
            self._draft_timer.start()

    def write_draft(self) -> None:
        """Write what is typed into the open, verified call to the local draft now."""
        self._draft_timer.stop()
        rec = self._record
        if self._ctx.drafts is None or rec is None or rec.status is not EnquiryStatus.OPEN \
                or not rec.passcode_verified:
            return
        fields: dict[str, object] = {
            name: (edit.toPlainText() if hasattr(edit, "toPlainText") else edit.text())
            for name, edit in self._draft_texts().items()}
        fields.update({name: box.isChecked() for name, box in self._draft_flags().items()})
        try:
            self._ctx.drafts.save(CallDraft(enquiry_id=rec.id, reference=rec.reference,
                                            record_version=rec.version, saved_at=self._ctx.services.clock.now(),
                                            fields=fields, base=detail_values(rec)))
        except OSError as exc:
            self.message.show_error(f"Could not keep a local copy of what you typed ({exc.strerror}): "
                                    "save with Ctrl+S.")

    def discard_draft(self) -> None:
        self._draft_timer.stop()
        if self._ctx.drafts is not None:
            self._ctx.drafts.clear()

    def confirm_recover(self, draft: CallDraft) -> bool:
        """Ask whether to restore a draft left by a crash; restoring is the default."""
        return ask(self, "Recover unsaved call?",
                   f"MPEL Desk closed before {draft.reference} was saved. What you had typed at "
                   f"{format_time(draft.saved_at)} on {format_date(draft.saved_at.astimezone(LONDON).date())}"
                   " was kept.\n\nRestore it into the call screen?",
                   yes="Restore", no="Discard", default_yes=True, no_role=QMessageBox.DestructiveRole)

    def offer_recovery(self) -> None:
        """After a crash: offer back the call typed but not saved, if there is one."""
        drafts = self._ctx.drafts
        draft = drafts.load() if drafts is not None else None
        if draft is None or self._record is not None or self._busy:
            return
        if not self.confirm_recover(draft):
            drafts.clear()
            return
        svc, user = self._ctx.services.enquiries, self._ctx.user

        def done(rec: EnquiryRecord) -> None:
            if rec.status is not EnquiryStatus.OPEN or not rec.passcode_verified:
                # Kept on disk: the text is still the agent's, to be copied from the details shown.
                status = STATUS_LABELS.get(rec.status, rec.status.value).lower()
                self.message.show_error(f"{rec.reference} is no longer open ({status}), so the recovered text "
                                        "cannot go back into it: copy it from the window shown. The draft is kept "
                                        "until you start a new call.")
                self._show_unusable_draft(draft)
                return
            self._reset_form()
            self._set_record(rec)
            said = (f"Recovered what was typed into {rec.reference} at {format_time(draft.saved_at)}, not yet "
                    "saved: check it and press Ctrl+S.")
            if rec.version == draft.record_version:
                self._fill_from_draft(draft.fields)
                self.message.show_info(said)
            else:
                # Someone saved the call since: their change goes into the fields the agent had not
                # touched, as after a refused save, so saving the recovered text does not undo it.
                theirs = detail_values(rec)
                mine = {key: draft.fields[key] for key in theirs if key in draft.fields}
                merged = merge_edits(draft.base or theirs, mine, theirs)
                self._fill_from_draft({**draft.fields, **merged.values})
                self.message.show_error(f"{said}\n{reload_message(rec.reference, draft.base or theirs, theirs, merged)}")
            self.subject_name.setFocus()

        self._submit(lambda: svc.get(user, draft.enquiry_id), done, self.message)

    def _fill_from_draft(self, fields: dict[str, object]) -> None:
        for name, edit in self._draft_texts().items():
            value = fields.get(name)
            if isinstance(value, str):
                (edit.setPlainText if hasattr(edit, "setPlainText") else edit.setText)(value)
        for name, box in self._draft_flags().items():
            value = fields.get(name)
            if isinstance(value, bool):
                box.setChecked(value)
        if self.caller_caseworker.isChecked():
            self._caller_kind_changed(True)

    def _show_unusable_draft(self, draft: CallDraft) -> None:
        lines = [f"{name.replace('_', ' ')}: {value}" for name, value in draft.fields.items()
                 if isinstance(value, str) and value.strip()]
        box = QMessageBox(QMessageBox.Information, "Recovered text", f"Typed into {draft.reference} at "
                          f"{format_time(draft.saved_at)}, not saved:", parent=self)
        box.setDetailedText("\n".join(lines) or "(nothing was typed)")
        box.exec()
