"""Members (MPs, Peers, MEPs, MDLs) and their offices' passcodes: type-ahead, add, edit, deactivate, passcode.

Every value is checked before the transaction starts, so a refusal names the
field and changes nothing: names are clean one-line text no spreadsheet takes
for a formula, numbers real non-premium telephone numbers, the region one of
the six, the passcode 4 to 64 plain characters (it is read out on the phone).
"""
from __future__ import annotations

from sqlalchemy import or_, select

from ..db import pg_secrets
from ..db.mappers import member_record
from ..db.models import Member, Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.phones import normalise_phone
from ..domain.records import MemberRecord, UserRecord
from ..domain.text import clean_email, clean_name, clean_text, fold
from ..domain.values import as_flag, as_limit, is_row_id
from . import audit
from .enquiry_base import region_code_of
from .security import MIN_PASSCODE_LENGTH, hash_passcode

MEMBER_KINDS = ("MP", "Peer", "MEP", "MDL", "PPC")
ENTITY = "member"
MAX_PASSCODE_LENGTH = 64


class MemberService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def search(self, text: str, limit: int = 20) -> list[MemberRecord]:
        """Type-ahead: members whose name or constituency contains every word typed (taken literally)."""
        words = fold(clean_text(text, field="Search text", max_length=200)).split()
        limit = as_limit(limit, field="Number of results", maximum=200)
        stmt = _matching(select(Member).where(Member.active.is_(True)), words)
        with self._uow.read() as s:
            return [member_record(m) for m in s.scalars(stmt.order_by(Member.name_folded).limit(limit))]

    def get(self, member_id: int) -> MemberRecord:
        if not is_row_id(member_id):
            raise NotFound(f"no member {member_id!r}")
        with self._uow.read() as s:
            m = s.get(Member, member_id)
            if m is None:
                raise NotFound(f"no member {member_id}")
            return member_record(m)

    def add(self, actor: UserRecord, *, name: str, kind: str = "MP", constituency: str = "", region_code: str,
            privy_counsellor: bool = False, office_phone: str = "", office_fax: str = "",
            office_email: str = "", passcode: str | None = None, demo: bool = False) -> MemberRecord:
        perm.require(actor, Action.MANAGE_MEMBERS)
        name = clean_name(name, field="Name", max_length=120)
        if not name:
            raise ValidationError("give the member's name")
        if kind not in MEMBER_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(MEMBER_KINDS)}")
        email = clean_email(office_email, field="Office email")
        region_code = region_code_of(region_code)
        values = dict(constituency=clean_name(constituency, field="Constituency", max_length=120),
                      privy_counsellor=as_flag(privy_counsellor, field="Privy Counsellor"),
                      office_phone=normalise_phone(office_phone, field="Office telephone"),
                      office_fax=normalise_phone(office_fax, field="Office fax"))
        # Hashed before the transaction: argon2 takes a moment.
        passcode_hash = _passcode_hash(passcode, demo) if passcode is not None else None
        with self._uow() as s:
            if s.get(Region, region_code) is None:
                raise ValidationError(f"unknown region {region_code}")
            member = Member(name=name, name_folded=fold(name), kind=kind, region_code=region_code,
                            office_email=email, active=True, **values)
            if passcode_hash is not None:
                member.passcode_hash = passcode_hash
                member.passcode_changed_at = self._clock.now()
            s.add(member)
            s.flush()
            if passcode is not None:
                pg_secrets.store_verifier(s, member.id, _cleaned(passcode), demo=demo)
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "member added",
                         {"name": name, "kind": kind, "region_code": region_code})
            return member_record(member)

    def update(self, actor: UserRecord, member_id: int, **changes: object) -> MemberRecord:
        """Change any of a Member's details (name, kind, constituency, region_code, privy_counsellor,
        office_phone, office_fax, office_email, party); the audit lists each field old -> new."""
        perm.require(actor, Action.MANAGE_MEMBERS)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ValidationError(f"cannot change {', '.join(sorted(unknown))} of a member")
        values = {f: EDITABLE[f](v) for f, v in changes.items()}
        if "name" in values and not values["name"]:
            raise ValidationError("give the member's name")
        with self._uow() as s:
            member = _locked_member(s, member_id)
            if "region_code" in values and s.get(Region, values["region_code"]) is None:
                raise ValidationError(f"unknown region {values['region_code']}")
            diff = apply_member_values(member, values)
            if diff:
                audit.record(s, actor, self._clock.now(), ENTITY, member.id, "member changed", diff)
            return member_record(member)

    def set_active(self, actor: UserRecord, member_id: int, active: bool) -> MemberRecord:
        """Deactivate a Member who left the House (or bring one back): their records keep naming them,
        but the desk no longer offers them to call agents or MPCS."""
        perm.require(actor, Action.MANAGE_MEMBERS)
        active = as_flag(active, field="Active")
        with self._uow() as s:
            member = _locked_member(s, member_id)
            if bool(member.active) == active:
                raise ValidationError(f"{member.name} is already {'active' if active else 'inactive'}")
            member.active = active
            audit.record(s, actor, self._clock.now(), ENTITY, member.id,
                         "member reactivated" if active else "member deactivated", {"active": [not active, active]})
            return member_record(member)

    def list_all(self, actor: UserRecord, text: str = "", *, include_inactive: bool = True,
                 limit: int = 200) -> list[MemberRecord]:
        """Administration's list: active and (by default) inactive Members matching ``text``."""
        perm.require(actor, Action.MANAGE_MEMBERS)
        words = fold(clean_text(text, field="Search text", max_length=200)).split()
        limit = as_limit(limit, field="Number of results", maximum=2000)
        stmt = _matching(select(Member) if include_inactive else select(Member).where(Member.active.is_(True)),
                         words)
        with self._uow.read() as s:
            return [member_record(m) for m in s.scalars(
                stmt.order_by(Member.active.desc(), Member.name_folded).limit(limit))]

    def set_passcode(self, actor: UserRecord, member_id: int, passcode: str) -> None:
        perm.require(actor, Action.MANAGE_MEMBERS)
        passcode_hash = _passcode_hash(passcode, False)
        if not is_row_id(member_id):
            raise NotFound(f"no member {member_id!r}")
        with self._uow() as s:
            member = s.get(Member, member_id)
            if member is None:
                raise NotFound(f"no member {member_id}")
            member.passcode_hash = passcode_hash
            member.passcode_changed_at = self._clock.now()
            pg_secrets.store_verifier(s, member.id, _cleaned(passcode))
            # A new passcode ends a lock: the guesses were at the old one.
            was_locked = member.passcode_locked_at is not None
            member.passcode_locked_at, member.passcode_cleared_at = None, self._clock.now()
            # The audit says that it changed, never what it is.
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "passcode changed",
                         {"unlocked": True} if was_locked else None)

    def clear_passcode_lock(self, actor: UserRecord, member_id: int) -> MemberRecord:
        """The MPEL team leader or an administrator, having spoken to the office, lets its passcode be used
        again after repeated wrong passcodes locked it (domain.office_passcode); earlier failures no longer count."""
        perm.require(actor, Action.MANAGE_MEMBERS)
        if not is_row_id(member_id):
            raise NotFound(f"no member {member_id!r}")
        with self._uow() as s:
            member = s.scalar(select(Member).where(Member.id == member_id).with_for_update())
            if member is None:
                raise NotFound(f"no member {member_id}")
            if member.passcode_locked_at is None:
                raise ValidationError(f"the passcode of {member.name}'s office is not locked")
            member.passcode_locked_at, member.passcode_cleared_at = None, self._clock.now()
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "passcode lock cleared")
            return member_record(member)

    def locked_offices(self, actor: UserRecord) -> list[MemberRecord]:
        """Offices whose passcode is locked after repeated wrong passcodes: flagged for the team leader."""
        perm.require(actor, Action.MANAGE_MEMBERS)
        with self._uow.read() as s:
            return [member_record(m) for m in s.scalars(
                select(Member).where(Member.passcode_locked_at.is_not(None)).order_by(Member.name_folded))]


def _matching(stmt, words: list[str]):
    """Members whose name or constituency contains every word; '%' and '_' are letters, not wildcards."""
    for word in words:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Member.name_folded.like(pattern, escape="\\"),
                              Member.constituency.ilike(pattern, escape="\\")))
    return stmt


def _kind(value: object) -> str:
    if value not in MEMBER_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(MEMBER_KINDS)}")
    return str(value)


# How each editable field is checked, as ``add`` checks it.
EDITABLE = {
    "name": lambda v: clean_name(v, field="Name", max_length=120),
    "kind": _kind,
    "constituency": lambda v: clean_name(v, field="Constituency", max_length=120),
    "region_code": region_code_of,
    "privy_counsellor": lambda v: as_flag(v, field="Privy Counsellor"),
    "office_phone": lambda v: normalise_phone(v, field="Office telephone"),
    "office_fax": lambda v: normalise_phone(v, field="Office fax"),
    "office_email": lambda v: clean_email(v, field="Office email"),
    "party": lambda v: clean_name(v, field="Party", max_length=60),
}


def apply_member_values(member: Member, values: dict[str, object]) -> dict[str, list]:
    """Set checked values on ``member``; what changed as {field: [old, new]} for the audit."""
    diff: dict[str, list] = {}
    for f, new in values.items():
        old = getattr(member, f)
        if old != new:
            diff[f] = [old, new]
            setattr(member, f, new)
            if f == "name":
                member.name_folded = fold(str(new))
    return diff


def _locked_member(s, member_id: int) -> Member:
    if not is_row_id(member_id):
        raise NotFound(f"no member {member_id!r}")
    member = s.scalar(select(Member).where(Member.id == member_id).with_for_update())
    if member is None:
        raise NotFound(f"no member {member_id}")
    return member


def _cleaned(passcode: str) -> str:
    value = clean_text(passcode, field="Passcode", max_length=MAX_PASSCODE_LENGTH)
    if len(value) < MIN_PASSCODE_LENGTH:
        raise ValidationError(f"a passcode needs at least {MIN_PASSCODE_LENGTH} characters")
    return value


def _passcode_hash(passcode: str, demo: bool) -> str:
    return hash_passcode(_cleaned(passcode), demo=demo)
