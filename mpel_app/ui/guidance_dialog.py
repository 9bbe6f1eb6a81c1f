"""The guidance at the agent's hand, from the call screen: the contacts directory (F6) and the FAQ and rules (F7).

Both are windows beside the call screen (not modal: the agent keeps
typing the call), searchable as you type: every word must match.  In the
directory a number that must not be given to MPs or their staff is
unmistakable: its row is red, and says "DO NOT GIVE OUT" in words (colour
is never the only sign).  The MPEL team leader (and an administrator) sees
an editor under the list to keep the entries up to date; the service
checks that too, and audits each change.
"""
from __future__ import annotations


from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QSplitter,
                               QTableWidget, QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget)

from shiboken6 import isValid

from ..services.guidance import KINDS, MAINTAINERS, AnswerEntry, ContactEntry
from .context import DeskContext
from .task_runner import LatestOnly
from .widgets import MessageLabel, buddy_label, button, error_text, labelled, named

SEARCH_DELAY_MS = 150
DO_NOT = "DO NOT GIVE OUT"
MAY = "May give to MPs"


def bring_forward(dialog: _GuidanceWindow | None, kind: type, ctx: DeskContext, parent: QWidget) -> _GuidanceWindow:
    """The one window of ``kind`` beside ``parent`` (made if needed), in front, its search box ready."""
    if dialog is None or not isValid(dialog):
        dialog = kind(ctx, parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    dialog.search_box.setFocus()
    dialog.search_box.selectAll()
    return dialog


class _GuidanceWindow(QDialog):
    """A search box over a list read through the TaskRunner (the latest search only)."""

    def __init__(self, ctx: DeskContext, title: str, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(title)
        self.maintainer = ctx.user.has(*MAINTAINERS)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(placeholder)
        self.search_box.setClearButtonEnabled(True)
        self.message = MessageLabel()
        self._loads = LatestOnly(ctx.runner)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(lambda _t: self._timer.start())
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(buddy_label("&Search:", self.search_box))
        self.layout_.addWidget(self.search_box)

    def _load(self, work, done) -> None:
        self._loads.submit(work, done, lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _save(self, work, done) -> None:
        def saved(value) -> None:
            self.message.show_ok("Saved.")
            done(value)
            self.refresh()
        self._ctx.runner.submit(work, saved, lambda exc: self.message.show_error(error_text(exc)), owner=self)


class ContactsDialog(_GuidanceWindow):
    """The contacts directory: whom to call, and whether the number may be given to an MP's office."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, "Contacts directory", "a name, team or number, e.g. passport", parent)
        self.resize(900, 560)
        self.contacts: list[ContactEntry] = []
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Contacts")
        self.table.setHorizontalHeaderLabels(["Name", "Number", "To MPs?", "Team / note"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.message)
        self.search_box.returnPressed.connect(lambda: self.table.setFocus())
        if self.maintainer:
            self._build_editor()
        self.refresh()

    def refresh(self) -> None:
        text, guidance, user = self.search_box.text(), self._ctx.services.guidance, self._ctx.user
        self._load(lambda: guidance.contacts(user, text), self._show)

    def shown(self) -> list[tuple[str, ...]]:
        return [tuple(self.table.item(r, c).text() for c in range(4)) for r in range(self.table.rowCount())]

    def _show(self, contacts: list[ContactEntry]) -> None:
        self.contacts = contacts
        self.table.setRowCount(len(contacts))
        bold = QFont(self.font())
        bold.setBold(True)
        for row, c in enumerate(contacts):
            cells = (c.name, c.phone or "number not in the guidance yet", MAY if c.may_give_out else DO_NOT,
                     " · ".join(p for p in (c.team, c.note) if p))
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if not c.may_give_out:
                    item.setBackground(QBrush(QColor("#fde2e2")))
                    item.setForeground(QBrush(QColor("#9b0000")))
                    if col in (1, 2):
                        item.setFont(bold)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        if contacts:
            self.table.selectRow(0)
        if self.maintainer:
            self._edit(self.table.currentRow() if contacts else -1)  # the same row number may be a new entry
        if not contacts:
            self.message.show_info("No contact matches.")

    # ---------------------------------------------------------------- editor

    def _build_editor(self) -> None:
        box = QGroupBox("Keep the directory (MPEL team leader)")
        form = QFormLayout(box)
        self.edit_name, self.edit_team, self.edit_phone, self.edit_note = (QLineEdit() for _ in range(4))
        self.edit_may = named(QCheckBox("May be given to MPs and their staff"))
        labelled(form, "Na&me:", self.edit_name)
        labelled(form, "&Team:", self.edit_team)
        labelled(form, "N&umber:", self.edit_phone)
        form.addRow("", self.edit_may)
        labelled(form, "N&ote:", self.edit_note)
        self.save_button = button("Sa&ve", auto_default=True)
        self.new_button = button("Ne&w", auto_default=True)
        self.remove_button = button("&Remove", auto_default=True)
        row = QHBoxLayout()
        for b in (self.save_button, self.new_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        form.addRow(row)
        self.layout_.addWidget(box)
        self._editing: int | None = None
        self.table.currentCellChanged.connect(lambda r, *_: self._edit(r))
        self.save_button.clicked.connect(self._save_contact)
        self.new_button.clicked.connect(lambda: self._edit(-2))  # -2: a new entry, typed from its name
        self.remove_button.clicked.connect(self._remove)

    def _edit(self, row: int) -> None:
        c = self.contacts[row] if 0 <= row < len(self.contacts) else None
        self._editing = c.id if c else None
        self.edit_name.setText(c.name if c else "")
        self.edit_team.setText(c.team if c else "")
        self.edit_phone.setText(c.phone if c else "")
        self.edit_may.setChecked(c.may_give_out if c else False)
        self.edit_note.setText(c.note if c else "")
        if c is None and row == -2:
            self.edit_name.setFocus()

    def _save_contact(self) -> None:
        values = dict(name=self.edit_name.text(), team=self.edit_team.text(), phone=self.edit_phone.text(),
                      may_give_out=self.edit_may.isChecked(), note=self.edit_note.text())
        guidance, user, editing = self._ctx.services.guidance, self._ctx.user, self._editing
        self._save(lambda: guidance.save_contact(user, editing, **values), lambda c: None)

    def _remove(self) -> None:
        if self._editing is not None:
            guidance, user, editing = self._ctx.services.guidance, self._ctx.user, self._editing
            self._save(lambda: guidance.delete_contact(user, editing), lambda _none: None)


class AnswersDialog(_GuidanceWindow):
    """Frequently asked questions with model answers, and the rules an agent needs mid-call."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(ctx, "FAQ and guidance", "a few words, e.g. timescales, disclose, fresh claim", parent)
        self.resize(960, 600)
        self.answers: list[AnswerEntry] = []
        self.questions = QListWidget()
        self.questions.setAccessibleName("Questions and rules")
        self.questions.setWordWrap(True)
        self.answer_view = QTextBrowser()
        self.answer_view.setAccessibleName("Model answer")
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.questions)
        splitter.addWidget(self.answer_view)
        splitter.setSizes([420, 540])
        self.layout_.addWidget(splitter, 1)
        self.layout_.addWidget(self.message)
        self.questions.currentRowChanged.connect(self._show_answer)
        self.search_box.returnPressed.connect(lambda: self.questions.setFocus())
        if self.maintainer:
            self._build_editor()
        self.refresh()

    def refresh(self) -> None:
        text, guidance, user = self.search_box.text(), self._ctx.services.guidance, self._ctx.user
        self._load(lambda: guidance.answers(user, text), self._show)

    def _show(self, answers: list[AnswerEntry]) -> None:
        self.answers = answers
        self.questions.clear()
        for a in answers:
            self.questions.addItem(QListWidgetItem(f"{'RULE · ' if a.kind == 'rule' else ''}{a.question}"))
        if answers:
            self.questions.setCurrentRow(0)
            self._show_answer(0)
        else:
            self.answer_view.clear()
            self.message.show_info("Nothing matches.")

    def _show_answer(self, row: int) -> None:
        a = self.answers[row] if 0 <= row < len(self.answers) else None
        self.answer_view.setPlainText(f"{KINDS[a.kind]}\n\n{a.question}\n\n{a.answer}" if a else "")
        if self.maintainer:
            self._editing = a.id if a else None
            self.edit_kind.setCurrentIndex(list(KINDS).index(a.kind) if a else 0)
            self.edit_question.setText(a.question if a else "")
            self.edit_answer.setPlainText(a.answer if a else "")

    def _build_editor(self) -> None:
        box = QGroupBox("Keep the answers (MPEL team leader)")
        form = QFormLayout(box)
        self.edit_kind = QComboBox()
        self.edit_kind.addItems(list(KINDS.values()))
        self.edit_question = QLineEdit()
        self.edit_answer = QPlainTextEdit()
        self.edit_answer.setTabChangesFocus(True)
        self.edit_answer.setMaximumHeight(self.edit_answer.fontMetrics().lineSpacing() * 5 + 12)
        labelled(form, "&Kind:", self.edit_kind)
        labelled(form, "&Question:", self.edit_question)
        labelled(form, "Model &answer:", self.edit_answer)
        self.save_button = button("Sa&ve", auto_default=True)
        self.new_button = button("Ne&w", auto_default=True)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.new_button)
        row.addStretch(1)
        form.addRow(row)
        self.layout_.addWidget(box)
        self._editing: int | None = None
        self.save_button.clicked.connect(self._save_answer)
        self.new_button.clicked.connect(self._new)

    def _new(self) -> None:
        self._editing = None
        self.edit_question.clear()
        self.edit_answer.clear()
        self.edit_question.setFocus()

    def _save_answer(self) -> None:
        kind = list(KINDS)[self.edit_kind.currentIndex()]
        question, answer = self.edit_question.text(), self.edit_answer.toPlainText()
        guidance, user, editing = self._ctx.services.guidance, self._ctx.user, self._editing
        self._save(lambda: guidance.save_answer(user, editing, kind=kind, question=question, answer=answer),
                   lambda a: None)
