"""CTS letters: each role's workstack for a unit, and "get next case" (issue 4).

``LettersView(ctx)`` shows, for the role and unit chosen at the top, the
letters that role has to act on now, grouped under the service's section
headings and, within each, in the service's order (urgent first, then by
stage deadline).  Each line has its stage deadline, the reply (case)
deadline and its status against the stage deadline, in words and colour.
Enter or a double-click opens the letter (``LetterDialog``); F5 reloads; a
case owner's "Get next case" takes the unit's most pressing unowned case and
opens it.  An MPCS allocator's "Register letter…" (Ctrl+Shift+N) opens the
``RegisterLetterDialog``; "Late letters…" (Ctrl+Shift+L) the ``LateLettersDialog``, and MPCS's
"Deceased Member…" (Ctrl+Shift+D) the ``DeceasedMemberDialog``.  Every service call runs through the
TaskRunner.

The scan chooser, the viewer and the save-file chooser are parameters, passed
on to the dialogs, so tests open no native window.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget)

from ..domain.letter_records import LetterRecord, LetterSummary
from ..domain.queue_filter import FilterFields
from ..domain.records import QueueStatus, Role
from .context import DeskContext
from .task_runner import LatestOnly
from .empty_states import empty_workstack_text
from .deceased_member import DECEASED_SHORTCUT, DeceasedMemberDialog
from .letter_dialog import LetterDialog
from .late_letters import LATE_LETTERS_SHORTCUT, LateLettersDialog
from .letter_register import REGISTER_SHORTCUT, FileChooser, RegisterLetterDialog
from ..domain.alarms import Tone
from .models import TONE_COLOURS, format_due
from .steer import FilterBar, Steer, SteerSpec, attach_header
from .letters_view_tools import LetterTools
from .reflow import flow_row
from .view_access import CTS_ROLES
from .viewer import Opener
from .why_due import add_why_due_key
from .work_alerts import letter_alerts
from .widgets import (ListTableModel, MessageLabel, SaveChooser, buddy_label, button, error_text, record_table,
                      keys_hint, screen_shortcut, tab_chain)

UNIT_ROLES = (Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER)

COLUMNS = ("Section", "Reference", "Kind", "Member", "Subject", "Stage", "Stage deadline", "Reply due", "Status",
           "Urgent")
STATUS_COLUMN = COLUMNS.index("Status")
STATUS_WORDS = {QueueStatus.ON_TIME: "On time", QueueStatus.DUE_SOON: "Due soon", QueueStatus.OVERDUE: "Overdue",
                QueueStatus.URGENT: "Urgent"}
# Dark text on a pale tint (4.5:1 or better); the words say the same, for those who cannot see the colour.
STATUS_COLOURS = {QueueStatus.ON_TIME: ("#1b5e20", "#e3f4e4"), QueueStatus.DUE_SOON: ("#7a4a00", "#fff1c9"),
                  QueueStatus.OVERDUE: TONE_COLOURS[Tone.LATE], QueueStatus.URGENT: ("#9b0000", "#fde2e2")}


_STATUS_RANK = {QueueStatus.URGENT: 0, QueueStatus.OVERDUE: 1, QueueStatus.DUE_SOON: 2, QueueStatus.ON_TIME: 3}


def _letter_sort_key(item: LetterSummary, column: str):
    if column == "Stage deadline":
        return item.stage_deadline
    if column == "Reply due":
        return item.reply_deadline
    if column == "Status":
        return _STATUS_RANK.get(item.status) if item.status else None
    if column == "Urgent":
        return not item.urgent  # urgent first, ascending
    return LetterTableModel._text(item, column).casefold()


def _letter_fields(item: LetterSummary) -> FilterFields:
    return FilterFields(status=STATUS_WORDS.get(item.status, "") if item.status else "", region=None,
                        member=item.member_name, received_at=item.received_at,
                        texts=(item.reference, item.subject_name, item.section, item.state.label,
                               item.case_owner_name, item.unit_code or ""))


def grouped(items: Sequence[LetterSummary]) -> list[LetterSummary]:
    """Lines under their section headings, sections in the order they first appear, lines in the service's order."""
    order: dict[str, int] = {}
    for item in items:
        order.setdefault(item.section, len(order))
    return sorted(items, key=lambda i: order[i.section])  # stable: keeps the service's order within a section


class LetterTableModel(ListTableModel):
    """A workstack's letters (``LetterSummary``), under their section headings (or as the person sorted them)."""

    columns = COLUMNS

    def set_items(self, items: Sequence[LetterSummary], *, group: bool = True) -> None:
        super().set_items(grouped(items) if group else items)

    def data(self, index, role=Qt.DisplayRole):
        item: LetterSummary | None = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return self._text(item, column)
        if role == Qt.ToolTipRole:
            return f"{item.reference}: {item.section}"
        status = item.status
        if column == "Status" and status is not None:
            if role == Qt.ForegroundRole:
                return QBrush(QColor(STATUS_COLOURS[status][0]))
            if role == Qt.BackgroundRole:
                return QBrush(QColor(STATUS_COLOURS[status][1])) if STATUS_COLOURS[status][1] else None
        # Bold red for what needs action today only (domain.alarms): overdue is said, muted, not shouted.
        if role == Qt.FontRole and ((column == "Status" and status is QueueStatus.URGENT)
                                    or (column == "Urgent" and item.urgent)):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ForegroundRole and column == "Urgent" and item.urgent:
            return QBrush(QColor("#9b0000"))
        return None

    @staticmethod
    def _text(item: LetterSummary, column: str) -> str:
        if column == "Section":
            return item.section
        if column == "Reference":
            return item.reference
        if column == "Kind":
            return item.kind.value.capitalize()
        if column == "Member":
            return item.member_name
        if column == "Subject":
            return item.subject_name
        if column == "Stage":
            return item.state.label
        if column == "Stage deadline":
            return format_due(item.stage_deadline)
        if column == "Reply due":
            return format_due(item.reply_deadline)
        if column == "Status":
            return STATUS_WORDS.get(item.status, "") if item.status else ""
        if column == "Urgent":
            return "URGENT" if item.urgent else ""
        return ""


class LettersView(QWidget):
    """The signed-in user's CTS workstacks."""

    title = "Letters"
    loaded = Signal()  # the workstack was (re)loaded
    count_changed = Signal(int)  # letters in the workstack (the window's tab says it)
    alerts_changed = Signal(object)  # each letter announces itself when new (ui.work_alerts)
    dialog_opened = Signal(object)  # a LetterDialog, for the window and tests

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 file_chooser: FileChooser | None = None, opener: Opener | None = None,
                 save_chooser: SaveChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._file_chooser, self._opener, self._save_chooser = file_chooser, opener, save_chooser
        self.dialogs: dict[int, LetterDialog] = {}
        self.register_dialog: RegisterLetterDialog | None = None
        self.late_dialog: LateLettersDialog | None = None
        self.deceased_dialog: DeceasedMemberDialog | None = None
        self._latest = LatestOnly(ctx.runner)
        self._selected_id: int | None = None
        self._my_units: list[str] | None = None  # until read: no set-up advice before it is known to be needed
        self._units_exist = True

        self.role_combo = QComboBox()
        for role in CTS_ROLES:
            if role in ctx.user.roles:
                self.role_combo.addItem(role.label, role.value)
        self.unit_combo = QComboBox()
        self.unit_combo.addItem("All my units", "")
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Workstack summary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        self.summary_label.setWordWrap(True)  # at 200 % text one line would push the buttons off a laptop screen
        self.next_button = button("&Get next case", "Take the unit's most pressing case nobody owns yet, and open it",
                                  auto_default=True)
        self.next_button.clicked.connect(self.get_next_case)
        self.next_button.setVisible(ctx.user.has(Role.CASE_OWNER, Role.SENIOR_CASEWORKER))
        self.register_button = button("Regis&ter letter…", f"Register an MP's letter ({REGISTER_SHORTCUT})",
                                      auto_default=True)
        self.register_button.clicked.connect(self.open_register)
        self.register_button.setVisible(ctx.user.has(Role.MPCS_ALLOCATOR))
        # Late letters: everyone here (the service shows unit staff their own units' only).
        self.late_button = button("L&ate letters…", f"Letters far past target, what to do ({LATE_LETTERS_SHORTCUT})",
                                  auto_default=True)
        self.late_button.clicked.connect(self.open_late_letters)
        self.deceased_button = button("&Deceased Member…", f"A late Member's letters ({DECEASED_SHORTCUT})",
                                      auto_default=True)
        self.deceased_button.clicked.connect(self.open_deceased_member)
        self.deceased_button.setVisible(ctx.user.has(Role.MPCS_ALLOCATOR))
        self.open_button = button("&Open case", "Open the selected letter (Enter)", auto_default=True)
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = button("&Refresh", "Reload the workstack (F5)", auto_default=True)
        self.refresh_button.clicked.connect(self.refresh)

        self.model = LetterTableModel(self)
        self.table = record_table(self.model, "Workstack")
        self.table.horizontalHeader().setStretchLastSection(False)  # the Subject column takes the spare width
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.message = MessageLabel(keep_space=True)
        self._all: list[LetterSummary] = []
        self.steer = Steer(ctx, "letters", LETTER_SPEC, parent=self)
        self.filter_bar = FilterBar(self.steer)
        attach_header(self.table, self.steer)
        self.steer.changed.connect(lambda: self._show_items(self._all))

        top = QHBoxLayout()
        top.addWidget(buddy_label("Ro&le:", self.role_combo))
        top.addWidget(self.role_combo)
        top.addSpacing(12)
        top.addWidget(buddy_label("&Unit:", self.unit_combo))
        top.addWidget(self.unit_combo)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        # The commands on a row of their own, wrapping onto another at 200 % text: beside the filters,
        # or on one row, they made the view wider than a 1366-pixel screen.
        self.tools = LetterTools(ctx, self)  # absence cover, a Member's status (issue 15)
        commands = flow_row(self.tools, self.register_button, self.deceased_button, self.late_button,
                            self.next_button, self.open_button, self.refresh_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(commands)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        hints = ["Enter or double-click opens the letter", "F5 refresh"]
        if ctx.user.has(Role.MPCS_ALLOCATOR):
            hints.append(f"{REGISTER_SHORTCUT} register a letter")
            hints.append(f"{DECEASED_SHORTCUT} deceased Member")
        hints.append(f"{LATE_LETTERS_SHORTCUT} late letters")
        if ctx.user.has(Role.CASE_OWNER, Role.SENIOR_CASEWORKER):
            hints.append("Alt+G get next case")
        layout.addWidget(keys_hint("  ·  ".join(hints)))

        screen_shortcut(self, "F5", self.refresh, "Refresh the list")
        if ctx.user.has(Role.MPCS_ALLOCATOR):
            self.register_action = screen_shortcut(self, REGISTER_SHORTCUT, self.open_register,
                                                   "Register an MP's letter")
            self.deceased_action = screen_shortcut(self, DECEASED_SHORTCUT, self.open_deceased_member,
                                                   "A Member has died: their letters to re-address")
        self.late_action = screen_shortcut(self, LATE_LETTERS_SHORTCUT, self.open_late_letters, "Late letters")
        add_why_due_key(self, ctx, lambda: getattr(self.selected(), "id", None), self.message, letters=True,
                        what="the selected letter's deadlines")
        tab_chain(self.role_combo, self.unit_combo, self.table, self.register_button, self.next_button,
                  self.open_button, self.refresh_button)
        tab_chain(self.register_button, self.deceased_button, self.late_button, self.next_button)
        self.role_combo.currentIndexChanged.connect(lambda _i: self._role_changed())
        self.unit_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self._load_units()

    # ------------------------------------------------------------- public API

    def role(self) -> Role | None:
        value = self.role_combo.currentData()
        return Role(value) if value else None

    def unit(self) -> str | None:
        return self.unit_combo.currentData() or None

    def refresh(self) -> None:
        role = self.role()
        if role is None:
            self.message.show_error("You have no CTS role: ask an administrator.")
            return
        ctx, unit = self._ctx, self.unit() if role in UNIT_ROLES else None

        def failed(exc: Exception) -> None:
            self.model.set_items([])
            self.summary_label.clear()
            self.message.show_error(error_text(exc))
            self.loaded.emit()

        self._latest.submit(lambda: ctx.services.letters.workstack(ctx.user, role, unit), self._show_items, failed,
                            owner=self)

    def selected(self) -> LetterSummary | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.message.show_error("Select a letter in the workstack first.")
            return
        self._open_row(index.row())

    def open_letter(self, letter_id: int) -> LetterDialog:
        dialog = self.dialogs.get(letter_id)
        if dialog is None:
            dialog = LetterDialog(self._ctx, letter_id, self, opener=self._opener, save_chooser=self._save_chooser)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.changed.connect(lambda _id: self.refresh())
            dialog.destroyed.connect(lambda _o=None, i=letter_id: self.dialogs.pop(i, None))
            self.dialogs[letter_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        self.dialog_opened.emit(dialog)
        return dialog

    def open_register(self) -> RegisterLetterDialog | None:
        """The MPCS allocator's "Register letter" form (one at a time; brought forward if open)."""
        if not self._ctx.user.has(Role.MPCS_ALLOCATOR):
            self.message.show_error("Only MPCS allocators register letters.")
            return None
        dialog = self.register_dialog
        if dialog is None:
            dialog = RegisterLetterDialog(self._ctx, self, file_chooser=self._file_chooser)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.registered.connect(self._registered)
            dialog.open_requested.connect(self.open_letter)
            dialog.destroyed.connect(lambda _o=None: setattr(self, "register_dialog", None))
            self.register_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_late_letters(self) -> LateLettersDialog:
        """The late letters this person may see (one dialog; brought forward and reloaded if open)."""
        dialog = self.late_dialog
        if dialog is None:
            dialog = LateLettersDialog(self._ctx, self)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.open_requested.connect(self.open_letter)
            dialog.destroyed.connect(lambda _o=None: setattr(self, "late_dialog", None))
            self.late_dialog = dialog
        else:
            dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def open_deceased_member(self) -> DeceasedMemberDialog | None:
        """MPCS: a late Member's letters still to be sent, and how to address them."""
        if not self._ctx.user.has(Role.MPCS_ALLOCATOR):
            self.message.show_error("Only MPCS allocators review a late Member's letters.")
            return None
        dialog = self.deceased_dialog
        if dialog is None:
            dialog = DeceasedMemberDialog(self._ctx, self)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda _o=None: setattr(self, "deceased_dialog", None))
            self.deceased_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _registered(self, rec: LetterRecord) -> None:
        self._selected_id = rec.id
        self.message.show_ok(f"{rec.reference} registered" + (f" and allocated to {rec.unit_code}."
                                                              if rec.unit_code else "."))
        self.refresh()

    def get_next_case(self) -> None:
        ctx, unit = self._ctx, self.unit()

        def done(rec: LetterRecord | None) -> None:
            if rec is None:
                self.message.show_info("No case is waiting for a case owner in your unit.")
                return
            self.message.show_ok(f"{rec.reference} is now yours.")
            self.refresh()
            self.open_letter(rec.id)

        ctx.runner.submit(lambda: ctx.services.letters.get_next_case(ctx.user, unit), done,
                          lambda exc: self.message.show_error(error_text(exc)))

    # ---------------------------------------------------------------- helpers

    def _load_units(self) -> None:
        ctx = self._ctx

        def done(found: tuple[list[str], bool]) -> None:
            codes, self._units_exist = found
            self._my_units = list(codes)
            self.unit_combo.blockSignals(True)
            for code in codes:
                self.unit_combo.addItem(code, code)
            self.unit_combo.blockSignals(False)
            self._role_changed()

        units = ctx.services.units
        ctx.runner.submit(lambda: (units.units_of(ctx.user.id), bool(units.list_units(active_only=True))), done,
                          lambda exc: self.message.show_error(error_text(exc)))

    def _role_changed(self) -> None:
        self.unit_combo.setEnabled(self.role() in UNIT_ROLES and self.unit_combo.count() > 1)
        self.refresh()

    def _show_items(self, items: list[LetterSummary]) -> None:
        keep = self._selected_id
        self._all = list(items)
        shown = self.steer.apply(items)
        self.filter_bar.show_counts(len(shown), len(items))
        # The service's order under the section headings, unless the person sorted by a column.
        self.model.set_items(shown, group=self.steer.order.default)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("Subject"), header.ResizeMode.Stretch)
        counts = {s: sum(1 for i in items if i.status is s) for s in QueueStatus}
        urgent = sum(1 for i in items if i.urgent)
        self.summary_label.setText(f"{len(items)} letter{'s' if len(items) != 1 else ''} — {urgent} urgent, "
                                   f"{counts[QueueStatus.OVERDUE]} overdue, {counts[QueueStatus.DUE_SOON]} due soon"
                                   if items else empty_workstack_text(self.role(), self._my_units, self._units_exist))
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and shown:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.count_changed.emit(len(items))
        self.alerts_changed.emit(letter_alerts(items))
        self.loaded.emit()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is not None:
            self._selected_id = item.id

    def _open_row(self, row: int) -> None:
        item = self.model.item(row)
        if item is not None:
            self.open_letter(item.id)


LETTER_SPEC = SteerSpec(columns=COLUMNS, sort_key=_letter_sort_key, fields=_letter_fields,
                        statuses=tuple(STATUS_WORDS.values()), regions=False)
