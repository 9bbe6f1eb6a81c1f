"""Delivering the outbox: claim due messages, send each over SMTP, record the outcome.

``OutboxSender.deliver_due`` does one round; ``BackgroundSender`` runs rounds
on a plain thread every N seconds and whenever woken (the UI wraps it and
wakes it after saving an urgent enquiry or on "retry now").  A new sender on
the same database simply carries on where the last one stopped: the state is
all in the outbox table, so restarting the app resumes delivery.

Claims.  A message is taken with an atomic conditional UPDATE (``WHERE id = ?
AND version = ?``, checking the row count) in its own short transaction,
after a ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises
writers with BEGIN IMMEDIATE already).  So two senders, in two desks or two
threads, never both hold the same message.  Messages are claimed one at a time
so a claim is held only for the length of one SMTP conversation.

Crash safety.  A claim older than ``reclaim_after`` (5 minutes, well above the
longest SMTP conversation the timeouts allow, about 2 minutes) belongs to a
sender that died and is taken over.

At-least-once, not exactly-once.  SMTP offers no way to make "the server
accepted it" and "we recorded that" one atomic step.  We mark a message sent
in the transaction straight after the server accepts it; the only window for a
duplicate is a crash (or a lost database connection) between the server's
acceptance and that commit.  Then the message is sent again after the claim
goes stale, carrying the same Message-ID (fixed when it was enqueued), so the
recipient's mail system and people can recognise it as the same message.  The
alternative, marking it sent *before* sending, would risk losing it instead,
which for an imminent removal is the worse failure.

Back-off.  After a failed attempt the next one is 30 s later, then 1, 2, 4, 8
minutes, capped at 15.  After ``MAX_ATTEMPTS`` the message is marked
"failed" so the desk shows it as needing attention, but it is still retried
every 15 minutes; only a permanent refusal by the server (5xx for this
message) stops automatic attempts, leaving it for a person to retry or send by
hand.  Nothing is given up silently.  All times come from the injected clock.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update

from ..db.models import OutboxMessage
from ..db.uow import UnitOfWork
from ..domain.clock import Clock
from .outbox import FAILED, PENDING, SENDING, SENT, UNDELIVERED
from .smtp import MailError, Transport, build_message

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(minutes=15)
MAX_ATTEMPTS = 10
RECLAIM_AFTER = timedelta(minutes=5)

_T = OutboxMessage.__table__


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, … at most 15 min."""
    if attempts < 1:
        return timedelta(0)
    # Cap the exponent first: 2**attempts grows without bound for a message failing for weeks.
    return min(FIRST_RETRY * (2 ** min(attempts - 1, 20)), MAX_RETRY)


@dataclass(frozen=True)
class DeliveryReport:
    """One round: ``sent`` and ``failed`` attempts in it; ``waiting``, undelivered messages left after it."""

    sent: int
    failed: int
    waiting: int


def sender_name() -> str:
    """Who holds a claim: host, process and a random part, so two senders in one process differ too."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class OutboxSender:
    def __init__(self, uow: UnitOfWork, clock: Clock, transport_factory: Callable[[], Transport], *,
                 batch: int = 20, reclaim_after: timedelta = RECLAIM_AFTER, name: str | None = None):
        """``transport_factory`` is called at most once a round, and only when something is due,
        so changed settings or a password entered since the last round take effect.
        """
        self._uow = uow
        self._clock = clock
        self._transport_factory = transport_factory
        self.batch = batch
        self.reclaim_after = reclaim_after
        self.name = name or sender_name()

    def deliver_due(self) -> DeliveryReport:
        sent = failed = 0
        transport: Transport | None = None
        outage: MailError | None = None
        seen: set[int] = set()
        for _ in range(self.batch):
            row = self._claim_next(seen)
            if row is None:
                break
            seen.add(row.id)
            if outage is not None:
                # The server is down or refuses our login: do not spend a timeout on
                # each message, record the same failure for the rest of the round.
                self._mark_failed(row, outage)
                failed += 1
                continue
            if transport is None:
                try:
                    transport = self._transport_factory()
                except Exception as exc:
                    # No transport (settings incomplete, no password yet) means no
                    # message can go this round: a server-wide failure.
                    outage = exc if isinstance(exc, MailError) else MailError(
                        f"the mail settings cannot be used: {type(exc).__name__}: {exc}")
                    log.warning("no mail transport this round: %s", outage)
                    self._mark_failed(row, outage)
                    failed += 1
                    continue
            try:
                # Its PDF may be made now, from the facts the sending transaction stored (notify/attachments.py).
                message = build_message(row, transport.from_address)
            except Exception as exc:  # this message's own content, not the server: the others still go
                log.exception("outbox message %s could not be made", row.id)
                error = MailError(f"the message could not be made: {type(exc).__name__}: {exc}", server_wide=False)
            else:
                try:
                    transport.send(message)
                except MailError as exc:
                    error = exc
                except Exception as exc:  # a bug must not leave the message claimed, nor kill the loop
                    log.exception("unexpected error sending outbox message %s", row.id)
                    error = MailError(f"unexpected error while sending: {type(exc).__name__}: {exc}")
                else:
                    self._mark_sent(row)
                    sent += 1
                    continue
            log.warning("outbox message %s (%s) not delivered: %s", row.id, row.message_id, error)
            self._mark_failed(row, error)
            failed += 1
            if error.server_wide:
                outage = error
        return DeliveryReport(sent=sent, failed=failed, waiting=self._undelivered())

    # ---------------------------------------------------------------- steps

    def _due(self, now: datetime):
        return or_(
            and_(_T.c.status.in_((PENDING, FAILED)), _T.c.next_attempt_at.is_not(None),
                 _T.c.next_attempt_at <= now),
            and_(_T.c.status == SENDING, _T.c.claimed_at <= now - self.reclaim_after),
        )

    def _claim_next(self, seen: set[int]) -> OutboxMessage | None:
        now = self._clock.now()
        with self._uow() as s:
            # A few tries: losing a race to another sender just means "take the next one".
            for _ in range(5):
                query = (select(_T.c.id, _T.c.version, _T.c.status, _T.c.claimed_by)
                         .where(self._due(now)).order_by(_T.c.created_at, _T.c.id).limit(1))
                if seen:
                    query = query.where(_T.c.id.not_in(seen))
                if self._uow.dialect == "postgresql":
                    # Another sender's row being claimed right now is skipped, not waited for.
                    query = query.with_for_update(skip_locked=True)
                candidate = s.execute(query).first()
                if candidate is None:
                    return None
                claimed = s.execute(
                    update(_T).where(_T.c.id == candidate.id, _T.c.version == candidate.version)
                    .values(status=SENDING, claimed_by=self.name, claimed_at=now, version=candidate.version + 1)
                ).rowcount
                if claimed != 1:
                    seen.add(candidate.id)
                    continue
                if candidate.status == SENDING:
                    log.warning("outbox message %s was claimed by %s, which stopped before finishing; taking it "
                                "over (it may already have been delivered: same Message-ID)",
                                candidate.id, candidate.claimed_by)
                return s.get(OutboxMessage, candidate.id)
            return None

    def _mark_sent(self, row: OutboxMessage) -> None:
        now = self._clock.now()
        with self._uow() as s:
            done = s.execute(
                update(_T).where(_T.c.id == row.id, _T.c.status == SENDING, _T.c.claimed_by == self.name)
                .values(status=SENT, sent_at=now, attempts=_T.c.attempts + 1, next_attempt_at=None,
                        version=_T.c.version + 1)
            ).rowcount
        if done != 1:
            # Our claim went stale and another sender took it over: it may send
            # the message again, with the same Message-ID (see the module docstring).
            log.error("outbox message %s was delivered but its claim had been taken over; "
                      "a duplicate with Message-ID %s may follow", row.id, row.message_id)

    def _mark_failed(self, row: OutboxMessage, error: MailError) -> None:
        now = self._clock.now()
        attempts = row.attempts + 1
        if error.permanent:
            status, next_at = FAILED, None
        else:
            status = FAILED if attempts >= MAX_ATTEMPTS else PENDING
            next_at = now + retry_delay(attempts)
        with self._uow() as s:
            done = s.execute(
                update(_T).where(_T.c.id == row.id, _T.c.status == SENDING, _T.c.claimed_by == self.name)
                .values(status=status, attempts=attempts, next_attempt_at=next_at, last_error=str(error)[:2000],
                        version=_T.c.version + 1)
            ).rowcount
        if done != 1:
            log.warning("outbox message %s: claim taken over before its failure could be recorded", row.id)

    def _undelivered(self) -> int:
        with self._uow.read() as s:
            return s.scalar(select(func.count()).select_from(_T).where(_T.c.status.in_(UNDELIVERED))) or 0


class BackgroundSender:
    """Runs ``deliver_due`` on a plain thread every ``interval`` seconds and whenever woken.

    No Qt here: the UI wraps it, turning ``on_report``/``on_error`` (called on
    this thread) into queued signals.  A round in progress is allowed to finish
    on ``stop()``; if the process exits mid-send the claim goes stale and the
    next sender takes the message over.
    """

    def __init__(self, sender: OutboxSender, *, interval: float = 30.0,
                 on_report: Callable[[DeliveryReport], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 thread_name: str = "mpel-outbox-sender"):
        self.sender = sender
        self.interval = interval
        self._on_report = on_report
        self._on_error = on_error
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=thread_name, daemon=True)
        self.last_report: DeliveryReport | None = None
        self.rounds = 0

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """Run a round now (after enqueueing, or after "retry now")."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> bool:
        """Ask the loop to end and wait for it; True if it has ended."""
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            # Cleared before the round, so a wake() arriving during it causes another round at once.
            self._wake.clear()
            try:
                report = self.sender.deliver_due()
            except Exception as exc:  # the database may be briefly unreachable: keep going
                log.exception("outbox delivery round failed")
                if self._on_error is not None:
                    self._safe(self._on_error, exc)
            else:
                self.last_report = report
                if self._on_report is not None:
                    self._safe(self._on_report, report)
            self.rounds += 1
            if self._stop.is_set():
                break
            self._wake.wait(self.interval)

    @staticmethod
    def _safe(callback: Callable, arg) -> None:
        try:
            callback(arg)
        except Exception:
            log.exception("outbox sender callback failed")
