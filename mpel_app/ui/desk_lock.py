"""Locking the desk: Ctrl+L or a spell without keyboard or mouse use, and the unlock that puts the agent back.

A desk left open shows personal data to whoever walks past, so the main
window locks: the views are swapped for a notice, every open window of the
desk (records, letters, audit entries, lists) is hidden, menus and shortcuts
are disabled, and the signed-in user's password is asked for again.  Work
still running may open a window meanwhile; it is held back until the unlock.

After the unlock the keyboard goes back exactly where the agent was typing:
the same field, in the same window, with the caret (or the selection) where
it was, so a call half written up carries on with the next keystroke.

``LockingWindow`` is a mix-in of ``MainWindow``; it needs ``ctx``, ``pages``,
``tabs``, ``lock_notice``, ``ringing_bar``, ``outbox_banner``,
``outbox_dialog``, ``new_call_action``, ``call_view`` and ``refresh_outbox``.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QDialog, QLineEdit, QMessageBox, QPlainTextEdit,
                               QTextEdit, QWidget)
from shiboken6 import isValid

from .login import LoginDialog


class _IdleWatch(QObject):
    """Restarts a timer on every key press or mouse use anywhere in the application."""

    _EVENTS = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel}

    def __init__(self, timer: QTimer, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = timer

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in self._EVENTS and self._timer.isActive():
            self._timer.start()
        return False


def _hidden_by_lock(widget: QWidget) -> bool:
    """The desk's own windows (records, letters, audit entries, lists); not a box waiting for an answer
    (QMessageBox.exec), which hiding would answer."""
    return isinstance(widget, QDialog) and not isinstance(widget, QMessageBox) and widget.isWindow()


class _LockGuard(QObject):
    """While the desk is locked, hides any of its windows that opens, and remembers it for the unlock."""

    def __init__(self, lock_dialog: QDialog, hidden: list[QWidget], parent: QObject | None = None):
        super().__init__(parent)
        self._lock_dialog = lock_dialog
        self._hidden = hidden

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.Show and isinstance(obj, QWidget) and obj is not self._lock_dialog
                and _hidden_by_lock(obj) and obj.parent() is not self._lock_dialog):
            self._hidden.append(obj)
            QTimer.singleShot(0, lambda: obj.hide() if isValid(obj) else None)
        return False


class TypingSpot:
    """Where the keyboard was: the widget, and its caret or selection, to be put back after the unlock."""

    def __init__(self, widget: QWidget | None):
        self.widget = widget
        self._line: tuple[int, int, int] | None = None
        self._cursor: QTextCursor | None = None
        if isinstance(widget, QAbstractSpinBox):
            widget = widget.findChild(QLineEdit)
        if isinstance(widget, QLineEdit):
            self._line = (widget.cursorPosition(), widget.selectionStart(), len(widget.selectedText()))
            self._edit = widget
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            self._cursor = QTextCursor(widget.textCursor())
            self._edit = widget

    def restore(self) -> bool:
        """Focus the widget again (its window raised and active) with its caret; False when it has gone."""
        widget = self.widget
        if widget is None or not isValid(widget) or not widget.isVisible() or not widget.isEnabled():
            return False
        window = widget.window()
        window.raise_()
        window.activateWindow()
        widget.setFocus(Qt.OtherFocusReason)
        if self._line is not None and isValid(self._edit):
            position, start, length = self._line
            if length and start >= 0:
                # Select from the end that is not the caret, so the caret ends where it was.
                anchor = start + length if position == start else start
                self._edit.setSelection(anchor, position - anchor)
            else:
                self._edit.setCursorPosition(position)
        elif self._cursor is not None and isValid(self._edit):
            self._edit.setTextCursor(self._cursor)
        return True


class LockingWindow:
    """The main window's lock (a mix-in: see the module doc)."""

    def _setup_lock(self, idle_lock_minutes: int | None) -> None:
        self.lock_dialog: LoginDialog | None = None
        self.typing_spot: TypingSpot | None = None
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self.lock)
        self._idle_watch = _IdleWatch(self._idle_timer, self)
        self.idle_lock_minutes = idle_lock_minutes
        if idle_lock_minutes:
            self._idle_timer.setInterval(int(idle_lock_minutes * 60_000))
            QApplication.instance().installEventFilter(self._idle_watch)
            self._idle_timer.start()

    def _stop_idle_watch(self) -> None:
        QApplication.instance().removeEventFilter(self._idle_watch)

    @property
    def locked(self) -> bool:
        return self.lock_dialog is not None

    def lock(self) -> None:
        """Hide everything and ask for the signed-in user's password again."""
        if self.locked:
            return
        self._idle_timer.stop()
        # Before anything is hidden: hiding moves the focus.  When the desk is not the active
        # application (an idle lock), the window's own focus widget is where typing resumes.
        self.typing_spot = TypingSpot(QApplication.focusWidget() or self.focusWidget())
        self.pages.setCurrentWidget(self.lock_notice)
        self.ringing_bar.set_suspended(True)
        self.outbox_banner.setVisible(False)
        if self.outbox_dialog is not None:
            self.outbox_dialog.close()
        self.menuBar().setEnabled(False)
        for action in self.actions():
            action.setEnabled(False)
        # Every open window of the desk: personal data must not stay on screen behind the lock,
        # whichever view opened it.  A box waiting for an answer (QMessageBox.exec) is left up.
        hidden = [w for w in QApplication.topLevelWidgets() if _hidden_by_lock(w) and w.isVisible()]
        for d in hidden:
            d.hide()
        dialog = LoginDialog(self.ctx.services, self.ctx.runner, parent=self, locked_user=self.ctx.user)
        self.lock_dialog = dialog
        guard = _LockGuard(dialog, hidden, self)
        QApplication.instance().installEventFilter(guard)

        def finished(result: int) -> None:
            QApplication.instance().removeEventFilter(guard)
            guard.deleteLater()
            self.lock_dialog = None
            dialog.deleteLater()
            if result != QDialog.Accepted:
                self.close()
                return
            self._unlocked(hidden)

        dialog.finished.connect(finished)
        dialog.open()

    def _unlocked(self, hidden: list[QWidget]) -> None:
        self.pages.setCurrentWidget(self.tabs)
        self.ringing_bar.set_suspended(False)
        self.menuBar().setEnabled(True)
        for action in self.actions():
            action.setEnabled(True)
        self.new_call_action.setEnabled(self.has_view("call_view"))
        for d in hidden:
            if isValid(d):  # a window that finished its work while hidden may have gone
                d.show()
        self.refresh_outbox()
        if self.idle_lock_minutes:
            self._idle_timer.start()
        spot = self.typing_spot
        # After the lock dialog has gone and Qt has handed the focus back to whichever window it
        # chooses: then put it where the agent was typing.
        QTimer.singleShot(0, lambda: self._resume_typing(spot))

    def _resume_typing(self, spot: TypingSpot | None) -> None:
        if spot is not None and not self.locked and spot.restore():
            return
        if not self.locked:
            self.focus_home()
