"""The search behind a Member type-ahead (the call screen's, ``member_picker.MemberPicker``): ``MemberSearch``.

It follows what a person types in a line edit: the members service is asked
(through the TaskRunner) a moment after the last key, and only the answer for
the latest text counts; an earlier search answering late is dropped.  Each
screen shows the matches its own way (an inline list, a pop-up) and picks one
itself; an Enter pressed before the matches arrived asks for
``pick_when_ready``: ``ready`` follows the matches when they come.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit

from .context import DeskContext

SEARCH_DELAY_MS = 150  # type-ahead debounce: fast enough to feel instant, slow enough to skip keystrokes
MAX_SUGGESTIONS = 8


class MemberSearch(QObject):
    """Matches for the text of ``edit`` as it is typed: debounced, in the background, the latest text only."""

    found = Signal(object)  # list[MemberRecord], the matches for the latest text ([] for blank text)
    failed = Signal(object)  # the exception of the latest search
    ready = Signal()  # the matches an early Enter waited for have been found: pick one now

    def __init__(self, ctx: DeskContext, edit: QLineEdit, parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._edit = edit
        self._seq = 0
        self._in_flight = False
        self._pick_when_ready = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        edit.textEdited.connect(self._edited)

    @property
    def busy(self) -> bool:
        """Matches are on their way: the typing has not paused yet, or the service has not answered."""
        return self._timer.isActive() or self._in_flight

    def pick_when_ready(self) -> None:
        self._pick_when_ready = True

    def cancel(self) -> None:
        """Forget the search under way (the form was cleared): its answer is dropped."""
        self._timer.stop()
        self._seq += 1
        self._in_flight = self._pick_when_ready = False

    def _edited(self, text: str) -> None:
        self._pick_when_ready = False
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.found.emit([])

    def _search(self) -> None:
        text, members = self._edit.text(), self._ctx.services.members
        self._seq += 1
        seq = self._seq
        self._in_flight = True

        def done(found: list) -> None:
            if seq != self._seq:
                return  # a later key has its own search on the way
            self._in_flight = False
            self.found.emit(found)
            if self._pick_when_ready:
                self._pick_when_ready = False
                self.ready.emit()

        def failed(exc: Exception) -> None:
            if seq == self._seq:
                self._in_flight = self._pick_when_ready = False
                self.failed.emit(exc)

        self._ctx.runner.submit(lambda: members.search(text, limit=MAX_SUGGESTIONS), done, failed)
