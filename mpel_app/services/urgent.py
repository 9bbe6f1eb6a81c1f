"""Urgent enquiries (domain-rules §4): flag, send the call note at once, tell the agent whom to ring,
record the calls made, show the duty manager what is unacknowledged, escalate what waits too long.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ..db import repositories as repo
from ..db.models import Enquiry, Member, Region, UrgentContact, User
from ..domain import passcode_gate
from ..domain import permissions as perm
from ..domain.calendar import HOTLINE_PREFIX, LONDON, REGION_NATION, region_calendar
from ..domain.enquiry_flow import EDITABLE, Step
from ..domain.errors import InvalidTransition, NotFound, ValidationError
from ..domain.opening_hours import add_working_time
from ..domain.permissions import Action
from ..domain.phones import format_phone, normalise_phone
from ..domain.region_contacts import inbox_problem
from ..domain.records import (EnquiryRecord, EnquiryStatus, UrgentContactRecord, UrgentItem, UrgentPlan,
                              UserRecord)
from ..domain.text import clean_name, clean_text
from ..domain.urgency import note_region_code, route_urgent_call
from ..domain.values import as_flag, as_instant, is_row_id
from ..domain.written_confirmation import URGENT
from ..notify.outbox import enqueue
from . import actor_check, audit, reference_data
from .enquiry_base import ENTITY, EnquiryUseCases, region_code_or_default
from .rota import rota_for

# An urgent item nobody acknowledged after this much working time goes to the region's team leader.
ESCALATE_AFTER = timedelta(minutes=30)
CONTACT_KINDS = ("region", "duty_region", "oscu")
# Removal directions are set days or weeks ahead; a removal years away is a typing slip.
REMOVAL_HORIZON = timedelta(days=366)


class UrgentService(EnquiryUseCases):

    def flag(self, actor: UserRecord, enquiry_id: int, *, removal_at: datetime | None,
             compassionate: bool) -> EnquiryRecord:
        """Record the urgent flags; whether removal is imminent is decided from the time of the call."""
        perm.require(actor, Action.LOG_ENQUIRY)
        removal_at = as_instant(removal_at, field="Removal date and time")
        compassionate = as_flag(compassionate, field="Compelling or compassionate")

        def change(s: Session, e: Enquiry) -> None:
            self._require_unlocked(e)
            self._require_status(e, EDITABLE, "flag the enquiry as urgent")
            if removal_at is not None and removal_at > e.received_at + REMOVAL_HORIZON:
                raise ValidationError("Removal date and time is more than a year after the call: "
                                      "check the date of removal")
            try:
                route = route_urgent_call(e.received_at, removal_at=removal_at, compassionate=compassionate,
                                          closures=repo.closures_for(s, REGION_NATION[HOTLINE_PREFIX]))
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            before = _flags(e)
            e.removal_at, e.compassionate = removal_at, compassionate
            e.imminent_removal = e.barrier_to_removal = route.imminent_removal
            e.urgent = route.urgent
            e.urgent_destination = route.destination if route.urgent else None
            changes = {k: [before[k], v] for k, v in _flags(e).items() if before[k] != v}
            if changes:
                self._audit(s, actor, e, "urgent flags set", changes)

        return self._change(actor, enquiry_id, change)

    def send(self, actor: UserRecord, enquiry_id: int) -> UrgentPlan:
        """Send the call note now (no team-leader filter) and say whom the agent must telephone."""
        perm.require(actor, Action.LOG_ENQUIRY)
        with self._uow() as s:
            e = self._load(s, enquiry_id)
            self._require_unlocked(e)
            if not e.urgent:
                raise InvalidTransition(f"{e.reference} is not flagged urgent: pass it on as a Further Action Case")
            if not e.question.strip():
                raise ValidationError("write up the question before sending the call note")
            plan = self._plan(s, e)
            self._move(s, actor, e, Step.SEND_URGENT, {"region_code": plan.region_code,
                                                       "destination": plan.destination})
            self._dispatch(s, actor, e, plan.region_code)
            if e.written_confirmation:  # never holds up the call note: recorded as not queued without an address
                self._confirm_in_writing(s, actor, e, URGENT, required=False, region_name=plan.region_name)
            return plan

    def plan(self, actor: UserRecord, enquiry_id: int) -> UrgentPlan:
        """Whom to telephone; the removal time only while the passcode gate lets ``actor`` see it."""
        perm.require(actor, Action.FIND_ENQUIRY)
        with actor_check.read(self._uow, actor) as s:
            e = self._load(s, enquiry_id)
            plan, verified = self._plan(s, e), e.passcode_verified_at is not None
        if not passcode_gate.may_see_personal_data(actor, passcode_verified=verified):
            plan = replace(plan, removal_at=None)
        return plan

    def record_contact(self, actor: UserRecord, enquiry_id: int, *, kind: str, spoken_to: str,
                       phone: str = "", note: str = "", at: datetime | None = None) -> UrgentContactRecord:
        """Write down the call MPEL made: to whom, on which number, when."""
        perm.require(actor, Action.LOG_ENQUIRY)
        if not isinstance(kind, str) or kind not in CONTACT_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(CONTACT_KINDS)}")
        spoken_to = clean_name(spoken_to, field="Spoken to", max_length=120)
        if not spoken_to:
            raise ValidationError("write down whom you spoke to")
        note = clean_text(note, field="Note", max_length=500)
        phone = normalise_phone(phone, field="Number called")
        at = as_instant(at, field="Time of the call") or self._clock.now()
        if at > self._clock.now() + timedelta(minutes=1):
            raise ValidationError("the time of the call cannot be in the future")
        with self._uow() as s:
            e = self._load(s, enquiry_id)
            if not e.urgent:
                raise InvalidTransition(f"{e.reference} is not an urgent enquiry")
            if at < e.received_at - timedelta(minutes=1):
                raise ValidationError("the time of the call cannot be before the enquiry was received")
            contact = UrgentContact(enquiry_id=e.id, at=at, kind=kind, spoken_to=spoken_to, phone=phone, note=note,
                                    recorded_by_id=actor.id)
            s.add(contact)
            self._audit(s, actor, e, "telephoned about urgent call",
                        {"kind": kind, "spoken_to": spoken_to, "phone": phone, "at": at})
            return UrgentContactRecord(at=at, kind=kind, spoken_to=spoken_to, phone=format_phone(phone), note=note,
                                       recorded_by=actor.full_name)

    def contacts(self, actor: UserRecord, enquiry_id: int) -> list[UrgentContactRecord]:
        perm.require(actor, Action.FIND_ENQUIRY)
        if not is_row_id(enquiry_id):
            raise NotFound(f"no enquiry with id {enquiry_id!r}")  # not a driver's overflow
        with actor_check.read(self._uow, actor) as s:
            return _contacts(s, [enquiry_id]).get(enquiry_id, [])

    def unacknowledged(self, actor: UserRecord) -> list[UrgentItem]:
        """The duty manager's board: every urgent item with a region and not acknowledged, oldest first."""
        perm.require(actor, Action.DUTY_BOARD)
        with actor_check.read(self._uow, actor) as s:
            rows = s.execute(
                select(Enquiry, Member.name).outerjoin(Member, Member.id == Enquiry.member_id)
                .where(Enquiry.urgent.is_(True), Enquiry.status == EnquiryStatus.WITH_REGION.value,
                       Enquiry.acknowledged_at.is_(None), Enquiry.deleted_at.is_(None))
                .order_by(Enquiry.received_at, Enquiry.id)
            ).all()
            contacts = _contacts(s, [e.id for e, _ in rows])
            return [UrgentItem(id=e.id, reference=e.reference, received_at=e.received_at, member_name=name or "",
                               subject_name=e.subject_name, region_code=e.region_code,
                               destination=e.urgent_destination, imminent_removal=e.imminent_removal,
                               compassionate=e.compassionate, removal_at=e.removal_at, escalated_at=e.escalated_at,
                               contacts=tuple(contacts.get(e.id, ()))) for e, name in rows]

    def reassign(self, actor: UserRecord, enquiry_id: int, region_code: str) -> EnquiryRecord:
        """The duty manager moves an urgent item to another region; the call note goes there too."""
        perm.require(actor, Action.DUTY_BOARD)

        def change(s: Session, e: Enquiry) -> None:
            # The duty board moves urgent items; an ordinary item's region is the MPEL team leader's to
            # change (EnquiryService.change_region), which the duty manager may not do.
            code = region_code_or_default(region_code, e)
            if not e.urgent:
                raise InvalidTransition(f"{e.reference} is not urgent: only urgent items are moved from the duty "
                                        "board; the MPEL team leader changes an ordinary item's region")
            self._move(s, actor, e, Step.CHANGE_REGION, {"region_code": [e.region_code, code]})
            self._dispatch(s, actor, e, code)

        return self._change(actor, enquiry_id, change)

    def escalate_overdue(self) -> list[str]:
        """Escalate urgent items unacknowledged after 30 minutes of working time; run by a timer."""
        now = self._clock.now()
        escalated = []
        with self._uow() as s:
            candidates = s.scalars(
                select(Enquiry).where(Enquiry.urgent.is_(True), Enquiry.status == EnquiryStatus.WITH_REGION.value,
                                      Enquiry.acknowledged_at.is_(None), Enquiry.escalated_at.is_(None),
                                      Enquiry.deleted_at.is_(None))
                # Its own columns only: none of the enquiry's joined relations (member, users, legacy record),
                # whose first compile was a good part of every desk's start (issue 16).
                .options(lazyload("*"))
            ).all()
            closures: dict[str, list] = {}
            for e in candidates:
                # The region's working time: its nation's bank holidays and the closure days recorded.
                calendar = region_calendar(e.region_code, closures.setdefault(
                    e.region_code, repo.closures_for(s, REGION_NATION[e.region_code])))
                if add_working_time(e.sent_to_region_at or e.received_at, ESCALATE_AFTER, calendar) > now:
                    continue
                region = s.get(Region, e.region_code)
                e.escalated_at = now
                if region.team_leader_email:
                    enqueue(s, clock=self._clock, kind="escalation", entity=ENTITY, entity_id=e.id,
                            to_address=region.team_leader_email, to_name=f"Team leader, {region.name}",
                            subject=f"ESCALATED – URGENT – {e.reference} not acknowledged after 30 minutes",
                            body_text=(f"The urgent enquiry {e.reference} was sent to {region.inbox_name} at "
                                       f"{(e.sent_to_region_at or e.received_at).astimezone(LONDON):%H:%M on %d %b %Y}"
                                       " and nobody has acknowledged it yet. Please make sure it is picked up."))
                self._audit_system(s, e, "escalated to the region's team leader", {"to": region.team_leader_email})
                escalated.append(e.reference)
        return escalated

    # ----------------------------------------------------------------- helpers

    def _plan(self, s: Session, e: Enquiry) -> UrgentPlan:
        home = region_code_or_default(None, e)
        destination = e.urgent_destination or "region"
        tonight = rota_for(s, e.received_at.astimezone(LONDON).date()) if destination == "duty_region" else None
        region_code = note_region_code(destination, duty_region=tonight.region_code if tonight else None,
                                       region_code=e.region_code, member_region=home)
        region = s.get(Region, region_code)
        problem = inbox_problem(region.inbox_address)
        common = dict(reference=e.reference, destination=destination, imminent_removal=e.imminent_removal,
                      compassionate=e.compassionate, removal_at=e.removal_at, region_code=region_code,
                      region_name=region.name, inbox_problem=problem)
        # A note to an inbox that does not work reaches nobody: say so before anything else (issue 14).
        first = (f"The call note will reach nobody: {problem}. Telephone the region and fax the call note to "
                 f"{format_phone(region.fax_number)}; tell an administrator (Administration → Regions). "
                 if problem else "")
        if destination == "duty_region" and tonight is not None:
            return UrgentPlan(**common, call_name=f"{tonight.manager_name}, duty account manager ({region.name})",
                              call_phone=format_phone(tonight.phone),
                              instruction=(f"{first}Imminent removal between 16:00 and 17:00: the call note goes to "
                                           f"tonight's duty region, {region.name}. Telephone the duty account "
                                           f"manager {tonight.manager_name} now to say an urgent call has been "
                                           "forwarded, and record the call."))
        if destination == "oscu":
            oscu = reference_data.contact("oscu")
            return UrgentPlan(**common, call_name=oscu.name, call_phone=oscu.phone,
                              instruction=(f"{first}Imminent removal out of hours: refer it to OSCU's out-of-hours "
                                           f"service on {oscu.phone} (a number that may be given to the MP's "
                                           f"office) and record the referral. The call note also goes to "
                                           f"{region.inbox_name} for the morning."))
        missing = destination == "duty_region"
        lead = ("No duty region is on the rota for tonight: the call note goes to the member's own region. "
                "Tell the duty manager. " if missing else "")
        return UrgentPlan(**common, call_name=f"{region.name} regional team", call_phone=format_phone(region.phone_number),
                          instruction=(f"{first}{lead}The call note goes to {region.inbox_name}. Telephone the regional "
                                       f"team on {format_phone(region.phone_number)} now to raise awareness, "
                                       "and record whom you spoke to."),
                          rota_missing=missing)

    def _audit_system(self, s: Session, e: Enquiry, action: str, changes: dict) -> None:
        audit.record(s, None, self._clock.now(), ENTITY, e.id, action, changes)


def _flags(e: Enquiry) -> dict:
    return {"removal_at": e.removal_at, "compassionate": e.compassionate, "imminent_removal": e.imminent_removal,
            "urgent": e.urgent, "urgent_destination": e.urgent_destination}


def _contacts(s: Session, enquiry_ids: list[int]) -> dict[int, list[UrgentContactRecord]]:
    if not enquiry_ids:
        return {}
    rows = s.execute(select(UrgentContact, User.full_name).join(User, User.id == UrgentContact.recorded_by_id)
                     .where(UrgentContact.enquiry_id.in_(enquiry_ids)).order_by(UrgentContact.at)).all()
    found: dict[int, list[UrgentContactRecord]] = {}
    for c, who in rows:
        found.setdefault(c.enquiry_id, []).append(UrgentContactRecord(
            at=c.at, kind=c.kind, spoken_to=c.spoken_to, phone=format_phone(c.phone), note=c.note, recorded_by=who))
    return found

