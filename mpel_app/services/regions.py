"""The regions' contact details, kept by an administrator (issue 14): inbox, team leader, fax, telephone.

Seeded once from ``resources/regions.json`` (``reference_data.load_regions``,
which never overwrites an edit); changed here, checked by
``domain.region_contacts`` and audited field by field in the same transaction.
"""
from __future__ import annotations

from sqlalchemy import select

from ..db.mappers import region_record
from ..db.models import Region
from ..db.uow import UnitOfWork
from ..domain import permissions as perm
from ..domain.clock import Clock
from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import Action
from ..domain.phones import normalise_phone
from ..domain.records import RegionRecord, UserRecord
from ..domain.region_contacts import check_region_contacts
from . import audit
from .reference_data import read_regions

ENTITY = "region"


class RegionService:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow = uow
        self._clock = clock

    def regions(self) -> list[RegionRecord]:
        return read_regions(self._uow)

    def region(self, code: str) -> RegionRecord:
        with self._uow.read() as s:
            region = s.get(Region, code) if isinstance(code, str) else None
            if region is None:
                raise NotFound(f"no region {code!r}")
            return region_record(region)

    def problems(self) -> dict[str, str]:
        """Region code -> why a note to its inbox would not arrive, for every region with such a problem."""
        return {r.code: r.inbox_problem for r in self.regions() if r.inbox_problem}

    def update(self, actor: UserRecord, code: str, *, name: str, inbox_name: str, inbox_address: str,
               team_leader_email: str, fax_number: str, phone_number: str) -> RegionRecord:
        """Change a region's details; the audit lists each field old -> new.  The code never changes:
        users, Members, enquiries and the rota refer to it."""
        perm.require(actor, Action.MANAGE_REGIONS)
        values = check_region_contacts(name=name, inbox_name=inbox_name, inbox_address=inbox_address,
                                       team_leader_email=team_leader_email)
        values["fax_number"] = normalise_phone(fax_number, field="Fax number")
        values["phone_number"] = normalise_phone(phone_number, field="Telephone number")
        if not values["fax_number"]:
            raise ValidationError("give the region's fax number: faxes from MPs' offices are sent on to it")
        with self._uow() as s:
            region = s.scalar(select(Region).where(Region.code == code).with_for_update()) \
                if isinstance(code, str) else None
            if region is None:
                raise NotFound(f"no region {code!r}")
            diff = {f: [getattr(region, f), v] for f, v in values.items() if getattr(region, f) != v}
            if not diff:
                raise ValidationError(f"nothing changed for {region.name}")
            for f, (_old, new) in diff.items():
                setattr(region, f, new)
            # Keyed by the region's position in the code order: the audit trail's ids are numbers.
            audit.record(s, actor, self._clock.now(), ENTITY, None, "region changed", {"region": code, **diff})
            return region_record(region)
