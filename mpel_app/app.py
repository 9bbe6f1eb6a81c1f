"""Composition root: builds the engine, runs migrations, and wires the services. No logic of its own."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from .db import migrate
from .db.engine import make_engine, make_session_factory
from .db.uow import UnitOfWork
from .domain.clock import Clock, SystemClock
from .services.correspondence import CorrespondenceService
from .services.enquiries import EnquiryService
from .services.letters.units import UnitService
from .services.members import MemberService
from .notify.outbox import OutboxService
from .services.reference_data import ReferenceDataService, load_regions
from .services.rota import RotaService
from .services.urgent import UrgentService
from .services.users import UserService


@dataclass
class Services:
    engine: Engine
    uow: UnitOfWork
    clock: Clock
    enquiries: EnquiryService
    members: MemberService
    users: UserService
    reference: ReferenceDataService
    urgent: UrgentService
    rota: RotaService
    outbox: OutboxService
    letters: CorrespondenceService
    units: UnitService

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, clock: Clock | None = None, upgrade: bool = True) -> Services:
    """Open (and by default migrate) the database at url and build the services over it."""
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    else:
        migrate.check_not_newer(engine)
    clock = clock or SystemClock()
    uow = UnitOfWork(make_session_factory(engine))
    load_regions(uow)
    return Services(engine=engine, uow=uow, clock=clock,
                    enquiries=EnquiryService(uow, clock), members=MemberService(uow, clock),
                    users=UserService(uow, clock), reference=ReferenceDataService(uow, clock),
                    urgent=UrgentService(uow, clock), rota=RotaService(uow, clock), outbox=OutboxService(uow, clock),
                    letters=CorrespondenceService(uow, clock), units=UnitService(uow, clock))
