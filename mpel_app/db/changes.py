"""Tell every desk that someone changed enquiries, letters, urgent items or the duty rota, so views refresh live.

Announcing, in the writer's own transaction
    Every change is written to the audit trail in the transaction that makes
    it (house rule 6), so the audit rows are the one place every change
    passes, on both databases.  Rows that record a read (a record viewed,
    printed, exported: ``READ_ACTIONS``) are not changes and announce nothing;
    counting them would have two desks showing the same queue refresh each
    other for ever, each refresh viewing the selected record again.
    ``note_flush``, an ``after_flush`` hook the unit of work installs, reads
    the audit rows being written and keeps the entities they touch in
    ``session.info``; ``announce(session)``, called by the unit of work just
    before it commits, sends ``NOTIFY mpel_changes, '<entity>'`` for each on
    PostgreSQL.  PostgreSQL delivers a notification when, and only if, that
    transaction commits: a change rolled back announces nothing.  SQLite has no
    NOTIFY, and needs none (see below).

Watching, on a background thread (``ChangeListener``)
    * PostgreSQL: ``LISTEN mpel_changes`` on a dedicated psycopg connection
      (never one from the pool, which would be lost to other work), reading
      ``conn.notifies()`` with a timeout so that ``stop()`` is honoured within
      ``WAIT_SECONDS``.  If the connection drops it reconnects with back-off,
      and then reports every entity, since notifications sent meanwhile are lost.
    * SQLite: every ``POLL_SECONDS`` a light ``PRAGMA data_version`` on a
      connection of its own, which changes when another connection commits;
      only then are the audit rows written since the last look read, to learn
      what changed.  Writers are serialised on SQLite, so audit ids grow in
      commit order.  ``wake()`` has it look at once: the desk calls it when
      the operating system says the database file or its write-ahead log was
      written (``ui.change_watcher``), so a call stored by ``mpel cti serve``
      in another process rings on the desk in milliseconds, not at the next
      poll; the poll stays as the fallback where file notices are unreliable
      (network drives).

Entities (an erasure or a retention run, written as one audit row about many
records, counts as a change to all of them): ``enquiries`` (any enquiry), ``urgent`` (an enquiry that is or was
urgent, including telephone contacts about it), ``letters`` (CTS letters and
their documents), ``rota`` (the duty rota) and ``calls`` (telephone calls: a desk
hears a call ringing for it this way, issue 9).  The callback gets a frozenset
of them, on the listener's thread: the UI hands it to its own thread
(``ui.change_watcher``).
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..domain.audit_actions import ANONYMISED_PAST_RETENTION, ERASED, PERSON, READ_ACTIONS, RETENTION
from .models import AuditLog, Enquiry

log = logging.getLogger(__name__)

CHANNEL = "mpel_changes"
ENQUIRIES, URGENT, LETTERS, ROTA, CALLS = "enquiries", "urgent", "letters", "rota", "calls"
ALL = frozenset({ENQUIRIES, URGENT, LETTERS, ROTA, CALLS})

POLL_SECONDS = 2.0  # SQLite: how often to look at data_version
WAIT_SECONDS = 0.5  # PostgreSQL: longest wait for a notification before checking for stop
SETTLE_SECONDS, RECHECKS = 0.025, 10  # SQLite, after a wake that found nothing: look again for 250 ms
MAX_BACKOFF_SECONDS = 30.0

_INFO_KEY = "mpel_changed_entities"
# Audit trail entity -> what desks watch.  One table for both databases.
_AUDITED = {"enquiry": ENQUIRIES, "letter": LETTERS, "letter_documents": LETTERS, "duty_rota": ROTA, "call": CALLS}

# Rows that changed many records at once (issue 17): an erasure empties a person's enquiries and letters, a
# retention run closed enquiries; other desks still showing them must reload.
_AUDITED_ACTIONS = {(PERSON, ERASED): frozenset({ENQUIRIES, URGENT, LETTERS}),
                    (RETENTION, ANONYMISED_PAST_RETENTION): frozenset({ENQUIRIES, URGENT})}

OnChange = Callable[[frozenset[str]], None]


def entities_of(audit_entity: str, action: str, changes: str | None, urgent: bool | None) -> set[str]:
    """What an audit row says changed; ``urgent`` is the enquiry's flag now (None: not known)."""
    if (audit_entity, action) in _AUDITED_ACTIONS:
        return set(_AUDITED_ACTIONS[audit_entity, action])
    watched = _AUDITED.get(audit_entity)
    if watched is None or action in READ_ACTIONS:
        return set()
    found = {watched}
    if audit_entity == "enquiry":
        try:
            flags_changed = "urgent" in json.loads(changes or "{}")
        except ValueError:
            flags_changed = True
        # Unknown counts as urgent: a refresh too many beats a duty board that misses an item.
        if urgent is None or urgent or flags_changed:
            found.add(URGENT)
    return found


# ------------------------------------------------------------------ announcing

def note_flush(session: Session, _context) -> None:
    """``after_flush``: remember which watched entities the audit rows in this flush touched."""
    noted: set[str] = set()
    for obj in session.new:
        if isinstance(obj, AuditLog):
            urgent = None
            if obj.entity == "enquiry" and obj.entity_id is not None:
                enquiry = session.identity_map.get(identity_key(Enquiry, obj.entity_id))
                urgent = enquiry.urgent if enquiry is not None else None
            noted |= entities_of(obj.entity, obj.action, obj.changes, urgent)
    if noted:
        session.info.setdefault(_INFO_KEY, set()).update(noted)


def install(session_factory) -> None:
    """Have every session from this factory note the entities its audit rows touch."""
    if not event.contains(session_factory, "after_flush", note_flush):
        event.listen(session_factory, "after_flush", note_flush)


_NOTIFY = text("SELECT pg_notify(:channel, entity) FROM unnest(CAST(:entities AS text[])) AS entity")


def announce(session: Session) -> frozenset[str]:
    """Flush, then send the NOTIFYs for what this transaction changed (PostgreSQL); returns the entities.

    Called just before commit, in the same transaction: the notification goes
    out with the commit or not at all.
    """
    session.flush()
    entities = frozenset(session.info.pop(_INFO_KEY, ()))
    if entities and session.get_bind().dialect.name == "postgresql":
        session.execute(_NOTIFY, {"channel": CHANNEL, "entities": sorted(entities)})
    return entities


# -------------------------------------------------------------------- watching

class ChangeListener:
    """A background thread that calls ``on_change(entities)`` after anyone commits a watched change.

    The desk's own commits are reported too: a view refreshed by its own
    action and then again by the notice costs one more query, and saves
    telling desks in the same process apart from other processes.
    """

    def __init__(self, engine: Engine, on_change: OnChange, *, poll_seconds: float = POLL_SECONDS,
                 wait_seconds: float = WAIT_SECONDS):
        self._engine = engine
        self._on_change = on_change
        self._poll = poll_seconds
        self._wait = wait_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = self._lost = False

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="mpel-changes", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float) -> bool:
        """Block until the listener is watching (LISTEN issued, or the first data_version read)."""
        return self._ready.wait(timeout)

    def request_stop(self) -> None:
        """Ask the thread to end, without waiting for it (safe from any thread, even during teardown)."""
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Look for changes now rather than at the next poll (SQLite; PostgreSQL is told by NOTIFY).

        Safe from any thread; wakes coming together while a look is under way give one more look.
        """
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop watching; True once the thread has ended (at most ``WAIT_SECONDS`` or one poll later)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    # ------------------------------------------------------------- thread

    def _run(self) -> None:
        dialect = self._engine.dialect
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            watch = self._watch_postgresql
        elif dialect.name == "sqlite" and self._engine.url.database not in (None, "", ":memory:"):
            watch = self._watch_sqlite
        else:
            # An in-memory SQLite database has no other writer; another driver, no LISTEN support here.
            log.info("no change notifications for %s databases", dialect.name)
            self._ready.set()
            return
        backoff, self._lost = 1.0, False
        while not self._stop.is_set():
            self._connected = False
            try:
                watch()
                return  # stopped
            except Exception as exc:  # the server went away, the file is locked out…: try again later
                if self._connected:
                    backoff = 1.0  # it worked until now: a quick retry first
                log.warning("watching for other desks' changes failed (%s); retrying in %.0f s",
                            " ".join(str(exc).split()) or type(exc).__name__, backoff)
                self._lost = True
            if self._stop.wait(backoff):
                return
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _watching(self) -> None:
        """The watch is set up: say so, and after a failure report everything, since notices were missed."""
        self._connected = True
        self._ready.set()
        if self._lost:
            self._lost = False
            self._report(ALL)

    def _report(self, entities: Iterable[str]) -> None:
        found = frozenset(entities)
        if not found or self._stop.is_set():
            return
        try:
            self._on_change(found)
        except Exception:  # the receiver's fault must not end the watching
            log.warning("a change notice could not be delivered", exc_info=True)

    def _watch_postgresql(self) -> None:
        import psycopg

        cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
        with psycopg.connect(*cargs, **cparams, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self._watching()
            while not self._stop.is_set():
                # stop_after=1: hand each notice on at once rather than at the end of the wait.
                payloads = {n.payload for n in conn.notifies(timeout=self._wait, stop_after=1)}
                self._report(payloads)

    def _watch_sqlite(self) -> None:
        # mode=rw: a database file that has gone must not be created anew, empty, by the watcher.
        uri = Path(self._engine.url.database).resolve().as_uri() + "?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=5, isolation_level=None, check_same_thread=False)
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            last_id = conn.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
            self._watching()
            rechecks = 0
            while True:
                woken = self._wake.wait(SETTLE_SECONDS if rechecks else self._poll)
                # Cleared before looking: a write noticed during the look wakes the next one.
                self._wake.clear()
                if self._stop.is_set():
                    break
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now == version:
                    # The file's notice can come before the writer has published its commit (the log
                    # written, its index in shared memory not yet, and that memory sends no notice):
                    # look again a few times shortly after a wake that found nothing.
                    rechecks = RECHECKS if woken else max(0, rechecks - 1)
                    continue
                rechecks = 0
                version = now
                rows = conn.execute(
                    "SELECT a.id, a.entity, a.action, a.changes, e.urgent FROM audit_log a "
                    "LEFT JOIN enquiries e ON a.entity = 'enquiry' AND e.id = a.entity_id "
                    "WHERE a.id > ? ORDER BY a.id", (last_id,)).fetchall()
                found: set[str] = set()
                for row_id, entity, action, changes, urgent in rows:
                    last_id = row_id
                    found |= entities_of(entity, action, changes, None if urgent is None else bool(urgent))
                self._report(found)
        finally:
            conn.close()
