"""Late CTS letters (issue 4, [CORR 1.5]): the open letters far enough past target that someone must act.

``LateLettersDialog(ctx)`` lists ``CorrespondenceService.late_letters``, most
overdue first: reference, kind, unit, Member, reply target, days past it, and
what to do (the domain's prompts: a month late, contact the MP's office with
the reason and a date; a Ministerial letter six months late, ask the MP
whether a reply is still wanted and, if not, reject it to MPCS for
cancelling).  The selected letter's prompts are shown in full under the list.
Enter or a double-click asks for the letter to be opened (``open_requested``);
F5 reloads.  Who sees which units' letters is the service's rule.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from ..domain.calendar import LONDON
from ..domain.letter_records import LateLetter
from .context import DeskContext
from .task_runner import LatestOnly
from .models import format_date
from .widgets import (ListTableModel, MessageLabel, button, dialog_buttons, error_text, heading, record_table,
                      screen_shortcut, tab_chain)

LATE_LETTERS_SHORTCUT = "Ctrl+Shift+L"
COLUMNS = ("Reference", "Kind", "Unit", "Member", "Reply target", "Days past target", "What to do")
NO_UNIT = "With MPCS"


def days_past_target(item: LateLetter, today: date) -> int:
    """Calendar days since the reply target (the 20-working-day deadline)."""
    return (today - item.summary.reply_deadline).days


def most_overdue_first(items: Sequence[LateLetter]) -> list[LateLetter]:
    return sorted(items, key=lambda i: (i.summary.reply_deadline, i.summary.received_at, i.summary.id))


def prompt_words(item: LateLetter) -> str:
    """The prompts in short, for the list; the full text is the tooltip and the detail below."""
    short = {"contact_mp_office": "Contact the MP's office", "ask_if_reply_wanted": "Ask if a reply is still wanted"}
    return "; ".join(short.get(p.code, p.text) for p in item.prompts)


class LateLetterModel(ListTableModel):
    """Late letters (``LateLetter``), with their days past target as of ``today``."""

    columns = COLUMNS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.today = date.min

    def row_of(self, item_id: int) -> int:
        return next((r for r, i in enumerate(self.items()) if i.summary.id == item_id), -1)

    def data(self, index, role=Qt.DisplayRole):
        item: LateLetter | None = self.item(index.row()) if index.isValid() else None
        if item is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            s = item.summary
            return {"Reference": s.reference, "Kind": s.kind.value.capitalize(), "Unit": s.unit_code or NO_UNIT,
                    "Member": s.member_name, "Reply target": format_date(s.reply_deadline),
                    "Days past target": str(days_past_target(item, self.today)),
                    "What to do": prompt_words(item)}[column]
        if role == Qt.ToolTipRole:
            return "\n".join(p.text for p in item.prompts)
        if role == Qt.TextAlignmentRole and column == "Days past target":
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.FontRole and column == "Days past target":
            font = QFont()
            font.setBold(True)
            return font
        return None


class LateLettersDialog(QDialog):
    """The late letters this person may see, most overdue first; Enter opens one."""

    loaded = Signal()
    open_requested = Signal(int)  # a letter id

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._latest = LatestOnly(ctx.runner)
        self.setWindowTitle("Late letters")
        self.resize(1000, 440)

        intro = QLabel("Open letters more than a month past their reply target, and Ministerial letters more than "
                       "six months past it [CORR 1.5]. The drafting unit must act on each.")
        intro.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setAccessibleName("Late letters summary")
        self.model = LateLetterModel(self)
        self.table = record_table(self.model, "Late letters")
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail = QLabel()
        self.detail.setAccessibleName("What to do")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.detail.setStyleSheet("background: #fff8e1; color: #4a3000; padding: 6px;")
        self.message = MessageLabel()

        self.open_button = button("&Open letter", "Open the selected letter (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = button("&Refresh", "Reload the list (F5)", auto_default=False)
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = button("Close")
        buttons = dialog_buttons(self, self.open_button, self.close_button)
        buttons.addButton(self.refresh_button, buttons.ButtonRole.ResetRole)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Late letters"))
        layout.addWidget(intro)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        screen_shortcut(self, "F5", self.refresh, "Refresh the list")
        tab_chain(self.table, self.open_button, self.refresh_button, self.close_button)
        self.table.setFocus()
        self.refresh()

    # ------------------------------------------------------------- public API

    def refresh(self) -> None:
        ctx = self._ctx
        self.summary_label.setText("Loading…")

        def failed(exc: Exception) -> None:
            self.model.set_items([])
            self.summary_label.clear()
            self.message.show_error(error_text(exc))
            self.loaded.emit()

        self._latest.submit(lambda: ctx.services.letters.late_letters(ctx.user), self._show, failed, owner=self)

    def selected(self) -> LateLetter | None:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def open_selected(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.message.show_error("Select a late letter first." if self.model.rowCount()
                                    else "There is no late letter to open.")
            return
        self._open_row(index.row())

    # ---------------------------------------------------------------- helpers

    def _show(self, items: list[LateLetter]) -> None:
        keep = self.selected()
        self.message.clear()
        self.model.today = self._ctx.services.clock.now().astimezone(LONDON).date()
        self.model.set_items(most_overdue_first(items))
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COLUMNS.index("What to do"), header.ResizeMode.Stretch)
        asking = sum(1 for i in items if any(p.may_reject_for_cancelling for p in i.prompts))
        n = len(items)
        self.summary_label.setText(f"{n} late letter{'s' if n != 1 else ''}"
                                   + (f" — {asking} to ask whether a reply is still wanted" if asking else ""))
        self.summary_label.setAccessibleName(f"Late letters summary: {self.summary_label.text()}")
        row = self.model.row_of(keep.summary.id) if keep is not None else -1
        if row < 0 and items:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        else:
            self.detail.setText("No letter is late." if not items else "")
        self.open_button.setEnabled(bool(items))
        self.loaded.emit()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row()) if current.isValid() else None
        if item is not None:
            s = item.summary
            self.detail.setText(f"{s.reference} ({s.unit_code or NO_UNIT}), {days_past_target(item, self.model.today)} "
                                "days past target:\n" + "\n".join(f"• {p.text}" for p in item.prompts))

    def _open_row(self, row: int) -> None:
        item = self.model.item(row)
        if item is not None:
            self.open_requested.emit(item.summary.id)
