"""CTS drafting units and who belongs to them: "their unit" for workstacks and unit-bound actions.

Creating units and changing their membership is for administrators; anyone
may list them (the MPCS allocator picks one when allocating).
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...db.mappers import user_record
from ...db.models import DraftingUnit, UnitMember, User
from ...db.uow import UnitOfWork
from ...domain import permissions as perm
from ...domain.calendar import NATIONS
from ...domain.clock import Clock
from ...domain.errors import NotFound, ValidationError
from ...domain.letter_records import DraftingUnitRecord
from ...domain.permissions import Action
from ...domain.records import UserRecord
from ...domain.text import clean_text
from ...domain.values import is_row_id
from .. import audit

ENTITY = "drafting_unit"
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def unit_code_of(value: str | None) -> str:
    """A unit code as stored: upper case, no spaces ("" for None)."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"a unit code must be text, not {type(value).__name__}")
    return "".join((value or "").split()).upper()


def _could_be_code(code: str) -> bool:
    """Whether a row could have this code: looking up one with a NUL in it fails on PostgreSQL."""
    return bool(code) and len(code) <= 16 and set(code) <= _CODE_CHARS


def units_of(s: Session, user_id: int) -> set[str]:
    return set(s.scalars(select(UnitMember.unit_code).where(UnitMember.user_id == user_id)))


def is_member(s: Session, user_id: int, unit_code: str | None) -> bool:
    return unit_code is not None and s.get(UnitMember, (unit_code, user_id)) is not None


def active_unit(s: Session, code: str | None, *, field: str = "unit") -> DraftingUnit:
    """The active drafting unit with this code, or ValidationError naming the field."""
    code = unit_code_of(code)
    unit = s.get(DraftingUnit, code) if _could_be_code(code) else None
    if unit is None:
        raise ValidationError(f"{field}: choose a CTS drafting unit from the list")
    if not unit.active:
        raise ValidationError(f"{field}: {unit.code} ({unit.name}) is no longer an active drafting unit")
    return unit


def unit_record(s: Session, unit: DraftingUnit) -> DraftingUnitRecord:
    members = tuple(s.scalars(select(User.username).join(UnitMember, UnitMember.user_id == User.id)
                              .where(UnitMember.unit_code == unit.code).order_by(User.username)))
    return DraftingUnitRecord(code=unit.code, name=unit.name, nation=unit.nation, head_email=unit.head_email,
                              active=unit.active, members=members)


class UnitService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def create_unit(self, actor: UserRecord, *, code: str, name: str, nation: str = "ENG",
                    head_email: str = "") -> DraftingUnitRecord:
        perm.require(actor, Action.MANAGE_UNITS)
        code = unit_code_of(code)
        if not code or len(code) > 16 or not set(code) <= _CODE_CHARS:
            raise ValidationError("a unit code has 1 to 16 letters, digits, '-' or '_'")
        name = clean_text(name, field="Unit name", max_length=120)
        if not name:
            raise ValidationError("give the unit's name")
        nation = _nation(nation)
        head_email = _email(head_email)
        with self._uow() as s:
            if s.get(DraftingUnit, code) is not None:
                raise ValidationError(f"there is already a drafting unit {code}")
            unit = DraftingUnit(code=code, name=name, nation=nation, head_email=head_email, active=True)
            s.add(unit)
            s.flush()
            audit.record(s, actor, self._clock.now(), ENTITY, None, "drafting unit created",
                         {"code": code, "name": name, "nation": nation, "head_email": head_email})
            return unit_record(s, unit)

    def update_unit(self, actor: UserRecord, code: str, *, name: str | None = None, nation: str | None = None,
                    head_email: str | None = None, active: bool | None = None) -> DraftingUnitRecord:
        perm.require(actor, Action.MANAGE_UNITS)
        with self._uow() as s:
            unit = self._unit(s, code)
            before = {"name": unit.name, "nation": unit.nation, "head_email": unit.head_email, "active": unit.active}
            if name is not None:
                unit.name = clean_text(name, field="Unit name", max_length=120) or unit.name
            if nation is not None:
                unit.nation = _nation(nation)
            if head_email is not None:
                unit.head_email = _email(head_email)
            if active is not None:
                unit.active = bool(active)
            after = {"name": unit.name, "nation": unit.nation, "head_email": unit.head_email, "active": unit.active}
            changes = audit.diff(before, after)
            if changes:
                audit.record(s, actor, self._clock.now(), ENTITY, None, "drafting unit changed",
                             {"code": unit.code, **changes})
            return unit_record(s, unit)

    def list_units(self, *, active_only: bool = False) -> list[DraftingUnitRecord]:
        with self._uow.read() as s:
            stmt = select(DraftingUnit).order_by(DraftingUnit.code)
            if active_only:
                stmt = stmt.where(DraftingUnit.active.is_(True))
            return [unit_record(s, u) for u in s.scalars(stmt)]

    def add_member(self, actor: UserRecord, unit_code: str, user_id: int) -> DraftingUnitRecord:
        perm.require(actor, Action.MANAGE_UNITS)
        with self._uow() as s:
            unit = self._unit(s, unit_code)
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"no user {user_id}")
            if s.get(UnitMember, (unit.code, user.id)) is None:
                s.add(UnitMember(unit_code=unit.code, user_id=user.id))
                s.flush()
                audit.record(s, actor, self._clock.now(), ENTITY, None, "unit member added",
                             {"code": unit.code, "username": user.username})
            return unit_record(s, unit)

    def remove_member(self, actor: UserRecord, unit_code: str, user_id: int) -> DraftingUnitRecord:
        perm.require(actor, Action.MANAGE_UNITS)
        with self._uow() as s:
            unit = self._unit(s, unit_code)
            gone = s.execute(delete(UnitMember).where(UnitMember.unit_code == unit.code,
                                                      UnitMember.user_id == user_id)).rowcount
            if gone:
                username = s.scalar(select(User.username).where(User.id == user_id))
                audit.record(s, actor, self._clock.now(), ENTITY, None, "unit member removed",
                             {"code": unit.code, "username": username})
            return unit_record(s, unit)

    def members(self, unit_code: str) -> list[UserRecord]:
        with self._uow.read() as s:
            unit = self._unit(s, unit_code)
            return [user_record(u) for u in s.scalars(
                select(User).join(UnitMember, UnitMember.user_id == User.id)
                .where(UnitMember.unit_code == unit.code).order_by(User.full_name))]

    def units_of(self, user_id: int) -> list[str]:
        if not is_row_id(user_id):
            raise NotFound(f"no user {user_id!r}")
        with self._uow.read() as s:
            return sorted(units_of(s, user_id))

    @staticmethod
    def _unit(s: Session, code: str) -> DraftingUnit:
        unit = s.get(DraftingUnit, unit_code_of(code)) if _could_be_code(unit_code_of(code)) else None
        if unit is None:
            raise NotFound(f"no drafting unit {unit_code_of(code)}")
        return unit


def _nation(value: str) -> str:
    nation = value.strip().upper() if isinstance(value, str) else ""
    if nation not in NATIONS:
        raise ValidationError(f"nation must be one of {', '.join(NATIONS)}")
    return nation


def _email(value: str) -> str:
    text = clean_text(value, field="Head of unit's e-mail", max_length=254)
    if text and ("@" not in text or " " in text):
        raise ValidationError(f"{text!r} is not an e-mail address")
    return text
