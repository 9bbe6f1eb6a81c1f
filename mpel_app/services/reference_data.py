"""Reference data every database needs: the six regions, loaded from resources/ once."""
from __future__ import annotations

import json
from datetime import timedelta
from functools import cache

from sqlalchemy import select

from ..db import repositories as repo
from ..db.mappers import region_record
from ..db.models import ClosureDay, Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.calendar import LONDON, NATIONS
from ..domain.clock import Clock
from ..domain.errors import ValidationError
from ..domain.permissions import Action
from ..domain.phones import format_phone, normalise_phone
from ..domain.records import ContactRecord, RegionRecord, UserRecord
from ..domain.text import clean_text
from ..domain.values import as_date
from ..paths import resources_dir
from . import audit

CLOSURE_PAST = timedelta(days=366)
CLOSURE_FUTURE = timedelta(days=5 * 366)


def load_regions(uow: UnitOfWork) -> None:
    """Add any region missing from the database (never overwrites an administrator's edits)."""
    data = json.loads((resources_dir() / "regions.json").read_text(encoding="utf-8"))
    with uow() as s:
        have = set(s.scalars(select(Region.code)))
        for r in data:
            if r["code"] not in have:
                s.add(Region(code=r["code"], name=r["name"], inbox_name=r["inbox_name"],
                             inbox_address=r["inbox_address"], fax_number=normalise_phone(r["fax_number"]),
                             phone_number=normalise_phone(r["phone_number"]),
                             team_leader_email=r.get("team_leader_email", "")))


def read_regions(uow: UnitOfWork) -> list[RegionRecord]:
    """The six regions as held (an administrator may have changed them: services.regions)."""
    with uow.read() as s:
        return [region_record(r) for r in s.scalars(select(Region).order_by(Region.code))]


@cache
def contacts() -> dict[str, ContactRecord]:
    """The telephone directory shipped in resources/contacts.json, by key."""
    data = json.loads((resources_dir() / "contacts.json").read_text(encoding="utf-8"))
    return {c["key"]: ContactRecord(key=c["key"], name=c["name"], phone=format_phone(normalise_phone(c["phone"])),
                                    may_give_to_mps=bool(c["may_give_to_mps"]), note=c.get("note", ""))
            for c in data}


def contact(key: str) -> ContactRecord:
    return contacts()[key]


class ReferenceDataService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def regions(self) -> list[RegionRecord]:
        return read_regions(self._uow)

    def add_closure(self, actor: UserRecord, day, nation: str, reason: str) -> None:
        """A one-off closure day on top of the bank holidays ("ALL" closes every nation).

        Recorded afterwards too (the office shut for snow last week), but not
        more than a year back nor more than five years ahead: further is a slip.
        """
        perm.require(actor, Action.MANAGE_CLOSURES)
        day = as_date(day, field="Closure day")
        if day is None:
            raise ValidationError("give the day of the closure")
        today = self._clock.now().astimezone(LONDON).date()
        if not today - CLOSURE_PAST <= day <= today + CLOSURE_FUTURE:
            raise ValidationError(f"Closure day {day:%d %B %Y} is too far from today: give a day from "
                                  f"{today - CLOSURE_PAST:%d %B %Y} to {today + CLOSURE_FUTURE:%d %B %Y}")
        nation = nation.strip().upper() if isinstance(nation, str) else ""
        if nation not in (*NATIONS, "ALL"):
            raise ValidationError(f"nation must be one of {', '.join((*NATIONS, 'ALL'))}")
        reason = clean_text(reason, field="Reason", max_length=200)
        if not reason:
            raise ValidationError("give the reason for the closure")
        with self._uow() as s:
            repo.lock_key(s, f"closure_days: {day.isoformat()} {nation}")  # two desks at once take turns
            if s.scalar(select(ClosureDay.id).where(ClosureDay.day == day, ClosureDay.nation == nation)):
                raise ValidationError(f"{day:%d %B %Y} is already a closure day for {nation}")
            closure = ClosureDay(day=day, nation=nation, reason=reason)
            s.add(closure)
            s.flush()
            audit.record(s, actor, self._clock.now(), "closure_day", closure.id, "closure day added",
                         {"day": day, "nation": nation, "reason": reason})

    def closures(self) -> list[tuple]:
        with self._uow.read() as s:
            return [(c.day, c.nation, c.reason) for c in s.scalars(select(ClosureDay).order_by(ClosureDay.day))]
