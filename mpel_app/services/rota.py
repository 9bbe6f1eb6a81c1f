"""The evening duty rota: team leaders keep it (by hand or from the old spreadsheet's CSV); the
urgent-call flow asks it who is on duty tonight.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import repositories as repo
from ..db.models import DutyRota, Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import LONDON, region_calendar
from ..domain.clock import Clock
from ..domain.errors import ValidationError
from ..domain.permissions import Action
from ..domain.phones import format_phone, normalise_phone
from ..domain.records import RotaRecord, UserRecord
from ..domain.rota import (COVER_LOOKAHEAD_DAYS, RotaEntry, RotaProblem, check_rota_day, parse_rota_csv,
                           rota_manager_name, uncovered_evenings)
from ..domain.values import as_date, as_limit
from . import audit
from .enquiry_base import region_code_of

ENTITY = "duty_rota"


@dataclass(frozen=True)
class RotaImport:
    imported: int
    problems: tuple[RotaProblem, ...]


def rota_for(s: Session, day: date) -> DutyRota | None:
    return s.get(DutyRota, day)


class RotaService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def set_entry(self, actor: UserRecord, day: date, region_code: str, manager_name: str, phone: str) -> RotaRecord:
        perm.require(actor, Action.MANAGE_ROTA)
        day = as_date(day, field="Evening")
        if day is None:
            raise ValidationError("give the evening's date")
        check_rota_day(day, self._today())
        code = region_code_of(region_code)
        name = rota_manager_name(manager_name)
        number = normalise_phone(phone, field="Duty telephone number")
        if not number:
            raise ValidationError("give the duty account manager's telephone number")
        with self._uow() as s:
            self._upsert(s, actor, RotaEntry(day, code, name, number))
        return self.entries(day, day)[0]

    def import_csv(self, actor: UserRecord, text: str) -> RotaImport:
        """All or nothing: a file with any bad row changes nothing and lists every problem."""
        perm.require(actor, Action.MANAGE_ROTA)
        entries, problems = parse_rota_csv(text, today=self._today())
        if problems:
            return RotaImport(0, tuple(problems))
        with self._uow() as s:
            for entry in entries:
                self._upsert(s, actor, entry)
        return RotaImport(len(entries), ())

    def entries(self, first: date, last: date) -> list[RotaRecord]:
        first, last = as_date(first, field="First evening"), as_date(last, field="Last evening")
        if first is None or last is None:
            raise ValidationError("give the first and the last evening")
        with self._uow.read() as s:
            rows = s.execute(select(DutyRota, Region.name).join(Region, Region.code == DutyRota.region_code)
                             .where(DutyRota.day >= first, DutyRota.day <= last).order_by(DutyRota.day)).all()
            return [RotaRecord(day=r.day, region_code=r.region_code, region_name=name, manager_name=r.manager_name,
                               phone=format_phone(r.phone)) for r, name in rows]

    def tonight(self) -> RotaRecord | None:
        today = self._today()
        found = self.entries(today, today)
        return found[0] if found else None

    def uncovered(self, days: int = COVER_LOOKAHEAD_DAYS) -> list[date]:
        """Working evenings in the next `days` days with nobody on duty."""
        days = as_limit(days, field="Days ahead", maximum=366)
        today = self._today()
        covered = {r.day for r in self.entries(today, today + timedelta(days=days))}
        return uncovered_evenings(covered, today, region_calendar("MPH"), days)

    def _today(self) -> date:
        return self._clock.now().astimezone(LONDON).date()

    def _upsert(self, s: Session, actor: UserRecord, entry: RotaEntry) -> None:
        if s.get(Region, entry.region_code) is None:
            raise ValidationError(f"unknown region {entry.region_code}")
        # Two desks setting the same evening take turns: the second updates the first's row.
        repo.lock_key(s, f"duty_rota: {entry.day.isoformat()}")
        row = s.get(DutyRota, entry.day)
        before = {} if row is None else {"region_code": row.region_code, "manager_name": row.manager_name,
                                         "phone": row.phone}
        if row is None:
            row = DutyRota(day=entry.day)
            s.add(row)
        row.region_code, row.manager_name, row.phone = entry.region_code, entry.manager_name, entry.phone
        row.updated_by_id, row.updated_at = actor.id, self._clock.now()
        changes = audit.diff(before, {"region_code": entry.region_code, "manager_name": entry.manager_name,
                                      "phone": entry.phone})
        if changes:
            s.flush()
            audit.record(s, actor, self._clock.now(), ENTITY, None, f"rota {entry.day.isoformat()} set", changes)
