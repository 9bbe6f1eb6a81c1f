"""Telephone calls: stored as the PBX reports them, matched to a member's office, shown to the desk it rings.

``record(event)`` is what the CTI bridge calls for every ``CtiEvent``.  Each
event is one transaction: the call's row (created or brought up to date), the
event's key (so a replay after a reconnect changes nothing), an audit row and,
through that row, the change announcement (``db.changes``, entity ``calls``)
by which other desks hear that a call is ringing.  Nothing of an event is
stored unless all of it is.  Events may come late, twice or out of order: the
row keeps the facts (earliest offer, earliest answer, the end and its cause,
the PBX's own wait) and the outcome, wait and talk time follow from them
(``domain.call_stats``), whatever the order.

Matching (``domain.caller_id``), on the outside party's number (the caller of
an inbound call; the number dialled, outside-line prefix and all, of an
outbound one): a member's office number is an *exact*
match; a number seen on an earlier call that was linked to an enquiry for a
member is *learned* (a caseworker ringing from their own line); a withheld
number is *withheld*; extensions and anything unknown are *none*.

Permissions (domain-rules §1, decided here): recording events is the
bridge's, which acts as the system (audit user "system"); whoever logs
enquiries (``LOG_ENQUIRY``: agents, team leaders, account managers, duty
managers, administrators) sees ringing calls and the line's missed calls,
links calls to enquiries, marks them dealt with and calls back; anyone who
may find enquiries sees an enquiry's calls; the statistics are for
``VIEW_CALL_STATISTICS`` (the MPEL team leader, duty manager, administrators);
phone identities are set by administrators (``MANAGE_USERS``).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.mappers import member_record
from ..db.models import Call, CallBack, CallEventSeen, Enquiry, Member, User
from ..db.uow import UnitOfWork
from ..domain import call_stats, caller_id
from ..domain import permissions as perm
from ..domain.call_records import (CALL_BACK_PENDING, EXACT, LEARNED, NO_MATCH, WITHHELD, CallbackRequest,
                                   CallRecord, CallReport, OfficeEnquiry, RingingCall)
from ..domain.clock import Clock
from ..domain.errors import NotFound, StaleRecord, ValidationError
from ..domain.permissions import Action
from ..domain.phone_identity import PhoneIdentity, identity_from_columns, parse_identity
from ..domain.records import UserRecord
from ..domain.values import is_row_id
from ..telephony.events import ANSWER, HANGUP, NEW_CALL, OUTBOUND, CtiEvent
from . import actor_check, audit
from .call_report import build_report

ENTITY = "call"
RECENT_ENQUIRIES = 5
# A call the PBX never said ended (the bridge was down at the time) stops ringing on desks after this.
RINGING_FOR_AT_MOST = timedelta(minutes=15)
# An answered call still offers "start a record" to its agent for this long.
TALKING_FOR_AT_MOST = timedelta(hours=3)
MISSED_LIST_LIMIT = 500
_RECORD_ATTEMPTS = 3
_MAX_CALL_ID, _MAX_KEY, _MAX_NAME, _MAX_QUEUE = 128, 200, 80, 80


class CallService:
    def __init__(self, uow: UnitOfWork, clock: Clock, *,
                 outside_line_prefix: str = caller_id.DEFAULT_OUTSIDE_LINE_PREFIX):
        self._uow = uow
        self._clock = clock
        self.outside_line_prefix = outside_line_prefix

    # ------------------------------------------------------------ events

    def record(self, event: CtiEvent) -> bool:
        """Store one PBX event; False when it changed nothing (a replay, a duplicate).

        Two bridges (or a bridge and a desk) recording the same new call at the
        same moment race on the unique call id or event key: the loser's
        transaction is rolled back whole and done again, and then finds the
        winner's row.
        """
        _check_event(event)
        for attempt in range(_RECORD_ATTEMPTS):
            try:
                with self._uow() as s:
                    return self._record(s, event)
            except (IntegrityError, StaleRecord):
                if attempt == _RECORD_ATTEMPTS - 1:
                    raise
        return False  # not reached

    def handle(self, event: CtiEvent) -> None:
        """``telephony.events.CallEventSink``: the bridge delivers here."""
        self.record(event)

    def _record(self, s: Session, event: CtiEvent) -> bool:
        if event.event_key is not None:
            if s.get(CallEventSeen, event.event_key) is not None:
                return False
            s.add(CallEventSeen(event_key=event.event_key, call_id=event.call_id, seen_at=self._clock.now()))
        call = s.scalar(select(Call).where(Call.call_id == event.call_id).with_for_update())
        created = call is None
        if created:
            call = self._new_call(s, event)
        before = _facts(call)
        _apply(call, event)
        if event.event == ANSWER and call.answered_by and call.answered_by_user_id is None:
            with s.no_autoflush:  # the row is whole only after _derive
                call.answered_by_user_id = _user_answering(s, call.answered_by)
        _derive(call)
        after = _facts(call)
        if not created and after == before:
            s.flush()  # the event key alone: this event is now known, and changed nothing
            return False
        s.flush()
        changes = audit.diff(before, after) if not created else {"call_id": call.call_id, **after}
        audit.record(s, None, self._clock.now(), ENTITY, call.id, f"call {event.event}", changes)
        return True

    def _new_call(self, s: Session, event: CtiEvent) -> Call:
        caller = caller_id.read_caller(event.from_number, outside_line_prefix=self.outside_line_prefix)
        # The office is the outside party's: the caller of an inbound call, the number an agent dialled out.
        outside = caller if event.direction != OUTBOUND else self._dialled(event.to_number)
        member_id, kind = self._match(s, outside)
        call = Call(call_id=event.call_id, source=_text(event.source, 16) or "http", direction=event.direction,
                    caller_raw=caller.raw, caller_e164=caller.e164, called_number=_text(event.to_number, 64),
                    queue=_text(event.queue, _MAX_QUEUE) or None, agents_rung="", offered_at=event.at,
                    offered_day=call_stats.london_day(event.at), offered_hour=call_stats.london_hour(event.at),
                    wait_from_pbx=False, member_id=member_id, match_kind=kind, outcome=call_stats.RINGING)
        s.add(call)
        return call

    def _dialled(self, number: str) -> caller_id.CallerNumber:
        return caller_id.read_caller(number, outside_line_prefix=self.outside_line_prefix)

    def _number(self, call: Call) -> str:
        """The outside party's number for a person: who called in, or whom the agent dialled."""
        if call.direction == OUTBOUND:
            return self._dialled(call.called_number).display
        return _number(call)

    def _match(self, s: Session, caller: caller_id.CallerNumber) -> tuple[int | None, str]:
        if caller.kind == caller_id.WITHHELD:
            return None, WITHHELD
        if caller.kind != caller_id.NUMBER:
            return None, NO_MATCH
        exact = s.scalar(select(Member.id).where(Member.office_phone == caller.e164)
                         .order_by(Member.active.desc(), Member.id).limit(1))
        if exact is not None:
            return exact, EXACT
        learned = s.scalar(select(Enquiry.member_id).join(Call, Call.enquiry_id == Enquiry.id)
                           .where(Call.caller_e164 == caller.e164, Enquiry.member_id.is_not(None),
                                  Enquiry.deleted_at.is_(None))
                           .order_by(Call.offered_at.desc()).limit(1))
        return (learned, LEARNED) if learned is not None else (None, NO_MATCH)

    # ------------------------------------------------------------ the desk

    def ringing(self, call_id: str, user: UserRecord) -> RingingCall:
        """What the ringing strip shows for one call (no personal data about any subject)."""
        perm.require(user, Action.LOG_ENQUIRY)
        with self._uow.read() as s:
            call = _call(s, call_id)
            return self._ringing(s, call, user)

    def ringing_for(self, user: UserRecord) -> list[RingingCall]:
        """Calls ringing for this person's phone now, and their own answered calls not yet logged."""
        perm.require(user, Action.LOG_ENQUIRY)
        now = self._clock.now()
        with self._uow.read() as s:
            identity, username = _identity(s, user.id), user.username
            if identity.empty and not identity.queues:
                return []
            rows = s.scalars(select(Call).where(Call.ended_at.is_(None),
                                                Call.outcome.in_((call_stats.RINGING, call_stats.ANSWERED)),
                                                Call.offered_at >= now - TALKING_FOR_AT_MOST)
                             .order_by(Call.offered_at)).all()
            mine = [c for c in rows if _rings_for(c, identity, username, user.id, now)]
            return [self._ringing(s, c, user) for c in mine]

    def _ringing(self, s: Session, call: Call, user: UserRecord) -> RingingCall:
        member = s.get(Member, call.member_id) if call.member_id is not None else None
        recent: tuple[OfficeEnquiry, ...] = ()
        if member is not None:
            recent = tuple(OfficeEnquiry(*row) for row in s.execute(
                select(Enquiry.id, Enquiry.reference, Enquiry.status, Enquiry.channel, Enquiry.received_at)
                .where(Enquiry.member_id == member.id, Enquiry.deleted_at.is_(None))
                .order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(RECENT_ENQUIRIES)))
        name = member_record(member).display_name if member is not None else ""
        return RingingCall(call_id=call.call_id, number=self._number(call), caller_e164=call.caller_e164,
                           who=_who(call.match_kind, name), match_kind=call.match_kind, member_id=call.member_id,
                           member_name=name, queue=call.queue, offered_at=call.offered_at,
                           answered_at=call.answered_at, answered_by_me=call.answered_by_user_id == user.id,
                           enquiry_id=call.enquiry_id, recent=recent)

    def link_enquiry(self, call_id: str, enquiry_id: int, user: UserRecord) -> CallRecord:
        """The call was written up as this enquiry (a record started on answer, or later from the list)."""
        perm.require(user, Action.LOG_ENQUIRY)
        with self._uow() as s:
            call = _call(s, call_id, lock=True)
            enquiry = s.get(Enquiry, enquiry_id) if is_row_id(enquiry_id) else None
            if enquiry is None or enquiry.deleted_at is not None:
                raise NotFound(f"no enquiry with id {enquiry_id}")
            if call.enquiry_id != enquiry.id:
                before = call.enquiry_id
                call.enquiry_id = enquiry.id
                s.flush()
                audit.record(s, user, self._clock.now(), ENTITY, call.id, "call linked to enquiry",
                             {"enquiry": [before, enquiry.reference]})
            return self._call_record(s, call)

    def missed_calls(self, user: UserRecord) -> list[CallRecord]:
        """Inbound calls that ended with no record written: abandoned, rung out, or answered and not logged."""
        perm.require(user, Action.LOG_ENQUIRY)
        with self._uow.read() as s:
            rows = s.scalars(select(Call).where(Call.dealt_with_at.is_(None), Call.enquiry_id.is_(None),
                                                Call.direction == "in", Call.ended_at.is_not(None))
                             .order_by(Call.offered_at.desc()).limit(MISSED_LIST_LIMIT)).all()
            return [self._call_record(s, c) for c in rows]

    def mark_dealt_with(self, call_id: str, user: UserRecord, expected_version: int | None = None) -> CallRecord:
        perm.require(user, Action.LOG_ENQUIRY)
        with self._uow() as s:
            call = _call(s, call_id, lock=True)
            if expected_version is not None and call.version != expected_version:
                raise StaleRecord("someone else changed this call since the list was loaded; it has been refreshed")
            if call.dealt_with_at is None:
                call.dealt_with_at, call.dealt_with_by_id = self._clock.now(), user.id
                s.flush()
                audit.record(s, user, self._clock.now(), ENTITY, call.id, "missed call dealt with")
            return self._call_record(s, call)

    def callback_request(self, call_id: str, user: UserRecord) -> CallbackRequest:
        """Queue a call back of ``call_id`` from this person's own phone, for the CTI bridge to place
        (``services.call_backs``); the desk watches its state with ``call_backs.status``."""
        perm.require(user, Action.LOG_ENQUIRY)
        with self._uow() as s:
            call = _call(s, call_id)
            if not call.caller_e164:
                raise ValidationError("there is no number to call back: it was withheld or internal")
            identity = _identity(s, user.id)
            if identity.empty:
                raise ValidationError("your phone is not set up on the desk: ask an administrator to add your "
                                      "extension in Administration → Users")
            interface = identity.interfaces[0] if identity.interfaces else ""
            queued = CallBack(call_id=call.id, number_e164=call.caller_e164, requested_by_id=user.id,
                              interface=interface or f"PJSIP/{identity.extension}",
                              requested_at=self._clock.now(), state=CALL_BACK_PENDING, message="")
            s.add(queued)
            s.flush()
            audit.record(s, user, self._clock.now(), ENTITY, call.id, "call back requested",
                         {"from": queued.interface})
            return CallbackRequest(call.call_id, call.caller_e164, queued.interface, identity.extension, queued.id)

    def calls_for_enquiry(self, enquiry_id: int, user: UserRecord) -> list[CallRecord]:
        perm.require(user, Action.FIND_ENQUIRY)
        with self._uow.read() as s:
            rows = s.scalars(select(Call).where(Call.enquiry_id == enquiry_id).order_by(Call.offered_at)).all()
            return [self._call_record(s, c) for c in rows]

    def _call_record(self, s: Session, call: Call) -> CallRecord:
        member = s.get(Member, call.member_id) if call.member_id is not None else None
        name = member_record(member).display_name if member is not None else ""
        agent = s.get(User, call.answered_by_user_id) if call.answered_by_user_id is not None else None
        dealer = s.get(User, call.dealt_with_by_id) if call.dealt_with_by_id is not None else None
        return CallRecord(id=call.id, call_id=call.call_id, direction=call.direction, number=self._number(call),
                          caller_e164=call.caller_e164, who=_who(call.match_kind, name),
                          match_kind=call.match_kind, member_id=call.member_id, queue=call.queue,
                          offered_at=call.offered_at, answered_at=call.answered_at, ended_at=call.ended_at,
                          wait_seconds=call.wait_seconds, talk_seconds=call.talk_seconds, outcome=call.outcome,
                          answered_by=agent.full_name if agent else (call.answered_by or ""),
                          enquiry_id=call.enquiry_id, dealt_with_at=call.dealt_with_at,
                          dealt_with_by=dealer.full_name if dealer else "", version=call.version)

    # ------------------------------------------------------------ phone identities

    def identity(self, actor: UserRecord, user_id: int) -> PhoneIdentity:
        if actor.id != user_id:
            perm.require(actor, Action.MANAGE_USERS)
        with actor_check.read(self._uow, actor) as s:
            return _identity(s, user_id)

    def set_identity(self, actor: UserRecord, user_id: int, *, interfaces: str, extension: str,
                     queues: str) -> PhoneIdentity:
        perm.require(actor, Action.MANAGE_USERS)
        identity = parse_identity(interfaces, extension, queues)
        with self._uow() as s:
            user = s.get(User, user_id) if is_row_id(user_id) else None
            if user is None:
                raise NotFound(f"no user {user_id}")
            before = {"phone_interfaces": user.phone_interfaces, "phone_extension": user.phone_extension,
                      "phone_queues": user.phone_queues}
            after = {"phone_interfaces": ",".join(identity.interfaces), "phone_extension": identity.extension,
                     "phone_queues": ",".join(identity.queues)}
            changes = audit.diff(before, after)
            if changes:
                taken = _identity_taken(s, user.id, identity)
                if taken:
                    raise ValidationError(f"{taken} is already set for another user")
                user.phone_interfaces, user.phone_extension, user.phone_queues = after.values()
                audit.record(s, actor, self._clock.now(), "user", user.id, "phone identity changed",
                             {"username": user.username, **changes})
            return identity

    # ------------------------------------------------------------ statistics

    def call_report(self, from_date: date, to_date: date, queue: str | None = None) -> CallReport:
        """The 30-second report for London days ``from_date``..``to_date`` inclusive (SQL aggregates).

        Unchecked: for ``mpel report calls``, where the database login is the
        boundary; desks use ``report``.
        """
        if not isinstance(from_date, date) or not isinstance(to_date, date):
            raise ValidationError("give the report's first and last days as dates")
        if to_date < from_date:
            raise ValidationError("the report's last day is before its first")
        if (to_date - from_date).days > 3700:
            raise ValidationError("a call report covers at most ten years")
        with self._uow.read() as s:
            return build_report(s, from_date, to_date, _text(queue, _MAX_QUEUE) or None)

    def report(self, actor: UserRecord, from_date: date, to_date: date, queue: str | None = None) -> CallReport:
        perm.require(actor, Action.VIEW_CALL_STATISTICS)
        return self.call_report(from_date, to_date, queue)

    def queues(self, actor: UserRecord) -> list[str]:
        """The queues calls have come through, for the Calls view's filter."""
        perm.require(actor, Action.VIEW_CALL_STATISTICS)
        with actor_check.read(self._uow, actor) as s:
            return [q for q in s.scalars(select(Call.queue).where(Call.queue.is_not(None)).distinct()
                                         .order_by(Call.queue))]


# ------------------------------------------------------------------ helpers

def _check_event(event: CtiEvent) -> None:
    """Refuse, before touching the database, what the columns cannot hold: nothing of it is stored."""
    if not isinstance(event, CtiEvent):
        raise ValidationError("not a CTI event")
    if len(event.call_id) > _MAX_CALL_ID or not event.call_id.isprintable():
        raise ValidationError(f"a call id has at most {_MAX_CALL_ID} printable characters")
    if event.event_key is not None and (not event.event_key or len(event.event_key) > _MAX_KEY):
        raise ValidationError(f"an event key has 1 to {_MAX_KEY} characters")
    if event.wait_seconds is not None and not (0 <= event.wait_seconds < 86_400):
        raise ValidationError("a wait must be between 0 seconds and a day")


def _text(value: object, limit: int) -> str:
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:limit]


def _facts(call: Call) -> dict:
    return {"offered_at": call.offered_at, "answered_at": call.answered_at, "ended_at": call.ended_at,
            "hangup_cause": call.hangup_cause, "agents_rung": call.agents_rung, "answered_by": call.answered_by,
            "queue": call.queue, "wait_seconds": call.wait_seconds, "outcome": call.outcome}


def _apply(call: Call, event: CtiEvent) -> None:
    """Fold one event's facts into the row; any order of events gives the same row."""
    at = event.at
    call.offered_at = min(call.offered_at, at)
    if not call.queue and event.queue:
        call.queue = _text(event.queue, _MAX_QUEUE) or None
    if event.event == NEW_CALL:
        rung = [a for a in call.agents_rung.split(",") if a]
        for name in event.users:
            name = _text(name, _MAX_NAME)
            if name and name not in rung and len(",".join([*rung, name])) <= 1000:
                rung.append(name)
        call.agents_rung = ",".join(rung)
    elif event.event == ANSWER:
        if call.answered_at is None or at < call.answered_at:
            call.answered_at = at
            if event.users:
                call.answered_by = _text(event.users[0], _MAX_NAME) or call.answered_by
        if event.wait_seconds is not None:
            call.wait_seconds, call.wait_from_pbx = round(float(event.wait_seconds), 3), True
    elif event.event == HANGUP:
        if call.ended_at is None:
            call.ended_at = at
            call.hangup_cause = _text(event.cause, 20) or None
        if event.wait_seconds is not None and call.answered_at is None:
            call.wait_seconds, call.wait_from_pbx = round(float(event.wait_seconds), 3), True


def _derive(call: Call) -> None:
    if call.answered_at is not None and call.answered_at < call.offered_at:
        call.answered_at = call.offered_at  # clocks of two sources a little apart
    if call.ended_at is not None and call.ended_at < (call.answered_at or call.offered_at):
        call.ended_at = call.answered_at or call.offered_at
    call.outcome = call_stats.outcome_of(call.direction, call.answered_at, call.ended_at, call.hangup_cause)
    call.offered_day = call_stats.london_day(call.offered_at)
    call.offered_hour = call_stats.london_hour(call.offered_at)
    if not call.wait_from_pbx:
        call.wait_seconds = call_stats.wait_of(call.offered_at, call.answered_at, call.ended_at, None)
    call.talk_seconds = call_stats.talk_of(call.answered_at, call.ended_at)


def _identities(s: Session) -> list[tuple[int, str, PhoneIdentity]]:
    rows = s.execute(select(User.id, User.username, User.phone_interfaces, User.phone_extension, User.phone_queues)
                     .where(User.active.is_(True), or_(User.phone_interfaces != "", User.phone_extension != "")))
    return [(uid, name, identity_from_columns(i, e, q)) for uid, name, i, e, q in rows]


def _user_answering(s: Session, name: str) -> int | None:
    for user_id, username, identity in _identities(s):
        if identity.answers_to(name, username):
            return user_id
    # A webhook may name the agent by their desk username alone, with no phone identity recorded.
    return s.scalar(select(User.id).where(User.username == name.strip().lower(), User.active.is_(True)))


def _identity(s: Session, user_id: int) -> PhoneIdentity:
    row = s.execute(select(User.phone_interfaces, User.phone_extension, User.phone_queues)
                    .where(User.id == user_id)).first()
    return identity_from_columns(*row) if row else PhoneIdentity()


def _identity_taken(s: Session, user_id: int, identity: PhoneIdentity) -> str:
    """An interface or extension another user already has: a call would ring two desks' strips."""
    for other_id, _username, other in _identities(s):
        if other_id == user_id:
            continue
        if identity.extension and identity.extension == other.extension:
            return f"extension {identity.extension}"
        for interface in identity.interfaces:
            if interface.lower() in (i.lower() for i in other.interfaces):
                return f"interface {interface}"
    return ""


def _rings_for(call: Call, identity: PhoneIdentity, username: str, user_id: int, now: datetime) -> bool:
    if call.outcome == call_stats.ANSWERED:
        return call.answered_by_user_id == user_id and call.enquiry_id is None
    if call.offered_at < now - RINGING_FOR_AT_MOST:
        return False
    rung = [a for a in call.agents_rung.split(",") if a]
    if rung:
        return any(identity.answers_to(name, username) for name in rung)
    # The PBX named nobody yet (a webhook PBX that does not, or a call still waiting in the queue).
    return identity.works_queue(call.queue)


def _call(s: Session, call_id: str, *, lock: bool = False) -> Call:
    query = select(Call).where(Call.call_id == str(call_id)[:_MAX_CALL_ID])
    call = s.scalar(query.with_for_update() if lock else query)
    if call is None:
        raise NotFound(f"no call {call_id}")
    return call


def _number(call: Call) -> str:
    if call.match_kind == WITHHELD:
        return "Number withheld"
    return caller_id.read_caller(call.caller_raw, outside_line_prefix="").display if not call.caller_e164 \
        else caller_id.CallerNumber(call.caller_raw, caller_id.NUMBER, call.caller_e164).display


def _who(kind: str, member_name: str) -> str:
    if kind == EXACT and member_name:
        return f"{member_name}'s office"
    if kind == LEARNED and member_name:
        return f"caseworker for {member_name}"
    if kind == WITHHELD:
        return "number withheld"
    return "unknown number"
