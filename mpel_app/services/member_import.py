"""Import the list of Members from a CSV file, or (dry run) only report what it would change (issue 14).

The rules are ``domain.member_list``'s; this use case reads the Members held,
asks the domain for the plan and, unless it is a dry run or the file has
problems, applies it in one transaction with an audit entry for each Member
added, changed, deactivated or brought back, and one for the import itself.
All or nothing: a file with a problem changes nothing, so a half-imported
list never leaves the desk offering a mix of old and new Members.

Passcodes are never read nor written here: an office keeps its passcode, and a
new Member has none until the MPEL team leader sets one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..db import repositories as repo
from ..db.models import Member
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import ValidationError
from ..domain.member_list import FIELDS, HeldMember, parse_member_csv, plan_import
from ..domain.permissions import Action
from ..domain.records import UserRecord
from ..domain.text import clean_text, fold
from . import audit
from .members import ENTITY, apply_member_values

MAX_FILE_CHARS = 2_000_000


@dataclass(frozen=True)
class CsvImportReport:
    """What a CSV import did or would do (the Members list here, the Home Secretary's list too)."""

    plan: Any  # the domain's plan: member_list.ImportPlan, home_secretary_list.ListImportPlan
    dry_run: bool
    applied: bool  # False for a dry run and for a file with problems
    source: str = ""


MemberImportReport = CsvImportReport


class MemberImportService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def import_csv(self, actor: UserRecord, text: str, *, dry_run: bool = False,
                   source: str = "") -> MemberImportReport:
        perm.require(actor, Action.MANAGE_MEMBERS)
        if not isinstance(text, str):
            raise ValidationError("the Members file must be text (CSV)")
        if len(text) > MAX_FILE_CHARS:
            raise ValidationError(f"the file is larger than {MAX_FILE_CHARS // 1_000_000} MB: is it the Members list?")
        source = clean_text(source, field="File name", max_length=200)
        rows, problems = parse_member_csv(text)
        with self._uow() as s:
            # Two administrators importing at once take turns: each plan is made against what is held.
            repo.lock_key(s, "members: import")
            held = [_held(m) for m in s.scalars(select(Member).order_by(Member.id))]
            plan = plan_import(rows, held, problems)
            if dry_run or plan.problems:
                return MemberImportReport(plan=plan, dry_run=dry_run, applied=False, source=source)
            now = self._clock.now()
            members = {m.id: m for m in s.scalars(select(Member).where(
                Member.id.in_([c.member_id for c in plan.changes if c.member_id is not None])))}
            for change in plan.changes:
                if change.what == "added":
                    row = change.row
                    member = Member(name=row.name, name_folded=fold(row.name), active=True,
                                    **{f: getattr(row, f) for f in FIELDS if f != "name"})
                    s.add(member)
                    s.flush()
                    audit.record(s, actor, now, ENTITY, member.id, "member added",
                                 {"name": row.name, "kind": row.kind, "region_code": row.region_code,
                                  "import_line": row.line})
                    continue
                member = members[change.member_id]
                if change.what == "deactivated":
                    member.active = False
                    audit.record(s, actor, now, ENTITY, member.id, "member deactivated",
                                 {"active": [True, False], "reason": "not in the imported list of Members"})
                    continue
                diff = apply_member_values(member, {f: new for f, _old, new in change.fields})
                if change.what == "reactivated":
                    member.active = True
                    diff["active"] = [False, True]
                audit.record(s, actor, now, ENTITY, member.id, f"member {change.what}",
                             {**diff, "import_line": change.line})
            audit.record(s, actor, now, "member_list", None, "members imported",
                         {"file": source or None, **plan.summary})
            return MemberImportReport(plan=plan, dry_run=False, applied=True, source=source)


def _held(m: Member) -> HeldMember:
    return HeldMember(id=m.id, name=m.name, kind=m.kind, constituency=m.constituency or "",
                      region_code=m.region_code, privy_counsellor=bool(m.privy_counsellor),
                      office_phone=m.office_phone or "", office_fax=m.office_fax or "",
                      office_email=m.office_email or "", party=m.party or "", active=bool(m.active))
