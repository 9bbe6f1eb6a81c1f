"""Members (MPs, Peers, MEPs, MDLs) and their offices' passcodes: type-ahead, add, change passcode."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..db.mappers import member_record
from ..db.models import Member, Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.phones import normalise_phone
from ..domain.records import MemberRecord, UserRecord
from ..domain.text import clean_text, fold
from . import audit
from .security import MIN_PASSCODE_LENGTH, hash_secret

MEMBER_KINDS = ("MP", "Peer", "MEP", "MDL", "PPC")
ENTITY = "member"


class MemberService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def search(self, text: str, limit: int = 20) -> list[MemberRecord]:
        """Type-ahead: members whose name or constituency contains every word typed."""
        words = fold(text).split()
        stmt = select(Member).where(Member.active.is_(True))
        for word in words:
            pattern = f"%{word.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(or_(Member.name_folded.like(pattern), Member.constituency.ilike(pattern)))
        with self._uow.read() as s:
            return [member_record(m) for m in s.scalars(stmt.order_by(Member.name_folded).limit(limit))]

    def get(self, member_id: int) -> MemberRecord:
        with self._uow.read() as s:
            m = s.get(Member, member_id)
            if m is None:
                raise NotFound(f"no member {member_id}")
            return member_record(m)

    def add(self, actor: UserRecord, *, name: str, kind: str = "MP", constituency: str = "", region_code: str,
            privy_counsellor: bool = False, office_phone: str = "", office_fax: str = "",
            office_email: str = "", passcode: str | None = None, demo: bool = False) -> MemberRecord:
        perm.require(actor, Action.MANAGE_MEMBERS)
        name = clean_text(name, field="Name", max_length=120)
        if not name:
            raise ValidationError("give the member's name")
        if kind not in MEMBER_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(MEMBER_KINDS)}")
        email = clean_text(office_email, field="Office email", max_length=254)
        if email and "@" not in email:
            raise ValidationError(f"'{email}' is not an email address")
        with self._uow() as s:
            if s.get(Region, region_code) is None:
                raise ValidationError(f"unknown region {region_code}")
            member = Member(name=name, name_folded=fold(name), kind=kind,
                            constituency=clean_text(constituency, field="Constituency", max_length=120),
                            region_code=region_code, privy_counsellor=privy_counsellor,
                            office_phone=normalise_phone(office_phone, field="Office telephone"),
                            office_fax=normalise_phone(office_fax, field="Office fax"),
                            office_email=email, active=True)
            if passcode is not None:
                member.passcode_hash = _passcode_hash(passcode, demo)
                member.passcode_changed_at = self._clock.now()
            s.add(member)
            s.flush()
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "member added",
                         {"name": name, "kind": kind, "region_code": region_code})
            return member_record(member)

    def set_passcode(self, actor: UserRecord, member_id: int, passcode: str) -> None:
        perm.require(actor, Action.MANAGE_MEMBERS)
        with self._uow() as s:
            member = s.get(Member, member_id)
            if member is None:
                raise NotFound(f"no member {member_id}")
            member.passcode_hash = _passcode_hash(passcode, False)
            member.passcode_changed_at = self._clock.now()
            # The audit says that it changed, never what it is.
            audit.record(s, actor, self._clock.now(), ENTITY, member.id, "passcode changed")


def _passcode_hash(passcode: str, demo: bool) -> str:
    value = (passcode or "").strip()
    if len(value) < MIN_PASSCODE_LENGTH:
        raise ValidationError(f"a passcode needs at least {MIN_PASSCODE_LENGTH} characters")
    return hash_secret(value, demo=demo)
