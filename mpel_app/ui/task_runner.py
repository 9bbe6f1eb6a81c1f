"""Runs blocking work (database, PDF, mail) off the UI thread and hands the result back on it.

Architecture rule 5: the window never freezes on I/O. A task's callbacks run
on the main thread, once, with either the result or the exception.

A result whose owner is gone is dropped, everywhere: a view closed (or a test
torn down) while its load is in flight must not have a callback touch its
deleted widgets from the event loop. The owner is the ``owner=`` given, or
else the QObject the callback belongs to: a bound method's object, or the
``self`` a lambda or nested function closes over (how every view writes its
callbacks). A callback with no QObject behind it has nothing to lose.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self._fn = fn
        self.signals = signals

    def run(self) -> None:  # worker thread
        try:
            result = self._fn()
        except Exception as exc:  # handed to the UI, which shows it
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def callback_owner(*callbacks: Callable | None) -> QObject | None:
    """The QObject that ``callbacks`` belong to, or None: the first bound method's object or closed-over ``self``."""
    for callback in callbacks:
        if callback is None:
            continue
        bound = getattr(callback, "__self__", None)
        if isinstance(bound, QObject):
            return bound
        code, cells = getattr(callback, "__code__", None), getattr(callback, "__closure__", None)
        if code is None or not cells:
            continue
        for name, cell in zip(code.co_freevars, cells):
            if name != "self":
                continue
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell: nothing to own it
                continue
            if isinstance(value, QObject):
                return value
    return None


class TaskRunner(QObject):
    """Submit a callable; on_done(result) or on_error(exc) is called later on the UI thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pending: set[_Signals] = set()

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[Exception], None] | None = None, *, owner: QObject | None = None) -> None:
        """``owner``: the widget the callbacks update; they are dropped if it has been deleted by then.

        Without ``owner`` the callbacks' own QObject is the owner (``callback_owner``).
        """
        if owner is None:
            owner = callback_owner(on_done, on_error)
        signals = _Signals()  # lives on the UI thread, so its slots run there
        self._pending.add(signals)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def finish(value: Any, callback: Callable | None, failed: bool) -> None:
            self._pending.discard(signals)
            if not self._pending:
                self.busy_changed.emit(False)
            if owner is not None and not isValid(owner):
                if failed:  # nothing left to show it in, but not lost from the log
                    log.warning("background task failed after its window closed", exc_info=value)
                return
            if callback is not None:
                callback(value)
            elif failed:
                log.error("background task failed", exc_info=value)

        signals.done.connect(lambda v: finish(v, on_done, False))
        signals.failed.connect(lambda e: finish(e, on_error, True))
        self._pool.start(_Task(fn, signals))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """For shutdown and tests: block until the workers are idle."""
        return self._pool.waitForDone(msecs)


class LatestOnly:
    """Hands back only the newest of a view's loads: an answer overtaken by a later request is dropped.

    A list reloaded on every keystroke, filter change or change notice may
    have several loads in flight; showing whichever finishes last would show
    stale data.
    """

    def __init__(self, runner: TaskRunner):
        self._runner = runner
        self._seq = 0

    def cancel(self) -> None:
        """Drop the answers of every load in flight."""
        self._seq += 1

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
               on_error: Callable[[Exception], None], *, owner: QObject | None = None) -> None:
        self._seq += 1
        seq = self._seq

        def done(value: Any) -> None:
            if seq == self._seq:
                on_done(value)

        def failed(exc: Exception) -> None:
            if seq == self._seq:
                on_error(exc)

        # The wrappers belong to this helper, not to a widget: name the callbacks' owner for them.
        self._runner.submit(fn, done, failed, owner=owner or callback_owner(on_done, on_error))
