"""Inbox cover during an absence [ASY] (issue 15): a delegate sees and acts on an absent colleague's workstack.

Set by the absent person themselves, or by a workflow manager or team leader
of their unit, for a span of days; the delegate must share a unit with them
and be able to do the case owner's part.  While the cover runs, the
delegate's case-owner workstack lists the absent person's cases and the
case owner's actions are open to them (``LetterUseCases._acting_for``);
the audit trail names the delegate for everything they do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ...db.models import User, WorkstackCover
from ...domain.errors import PermissionDenied, ValidationError
from ...domain.records import Role, UserRecord
from ...domain.values import as_date, is_row_id
from .. import audit
from .base import LetterUseCases
from .units import units_of

# *Decision*: cover is for an absence, not a transfer of work; longer needs reallocation.
LONGEST_COVER_DAYS = 92


@dataclass(frozen=True)
class CoverRecord:
    id: int
    absent: str
    delegate: str
    starts_on: date
    ends_on: date


class WorkstackCovers(LetterUseCases):

    def set_cover(self, actor: UserRecord, *, absent_user_id: int, delegate_user_id: int, starts_on: date,
                  ends_on: date) -> CoverRecord:
        starts, ends = as_date(starts_on, field="starts_on"), as_date(ends_on, field="ends_on")
        if starts is None or ends is None or ends < starts:
            raise ValidationError("give the first and last day of the absence, the last not before the first")
        if ends < self._today():
            raise ValidationError("ends_on: the absence is over")
        if (ends - starts).days > LONGEST_COVER_DAYS:
            raise ValidationError(f"cover is for an absence of up to {LONGEST_COVER_DAYS} days: reallocate the "
                                  "cases instead")
        with self._uow() as s:
            absent = s.get(User, absent_user_id) if is_row_id(absent_user_id) else None
            delegate = s.get(User, delegate_user_id) if is_row_id(delegate_user_id) else None
            if absent is None or delegate is None or not delegate.active:
                raise ValidationError("choose the absent person and an active delegate")
            if absent.id == delegate.id:
                raise ValidationError("the delegate must be someone else")
            shared = units_of(s, absent.id) & units_of(s, delegate.id)
            if not shared:
                raise ValidationError(f"{delegate.full_name} is not in a drafting unit with {absent.full_name}")
            managers = units_of(s, actor.id) & shared
            if actor.id != absent.id and not (managers and actor.has(Role.WORKFLOW_MANAGER, Role.UNIT_TEAM_LEADER)):
                raise PermissionDenied("cover is set by the absent person, or by a workflow manager or team leader "
                                       "of their unit")
            roles = set(delegate.roles.split(","))
            if not roles & {Role.CASE_OWNER.value, Role.SENIOR_CASEWORKER.value}:
                raise ValidationError(f"{delegate.full_name} cannot do a case owner's work")
            row = WorkstackCover(absent_user_id=absent.id, delegate_user_id=delegate.id, starts_on=starts,
                                 ends_on=ends, created_at=self._now(), created_by_id=actor.id)
            s.add(row)
            s.flush()
            audit.record(s, actor, self._now(), "user", absent.id, "workstack cover set",
                         {"delegate": delegate.username, "starts_on": starts, "ends_on": ends})
            return CoverRecord(row.id, absent.username, delegate.username, starts, ends)

    def covers_for(self, actor: UserRecord) -> list[CoverRecord]:
        """Whose workstacks ``actor`` covers today."""
        with self._uow.read() as s:
            today = self._today()
            rows = s.scalars(select(WorkstackCover).where(WorkstackCover.delegate_user_id == actor.id,
                                                          WorkstackCover.starts_on <= today,
                                                          WorkstackCover.ends_on >= today))
            out = []
            for r in rows:
                absent = s.get(User, r.absent_user_id)
                out.append(CoverRecord(r.id, absent.username, actor.username, r.starts_on, r.ends_on))
            return out
