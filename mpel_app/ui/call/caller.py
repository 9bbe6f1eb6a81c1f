"""Section 1 of the call screen, the caller: which member's office, and whether the member or a caseworker is on the line.

Typing a few letters of the member's name or constituency lists matching
members below the field (Up/Down move, Enter picks; the list never takes
the focus).  Once the passcode is verified the member is fixed: another
member means another call.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QGroupBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QRadioButton, QVBoxLayout, QWidget)

from ...domain.records import CallerKind, EnquiryRecord, MemberRecord
from ..context import DeskContext
from ..member_search import MemberSearch
from ..models import member_line
from ..widgets import error_text, in_row, labelled, named
from .state import CallState

NO_MEMBER = "No member chosen"


class CallerSection(QGroupBox):
    """The member's office calling, and who is on the line."""

    problem = Signal(str)  # something the agent must hear about, for the screen's message line

    def __init__(self, ctx: DeskContext, parent=None):
        super().__init__("1  Caller", parent)
        self._ctx = ctx
        self._member: MemberRecord | None = None
        self._suggestions: list[MemberRecord] = []
        self._regions: dict[str, str] = {}
        self._open = False

        self.member_edit = QLineEdit()
        self.member_edit.setPlaceholderText("Type the member's name or constituency")
        self.member_edit.setClearButtonEnabled(True)
        self.member_edit.textEdited.connect(self._member_text_edited)
        self.member_edit.installEventFilter(self)  # Up/Down/Enter drive the suggestion list
        self._search = MemberSearch(ctx, self.member_edit, self)
        self._search.found.connect(self._show_suggestions)
        self._search.failed.connect(lambda exc: self.problem.emit(error_text(exc, full_stop=False)))
        self._search.ready.connect(lambda: self._pick_member(max(self.suggestions.currentRow(), 0)))
        self.suggestions = QListWidget()
        self.suggestions.setAccessibleName("Matching members")
        # The list follows the member field's arrow keys; it never takes focus itself.
        self.suggestions.setFocusPolicy(Qt.NoFocus)
        self.suggestions.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.suggestions.setTextElideMode(Qt.ElideMiddle)
        self.suggestions.itemClicked.connect(lambda item: self._pick_member(self.suggestions.row(item)))
        self.suggestions.setVisible(False)
        self.member_info = QLabel(NO_MEMBER)
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
        # Focus stays on the radio (arrow keys may go back); Tab reaches the name next.
        self.caller_caseworker.toggled.connect(lambda on: self.caseworker_name.setEnabled(on and self._open))
        self.caseworker_name = QLineEdit()
        self.caseworker_name.setPlaceholderText("Name of the caseworker on the line")

        form = QFormLayout(self)
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

    # ------------------------------------------------------------ for the view

    def tab_order(self) -> list:
        return [self.member_edit, self.caller_member, self.caller_caseworker, self.caseworker_name]

    @property
    def member(self) -> MemberRecord | None:
        return self._member

    def set_regions(self, regions: dict[str, str]) -> None:
        self._regions = regions
        self._show_member_info(self._member)

    def adopt(self, rec: EnquiryRecord) -> None:
        """The record's member, when the screen has none chosen (a recovered call, a reload)."""
        if rec.member is not None and self._member is None:
            self._member = rec.member

    def set_state(self, state: CallState) -> None:
        self._open = state.open_call
        self.setEnabled(state.open_call and not state.refused_only)
        # The passcode belongs to one office: once verified, another member means another call.
        self.member_edit.setReadOnly(state.verified)
        self.member_edit.setClearButtonEnabled(not state.verified)
        self.member_edit.setToolTip("The passcode was checked for this member's office: another member means "
                                    "another call" if state.verified else "")
        self.caseworker_name.setEnabled(state.open_call and self.caller_caseworker.isChecked())

    def values(self) -> dict:
        """The caller as the service's ``set_caller`` takes it."""
        kind = CallerKind.CASEWORKER if self.caller_caseworker.isChecked() else CallerKind.MEMBER
        name = self.caseworker_name.text().strip() if kind is CallerKind.CASEWORKER else ""
        return {"member_id": self._member.id if self._member else None, "caller_kind": kind, "caller_name": name}

    def changed_from(self, rec: EnquiryRecord | None) -> bool:
        """Whether the caller chosen here differs from the one saved on ``rec``."""
        values = self.values()
        if rec is None or values["member_id"] is None:
            return False
        current = (rec.member.id if rec.member else None, rec.caller_kind, rec.caller_name)
        return current != (values["member_id"], values["caller_kind"], values["caller_name"])

    def choose(self, member: MemberRecord) -> None:
        """The member chosen for the agent (a caller ID that is exactly their office's number)."""
        self._suggestions = [member]
        self._pick_member(0)

    def offer(self, member: MemberRecord) -> None:
        """The member offered, not chosen: typed into the box with the suggestion open, for the agent to
        confirm with Enter (a number learned from earlier calls may be someone else's now)."""
        self.member_edit.setText(member_line(member))
        self._show_suggestions([member])
        self.member_edit.setFocus()

    def reset(self) -> None:
        self._member = None
        self._suggestions = []
        self._search.cancel()
        self.member_edit.clear()
        self.caseworker_name.clear()
        self.member_edit.setReadOnly(False)
        self.suggestions.clear()
        self.suggestions.setVisible(False)
        self.member_info.setText(NO_MEMBER)
        self.caller_member.setChecked(True)

    # ---------------------------------------------------------------- typing

    def _member_text_edited(self, _text: str) -> None:
        # The search itself follows the text too (MemberSearch).
        if self._member is not None:
            self._member = None
            self.member_info.setText(NO_MEMBER)

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
                self.problem.emit("No member matches what you typed.")
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
            self.member_info.setText(NO_MEMBER)
            return
        region = self._regions.get(member.region_code, member.region_code)
        phone = member.office_phone or "not recorded"
        fax = member.office_fax or "not recorded"
        self.member_info.setText(f"Office telephone: {phone}\nOffice fax: {fax}\nRegion: {region}")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.KeyPress and obj is self.member_edit:
            return self._member_key(event.key(), event.modifiers())
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
            if self._search.busy:
                # A fast typist pressed Enter before the list caught up: pick when it arrives.
                self._search.pick_when_ready()
            elif self._member is None:
                self._pick_member(self.suggestions.currentRow() if count else -1)
            else:
                self.member_edit.focusNextChild()
            return True
        if key == Qt.Key_Escape and self.suggestions.isVisible():
            self.suggestions.setVisible(False)
            return True
        return False
