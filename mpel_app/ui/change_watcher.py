"""Live refresh: other desks' changes, as a Qt signal on the UI thread, and the views that follow them.

``ChangeWatcher`` runs a ``db.changes.ChangeListener`` (PostgreSQL LISTEN, or
SQLite's ``data_version`` poll) on its own thread and hands each notice to the
UI thread through a queued signal.  Notices arriving close together (logging
a call is several commits in a row) are coalesced into one ``changed(set)``
at most every ``COALESCE_MS`` -- except a telephone call's (``calls``), which
is delivered at once: the ringing strip must show within 250 ms (issue 9).

On an SQLite file a ``QFileSystemWatcher`` watches the database and its
write-ahead log (and their folder, for a log created anew) and wakes the
listener when either is written, so a call that ``mpel cti serve`` (another
process, holding the PBX secret the desk need not have) stores reaches the
desk in milliseconds rather than at the next ``POLL_SECONDS`` poll, which
stays as the fallback for file systems that send no notices.

``follow(view, entities)`` refreshes a view, through its own ``refresh()``
(which loads through the TaskRunner, so the window never waits on the
database), when one of ``entities`` changed — with three courtesies:

* a view that is not showing (another tab, the desk locked) is not reloaded
  for nothing: it is marked stale and refreshed when it is next shown;
* a view in which the person is part-way through typing (a non-empty answer
  or response box) is not refreshed under them: reloading the selected case
  clears those boxes.  It is retried every ``RETRY_MS`` until the box is empty
  (sent, or cleared);
* the views keep their selection across a refresh themselves (by record id).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

import os

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget
from sqlalchemy import Engine

from ..db.changes import CALLS, POLL_SECONDS, ChangeListener

COALESCE_MS = 300
RETRY_MS = 2_000


def typing_in(view: QWidget) -> bool:
    """True while a free-text box in ``view`` holds text the person has typed and not yet sent."""
    boxes: list[QWidget] = [*view.findChildren(QPlainTextEdit), *view.findChildren(QTextEdit)]
    return any(box.isVisible() and box.isEnabled() and not box.isReadOnly() and box.toPlainText().strip()
               for box in boxes)


class _Follower(QObject):
    """Refreshes one view when what it shows has changed (see the module docstring for when)."""

    def __init__(self, view: QWidget, entities: frozenset[str], refresh: Callable[[], None]):
        super().__init__(view)  # goes with the view
        self.view = view
        self.entities = entities
        self.stale = False
        self._refresh = refresh
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.try_refresh)
        view.installEventFilter(self)

    @Slot(object)
    def on_changed(self, entities: frozenset[str]) -> None:
        if self.entities & entities:
            self.stale = True
            self.try_refresh()

    def try_refresh(self) -> None:
        if not self.stale or not self.view.isVisible():
            return  # nothing new, or refreshed when next shown
        if typing_in(self.view):
            self._retry.start()
            return
        self.stale = False
        self._refresh()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.view and event.type() == QEvent.Show and self.stale:
            self.try_refresh()
        return False


class ChangeWatcher(QObject):
    """Other desks' committed changes as ``changed(set[str])`` on the UI thread (entities from db.changes)."""

    changed = Signal(object)  # frozenset[str]: "enquiries", "urgent", "letters", "rota"
    _arrived = Signal(object)  # emitted on the listener's thread; queued to this object's thread

    def __init__(self, engine: Engine, parent: QObject | None = None, *, poll_seconds: float = POLL_SECONDS,
                 coalesce_ms: int = COALESCE_MS):
        super().__init__(parent)
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(coalesce_ms)
        self._timer.timeout.connect(self._deliver)
        self._arrived.connect(self._collect, Qt.QueuedConnection)
        self.listener = ChangeListener(engine, self._arrived.emit, poll_seconds=poll_seconds)
        listener = self.listener
        # If the window goes without stop() (a crash path, a test), the thread must not outlive it.
        self.destroyed.connect(lambda *_: listener.request_stop())
        self.files: QFileSystemWatcher | None = None
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        if database and database != ":memory:" and not database.startswith("file:"):
            self._watch_files(os.path.abspath(database))

    def _watch_files(self, database: str) -> None:
        self._paths = [database, database + "-wal"]
        self.files = QFileSystemWatcher(self)
        folder = os.path.dirname(database)
        if os.path.isdir(folder):
            self.files.addPath(folder)
        self.files.fileChanged.connect(self._file_written)
        self.files.directoryChanged.connect(self._file_written)
        self._rewatch()

    def _rewatch(self) -> None:
        """Watch the database and its log where they exist: a log deleted (the last connection closed) and
        made again is a new file, which the folder's notice tells of."""
        watched = set(self.files.files()) if self.files is not None else set()
        for path in self._paths:
            if path not in watched and os.path.exists(path):
                self.files.addPath(path)

    @Slot(str)
    def _file_written(self, _path: str) -> None:
        self.listener.wake()
        self._rewatch()

    def start(self) -> None:
        self.listener.start()

    def stop(self) -> bool:
        """Stop listening (at window close); True once the listener's thread has ended."""
        self._timer.stop()
        return self.listener.stop()

    def follow(self, view: QWidget, entities: Iterable[str], refresh: Callable[[], None] | None = None) -> _Follower:
        """Refresh ``view`` (by ``refresh``, default ``view.refresh``) when any of ``entities`` changed."""
        follower = _Follower(view, frozenset(entities), refresh or view.refresh)
        self.changed.connect(follower.on_changed)  # a slot of the follower: gone with the view
        return follower

    def _collect(self, entities: frozenset[str]) -> None:
        self._pending |= entities
        if CALLS in entities:
            self._timer.stop()
            self._deliver()  # a phone is ringing: no waiting for the other notices of a burst
            return
        if not self._timer.isActive():
            # Not restarted by each notice: a steady stream of changes still refreshes every COALESCE_MS.
            self._timer.start()

    def _deliver(self) -> None:
        if self._pending:
            found, self._pending = frozenset(self._pending), set()
            self.changed.emit(found)
