"""The chasing lists and the Chase action (``domain/chasing.py`` says what is chased).

A list is a worklist, not a figure: its rows are read (with a pre-filter in SQL that keeps
only items that can be due by the next working day) and each is checked against the one rule.
Chasing sends the holder a reminder through the outbox and records "chased" in the item's
audit trail in the same transaction, so the next person sees it was chased, when and by whom.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import AuditLog, DraftingUnit, Enquiry, Letter, Region, User
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import LONDON, REGION_NATION, WorkingCalendar, region_calendar
from ..domain.chasing import AWAITING_ACCEPTANCE, ChaseItem, chase_body, chase_reason, chase_subject
from ..domain.clock import Clock
from ..domain.correspondence import letter_deadlines
from ..domain.correspondence.allocation import decision_deadline
from ..domain.correspondence.states import TERMINAL_STATES, LetterState
from ..domain.errors import NotFound, ValidationError
from ..domain.performance import london_midnight
from ..domain.permissions import Action
from ..domain.records import EnquiryStatus, UserRecord
from ..notify.outbox import enqueue
from . import actor_check, audit

LIMIT = 1000  # a list longer than this is a crisis, not a worklist: the oldest come first
CHASED = "chased"
# A letter due by the next working day was received at least 20 working days (4 weeks) before it:
# the pre-filter keeps letters received before today + 5 days (a long weekend) - 28 days.
_REPLY_SPAN = timedelta(days=23)
_SOON_SPAN = timedelta(days=5)


class ChaseService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    def chase_list(self, actor: UserRecord) -> list[ChaseItem]:
        """Open enquiries and letters overdue or due within a working day, oldest due first."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        with actor_check.read(self._uow, actor) as s:
            items = self._enquiries(s) + self._letters(s, actor, awaiting=False)
            return self._with_chases(s, sorted(items, key=lambda i: (i.due, i.reference))[:LIMIT])

    def awaiting_acceptance(self, actor: UserRecord) -> list[ChaseItem]:
        """Letters allocated to a unit that has not yet accepted or rejected them [GP]."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        with actor_check.read(self._uow, actor) as s:
            items = self._letters(s, actor, awaiting=True)
            return self._with_chases(s, sorted(items, key=lambda i: (i.due, i.reference))[:LIMIT])

    def chase(self, actor: UserRecord, entity: str, entity_id: int) -> ChaseItem:
        """Send the holder a reminder (outbox) and record the chase on the item (audit), in one transaction."""
        perm.require(actor, Action.VIEW_PERFORMANCE)
        now = self._clock.now()
        with self._uow() as s:
            if entity == "enquiry":
                found = self._enquiries(s, only=entity_id)
            elif entity == "letter":
                found = self._letters(s, actor, awaiting=None, only=entity_id)
            else:
                found = []
            if not found:
                raise NotFound(f"nothing to chase: {entity} {entity_id} is not overdue, due soon or awaiting a unit")
            item = found[0]
            if not item.holder_email:
                raise ValidationError(f"{item.reference}: {item.holder} has no e-mail address to chase; "
                                      "record one in Administration")
            message = enqueue(s, clock=self._clock, kind="chase", entity=entity, entity_id=entity_id,
                              to_address=item.holder_email, to_name=item.holder, subject=chase_subject(item),
                              body_text=chase_body(item, f"{actor.full_name}"))
            audit.record(s, actor, now, entity, entity_id, CHASED,
                         {"to": item.holder, "reason": item.reason, "message_id": message.message_id})
            s.flush()
            return self._with_chases(s, [item])[0]

    # -- reading -----------------------------------------------------------------------

    def _enquiries(self, s: Session, only: int | None = None) -> list[ChaseItem]:
        today = self._today()
        calendars = {code: region_calendar(code, repo.closures_for(s, REGION_NATION[code])) for code in REGION_NATION}
        latest = max(c.next_working_day(today) for c in calendars.values())
        ack = User.__table__.alias("ack")
        q = (select(Enquiry.id, Enquiry.reference, Enquiry.region_code, Enquiry.due_date, ack.c.full_name,
                    ack.c.email, Region.inbox_name, Region.inbox_address)
             .join(Region, Region.code == Enquiry.region_code)
             .outerjoin(ack, ack.c.id == Enquiry.acknowledged_by_id)
             .where(Enquiry.status == EnquiryStatus.WITH_REGION.value, Enquiry.deleted_at.is_(None),
                    Enquiry.due_date <= latest)
             .order_by(Enquiry.due_date, Enquiry.id).limit(LIMIT))
        if only is not None:
            q = q.where(Enquiry.id == only)
        items = []
        for eid, ref, region, due, holder, holder_email, inbox, inbox_address in s.execute(q):
            reason = chase_reason(due, today, calendars[region])
            if reason is None:
                continue
            if holder and holder_email:
                who, email = holder, holder_email
            else:
                who, email = (f"{holder} ({inbox})" if holder else inbox), inbox_address
            items.append(ChaseItem("enquiry", eid, ref, region, who, email, due, reason))
        return items

    def _letters(self, s: Session, actor: UserRecord, *, awaiting: bool | None,
                 only: int | None = None) -> list[ChaseItem]:
        """awaiting: True the allocated letters only, False the late or due ones, None both (for one letter)."""
        today = self._today()
        hidden = audit.hidden_letter_ids(s, actor)
        owner = User.__table__.alias("owner")
        open_states = [st.value for st in LetterState if st not in TERMINAL_STATES]
        allocated = Letter.state == LetterState.ALLOCATED.value
        can_be_due = or_(Letter.received_at < london_midnight(today - _REPLY_SPAN + _SOON_SPAN),
                         Letter.ophso_deadline <= today + _SOON_SPAN)
        where = {True: allocated, False: can_be_due, None: or_(allocated, can_be_due)}[awaiting]
        q = (select(Letter, owner.c.full_name, owner.c.email, DraftingUnit.name, DraftingUnit.head_email,
                    DraftingUnit.nation)
             .outerjoin(owner, owner.c.id == Letter.case_owner_id)
             .outerjoin(DraftingUnit, DraftingUnit.code == Letter.unit_code)
             .where(Letter.state.in_(open_states), where)
             .order_by(Letter.received_at, Letter.id).limit(LIMIT * 4))
        if only is not None:
            q = q.where(Letter.id == only)
        calendars: dict[str, WorkingCalendar] = {}
        items = []
        for letter, owner_name, owner_email, unit_name, head_email, nation in s.execute(q):
            if letter.id in hidden:
                continue
            nation = nation or "ENG"
            calendar = calendars.setdefault(nation, WorkingCalendar(nation, repo.closures_for(s, nation)))
            where_code = letter.unit_code or "MPCS"
            if owner_name:
                who, email = owner_name, owner_email or ""
            elif letter.unit_code:
                who, email = f"Head of unit, {unit_name}", head_email or ""
            else:
                who, email = "MPCS", ""
            if letter.state == LetterState.ALLOCATED.value and awaiting is not False and letter.allocated_at:
                items.append(ChaseItem("letter", letter.id, letter.cts_reference, where_code,
                                       f"Head of unit, {unit_name}", head_email or "",
                                       decision_deadline(letter.allocated_at, calendar), AWAITING_ACCEPTANCE))
                continue
            if awaiting:
                continue
            deadlines = letter_deadlines(letter.received_at, letter.kind, calendar, ophso=letter.ophso)
            due = min(deadlines["reply"], letter.ophso_deadline or deadlines["reply"])
            reason = chase_reason(due, today, calendar)
            if reason is not None:
                items.append(ChaseItem("letter", letter.id, letter.cts_reference, where_code, who, email, due, reason))
        return items

    def _with_chases(self, s: Session, items: list[ChaseItem]) -> list[ChaseItem]:
        """Each item with its last chase from the audit trail (who and when)."""
        if not items:
            return items
        last: dict[tuple[str, int], tuple[datetime, str]] = {}
        for entity in {i.entity for i in items}:
            ids = [i.entity_id for i in items if i.entity == entity]
            latest = (select(AuditLog.entity_id, func.max(AuditLog.id).label("id"))
                      .where(AuditLog.entity == entity, AuditLog.action == CHASED, AuditLog.entity_id.in_(ids))
                      .group_by(AuditLog.entity_id).subquery())
            for entity_id, at, username in s.execute(
                    select(AuditLog.entity_id, AuditLog.at, AuditLog.username).join(latest, latest.c.id == AuditLog.id)):
                last[(entity, entity_id)] = (at, username)
        return [replace(i, last_chased_at=last[key][0], last_chased_by=last[key][1])
                if (key := (i.entity, i.entity_id)) in last else i for i in items]


__all__ = ["ChaseService", "CHASED"]
