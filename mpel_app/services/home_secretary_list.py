"""The Home Secretary's list [CORR 1.8]: the Members whose letters to him he answers himself.

Published on the MPCS web page and kept here by an administrator (issue 14),
instead of being ticked letter by letter.  ``CorrespondenceService.register``
reads it (``on_list``) to give the signatory rule its fact.  After a reshuffle the
whole list is imported from a CSV file (``import_csv``: a dry-run report first,
then applied all or nothing, each Member added or taken off audited).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import repositories as repo

from ..db.mappers import member_record
from ..db.models import HomeSecretaryListEntry, Member
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import NotFound, ValidationError
from ..domain.home_secretary_list import ListedMember, plan_list_import
from ..domain.permissions import Action
from ..domain.records import MemberRecord, UserRecord
from ..domain.text import clean_text
from ..domain.values import is_row_id
from . import audit
from .member_import import CsvImportReport

ENTITY = "home_secretary_list"
MAX_FILE_CHARS = 200_000

ListImportReport = CsvImportReport


def on_list(session: Session, member_id: int) -> bool:
    """Whether the Member is on the Home Secretary's list, read in the caller's transaction."""
    return session.get(HomeSecretaryListEntry, member_id) is not None


class HomeSecretaryListService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def members(self) -> list[MemberRecord]:
        with self._uow.read() as s:
            return [member_record(m) for m in s.scalars(
                select(Member).join(HomeSecretaryListEntry, HomeSecretaryListEntry.member_id == Member.id)
                .order_by(Member.name_folded))]

    def member_ids(self) -> frozenset[int]:
        with self._uow.read() as s:
            return frozenset(s.scalars(select(HomeSecretaryListEntry.member_id)))

    def add(self, actor: UserRecord, member_id: int) -> MemberRecord:
        perm.require(actor, Action.MANAGE_HOME_SECRETARY_LIST)
        with self._uow() as s:
            member = _member(s, member_id)
            if not member.active:
                raise ValidationError(f"{member.name} is not an active Member")
            if s.get(HomeSecretaryListEntry, member.id) is not None:
                raise ValidationError(f"{member.name} is already on the Home Secretary's list")
            now = self._clock.now()
            s.add(HomeSecretaryListEntry(member_id=member.id, added_at=now, added_by_id=actor.id))
            audit.record(s, actor, now, ENTITY, member.id, "added to the Home Secretary's list",
                         {"member": member.name})
            return member_record(member)

    def remove(self, actor: UserRecord, member_id: int) -> MemberRecord:
        perm.require(actor, Action.MANAGE_HOME_SECRETARY_LIST)
        with self._uow() as s:
            member = _member(s, member_id)
            entry = s.get(HomeSecretaryListEntry, member.id)
            if entry is None:
                raise ValidationError(f"{member.name} is not on the Home Secretary's list")
            s.delete(entry)
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "removed from the Home Secretary's list",
                         {"member": member.name})
            return member_record(member)


    def import_csv(self, actor: UserRecord, text: str, *, dry_run: bool = False,
                   source: str = "") -> ListImportReport:
        """The list replaced by the file's (``domain.home_secretary_list``), or with ``dry_run`` only what it
        would change; a file with a problem changes nothing."""
        perm.require(actor, Action.MANAGE_HOME_SECRETARY_LIST)
        if not isinstance(text, str):
            raise ValidationError("the Home Secretary's list must be text (CSV)")
        if len(text) > MAX_FILE_CHARS:
            raise ValidationError("the file is larger than 200 KB: is it the Home Secretary's list?")
        source = clean_text(source, field="File name", max_length=200)
        with self._uow() as s:
            # Two administrators importing at once take turns: each plan is made against what is held.
            repo.lock_key(s, "home secretary's list: import")
            listed = set(s.scalars(select(HomeSecretaryListEntry.member_id)))
            plan = plan_list_import(text, [
                ListedMember(mid, name, seat or "", bool(active), mid in listed)
                for mid, name, seat, active in s.execute(
                    select(Member.id, Member.name, Member.constituency, Member.active).order_by(Member.id))])
            if dry_run or plan.problems:
                return ListImportReport(plan=plan, dry_run=dry_run, applied=False, source=source)
            now = self._clock.now()
            for change in plan.changes:
                if change.what == "added":
                    s.add(HomeSecretaryListEntry(member_id=change.member_id, added_at=now, added_by_id=actor.id))
                    audit.record(s, actor, now, ENTITY, change.member_id, "added to the Home Secretary's list",
                                 {"member": change.name, "import_line": change.line})
                else:
                    s.delete(s.get(HomeSecretaryListEntry, change.member_id))
                    audit.record(s, actor, now, ENTITY, change.member_id, "removed from the Home Secretary's list",
                                 {"member": change.name, "reason": "not in the imported list"})
            audit.record(s, actor, now, ENTITY, None, "Home Secretary's list imported",
                         {"file": source or None, **plan.summary})
            return ListImportReport(plan=plan, dry_run=False, applied=True, source=source)


def _member(s: Session, member_id: int) -> Member:
    member = s.get(Member, member_id) if is_row_id(member_id) else None
    if member is None:
        raise NotFound(f"no member {member_id!r}")
    return member
