"""A dialog that saves one change to a person's account off the UI thread (e-mail address, access).

The shared part of Administration's user dialogs: one save at a time, "Saving…", the saved
record kept in ``changed`` and the dialog accepted; a refusal shown with the field to correct
focused again; a result that arrives after the dialog was closed is dropped.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from ..domain.records import UserRecord
from .context import DeskContext
from .widgets import error_text


class UserSaveDialog(QDialog):
    """Subclasses build ``message``, ``save_button`` and their fields, and call ``submit_save``."""

    def __init__(self, ctx: DeskContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.user = user
        self.changed: UserRecord | None = None
        self.busy = False
        self._closed = False
        self._focus_back: QWidget | None = None
        self.finished.connect(self._set_closed)

    def submit_save(self, work: Callable[[], UserRecord], focus_back: QWidget) -> None:
        """Run ``work`` (the service call) in the background; on a refusal, ``focus_back`` takes the focus."""
        if self.busy:
            return
        self.busy = True
        self._focus_back = focus_back
        self.save_button.setEnabled(False)
        self.message.show_info("Saving…")
        self._ctx.runner.submit(work, self._saved, self._failed)

    def _saved(self, user: UserRecord) -> None:
        self.busy = False
        if self._closed:
            return
        self.changed = user
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        if self._closed:
            return
        self.save_button.setEnabled(True)
        self.save_button.setDefault(True)  # disabling it took that away: Enter would do nothing
        self.message.show_error(error_text(exc))
        if self._focus_back is not None:
            self._focus_back.setFocus()

    def _set_closed(self, _result: int) -> None:
        self._closed = True
