"""The guidance at the call agent's hand: the contacts directory, the FAQ with model answers, the rules needed
mid-call (all kept by the MPEL team leader), and why a due date is what it is.

* Contacts [MPEL "Useful Contacts"]: numbers that **may** be given to MPs and
  their staff, and numbers that must **not**; searchable by name, team or
  number.
* Answers: frequently asked questions with the model answer, and rules
  ("what may I disclose", "no timescales on regional cases"), searchable.
* ``explain_due``: the regional due date of an enquiry, step by step, from
  the one rule (``domain.targets.explain_regional_due``) and the calendar's
  closures.

Everyone who takes calls reads; only the MPEL team leader (or an
administrator) changes the directory or the answers, and every change is
audited in the same transaction.  ``load_guidance`` fills empty tables from
``resources/guidance.json`` (the guidance as issued) once.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..db import repositories as repo
from ..db.models import Enquiry, GuidanceAnswer, GuidanceContact
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import REGION_NATION
from ..domain.clock import Clock
from ..domain.errors import NotFound, PermissionDenied, ValidationError
from ..domain.permissions import Action
from ..domain.phones import format_phone, normalise_phone
from ..domain.records import Role, UserRecord
from ..domain.targets import DueExplanation, explain_regional_due
from ..domain.text import clean_text, fold
from ..paths import resources_dir
from . import audit

MAINTAINERS = (Role.MPEL_TEAM_LEADER, Role.ADMINISTRATOR)  # who keeps the directory and the answers
KINDS = {"faq": "Frequently asked question", "rule": "Rule"}


@dataclass(frozen=True)
class ContactEntry:
    id: int
    name: str
    team: str
    phone: str  # formatted, or "" when the guidance gives none yet
    may_give_out: bool
    note: str


@dataclass(frozen=True)
class AnswerEntry:
    id: int
    kind: str
    question: str
    answer: str
    updated_at: datetime


def load_guidance(uow: UnitOfWork, clock: Clock) -> None:
    """Fill an empty directory and an empty answer list from the guidance as issued (never over edits)."""
    data = json.loads((resources_dir() / "guidance.json").read_text(encoding="utf-8"))
    with uow() as s:
        now = clock.now()
        if not s.scalar(select(func.count()).select_from(GuidanceContact)):
            s.add_all(GuidanceContact(name=c["name"], team=c["team"], phone=normalise_phone(c["phone"]) if c["phone"]
                                      else "", may_give_out=c["may_give_out"], note=c["note"], updated_at=now)
                      for c in data["contacts"])
        if not s.scalar(select(func.count()).select_from(GuidanceAnswer)):
            s.add_all(GuidanceAnswer(kind=a["kind"], question=a["question"], answer=a["answer"], updated_at=now)
                      for a in data["answers"])


def _matches(words: list[str], *fields: str) -> bool:
    haystack = fold(" ".join(fields))
    return all(w in haystack for w in words)


class GuidanceService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    # ------------------------------------------------------------------ reading

    def contacts(self, actor: UserRecord, text: str = "") -> list[ContactEntry]:
        """The directory, "do not give out" numbers first within each team; filtered by every word of ``text``."""
        perm.require(actor, Action.FIND_ENQUIRY)
        words = fold(clean_text(text, field="Search", max_length=200)).split()
        with self._uow.read() as s:
            rows = s.scalars(select(GuidanceContact).order_by(GuidanceContact.may_give_out, GuidanceContact.team,
                                                               GuidanceContact.name))
            found = [_contact(r) for r in rows]
        return [c for c in found if _matches(words, c.name, c.team, c.phone, c.note,
                                             "may give out" if c.may_give_out else "do not give out")]

    def answers(self, actor: UserRecord, text: str = "", kind: str | None = None) -> list[AnswerEntry]:
        perm.require(actor, Action.FIND_ENQUIRY)
        words = fold(clean_text(text, field="Search", max_length=200)).split()
        with self._uow.read() as s:
            query = select(GuidanceAnswer).order_by(GuidanceAnswer.kind.desc(), GuidanceAnswer.id)
            if kind is not None:
                query = query.where(GuidanceAnswer.kind == _kind(kind))
            found = [AnswerEntry(r.id, r.kind, r.question, r.answer, r.updated_at) for r in s.scalars(query)]
        return [a for a in found if _matches(words, a.question, a.answer, KINDS[a.kind])]

    def explain_due(self, actor: UserRecord, enquiry_id: int) -> tuple[str, DueExplanation] | None:
        """(reference, why) for an enquiry with a region; None before it is sent to one."""
        perm.require(actor, Action.FIND_ENQUIRY)
        with self._uow.read() as s:
            e = s.get(Enquiry, enquiry_id)
            if e is None or e.deleted_at is not None:
                raise NotFound(f"enquiry {enquiry_id} not found")
            if e.region_code is None or e.due_date is None:
                return None
            closures = repo.closures_for(s, REGION_NATION[e.region_code])
            return e.reference, explain_regional_due(e.received_at, e.region_code, e.file_needed, closures, channel=e.channel)

    # ----------------------------------------------------------- maintaining

    def save_contact(self, actor: UserRecord, contact_id: int | None, *, name: str, team: str, phone: str,
                     may_give_out: bool, note: str = "") -> ContactEntry:
        """Add (``contact_id`` None) or change a directory entry; the MPEL team leader's."""
        _require_maintainer(actor)
        name = clean_text(name, field="Name", max_length=200)
        if not name:
            raise ValidationError("give the contact's name")
        values = {"name": name, "team": clean_text(team, field="Team", max_length=120),
                  "phone": normalise_phone(phone, field="Number") if phone and phone.strip() else "",
                  "may_give_out": bool(may_give_out), "note": clean_text(note, field="Note", max_length=500)}
        with self._uow() as s:
            return _contact(self._upsert(s, actor, GuidanceContact, contact_id, values, "contact"))

    def delete_contact(self, actor: UserRecord, contact_id: int) -> None:
        _require_maintainer(actor)
        with self._uow() as s:
            row = _get(s, GuidanceContact, contact_id)
            audit.record(s, actor, self._clock.now(), "guidance_contact", row.id, "contact removed",
                         {"name": row.name, "phone": row.phone})
            s.delete(row)

    def save_answer(self, actor: UserRecord, answer_id: int | None, *, kind: str, question: str,
                    answer: str) -> AnswerEntry:
        """Add or change a question and its model answer (or a rule); the MPEL team leader's."""
        _require_maintainer(actor)
        values = {"kind": _kind(kind), "question": clean_text(question, field="Question", max_length=500),
                  "answer": clean_text(answer, field="Answer", max_length=4000, multiline=True)}
        if not values["question"] or not values["answer"]:
            raise ValidationError("give both the question and its model answer")
        with self._uow() as s:
            row = self._upsert(s, actor, GuidanceAnswer, answer_id, values, "answer")
            return AnswerEntry(row.id, row.kind, row.question, row.answer, row.updated_at)

    def _upsert(self, s, actor: UserRecord, model, row_id: int | None, values: dict, noun: str):
        """Add (``row_id`` None) or change one entry, audited in the same transaction: what changed, or all of it."""
        row = _get(s, model, row_id) if row_id is not None else model()
        before = {k: getattr(row, k) for k in values} if row_id is not None else {}
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at, row.updated_by_id = self._clock.now(), actor.id
        s.add(row)
        s.flush()
        audit.record(s, actor, self._clock.now(), model.__tablename__[:-1], row.id,
                     f"{noun} changed" if before else f"{noun} added", audit.diff(before, values) if before else values)
        return row


def _require_maintainer(actor: UserRecord) -> None:
    if not actor.has(*MAINTAINERS):
        raise PermissionDenied(f"{actor.full_name} may not change the guidance: the MPEL team leader keeps it")


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}")
    return kind


def _get(s, model, row_id):
    row = s.get(model, row_id) if isinstance(row_id, int) and not isinstance(row_id, bool) else None
    if row is None:
        raise NotFound(f"no such entry: {row_id!r}")
    return row


def _contact(r: GuidanceContact) -> ContactEntry:
    return ContactEntry(r.id, r.name, r.team, format_phone(r.phone) if r.phone else "", r.may_give_out, r.note)
