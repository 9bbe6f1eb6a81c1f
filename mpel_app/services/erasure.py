"""Erasing a person from the records while the statistics stay (issue 17), and legal holds.

``erase`` takes one person's records (as chosen from ``people.find``: never two people's), checks the
refusal rules (``domain.data_rights.erasure_refusals``: a record still open, a legal hold, the minimum
retention), then in ONE transaction:

1. empties the records' personal columns and the rows hanging off them (``anonymise``);
2. replaces the person's values in the audit trail: every value the records' own rows carried, and the
   name and unshared references wherever else the trail holds them (searches typed by name);
3. sweeps the name and unshared references from free text elsewhere;
4. writes one audit row, "erased", with the records' references and counts: never the values.

What the league tables and the 30-second report count is untouched (dates, region, unit, channel,
status, calls), so the figures for any period are the same before and after.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import pg_subject_access as opening
from ..db import repositories as repo
from ..db.models import Enquiry, LegalHold, Letter, Setting
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.audit_actions import ERASED, PERSON
from ..domain.calendar import LONDON
from ..domain.clock import Clock
from ..domain.data_rights import (DEFAULT_MIN_ERASURE_DAYS, MIN_ERASURE_DAYS_KEY, Found, RecordState,
                                  enquiry_closed_at, erased_values, erasure_refusals, letter_closed_at)
from ..domain.errors import InvalidTransition, NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.records import UserRecord
from ..domain.text import clean_text, name_tokens
from . import anonymise, audit, people
from .desk_settings import save_setting

ERASED_ACTION = ERASED
HOLD_PLACED, HOLD_LIFTED = "legal hold placed", "legal hold lifted"
# PERSON: the audit trail's entity for rows about a person rather than one record (domain.audit_actions)


@dataclass(frozen=True)
class ErasureReport:
    references: tuple[str, ...]
    audit_rows: int
    swept: dict[str, int]


class ErasureRefused(InvalidTransition):
    def __init__(self, reasons: list[str]):
        super().__init__("Erasure refused: " + "; ".join(reasons))
        self.reasons = reasons


def active_holds(s: Session, entity: str, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(s.scalars(select(LegalHold.entity_id).where(LegalHold.entity == entity, LegalHold.entity_id.in_(ids),
                                                           LegalHold.lifted_at.is_(None))))


def minimum_days(s: Session) -> int:
    row = s.get(Setting, MIN_ERASURE_DAYS_KEY)
    try:
        return max(0, int(row.value)) if row and row.value else DEFAULT_MIN_ERASURE_DAYS
    except ValueError:
        return DEFAULT_MIN_ERASURE_DAYS


def record_states(s: Session, records: list[Found]) -> list[RecordState]:
    enquiry_ids = [r.id for r in records if r.entity == "enquiry"]
    letter_ids = [r.id for r in records if r.entity == "letter"]
    held = {("enquiry", i) for i in active_holds(s, "enquiry", enquiry_ids)}
    held |= {("letter", i) for i in active_holds(s, "letter", letter_ids)}
    states = [RecordState(e.reference, enquiry_closed_at(e.status, e.completed_at, e.received_at, e.deleted_at),
                          ("enquiry", e.id) in held)
              for e in s.scalars(select(Enquiry).where(Enquiry.id.in_(enquiry_ids)))]
    states += [RecordState(x.cts_reference, letter_closed_at(x.state, x.dispatched_at, x.cancelled_at,
                                                             x.received_at), ("letter", x.id) in held)
               for x in s.scalars(select(Letter).where(Letter.id.in_(letter_ids)))]
    return states


def _shared_references(s: Session, records: list[Found]) -> set[str]:
    """The person's Home Office references that someone else's record also carries (a family's)."""
    enquiry_ids = [r.id for r in records if r.entity == "enquiry"]
    letter_ids = [r.id for r in records if r.entity == "letter"]
    shared = set()
    for ref in {r.ho_reference for r in records if r.ho_reference}:
        # A relative's locked record is hidden from a person's login: opened (and audited), it counts.
        people.open_matches(s, opening.BY_HO, ref)
        others = s.scalar(select(func.count()).select_from(Enquiry).where(
            Enquiry.ho_reference == ref, Enquiry.id.not_in(enquiry_ids or [0])))
        others += s.scalar(select(func.count()).select_from(Letter).where(
            Letter.ho_reference == ref, Letter.id.not_in(letter_ids or [0])))
        if others:
            shared.add(ref)
    return shared


class ErasureService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    def refusals(self, actor: UserRecord, enquiry_ids: list[int], letter_ids: list[int]) -> list[str]:
        """Why erasing these records would be refused now (empty: it would go ahead); for the confirmation."""
        perm.require(actor, Action.ERASE_PERSON)
        # Not uow.read(): on the shared database re-reading the records opens them, and the opening's own
        # audit row must be committed (a read is rolled back).
        with self._uow() as s:
            records = people.chosen(s, enquiry_ids, letter_ids)
            return erasure_refusals(record_states(s, records), self._today(), minimum_days(s))

    def erase(self, actor: UserRecord, enquiry_ids: list[int], letter_ids: list[int]) -> ErasureReport:
        perm.require(actor, Action.ERASE_PERSON)
        now = self._clock.now()
        with self._uow() as s:
            repo.lock_key(s, "erasure")  # two officers erasing the same person take turns
            records = people.chosen(s, enquiry_ids, letter_ids)
            reasons = erasure_refusals(record_states(s, records), self._today(), minimum_days(s))
            if reasons:
                raise ErasureRefused(reasons)
            shared = _shared_references(s, records)
            values = erased_values([r if r.ho_reference not in shared else
                                    Found(r.entity, r.id, r.label, r.name, r.date_of_birth, "", r.cts_reference)
                                    for r in records])
            e_ids = [r.id for r in records if r.entity == "enquiry"]
            l_ids = [r.id for r in records if r.entity == "letter"]
            own_rows, own_values = anonymise.own_audit_values(s, "enquiry", e_ids)
            letter_rows, letter_values = anonymise.own_audit_values(s, "letter", l_ids)
            # The records' own rows lose every personal value, a shared reference too: it was his record.
            rows = anonymise.scrub_audit(s, own_rows + letter_rows, own_values | letter_values | set(values)
                                         | {r.ho_reference for r in records if r.ho_reference})
            # Rows elsewhere naming him (a search typed with his name and date of birth) lose both.
            births = {r.date_of_birth.isoformat() for r in records if r.date_of_birth}
            rows += anonymise.scrub_audit(s, anonymise.audit_rows_mentioning(s, values), set(values) | births)
            words = [w for r in records for w in name_tokens(r.name) if len(w) >= 4]
            rows += anonymise.scrub_audit(s, anonymise.audit_rows_mentioning(s, words, searches_only=True), words)
            anonymise.anonymise_enquiries(s, e_ids, now, "erasure")
            anonymise.anonymise_letters(s, l_ids, now, "erasure")
            swept = anonymise.sweep(s, values)
            anonymise.compact_name_index(s)
            references = tuple(sorted(r.label for r in records))
            audit.record(s, actor, now, PERSON, None, ERASED_ACTION, {
                "records": list(references), "audit_rows": rows, "swept": swept,
                "ground": "erasure request"})
            return ErasureReport(references, rows, swept)

    # ------------------------------------------------------------------ legal holds

    def place_hold(self, actor: UserRecord, entity: str, entity_id: int, reason: str) -> int:
        perm.require(actor, Action.LEGAL_HOLD)
        reason = clean_text(reason, field="Reason for the hold", max_length=500)
        if not reason:
            raise ValidationError("Say why the record is held")
        if entity not in ("enquiry", "letter"):
            raise ValidationError("A hold is placed on an enquiry or a letter")
        with self._uow() as s:
            model = Enquiry if entity == "enquiry" else Letter
            people.open_records(s, [entity_id] if model is Enquiry else [], [entity_id] if model is Letter else [])
            if s.get(model, entity_id) is None:
                raise NotFound(f"No {entity} {entity_id}")
            hold = LegalHold(entity=entity, entity_id=entity_id, reason=reason, placed_at=self._clock.now(),
                             placed_by_id=actor.id)
            s.add(hold)
            s.flush()
            audit.record(s, actor, self._clock.now(), entity, entity_id, HOLD_PLACED, {"hold": hold.id})
            return hold.id

    def lift_hold(self, actor: UserRecord, hold_id: int) -> None:
        perm.require(actor, Action.LEGAL_HOLD)
        with self._uow() as s:
            hold = s.get(LegalHold, hold_id)
            if hold is None or hold.lifted_at is not None:
                raise NotFound("No such hold in place")
            hold.lifted_at, hold.lifted_by_id = self._clock.now(), actor.id
            audit.record(s, actor, self._clock.now(), hold.entity, hold.entity_id, HOLD_LIFTED, {"hold": hold.id})

    def hold_person(self, actor: UserRecord, enquiry_ids: list[int], letter_ids: list[int], reason: str) -> int:
        """A hold on each of one person's records not already held; how many were placed."""
        perm.require(actor, Action.LEGAL_HOLD)
        with self._uow() as s:  # chosen() may open the records: see refusals
            records = people.chosen(s, enquiry_ids, letter_ids)
            held = {("enquiry", i) for i in active_holds(s, "enquiry", list(enquiry_ids))}
            held |= {("letter", i) for i in active_holds(s, "letter", list(letter_ids))}
        placed = [self.place_hold(actor, r.entity, r.id, reason) for r in records if (r.entity, r.id) not in held]
        return len(placed)

    def lift_person_holds(self, actor: UserRecord, enquiry_ids: list[int], letter_ids: list[int]) -> int:
        """Lift every hold in place on these records; how many were lifted."""
        perm.require(actor, Action.LEGAL_HOLD)
        with self._uow.read() as s:
            ids = list(s.scalars(select(LegalHold.id).where(LegalHold.lifted_at.is_(None), (
                (LegalHold.entity == "enquiry") & LegalHold.entity_id.in_(list(enquiry_ids)))
                | ((LegalHold.entity == "letter") & LegalHold.entity_id.in_(list(letter_ids))))))
        for hold_id in ids:
            self.lift_hold(actor, hold_id)
        return len(ids)

    def set_minimum_days(self, actor: UserRecord, days: int) -> None:
        perm.require(actor, Action.PURGE_RECORDS)
        if not 0 <= int(days) <= 3650:
            raise ValidationError("The minimum retention before an erasure is 0 to 3650 days")
        with self._uow() as s:
            save_setting(s, actor, self._clock.now(), MIN_ERASURE_DAYS_KEY, str(int(days)),
                         "minimum retention before erasure set", "days")
