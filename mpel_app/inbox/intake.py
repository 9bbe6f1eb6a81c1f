"""One pass over the central mailbox, and the watch that repeats it until told to stop.

``run_once``: make sure the "Processed" and "Quarantine" folders exist, open
the mailbox, and for each message waiting (oldest first): if an earlier run
already recorded this delivery, only move it; otherwise read it (BODY.PEEK,
never marking it seen), have the service record it in one transaction, and
only after that commit move it to its folder.  ``Summary`` counts what was
looked at: ``fetched`` = ``enquiries_created`` + ``already_taken_in`` +
``quarantined``; ``replies_checked_in`` is the part of ``already_taken_in``
that was a reply or follow-up checked in against an existing enquiry.

``watch``: ``run_once``, then wait for more, until ``stop`` is set (SIGTERM
in ``mpel inbox serve``).  It waits with IDLE when the server offers it (a
new message is taken in as it arrives; the mailbox is looked at again at
least every ``idle_seconds``, as RFC 2177 asks clients to re-issue IDLE), and
otherwise polls every ``poll_seconds``.  It reconnects after a dropped
connection with a growing pause, likewise after losing the database, and
logs in afresh before a session's OAuth2 token expires (``ImapSession.renew_at``);
a refused login ends it (retrying a wrong password only locks the account).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy.exc import OperationalError

from ..domain.errors import StaleRecord
from ..domain.records import UserRecord
from ..services.inbox import ALREADY, CREATED, Folders, InboxService
from .imap import ImapError, ImapSession, ImapSettings
from .parse import content_hash

log = logging.getLogger(__name__)
BATCH = 25


@dataclass
class Summary:
    fetched: int = 0
    enquiries_created: int = 0
    already_taken_in: int = 0
    quarantined: int = 0
    replies_checked_in: int = 0

    def add(self, other: Summary) -> None:
        for key, value in asdict(other).items():
            setattr(self, key, getattr(self, key) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def run_once(imap: ImapSession, service: InboxService, settings: ImapSettings, *,
             after_commit: Callable[[int], None] | None = None, stop: threading.Event | None = None,
             actor: UserRecord | None = None) -> Summary:
    """Take in what is waiting in ``settings.mailbox`` (see the module docstring).

    ``after_commit(uid)`` runs between a message's commit and its move: the
    point a crash would hit worst (tests inject one there).  ``actor``: who
    takes it in (a person's desk); by default the central inbox's own account.
    """
    folders = Folders(settings.processed_folder, settings.quarantine_folder)
    for folder in (folders.processed, folders.quarantine):
        if imap.ensure_folder(folder):
            log.info("inbox: created the folder %s", folder)
    refile_released(imap, service, folders)
    uidvalidity = imap.select(settings.mailbox)
    actor = actor or service.intake_actor()
    directory = service.directory()
    summary = Summary()
    uids = imap.uids()
    for start in range(0, len(uids), BATCH):
        if stop is not None and stop.is_set():
            break
        batch = uids[start:start + BATCH]
        known = service.deliveries(settings.mailbox, uidvalidity, batch, folders)
        moved: list[int] = []
        try:
            for uid in batch:
                if uid in known:
                    # Recorded by an earlier run that stopped before (or while) moving it: only move it now.
                    _count(summary, known[uid])
                    imap.move(uid, known[uid].folder)
                    moved.append(known[uid].delivery_id)
            new = [uid for uid in batch if uid not in known]
            raws = imap.fetch(new) if new else {}
            for uid in new:
                raw = raws.get(uid)
                if raw is None:  # gone since the search (another client moved it): not ours to count
                    continue
                outcome = service.take_in(actor, settings.mailbox, uidvalidity, uid, raw, directory, folders)
                _count(summary, outcome)
                if after_commit is not None:
                    after_commit(uid)
                imap.move(uid, outcome.folder)
                moved.append(outcome.delivery_id)
        finally:
            # What was moved is recorded as filed even when the batch stops half-way (a lost connection).
            service.filed(moved)
    log.info("inbox: %s", summary.as_dict())
    return summary


def refile_released(imap: ImapSession, service: InboxService, folders: Folders) -> int:
    """Move messages a person released from quarantine (services/inbox.py ``release``) from the quarantine
    folder to the processed one; how many were moved.  Found by Message-ID, confirmed by content hash."""
    pending = service.to_refile()
    if not pending:
        return 0
    imap.select(folders.quarantine)
    everything: list[int] | None = None
    moved, filed = 0, []
    for delivery_id, digest, message_id in pending:
        if message_id:
            candidates = imap.search_message_id(message_id)
        else:
            everything = imap.uids() if everything is None else everything
            candidates = everything
        uid = next((u for u, raw in imap.fetch(candidates).items() if content_hash(raw) == digest), None)
        if uid is None:
            # Not there any more (someone filed it by hand): nothing to move, and nothing to look for again.
            log.warning("inbox: a released message (delivery %s) is no longer in %s: left where it is",
                        delivery_id, folders.quarantine)
        else:
            imap.move(uid, folders.processed)
            moved += 1
            if everything is not None and uid in everything:
                everything.remove(uid)
        filed.append(delivery_id)
    service.filed(filed)
    log.info("inbox: %s released message(s) moved from %s to %s", moved, folders.quarantine, folders.processed)
    return moved


def _count(summary: Summary, outcome) -> None:
    summary.fetched += 1
    if outcome.kind == CREATED:
        summary.enquiries_created += 1
    elif outcome.kind == ALREADY:
        summary.already_taken_in += 1
        summary.replies_checked_in += int(outcome.checked_in)
    else:
        summary.quarantined += 1


def watch(connect: Callable[[], ImapSession], service: InboxService, settings: ImapSettings, *,
          stop: threading.Event, poll_seconds: float = 30.0, max_pause: float = 300.0,
          idle_seconds: float = 600.0, use_idle: bool = True) -> Summary:
    """Repeat ``run_once`` until ``stop`` is set; ``ImapError`` with ``auth`` ends it (raised)."""
    total = Summary()
    pause = min(5.0, poll_seconds)
    while not stop.is_set():
        try:
            with connect() as imap:
                pause = min(5.0, poll_seconds)
                idle = use_idle and imap.has_idle
                log.info("inbox: watching %s on %s %s", settings.mailbox, settings.where,
                         "with IDLE" if idle else f"by polling every {poll_seconds:g} s (the server has no IDLE)"
                         if use_idle else f"by polling every {poll_seconds:g} s")
                while not stop.is_set():
                    total.add(run_once(imap, service, settings, stop=stop))
                    left = imap.seconds_left()
                    if left is not None and left <= 0:
                        log.info("inbox: the session's token is about to expire: logging in again")
                        break
                    if idle:
                        imap.idle(idle_seconds if left is None else min(idle_seconds, left), stop)
                        continue
                    if stop.wait(poll_seconds if left is None else max(0.0, min(poll_seconds, left))):
                        break
                    imap.noop()
        except (ImapError, OperationalError, StaleRecord) as exc:
            # The mail server or the database went away (or another desk won a race): wait, then go on
            # where the database says we were.  A refused login is not retried: it would only lock the account.
            if isinstance(exc, ImapError) and exc.auth:
                raise
            log.warning("inbox: %s; trying again in %.0f s", " ".join(str(exc).split())[:500], pause)
            if stop.wait(pause):
                break
            pause = min(max_pause, pause * 2)
    return total
