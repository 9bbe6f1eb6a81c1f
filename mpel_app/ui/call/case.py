"""Section 3 of the call screen, the subject and the case: who the call is about, the disclosure checks, question and answer.

Locked (disabled, with a banner saying why) until the passcode is verified.
The date of birth says as it is typed whether it is a date.  As the agent
ticks the disclosure checks, the section says what they may and may not
tell this caller (``domain.disclosure``, which the service enforces too);
below the answer they say what it gave.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout

from ...domain.disclosure import Level, advise
from ...domain.enquiry_flow import MAX_PASSCODE_ATTEMPTS
from ...domain.records import Disclosure, EnquiryRecord, SubjectDetails
from ...reports.record_sections import format_date
from ..models import STATUS_LABELS
from ..widgets import ERROR_STYLE, in_row, labelled, named, text_box
from .state import CallState
from .typed import day_problem, parse_dob


class CaseSection(QGroupBox):
    """Subject, references, disclosure checks, question, answer, written confirmation."""

    def __init__(self, parent=None):
        super().__init__("3  Subject and case", parent)
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
        self.personal_information = named(QCheckBox("The answer gave information about the applicant's case"))
        self.limited_facts_only = named(QCheckBox("Only limited facts given (third party): no address, no reasons "
                                                  "for a refusal"))
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.RichText)
        self.advice.setMinimumHeight(self.advice.fontMetrics().lineSpacing() * 5 + 4)  # the longest advice, whole
        for box in (*self.check_boxes(), self.personal_information, self.limited_facts_only):
            box.toggled.connect(self._show_advice)

        outer = QVBoxLayout(self)
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

        self.checks_group = QGroupBox("Disclosure checks — before giving any personal information")
        self._checks_layout = QVBoxLayout(self.checks_group)
        for box in self.check_boxes():
            self._checks_layout.addWidget(box)
        self._checks_layout.addWidget(self.advice)
        outer.addWidget(self.checks_group)

        text_form = QFormLayout()
        text_form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        labelled(text_form, "&Question:", self.question)
        labelled(text_form, "Answer &given:", self.answer)
        text_form.addRow("", self.personal_information)
        text_form.addRow("", self.limited_facts_only)
        text_form.addRow("", self.written_confirmation)
        outer.addLayout(text_form)
        self._show_advice()

    # ------------------------------------------------------------ for the view

    def tab_order(self) -> list:
        # What the answer gave comes after "Written confirmation", so the habitual Tab order is unchanged.
        return [self.subject_name, self.dob_edit, self.nationality, self.ho_reference, self.cts_reference,
                *self.check_boxes(), self.question, self.answer, self.written_confirmation,
                self.personal_information, self.limited_facts_only]

    def check_boxes(self) -> tuple[QCheckBox, ...]:
        return (self.check_constituency, self.check_representative, self.check_third_party, self.check_identity)

    def text_fields(self) -> dict:
        """The section's typed fields by the names a draft keeps them under."""
        return {"subject_name": self.subject_name, "dob": self.dob_edit, "nationality": self.nationality,
                "ho_reference": self.ho_reference, "cts_reference": self.cts_reference,
                "question": self.question, "answer": self.answer}

    def flag_fields(self) -> dict:
        return {"check_constituency": self.check_constituency, "check_representative": self.check_representative,
                "check_third_party": self.check_third_party, "check_identity": self.check_identity,
                "written_confirmation": self.written_confirmation,
                "personal_information": self.personal_information, "limited_facts_only": self.limited_facts_only}

    def subject(self) -> SubjectDetails:
        """The subject as typed; ValueError (for the message line) when the date of birth is not a date."""
        return SubjectDetails(name=self.subject_name.text(), date_of_birth=parse_dob(self.dob_edit.text()),
                              nationality=self.nationality.text(), ho_reference=self.ho_reference.text(),
                              cts_reference=self.cts_reference.text())

    def disclosure(self) -> Disclosure:
        return Disclosure(constituency_mp=self.check_constituency.isChecked(),
                          authorised_representative=self.check_representative.isChecked(),
                          third_party=self.check_third_party.isChecked(),
                          identity_confirmed=self.check_identity.isChecked(),
                          personal_information=self.personal_information.isChecked(),
                          limited_facts_only=self.limited_facts_only.isChecked())

    def set_state(self, state: CallState, rec: EnquiryRecord | None) -> None:
        self.setEnabled(state.verified)
        if rec is not None and not state.open_call:
            self._banner(f"{rec.reference} is {STATUS_LABELS.get(rec.status, rec.status.value).lower()}: the details "
                         "are saved and can no longer be changed here.", "#f1f1f1", "#555")
        elif not state.open_call:
            self._banner("Start a call first: its subject and case details are entered here once the passcode "
                         "is verified.", "#f1f1f1", "#555")
        elif state.verified:
            self._banner("Unlocked: passcode verified.", "#e3f4e5", "#1b5e20")
        elif state.refused_only:
            self._banner(f"Locked: {MAX_PASSCODE_ATTEMPTS} wrong passcodes. Close the call as refused.",
                         "#fde2e2", "#9b0000")
        else:
            self._banner("Locked until the passcode is verified", "#fff1c9", "#5c3b00")

    def reset(self) -> None:
        for edit in (self.subject_name, self.dob_edit, self.nationality, self.ho_reference, self.cts_reference):
            edit.clear()
        for box in (*self.check_boxes(), self.written_confirmation, self.personal_information,
                    self.limited_facts_only):
            box.setChecked(False)
        self.question.clear()
        self.answer.clear()
        self.dob_hint.clear()

    # ---------------------------------------------------------------- typing

    def _banner(self, text: str, background: str, colour: str) -> None:
        self.lock_banner.setText(text)
        self.lock_banner.setStyleSheet(f"background: {background}; color: {colour}; font-weight: bold; "
                                       "padding: 6px; border-radius: 3px;")

    def _show_advice(self, *_args) -> None:
        """What the agent may and may not say to this caller, as the checks stand (``domain.disclosure``)."""
        advice = advise(self.disclosure())
        colour = {Level.FULL: "#1b5e20", Level.LIMITED: "#5c3b00", Level.NONE: "#9b0000"}[advice.level]
        # What must not be said first: it is the part that cannot be taken back.
        self.advice.setText(f"<b style='color:{colour}'>{html.escape(advice.heading, quote=False)}</b><br>"
                            f"<b>Never say:</b> {html.escape('; '.join(advice.may_not), quote=False)}.<br>"
                            f"May say: {html.escape('; '.join(advice.may), quote=False)}.")
        self.advice.setAccessibleName(f"{advice.heading} Never say: {'; '.join(advice.may_not)}. "
                                      f"May say: {'; '.join(advice.may)}.")
        self.limited_facts_only.setVisible(advice.level is Level.LIMITED)

    def _dob_changed(self, text: str) -> None:
        try:
            dob = parse_dob(text)
        except ValueError:
            # While typing, say only what no more typing can mend; once it could be whole, say it is not a date.
            problem = day_problem(text)
            self.dob_hint.setText(problem or ("not a date yet: dd/mm/yyyy" if len(text.strip()) >= 8 else ""))
            self.dob_hint.setStyleSheet(ERROR_STYLE)
            return
        self.dob_hint.setText(format_date(dob) if dob else "")
        self.dob_hint.setStyleSheet("color: #1b5e20;")
