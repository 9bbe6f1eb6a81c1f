"""What every CTS letter use case shares: load under a row lock and a version check, fill the
domain's facts from the database and the clock, check an action (the domain's ``check`` plus what
only the database knows), audit it, and turn rows into immutable records.

The order of checks for a change, so a person is told the most useful thing first:

1. the acting user is active, and may see the letter at all (a restricted
   letter is "not found" for anyone but its named handlers [CORR 2.5]);
2. the version they saw is still current (``StaleRecord``);
3. when they hold a role the action needs: a unit role acts only on its own
   unit's letters, and the case owner's actions only by the case owner;
4. the domain's ``check``: role, state, facts, grade, fields.

Letters from several MPs about one person are linked in a group [CORR 2.6]
(``domain.correspondence.links``): ``_group`` reads a letter's group as one
user may see it, with the reply plan, and ``_lock_groups`` is how every change
to a group's membership takes its row locks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ...db import repositories as repo
from ...db.mappers import member_record
from ...db.models import (DraftingUnit, Letter, LetterDocument, LetterHandler, LetterRejection, Setting, User,
                          WorkstackCover, OfflineUnit)
from ...db.uow import UnitOfWork
from ...domain.calendar import LONDON, WorkingCalendar
from ...domain.clock import Clock
from ...domain.correspondence import (
    OWNER_ACTIONS, TERMINAL_STATES, GroupLetter, GroupPlan, LetterAction, LetterFacts, LetterKind,
    LetterState, ReplyRole, Signatory, SignatoryKind, check, check_case_owner, deadline_status, group_plan,
    is_six_months_past_target, lateness_prompts, may_link, may_see_letter, parliament_dissolved, priority,
    roles_for, should_enforce, stage_deadline)
from ...domain.correspondence import allowed_actions as domain_allowed_actions
from ...domain.correspondence.deadlines import DeadlineBook
from ...domain.errors import NotFound, PermissionDenied, StaleRecord, ValidationError
from ...domain.letter_records import (
    BackgroundNote, DocumentKind, EnforcedHow, LetterDocumentRecord, LetterRecord, LetterSummary, LinkedLetter,
    RejectionRecord)
from ...domain.phones import format_phone
from ...domain.records import QueueStatus, Role, UserRecord
from ...domain.values import is_row_id
from ...domain.text import clean_text
from .. import audit, conflicts
from .units import is_member, units_of

ENTITY = "letter"
conflicts.track(Letter, ENTITY)
DISSOLUTION_KEY = "parliament_dissolution"

A = LetterAction
S = LetterState
# Roles that act for a drafting unit: they may only touch their own unit's letters.
UNIT_ROLES = frozenset({Role.WORKFLOW_MANAGER.value, Role.CASE_OWNER.value, Role.SENIOR_CASEWORKER.value,
                        Role.UNIT_TEAM_LEADER.value})

T = TypeVar("T")

# session.info keys of two memos (issue 16: a case view asked the same rows up to four times).
# _STEADY, for one letter use case's whole transaction: what no letter use case changes (a unit's
# working days and whether it is off-line, the dissolution date, the actor's units).  A use case
# that changed one of them would have to start a new transaction to see it.
# _BUILDING, only while a record is being built, after the change: the letter's facts row, the
# Member's status, the reply plan (a change may record them, so nothing of them is kept across it).
_STEADY = "mpel_letters_steady"
_BUILDING = "mpel_letters_building"


def steady(s: Session) -> dict | None:
    """The use case's memo of what no letter use case changes (None outside one: nothing is kept)."""
    return s.info.get(_STEADY)


def remembered(s: Session, memo: str, key: Any, work: Callable[[], T]) -> T:
    """``work()``, once per ``key`` while the ``memo`` (``_STEADY`` or ``_BUILDING``) is open."""
    found = s.info.get(memo)
    if found is None:
        return work()
    if key not in found:
        found[key] = work()
    return found[key]


# Rounds of "lock the letters, then whatever joined their groups meanwhile" before giving up.
_LOCK_ROUNDS = 5


class Case:
    """Everything one use case needs to know about one letter, read once inside its transaction.

    ``facts`` may be given as a function that works them out when first asked: a read-only list
    (``_summaries``) mostly never asks, and working them out was a fifth of a workstack (issue 16).
    """

    __slots__ = ("letter", "calendar", "rejections", "handlers", "_facts", "now")

    def __init__(self, letter: Letter, calendar: WorkingCalendar, rejections: list[LetterRejection],
                 handlers: list[str], facts: LetterFacts | Callable[[], LetterFacts], now: datetime):
        self.letter = letter
        self.calendar = calendar
        self.rejections = rejections
        self.handlers = handlers
        self._facts = facts
        self.now = now

    @property
    def facts(self) -> LetterFacts:
        if not isinstance(self._facts, LetterFacts):
            self._facts = self._facts()
        return self._facts

    @property
    def state(self) -> LetterState:
        return LetterState(self.letter.state)


@dataclass(frozen=True)
class GroupView:
    """A letter's group as one user may see it: its letters in registration order, their facts, the plan."""

    letters: tuple[Letter, ...]
    facts: tuple[GroupLetter, ...]
    plan: GroupPlan | None  # None with fewer than two live letters, or when ``problem`` says why not
    problem: str | None = None

    def role_of(self, reference: str) -> ReplyRole:
        return self.plan.role_of(reference) if self.plan else ReplyRole.SUBSTANTIVE

    def fact(self, reference: str | None) -> GroupLetter | None:
        return next((f for f in self.facts if f.reference == reference), None)

    def letter(self, reference: str | None) -> Letter | None:
        return next((e for e in self.letters if e.cts_reference == reference), None)

    @property
    def lead(self) -> GroupLetter | None:
        """The letter whose reply the copies copy."""
        return self.fact(self.plan.lead) if self.plan else None


class LetterUseCases:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    # ------------------------------------------------------------------ time

    def _now(self) -> datetime:
        return self._clock.now()

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    # -------------------------------------------------------------- loading

    def _lock(self, s: Session, letter_id: int) -> Letter:
        """The letter, its row locked until commit on PostgreSQL (SQLite's writer already holds the lock).

        Locking the id alone: PostgreSQL refuses FOR UPDATE over the outer
        joins the eager relationships add.  A second desk changing the same
        letter waits here, then sees the first one's change, so it is refused
        by the rules ("the letter is accepted") rather than overwriting it.
        """
        if not is_row_id(letter_id) or s.scalar(
                select(Letter.id).where(Letter.id == letter_id).with_for_update()) is None:
            raise NotFound(f"no letter with id {letter_id}")
        return s.get(Letter, letter_id, populate_existing=True)

    def _get(self, s: Session, letter_id: int) -> Letter:
        letter = s.get(Letter, letter_id) if is_row_id(letter_id) else None  # text or a 65-bit number: no row
        if letter is None:
            raise NotFound(f"no letter with id {letter_id}")
        return letter

    def _calendar(self, s: Session, unit_code: str | None, cache: dict | None = None) -> WorkingCalendar:
        """The working days of the unit holding the letter (England & Wales while with MPCS)."""
        if cache is None:
            cache = steady(s)
        nation = "ENG"
        if unit_code:
            # The unit's nation cached too: the session keeps a loaded unit only while something holds it,
            # so a workstack of 400 letters read the unit 400 times (the shift_pace benchmark's slowest read).
            key = ("nation", unit_code)
            if cache is not None and key in cache:
                nation = cache[key]
            else:
                unit = s.get(DraftingUnit, unit_code)
                nation = unit.nation if unit is not None else "ENG"
                if cache is not None:
                    cache[key] = nation
        if cache is not None and nation in cache:
            return cache[nation]
        calendar = WorkingCalendar(nation, repo.closures_for(s, nation))
        if cache is not None:
            cache[nation] = calendar
        return calendar

    @staticmethod
    def _offline(s: Session, unit_code: str | None, cache: dict | None = None) -> bool:
        """Whether the unit works without CTS [ASY]; cached with the calendars across a workstack's letters."""
        if unit_code is None:
            return False
        if cache is None:
            cache = steady(s)
        key = ("offline", unit_code)
        if cache is not None and key in cache:
            return cache[key]
        found = s.get(OfflineUnit, unit_code) is not None
        if cache is not None:
            cache[key] = found
        return found

    def _dissolution(self, s: Session) -> date | None:
        def read() -> date | None:
            row = s.get(Setting, DISSOLUTION_KEY)
            return date.fromisoformat(row.value) if row is not None and row.value else None
        return remembered(s, _STEADY, "dissolution", read)

    @staticmethod
    def _units_of(s: Session, actor: UserRecord) -> set[str]:
        return set(remembered(s, _STEADY, ("units", actor.id), lambda: units_of(s, actor.id)))

    def _handlers(self, s: Session, letter_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(letter_ids)
        found: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            for letter_id, username in s.execute(
                    select(LetterHandler.letter_id, User.username).join(User, User.id == LetterHandler.user_id)
                    .where(_id_in(s, LetterHandler.letter_id, ids)).order_by(User.username)):
                found[letter_id].append(username)
        return found

    def _rejections(self, s: Session, letter_ids: Iterable[int]) -> dict[int, list[LetterRejection]]:
        ids = list(letter_ids)
        found: dict[int, list[LetterRejection]] = {i: [] for i in ids}
        if ids:
            for r in s.scalars(select(LetterRejection).where(_id_in(s, LetterRejection.letter_id, ids))
                               .order_by(LetterRejection.at, LetterRejection.id)):
                found[r.letter_id].append(r)
        return found

    def _context(self, s: Session, letter: Letter, *, calendars: dict | None = None,
                 handlers: list[str] | None = None, rejections: list[LetterRejection] | None = None,
                 dissolution: date | None | bool = False, deferred_facts: bool = False) -> Case:
        """The letter's case.  ``deferred_facts``: work the facts out only if asked, for a read-only list
        whose letters do not change before it asks."""
        now = self._now()
        calendar = self._calendar(s, letter.unit_code, calendars)
        if rejections is None:
            rejections = self._rejections(s, [letter.id])[letter.id]
        if handlers is None:
            handlers = self._handlers(s, [letter.id])[letter.id]
        if dissolution is False:
            dissolution = self._dissolution(s)

        def facts() -> LetterFacts:
            state = LetterState(letter.state)
            return LetterFacts(
                kind=LetterKind(letter.kind),
                unit=letter.unit_code,
                enforced=letter.enforced,
                rejecting_units=frozenset(r.unit_code for r in rejections),
                decision_overdue=bool(state is S.ALLOCATED and letter.allocated_at is not None
                                      and should_enforce(letter.allocated_at, now, calendar)),
                case_owner=letter.case_owner.username if letter.case_owner else None,
                drafter_grade=letter.drafter_grade,
                background_note_complete=_note(letter).complete,
                six_months_past_target=is_six_months_past_target(letter.received_at, now, calendar),
                reply_still_wanted_confirmed=letter.reply_still_wanted,
                ophso=letter.ophso,
                election_period=parliament_dissolved(dissolution, now.astimezone(LONDON).date()),
                offline_unit=self._offline(s, letter.unit_code, calendars),
            )
        return Case(letter, calendar, rejections, handlers, facts if deferred_facts else facts(), now)

    def _acting_for(self, s: Session, actor: UserRecord) -> set[int]:
        """The actor and everyone whose workstack they cover today (inbox cover during an absence [ASY])."""
        today = self._today()
        return {actor.id, *s.scalars(select(WorkstackCover.absent_user_id).where(
            WorkstackCover.delegate_user_id == actor.id, WorkstackCover.starts_on <= today,
            WorkstackCover.ends_on >= today))}

    # ----------------------------------------------------------- visibility

    @staticmethod
    def _may_see(actor: UserRecord, letter: Letter, handlers: list[str]) -> bool:
        return may_see_letter(actor.username, restricted=letter.restricted, named_handlers=handlers,
                              staff_member=letter.staff_member or None)

    def _require_visible(self, actor: UserRecord, ctx: Case) -> None:
        if not actor.active:
            raise PermissionDenied(f"{actor.full_name} ({actor.username}) is not an active user")
        # "Not found" rather than "not allowed": a restricted letter's existence is itself restricted.
        if not self._may_see(actor, ctx.letter, ctx.handlers):
            raise NotFound(f"no letter with id {ctx.letter.id}")

    # ---------------------------------------------------------------- groups

    def _group_rows(self, s: Session, letter: Letter) -> list[Letter]:
        """Every letter of ``letter``'s group, in registration order; empty when it is not linked."""
        if letter.link_group_id is None:
            return []
        return list(s.scalars(select(Letter).where(Letter.link_group_id == letter.link_group_id)
                              .order_by(Letter.id)))

    def _group_facts(self, s: Session, letters: Iterable[Letter],
                     handlers: Mapping[int, list[str]] | None = None) -> list[GroupLetter]:
        rows = list(letters)
        if handlers is None:
            handlers = self._handlers(s, [e.id for e in rows])
        return [group_letter(e, handlers[e.id]) for e in rows]

    def _group(self, s: Session, actor: UserRecord, letter: Letter) -> GroupView | None:
        """The group as ``actor`` may see it, plan included; None when the letter is not linked.

        Letters the actor may not see are left out and the plan is made
        without them, so that nothing here can tell of a restricted letter
        [CORR 2.5].  (Linking keeps a group's letters equally visible, so in
        practice nothing is left out.)
        """
        rows = self._group_rows(s, letter)
        if not rows:
            return None
        handlers = self._handlers(s, [e.id for e in rows])
        visible = [e for e in rows if e.id == letter.id or self._may_see(actor, e, handlers[e.id])]
        facts = self._group_facts(s, visible, handlers)
        try:
            return GroupView(tuple(visible), tuple(facts), group_plan(facts))
        except ValidationError as exc:  # shown on the case, for MPCS to correct; never a case that cannot open
            return GroupView(tuple(visible), tuple(facts), None, str(exc))

    def _lock_groups(self, s: Session, letter_ids: Iterable[int | None]) -> None:
        """Lock these letters and every letter of their groups, lowest id first, then read them afresh.

        Every change to a group's membership goes through here, so two desks
        linking letters of one group take turns and the second sees what the
        first did (a row lock on PostgreSQL; SQLite's writer lock already
        serialises them).  Letters that joined a group while we waited are
        locked in a further round.
        """
        s.flush()
        wanted = {i for i in letter_ids if is_row_id(i)}  # anything else is no letter: _get says so
        locked: set[int] = set()
        for _ in range(_LOCK_ROUNDS):
            ids = wanted | locked
            heads = set(s.scalars(select(Letter.link_group_id).where(Letter.id.in_(ids),
                                                                     Letter.link_group_id.is_not(None))))
            members = set(s.scalars(select(Letter.id).where(Letter.link_group_id.in_(heads)))) if heads else set()
            need = (wanted | heads | members) - locked
            if not need:
                break
            s.scalars(select(Letter.id).where(Letter.id.in_(sorted(need))).order_by(Letter.id)
                      .with_for_update()).all()
            locked |= need
        else:
            raise StaleRecord("the linked letters kept changing while they were being read; try again")
        s.expire_all()

    # -------------------------------------------------------------- checking

    def _service_refusal(self, s: Session, actor: UserRecord, ctx: Case, action: LetterAction,
                         units: set[str] | None = None) -> str | None:
        """Why the database says no to an actor who holds a role the action needs; None if it does not."""
        needed = roles_for(action, ctx.facts)
        held = {str(r) for r in actor.roles} & needed
        if not held:
            return None  # the domain's check says which role is needed
        # No unit holds it: it is with MPCS, and the domain refuses unit actions in those states.
        unit = ctx.letter.unit_code
        if held <= UNIT_ROLES and unit is not None:
            mine = units if units is not None else self._units_of(s, actor)
            if unit not in mine:
                return (f"{actor.full_name} is not a member of {unit}: only that unit's staff may {action.label} "
                        f"on {ctx.letter.cts_reference}")
        if action in OWNER_ACTIONS and ctx.letter.case_owner_id not in self._acting_for(s, actor):
            owner = ctx.letter.case_owner.full_name if ctx.letter.case_owner else "nobody yet"
            return (f"only the case owner ({owner}) may {action.label} on {ctx.letter.cts_reference}")
        return None

    def _check(self, s: Session, actor: UserRecord, ctx: Case, action: LetterAction,
               fields: Mapping[str, object] | None = None) -> LetterState:
        """The next state if ``actor`` may take ``action`` now; raises otherwise (see the module doc)."""
        refusal = self._service_refusal(s, actor, ctx, action)
        if refusal:
            raise PermissionDenied(refusal)
        facts = ctx.facts
        if action is not A.ENFORCE_TWO_DAY_RULE and facts.decision_overdue and not facts.enforced:
            # The two days have run out but the sweep has not recorded it yet: the rule applies already.
            facts = _replace_facts(facts, enforced=True)
        return check(action, state=ctx.state, actor_roles=actor.roles,
                     actor_grade=actor.grade, facts=facts, fields=fields or {})

    def _allowed(self, s: Session, actor: UserRecord, ctx: Case, units: set[str]) -> tuple[LetterAction, ...]:
        if not self._may_see(actor, ctx.letter, ctx.handlers):
            return ()
        facts = ctx.facts
        if facts.decision_overdue and not facts.enforced:
            facts = _replace_facts(facts, enforced=True)
        found = domain_allowed_actions(ctx.state, actor.roles, actor.grade, facts)
        return tuple(a for a in found
                     if a is not A.ENFORCE_TWO_DAY_RULE and self._service_refusal(s, actor, ctx, a, units) is None)

    def _check_case_owner(self, s: Session, c: Case, owner: User) -> None:
        """Whether ``owner`` may own the case: a unit member, whom the domain lets do the case owner's part."""
        if not is_member(s, owner.id, c.letter.unit_code):
            raise ValidationError(f"case_owner: {owner.full_name} is not a member of {c.letter.unit_code}")
        check_case_owner(owner.roles.split(","), c.facts, owner.full_name)
        if not may_see_letter(owner.username, restricted=c.letter.restricted, named_handlers=c.handlers,
                              staff_member=c.letter.staff_member or None):
            raise ValidationError(f"case_owner: {owner.full_name} is not a named handler of this restricted "
                                  "letter [CORR 2.5]")

    # ------------------------------------------------------------- changing

    def _change(self, actor: UserRecord, letter_id: int, change: Callable[[Session, Case], T],
                expected_version: int | None = None) -> T:
        """Run ``change`` on the locked letter in one transaction; it returns what the caller gets."""
        with self._uow() as s:
            s.info[_STEADY] = {}
            return change(s, self._opened(s, actor, self._lock(s, letter_id), expected_version))

    def _opened(self, s: Session, actor: UserRecord, letter: Letter, expected_version: int | None) -> Case:
        """The (locked) letter's case, if ``actor`` may see it and it is still the version they saw."""
        ctx = self._context(s, letter)
        self._require_visible(actor, ctx)
        if expected_version is not None and ctx.letter.version != expected_version:
            # Who changed what since, in the message itself: every screen that shows it says so.
            raise conflicts.stale_record(s, ENTITY, ctx.letter.id, ctx.letter.cts_reference, expected_version)
        return ctx

    def _move(self, s: Session, actor: UserRecord | None, ctx: Case, action: LetterAction,
              target: LetterState, changes: dict[str, Any] | None = None) -> None:
        before = ctx.letter.state
        ctx.letter.state = target.value
        moved = {"state": [before, target.value]} if before != target.value else {}
        self._audit(s, actor, ctx.letter, action.label, {**moved, **(changes or {})})

    def _audit(self, s: Session, actor: UserRecord | None, letter: Letter, action: str,
               changes: dict[str, Any] | None = None) -> None:
        audit.record(s, actor, self._now(), ENTITY, letter.id, action, changes)

    def _add_document(self, s: Session, actor: UserRecord | None, letter: Letter, kind: DocumentKind,
                      filename: str, mime: str, data: bytes) -> LetterDocument:
        doc = LetterDocument(letter_id=letter.id, kind=kind.value, filename=filename[:200], mime=mime,
                             size=len(data), data=data, created_at=self._now(),
                             created_by_id=actor.id if actor else None)
        s.add(doc)
        s.flush()
        return doc

    # -------------------------------------------------------------- records

    def _record(self, s: Session, actor: UserRecord, letter: Letter) -> LetterRecord:
        s.flush()
        s.refresh(letter)
        ctx = self._context(s, letter)
        return self._record_of(s, actor, ctx, self._units_of(s, actor))

    def _record_of(self, s: Session, actor: UserRecord, ctx: Case, units: set[str]) -> LetterRecord:
        s.flush()  # nothing changes while it is built: its reads may be answered once (_BUILDING)
        s.info[_BUILDING] = {}
        try:
            return self._build_record(s, actor, ctx, units)
        finally:
            del s.info[_BUILDING]

    def _build_record(self, s: Session, actor: UserRecord, ctx: Case, units: set[str]) -> LetterRecord:
        e = ctx.letter
        deadlines = self._deadlines(ctx)
        stage = stage_deadline(ctx.state, deadlines)
        today = ctx.now.astimezone(LONDON).date()
        status = (deadline_status(stage, today, ctx.calendar, done=ctx.state in TERMINAL_STATES)
                  if stage is not None else None)
        prompts = (tuple(lateness_prompts(e.received_at, ctx.now, e.kind, ctx.calendar))
                   if ctx.state not in TERMINAL_STATES else ())
        # The bytes stay in the database: the case view lists documents, it does not open them.
        docs = s.scalars(select(LetterDocument).options(defer(LetterDocument.data))
                         .where(LetterDocument.letter_id == e.id).order_by(LetterDocument.id))
        names = _full_names(s, {r.by_id for r in ctx.rejections} | {e.registered_by_id})
        group = self._group(s, actor, e)
        plan = group.plan if group else None
        role = group.role_of(e.cts_reference) if group else ReplyRole.SUBSTANTIVE
        manager = s.get(User, e.line_manager_id) if e.line_manager_id is not None else None
        warnings = (self._warnings(ctx, deadlines, today) + ((group.problem,) if group and group.problem else ())
                    + (self._case_warnings(s, actor, ctx) if ctx.state not in TERMINAL_STATES else ()))
        return LetterRecord(
            id=e.id, reference=e.cts_reference, kind=LetterKind(e.kind), state=ctx.state,
            received_at=e.received_at, registered_at=e.registered_at, registered_by=names.get(e.registered_by_id, ""),
            member=member_record(e.member), member_letter_date=e.member_letter_date,
            member_reference=e.member_reference, constituent_name=e.constituent_name, subject_name=e.subject_name,
            ho_reference=e.ho_reference, issue=e.issue, question=e.question, urgent=e.urgent, ophso=e.ophso,
            ophso_deadline=e.ophso_deadline, foi=e.foi, welsh_requested=e.welsh_requested, restricted=e.restricted,
            named_handlers=tuple(ctx.handlers), staff_member=e.staff_member,
            signatory=(Signatory(SignatoryKind(e.signatory_kind), e.signatory_who, e.signatory_reason)
                       if e.signatory_kind else None),
            unit_code=e.unit_code, allocated_at=e.allocated_at, enforced=e.enforced,
            enforced_how=EnforcedHow(e.enforced_how) if e.enforced_how else None, accepted_at=e.accepted_at,
            barrier_to_removal=e.barrier_to_removal, no_barrier_reason=e.no_barrier_reason,
            case_owner=e.case_owner.username if e.case_owner else None,
            case_owner_name=e.case_owner.full_name if e.case_owner else "",
            reallocation_reason=e.reallocation_reason, draft=e.draft_text, drafter_grade=e.drafter_grade,
            background_note=_note(e), submitted_to_qa_at=e.submitted_to_qa_at,
            qa_submitted_late=e.qa_submitted_late, returns_count=e.returns_count,
            last_return_note=e.last_return_note, reached_signatory_at=e.reached_signatory_at,
            signed_by=e.signed_by, signed_at=e.signed_at, reply_channel=e.reply_channel,
            mp_agreement=e.mp_agreement, resolution_note=e.resolution_note, dispatched_at=e.dispatched_at,
            cancel_ground=e.cancel_ground, cancel_reason=e.cancel_reason, cancelled_at=e.cancelled_at,
            rejections=tuple(_rejection(r, names) for r in ctx.rejections),
            documents=tuple(document_record(d, e.cts_reference) for d in docs),
            deadlines=deadlines, stage_deadline=stage, status=status, prompts=prompts,
            warnings=warnings, allowed_actions=self._allowed(s, actor, ctx, units), version=e.version,
            constituency_mp=e.constituency_mp, different_points=e.different_points,
            linked_letters=tuple(_linked(row, fact, group) for row, fact in zip(group.letters, group.facts)
                                 if row.id != e.id) if group else (),
            reply_plan=plan.plan if plan else None, reply_role=role,
            copy_of=plan.lead if plan and role is ReplyRole.COPY else None,
            may_link=actor.active and may_link(actor.roles, ctx.state),
            line_manager=manager.username if manager else None,
            line_manager_name=manager.full_name if manager else "",
            line_manager_flagged_at=e.line_manager_flagged_at,
            reply_templates=self._reply_templates(s, actor, ctx) if ctx.state not in TERMINAL_STATES else (),
        )

    def _summary(self, s: Session, ctx: Case, section: str, names: dict[int, str],
                 book: DeadlineBook | None = None) -> LetterSummary:
        """One line of a list; ``book`` shares the date arithmetic between the lines of one list."""
        e = ctx.letter
        book = book or DeadlineBook(ctx.now)
        deadlines = self._deadlines(ctx, book)
        stage = stage_deadline(ctx.state, deadlines)
        status = (book.status(stage, ctx.calendar, done=ctx.state in TERMINAL_STATES)
                  if stage is not None else None)
        return LetterSummary(
            id=e.id, reference=e.cts_reference, kind=LetterKind(e.kind), state=ctx.state, section=section,
            received_at=e.received_at, member_name=e.member.name, subject_name=e.subject_name,
            unit_code=e.unit_code, case_owner_name=e.case_owner.full_name if e.case_owner else "",
            urgent=e.urgent, ophso=e.ophso, enforced=e.enforced, restricted=e.restricted,
            returns_count=e.returns_count, stage_deadline=stage, reply_deadline=deadlines["reply"],
            status=status, decision_deadline=deadlines.get("decision"),
            rejections=tuple(_rejection(r, names) for r in ctx.rejections),
            priority=self._priority(ctx, book), version=e.version,
        )

    def _deadlines(self, ctx: Case, book: DeadlineBook | None = None) -> dict[str, date]:
        e = ctx.letter
        deadlines = (book or DeadlineBook(ctx.now)).deadlines(
            e.received_at, e.kind, ctx.calendar, ophso=e.ophso,
            # The two-day clock only means something while the unit is deciding.
            allocated_at=e.allocated_at if ctx.state is S.ALLOCATED else None,
            reached_signatory_at=e.reached_signatory_at)
        if e.ophso_deadline is not None:
            # Fixed when registered [ASY]; no other deadline may fall after it.
            deadlines = {key: min(day, e.ophso_deadline) for key, day in deadlines.items()}
            deadlines["ophso"] = e.ophso_deadline
        return deadlines

    def _priority(self, ctx: Case, book: DeadlineBook | None = None) -> int:
        e = ctx.letter
        elapsed = (book or DeadlineBook(ctx.now)).working_days_elapsed(e.received_at, ctx.calendar)
        return priority(e.urgent, e.kind, elapsed)

    def _case_warnings(self, s: Session, actor: UserRecord, ctx: Case) -> tuple[str, ...]:
        """What the special cases ask of the people on the letter (``letters.special`` says)."""
        return ()

    def _reply_templates(self, s: Session, actor: UserRecord, ctx: Case) -> tuple[str, ...]:
        """The templates the reply may use now (``letters.special`` says)."""
        return ()

    def _warnings(self, ctx: Case, deadlines: Mapping[str, date], today: date) -> tuple[str, ...]:
        """Warn before the QA deadline (the case owner still drafting); submitting after it is flagged."""
        if ctx.state not in (S.ACCEPTED, S.DRAFTING, S.REALLOCATION_REQUESTED):
            return ()
        due = deadlines["submit_to_qa"]
        status = deadline_status(due, today, ctx.calendar)
        if status is QueueStatus.OVERDUE:
            return (f"The QA deadline was {due:%A %d %B %Y}: submit to QA now; the submission will be flagged "
                    "as late [ASY].",)
        if status is QueueStatus.DUE_SOON:
            return (f"Submit to QA by {due:%A %d %B %Y}: no fewer than 4 working days before the unit "
                    f"deadline ({deadlines['unit']:%d %B}) [ASY].",)
        return ()


# -- helpers ------------------------------------------------------------------------


def _replace_facts(facts: LetterFacts, **changes: Any) -> LetterFacts:
    return replace(facts, **changes)


def _note(e: Letter) -> BackgroundNote:
    return BackgroundNote(background=e.background, drafting_officer_name=e.drafting_officer_name,
                          drafting_officer_location=e.drafting_officer_location,
                          drafting_officer_phone=format_phone(e.drafting_officer_phone),
                          reply_still_wanted=e.reply_still_wanted)


def group_letter(e: Letter, handlers: Iterable[str]) -> GroupLetter:
    """What the group rules need to know about one letter."""
    return GroupLetter(reference=e.cts_reference, member_id=e.member_id,
                       member_name=member_record(e.member).display_name, state=LetterState(e.state),
                       constituency_mp=e.constituency_mp, different_points=e.different_points,
                       written_on=e.member_letter_date, restricted=e.restricted,
                       named_handlers=frozenset(handlers) if e.restricted else frozenset())


def _linked(e: Letter, fact: GroupLetter, group: GroupView) -> LinkedLetter:
    reply = None if fact.state is S.CANCELLED else group.role_of(fact.reference)
    return LinkedLetter(id=e.id, reference=e.cts_reference, member_name=fact.member_name, state=fact.state,
                        constituency_mp=e.constituency_mp, different_points=e.different_points, reply=reply)


def _id_in(s: Session, column: Any, ids: list[int]) -> Any:
    """``column IN ids``, as one array on PostgreSQL (``repo.one_of_ids``): a workstack's 400 letters."""
    return repo.one_of_ids(column, s.get_bind().dialect.name, "letter_ids", ids)


def _full_names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(s.execute(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def _rejection(r: LetterRejection, names: Mapping[int, str]) -> RejectionRecord:
    return RejectionRecord(unit_code=r.unit_code, reason=r.reason, suggested_unit=r.suggested_unit_code, at=r.at,
                           by=names.get(r.by_id, ""))


def document_record(d: LetterDocument, reference: str, *, with_data: bool = False) -> LetterDocumentRecord:
    return LetterDocumentRecord(id=d.id, letter_id=d.letter_id, reference=reference, kind=DocumentKind(d.kind),
                                filename=d.filename, mime=d.mime, size=d.size, created_at=d.created_at,
                                purged_at=d.purged_at, data=d.data if with_data else None)


MAX_PDF_BYTES = 20 * 1024 * 1024


def check_pdf(data: bytes | None, filename: str, *, field: str) -> str:
    """Check an attached PDF; returns its cleaned file name ('' when none was given)."""
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValidationError(f"{field}: attach the PDF")
    if not bytes(data[:1024]).lstrip().startswith(b"%PDF-"):
        raise ValidationError(f"{field}: the file is not a PDF")
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(f"{field}: the PDF is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB")
    name = clean_text(filename, field="File name", max_length=200)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]  # a name, never a path
    if name and not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name
