"""Choosing a Member by typing: ``MemberPicker``, a line edit whose matches pop up below it.

Type part of the Member's name or constituency; the members service is
searched (through the TaskRunner) a moment after the last key, and the
matches pop up (Up/Down, Enter or a click picks one).  An Enter pressed before
the matches arrive picks the first when they do; once a Member is chosen,
Enter moves on to the next field.  Editing the text un-chooses the Member.
The search itself, timing and list length are the call screen's too
(``member_search.MemberSearch``).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..domain.records import MemberRecord
from .context import DeskContext
from .member_search import MAX_SUGGESTIONS, MemberSearch
from .models import member_line
from .widgets import error_text


class MemberPicker(QWidget):
    """A Member chosen by typing part of the name or constituency: matches pop up below (Up/Down, Enter).

    The search runs through the TaskRunner a moment after the last key; an
    Enter pressed before the matches arrive picks the first when they do.
    """

    member_changed = Signal(object)  # the MemberRecord, or None when the text no longer names one

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.member: MemberRecord | None = None
        self._found: list[MemberRecord] = []

        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Type part of the Member's name or constituency")
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(self._edited)
        self._search = MemberSearch(ctx, self.edit, self)
        self._search.found.connect(self._show)
        self._search.failed.connect(lambda exc: self.status.setText(error_text(exc)))
        self._search.ready.connect(lambda: self.pick(0))
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        # The service has matched already (any word, name or constituency): show its list as it is.
        self.completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(MAX_SUGGESTIONS)
        self.completer.setWidget(self.edit)
        self.completer.popup().setAccessibleName("Matching Members")
        self.completer.activated[QModelIndex].connect(lambda index: self.pick(index.row()))
        self.status = QLabel("No Member chosen")
        self.status.setAccessibleName("Chosen Member")
        self.status.setStyleSheet("color: #555;")

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(self.edit)
        box.addWidget(self.status)

    def suggestions(self) -> list[MemberRecord]:
        return list(self._found)

    def pick(self, row: int) -> None:
        if not 0 <= row < len(self._found):
            return
        self.set_member(self._found[row])
        self.completer.popup().hide()

    def set_member(self, member: MemberRecord | None) -> None:
        self.member = member
        if member is None:
            self.status.setText("No Member chosen")
            self.status.setStyleSheet("color: #555;")
        else:
            self.edit.setText(member_line(member))
            extra = " · Privy Counsellor" if member.privy_counsellor else ""
            self.status.setText(f"✓ {member.kind}{extra} · {member.region_code}")
            self.status.setStyleSheet("color: #1b5e20;")
        self.status.setAccessibleName(f"Chosen Member: {self.status.text()}")
        self.member_changed.emit(member)

    def clear(self) -> None:
        self._search.cancel()
        self._found = []
        self.model.clear()
        self.edit.clear()
        self.set_member(None)

    def _edited(self, _text: str) -> None:
        if self.member is not None:
            self.set_member(None)

    def _show(self, found: list[MemberRecord]) -> None:
        self._found = found
        self.model.clear()
        for m in found:
            item = QStandardItem(member_line(m))
            item.setToolTip(f"{member_line(m)} ({m.kind}, {m.region_code})")
            self.model.appendRow(item)
        if found and self.edit.hasFocus():
            self.completer.complete()
        elif not found and self.edit.text().strip():
            self.status.setText("No Member matches: try part of the name or the constituency.")

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.edit and event.type() == QEvent.KeyPress and event.key() in (Qt.Key_Return, Qt.Key_Enter) \
                and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier) and self.edit.text().strip():
            # Enter here means "this Member", never the dialog's default button: a half-typed
            # name picks the first match; once chosen, Enter moves on to the next field.
            if self.member is not None:
                self.focusNextChild()
            elif self._search.busy:
                self._search.pick_when_ready()
            else:
                self.pick(0)
            return True
        return super().eventFilter(obj, event)
