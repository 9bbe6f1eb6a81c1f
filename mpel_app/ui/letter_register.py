"""Registering an MP's letter on CTS (issue 4): the MPCS allocator's form, from the scan to a reference.

``RegisterLetterDialog(ctx)`` takes what MPCS reads off the Member's letter:
its kind (Ministerial or Official), the Member (type-ahead, ``member_picker.MemberPicker``),
the date and reference of the Member's letter, whom it is about, the Home
Office reference, the issue and question, the flags (urgent, OPHSO, FOI,
Welsh reply), an Agency staff member's case (restricted to named handlers,
with the staff member's line manager), a link to a letter already registered
about the same person, the facts that decide who signs a Ministerial reply,
and the scanned PDF.  "Register" calls ``CorrespondenceService.register``
(then ``allocate``, when a unit was chosen) through the TaskRunner, and shows
the new CTS reference in large type; a refusal is shown under the form, with
the field it is about focused.

Who signs is the domain's rule (``select_signatory``): the form only shows
its answer as the facts are ticked.  The file chooser is a parameter so
tests can hand it a file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.correspondence import HOME_SECRETARY, LetterKind, SignatoryFacts, select_signatory
from ..domain.errors import MpelError, ValidationError
from ..domain.letter_records import LetterRecord
from ..domain.records import MemberRecord
from .context import DeskContext
from .empty_states import NO_UNITS
from .letter_special_section import LetterKindSection
from .member_picker import MemberPicker
from .widgets import (GROUP_STYLE, MessageLabel, button, dialog_buttons, error_text, heading, in_row, labelled,
                      named, tab_chain, text_box)

FileChooser = Callable[[QWidget], "Path | None"]

REGISTER_SHORTCUT = "Ctrl+Shift+N"
NOT_NOW = ""  # the allocation combo's "leave it with MPCS"
INVALID_STYLE = "border: 2px solid #b00020;"


def choose_scan_file(parent: QWidget) -> Path | None:
    """Ask for the scanned letter (a PDF)."""
    start = Path.home() / "Documents"
    name, _filter = QFileDialog.getOpenFileName(parent, "Attach the scanned letter",
                                                str(start if start.is_dir() else Path.home()),
                                                "PDF files (*.pdf);;All files (*)")
    return Path(name) if name else None


def read_scan(path_text: str) -> tuple[bytes | None, str]:
    """The scan's bytes and file name ((None, "") when no file was given); run off the UI thread."""
    path_text = path_text.strip()
    if not path_text:
        return None, ""
    path = Path(path_text).expanduser()
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise ValidationError(f"scanned_letter: cannot read {path} ({exc.strerror or exc})") from None


# ---------------------------------------------------------------- the dialog

@dataclass(frozen=True)
class Registered:
    """What "Register" did: the letter, and why allocating it failed (None when it did not)."""

    letter: LetterRecord
    allocation_error: Exception | None = None


# The service's field names (as its messages start) → the form's field, so a refusal focuses it.
_ERROR_FIELDS = (
    ("subject_name", "subject"), ("subject name", "subject"), ("issue", "issue"), ("question", "question"),
    ("correspondent", "member"), ("member_id", "member"), ("constituent", "constituent"),
    ("member's reference", "member_reference"), ("the member's letter", "member_letter_date"),
    ("a home office reference", "ho_reference"), ("home office reference", "ho_reference"),
    ("scanned_letter", "scan"), ("file name", "scan"), ("named_handlers", "named_handlers"),
    ("member of staff", "staff_member"), ("staff_member", "staff_member"), ("line_manager", "line_manager"),
    ("link_to_reference", "link_to_reference"), ("constituency_mp", "link_to_reference"),
    ("minister_written_to", "minister_written_to"), ("responsible_minister", "responsible_minister"),
    ("designated_second_minister", "designated_second_minister"), ("signatory", "minister_written_to"),
    ("unit", "allocate_to"),
)


class RegisterLetterDialog(QDialog):
    """MPCS registers one letter, and may allocate it to a drafting unit at once."""

    registered = Signal(object)  # the LetterRecord (allocated, when a unit was chosen)
    open_requested = Signal(int)  # "Open the letter" after registering

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 file_chooser: FileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose_file = file_chooser or choose_scan_file
        self.busy = False
        self.last: LetterRecord | None = None
        self._closed = False
        self.fields: dict[str, QWidget] = {}
        self.setWindowTitle("Register a letter")
        self.setStyleSheet(GROUP_STYLE)

        columns = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self._letter_group())
        left.addWidget(self._case_group())
        left.addWidget(self._allocation_group())
        left.addStretch(1)
        right.addWidget(self._signatory_group())
        right.addWidget(self._restricted_group())
        right.addWidget(self._link_group())
        self.kind_section = LetterKindSection()  # the special cases (issue 15)
        right.addWidget(self.kind_section)
        # In the form's tab order, after the link section.
        self.fields["category"] = self.kind_section.category
        self.fields.update({f"kind_{name}": box for name, box in self.kind_section.flags.items()})
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.reference_label = heading("", 12)
        self.reference_label.setAccessibleName("New CTS reference")
        self.reference_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.reference_label.setStyleSheet("color: #1d3f6e;")
        self.reference_label.hide()
        self.message = MessageLabel(keep_space=True)
        self.register_button = button("&Register", "Register the letter and give it a CTS reference")
        self.register_button.clicked.connect(self.register)
        self.open_button = button("&View the letter", "Open the letter just registered")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self._open_last)
        self.open_button.hide()
        self.close_button = button("Close")
        buttons = dialog_buttons(self, self.register_button, self.close_button)

        result = QHBoxLayout()
        result.addWidget(self.reference_label)
        result.addWidget(self.message, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.open_button)
        footer.addStretch(1)
        footer.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Register an MP's letter", 3))
        layout.addLayout(columns, 1)
        layout.addLayout(result)
        layout.addLayout(footer)

        self._kind_changed()
        self._restricted_changed()
        self._link_changed()
        self._member: MemberRecord | None = None
        self._home_secretary_list: frozenset[int] = frozenset()
        self._load_units()
        tab_chain(*self.fields.values(), self.register_button, self.open_button, self.close_button)
        self.resize(max(1080, self.sizeHint().width()), self.sizeHint().height() + 20)

    # -------------------------------------------------------------- building

    def _field(self, name: str, widget: QWidget) -> QWidget:
        self.fields[name] = widget
        return widget

    def _letter_group(self) -> QGroupBox:
        group = QGroupBox("The letter")
        form = QFormLayout(group)
        kind = QComboBox()
        kind.addItem("Official reply (B…)", LetterKind.OFFICIAL.value)
        kind.addItem("Ministerial (M…)", LetterKind.MINISTERIAL.value)
        kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        labelled(form, "&Kind:", self._field("kind", kind))
        self.member_picker = MemberPicker(self._ctx)
        self.member_picker.member_changed.connect(self._member_changed)
        labelled(form, "&Member:", self.member_picker, self._field("member", self.member_picker.edit))
        today = self._today()
        letter_date = QDateEdit(today)
        letter_date.setCalendarPopup(True)
        letter_date.setDisplayFormat("d MMM yyyy")
        letter_date.setMaximumDate(today)  # a letter is not dated after it arrived
        labelled(form, "&Date of the Member's letter:", self._field("member_letter_date", letter_date))
        labelled(form, "Member's re&ference:", self._field("member_reference", QLineEdit()))
        scan = self._field("scan", QLineEdit())
        scan.setPlaceholderText("Path of the scanned letter, or Browse")
        self.browse_button = button("&Browse…", "Choose the scanned letter (PDF)")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._browse)
        labelled(form, "Scanned letter (&PDF):", in_row(scan, self.browse_button), scan)
        return group

    def _case_group(self) -> QGroupBox:
        group = QGroupBox("Whom and what it is about")
        form = QFormLayout(group)
        subject = labelled(form, "&Subject name:", self._field("subject", QLineEdit()))
        subject.setPlaceholderText("The person the letter is about")
        constituent = labelled(form, "Cons&tituent:", self._field("constituent", QLineEdit()))
        constituent.setPlaceholderText("Who wrote to the Member, if not the subject")
        labelled(form, "&Home Office reference:", self._field("ho_reference", QLineEdit()))
        issue = labelled(form, "&Issue:", self._field("issue", QLineEdit()))
        issue.setPlaceholderText("As the reply will word it, e.g. his application for leave to remain")
        labelled(form, "&Question:", self._field("question", text_box(3, 5)))
        flags = QGridLayout()
        flags.setContentsMargins(0, 0, 0, 0)
        for i, (name, text) in enumerate((("urgent", "&Urgent"), ("ophso", "OPHS&O enquiry"),
                                          ("foi", "&Also an FOI request"), ("welsh", "&Welsh reply requested"))):
            flags.addWidget(self._field(name, named(QCheckBox(text))), i // 2, i % 2)
        box = QWidget()
        box.setLayout(flags)
        form.addRow("Flags:", box)
        return group

    def _signatory_group(self) -> QGroupBox:
        self.signatory_group = group = QGroupBox("Who signs (Ministerial letters)")
        column = QVBoxLayout(group)
        form = QFormLayout()
        column.addLayout(form)
        written_to = QComboBox()
        written_to.setEditable(True)
        written_to.addItems(["", HOME_SECRETARY])
        written_to.lineEdit().setPlaceholderText("The Minister the Member wrote to")
        labelled(form, "Mi&nister written to:", self._field("minister_written_to", written_to))
        for name, text in (("privy_counsellor", "The Member is a Privy Counsellor"),
                           ("government_policy", "About Government policy"),
                           ("discretion_or_intervention", "Asks the Minister to use discr&etion or intervene"),
                           ("previous_ministerial_involvement", "A Minister was involved in the case before"),
                           ("on_home_secretary_list", "The Member is on the Home Secretary's list "
                                                      "(kept in Administration)")):
            form.addRow("", self._field(name, named(QCheckBox(text))))
        # Data an administrator keeps, read when the Member is chosen; the service reads it again [CORR 1.8].
        self.fields["on_home_secretary_list"].setEnabled(False)
        labelled(form, "Responsible junior Minister:", self._field("responsible_minister", QLineEdit()))
        form.addRow("", self._field("writer_is_home_office_minister",
                                    named(QCheckBox("The Member is a Home Office Minister writing as an MP"))))
        labelled(form, "Designated second Minister:", self._field("designated_second_minister", QLineEdit()))
        # Under the form, full width: a wrapped label in a form row is cut short.
        self.signatory_label = QLabel()
        self.signatory_label.setWordWrap(True)
        self.signatory_label.setAccessibleName("Who signs")
        column.addWidget(self.signatory_label)
        for name in ("privy_counsellor", "government_policy", "discretion_or_intervention",
                     "previous_ministerial_involvement", "on_home_secretary_list",
                     "writer_is_home_office_minister"):
            self.fields[name].toggled.connect(lambda _on: self._show_signatory())
        written_to.currentTextChanged.connect(lambda _t: self._show_signatory())
        for name in ("responsible_minister", "designated_second_minister"):
            self.fields[name].textChanged.connect(lambda _t: self._show_signatory())
        return group

    def _restricted_group(self) -> QGroupBox:
        group = QGroupBox("Agency staff (restricted letters)")
        form = QFormLayout(group)
        restricted = self._field("restricted", named(QCheckBox("Restricted: seen only by its named handlers")))
        restricted.toggled.connect(lambda _on: self._restricted_changed())
        form.addRow("", restricted)
        staff = labelled(form, "Staff member's username:", self._field("staff_member", QLineEdit()))
        staff.setPlaceholderText("When the letter is about a member of Agency staff")
        staff.textChanged.connect(lambda _t: self._restricted_changed())
        handlers = labelled(form, "Named handlers:", self._field("named_handlers", QLineEdit()))
        handlers.setPlaceholderText("Usernames, separated by commas (you are always one)")
        manager = labelled(form, "Staff member's line manager:", self._field("line_manager", QLineEdit()))
        manager.setPlaceholderText("Their username: e-mailed that the MP wrote, never the case")
        return group

    def _link_group(self) -> QGroupBox:
        group = QGroupBox("Another Member wrote about the same person")
        form = QFormLayout(group)
        link = labelled(form, "&Link to CTS reference:", self._field("link_to_reference", QLineEdit()))
        link.setPlaceholderText("The letter already registered, e.g. M00012/26")
        link.textChanged.connect(lambda _t: self._link_changed())
        constituency = self._field("constituency_mp", named(QCheckBox("This Member is the person's constituency MP")))
        constituency.setChecked(True)
        form.addRow("", constituency)
        form.addRow("", self._field("different_points", named(QCheckBox("The Members raise different points"))))
        return group

    def _allocation_group(self) -> QGroupBox:
        group = QGroupBox("Allocation")
        form = QFormLayout(group)
        units = QComboBox()
        units.addItem("Not now: leave it with MPCS", NOT_NOW)
        labelled(form, "Allocate at on&ce to:", self._field("allocate_to", units))
        self.no_units = QLabel(NO_UNITS)  # shown when the units are read and there are none
        self.no_units.setWordWrap(True)
        self.no_units.setStyleSheet("color: #5c3b00;")
        self.no_units.setAccessibleName(NO_UNITS)
        self.no_units.setVisible(False)
        form.addRow("", self.no_units)
        return group

    # ------------------------------------------------------------- behaviour

    def _today(self) -> QDate:
        return QDate(self._ctx.services.clock.now().astimezone(LONDON).date())

    def _load_units(self) -> None:
        units = self._ctx.services.units

        def done(found) -> None:
            if self._closed:
                return
            combo = self.fields["allocate_to"]
            for unit in found:
                combo.addItem(f"{unit.name} ({unit.code})", unit.code)
            self.no_units.setVisible(not found)

        self._ctx.runner.submit(lambda: units.list_units(active_only=True), done,
                                lambda exc: None if self._closed else self.message.show_error(error_text(exc)))
        listed = self._ctx.services.home_secretary_list

        def got_list(ids: frozenset[int]) -> None:
            self._home_secretary_list = ids
            self.fields["on_home_secretary_list"].setChecked(bool(self._member and self._member.id in ids))

        self._ctx.runner.submit(listed.member_ids, got_list, lambda exc: None)

    def kind(self) -> LetterKind:
        return LetterKind(self.fields["kind"].currentData())

    def _kind_changed(self) -> None:
        self.signatory_group.setEnabled(self.kind() is LetterKind.MINISTERIAL)
        self._show_signatory()

    def _member_changed(self, member: MemberRecord | None) -> None:
        # A fact about the Member, not a judgement: taken from the members list, still open to correction.
        self.fields["privy_counsellor"].setChecked(bool(member and member.privy_counsellor))
        self._member = member
        self.fields["on_home_secretary_list"].setChecked(
            bool(member and member.id in self._home_secretary_list))

    def _restricted_changed(self) -> None:
        staff = bool(self.fields["staff_member"].text().strip())
        restricted = self.fields["restricted"]
        if staff and not restricted.isChecked():
            restricted.setChecked(True)  # a letter about Agency staff is always restricted [CORR 2.5]
        restricted.setEnabled(not staff)
        on = restricted.isChecked()
        for name in ("named_handlers", "line_manager"):
            self.fields[name].setEnabled(on)

    def _link_changed(self) -> None:
        linked = bool(self.fields["link_to_reference"].text().strip())
        for name in ("constituency_mp", "different_points"):
            self.fields[name].setEnabled(linked)

    def signatory_facts(self) -> SignatoryFacts | None:
        if self.kind() is not LetterKind.MINISTERIAL:
            return None
        f, member = self.fields, self.member_picker.member
        return SignatoryFacts(
            kind=LetterKind.MINISTERIAL, minister_written_to=f["minister_written_to"].currentText().strip(),
            privy_counsellor=f["privy_counsellor"].isChecked(), government_policy=f["government_policy"].isChecked(),
            discretion_or_intervention=f["discretion_or_intervention"].isChecked(),
            previous_ministerial_involvement=f["previous_ministerial_involvement"].isChecked(),
            on_home_secretary_list=f["on_home_secretary_list"].isChecked(),
            responsible_minister=f["responsible_minister"].text().strip(),
            writer_is_home_office_minister=f["writer_is_home_office_minister"].isChecked(),
            writer_name=member.name if member else "",
            designated_second_minister=f["designated_second_minister"].text().strip())

    def _show_signatory(self) -> None:
        facts = self.signatory_facts()
        if facts is None:
            self.signatory_label.setText("Signs: an official, SEO or above (an Official reply).")
            self.signatory_label.setStyleSheet("color: #555;")
        else:
            try:
                chosen = select_signatory(facts)
            except ValidationError as exc:
                self.signatory_label.setText(f"Signs: not decided yet. {self._in_form_words(exc)}")
                self.signatory_label.setStyleSheet("color: #7a4a00;")
            else:
                self.signatory_label.setText(f"Signs: {chosen.who}, because {chosen.reason}.")
                self.signatory_label.setStyleSheet("color: #1b5e20;")
        self.signatory_label.setAccessibleName(f"Who signs: {self.signatory_label.text()}")

    def _browse(self) -> None:
        path = self._choose_file(self)
        if path:
            self.fields["scan"].setText(str(path))

    # -------------------------------------------------------------- register

    def _values(self) -> dict:
        f = self.fields
        handlers = [u.strip() for u in f["named_handlers"].text().replace(";", ",").split(",") if u.strip()]
        values = dict(
            kind=self.kind().value, subject_name=f["subject"].text(), issue=f["issue"].text(),
            question=f["question"].toPlainText(), ho_reference=f["ho_reference"].text(),
            constituent_name=f["constituent"].text(),
            member_letter_date=f["member_letter_date"].date().toPython(),
            member_reference=f["member_reference"].text(), urgent=f["urgent"].isChecked(),
            ophso=f["ophso"].isChecked(), foi=f["foi"].isChecked(), welsh_requested=f["welsh"].isChecked(),
            restricted=f["restricted"].isChecked(), staff_member=f["staff_member"].text(),
            named_handlers=handlers if f["restricted"].isChecked() else [],
            signatory=self.signatory_facts(), **self.kind_section.values())
        return values

    def register(self) -> None:
        if self.busy:
            return
        self._clear_invalid()
        member = self.member_picker.member
        if member is None:
            self._refuse(ValidationError("Member: type part of the Member's name or constituency and choose "
                                         "from the list"), "member")
            return
        values, extra = self._values(), self._register_extras()
        scan_path, unit = self.fields["scan"].text(), self.fields["allocate_to"].currentData()
        ctx = self._ctx
        letters, actor = ctx.services.letters, ctx.user

        def work() -> Registered:
            data, name = read_scan(scan_path)
            rec = letters.register(actor, member_id=member.id, scanned_pdf=data, scanned_filename=name,
                                   **values, **extra)
            if not unit:
                return Registered(rec)
            try:
                return Registered(letters.allocate(actor, rec.id, unit, expected_version=rec.version))
            except MpelError as exc:  # registered all the same: say so, and that it is still with MPCS
                return Registered(rec, exc)

        self.busy = True
        self.register_button.setEnabled(False)
        self.message.show_info("Registering the letter…")
        ctx.runner.submit(work, self._registered, self._failed)

    def _register_extras(self) -> dict:
        """The line manager of a member of Agency staff, by username [CORR 2.5]; another Member's letter
        about the same person [CORR 2.6]: the link and its two facts."""
        f = self.fields
        link = f["link_to_reference"].text().strip()
        # As typed: the service finds the user (any case) and says so when there is none or they have no
        # e-mail address.  Only for a restricted letter: the field is disabled otherwise.
        manager = f["line_manager"].text().strip() if f["restricted"].isChecked() else ""
        # Unlinked, the writer is taken to be the constituency MP (the service's default).
        return dict(line_manager=manager, link_to_reference=link,
                    constituency_mp=f["constituency_mp"].isChecked() if link else True,
                    different_points=f["different_points"].isChecked() if link else False)

    def _registered(self, result: Registered) -> None:
        if self._closed:
            return
        self.busy = False
        self.register_button.setEnabled(True)
        rec = self.last = result.letter
        self.reference_label.setText(rec.reference)
        self.reference_label.setAccessibleName(f"New CTS reference: {rec.reference}")
        self.reference_label.show()
        self.open_button.show()
        kind = rec.kind.value.capitalize()
        if result.allocation_error is not None:
            self.message.show_error(f"{kind} letter registered as {rec.reference}, but not allocated: "
                                    f"{error_text(result.allocation_error)} It is still with MPCS.")
        elif rec.unit_code:
            self.message.show_ok(f"{kind} letter registered as {rec.reference} and allocated to {rec.unit_code}.")
        else:
            self.message.show_ok(f"{kind} letter registered as {rec.reference}. It waits in MPCS's workstack "
                                 "to be allocated.")
        self._clear_for_next()
        self.registered.emit(rec)

    def _failed(self, exc: Exception) -> None:
        if self._closed:
            return
        self.busy = False
        self.register_button.setEnabled(True)
        self._refuse(exc)

    def _refuse(self, exc: Exception, field: str | None = None) -> None:
        """Show the refusal under the form, in the form's words, with the field it is about focused."""
        field = field or self._field_of(exc)
        self.message.show_error(self._in_form_words(exc))
        widget = self.fields.get(field) if field else None
        if widget is not None:
            widget.setStyleSheet(INVALID_STYLE)
            widget.setFocus(Qt.OtherFocusReason)

    @staticmethod
    def _error_key(exc: Exception) -> tuple[str, str] | None:
        """(the service's field name the message starts with, the form's field), if any."""
        lowered = str(exc).strip().lower() if isinstance(exc, MpelError) else ""
        return next(((key, name) for key, name in _ERROR_FIELDS if lowered.startswith(key)), None)

    def _field_of(self, exc: Exception) -> str | None:
        found = self._error_key(exc)
        return found[1] if found else None

    def _in_form_words(self, exc: Exception) -> str:
        """The message with a leading ``snake_case`` field name put as the form labels it."""
        found = self._error_key(exc)
        if found and "_" in found[0] and found[1] in self.fields:
            text = str(exc).strip()
            exc = ValidationError(self.fields[found[1]].accessibleName() + text[len(found[0]):])
        return error_text(exc)

    def _clear_invalid(self) -> None:
        for widget in self.fields.values():
            if widget.styleSheet() == INVALID_STYLE:
                widget.setStyleSheet("")

    def _clear_for_next(self) -> None:
        """Ready for the next letter in the pile: the kind, the date and the unit stay, the rest goes."""
        f = self.fields
        self.member_picker.clear()
        for name in ("member_reference", "scan", "subject", "constituent", "ho_reference", "issue", "staff_member",
                     "named_handlers", "line_manager", "link_to_reference", "responsible_minister",
                     "designated_second_minister"):
            f[name].clear()
        f["question"].clear()
        f["minister_written_to"].setCurrentIndex(0)
        for name in ("urgent", "ophso", "foi", "welsh", "restricted", "government_policy",
                     "discretion_or_intervention", "previous_ministerial_involvement", "on_home_secretary_list",
                     "writer_is_home_office_minister", "different_points"):
            f[name].setChecked(False)
        f["constituency_mp"].setChecked(True)
        self.kind_section.clear()
        self._restricted_changed()
        self._link_changed()
        f["member"].setFocus(Qt.OtherFocusReason)

    def _open_last(self) -> None:
        if self.last is not None:
            self.open_requested.emit(self.last.id)

    def done(self, result: int) -> None:  # noqa: D102 (QDialog.done: answers arriving later are dropped)
        if self.busy:
            # The letter may be registered already: closing now would hide its CTS reference, and
            # someone might register it a second time.
            self.message.show_info("Registering… the window closes once the CTS reference is shown.")
            return
        self._closed = True
        super().done(result)
