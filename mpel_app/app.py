"""Composition root: builds the engine, runs migrations, and wires the services. No logic of its own."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from .db import migrate
from .db.engine import make_engine, make_session_factory
from .db.uow import UnitOfWork
from .domain.clock import Clock, SystemClock
from .notify import credentials
from .services.audit import AuditService
from .services.call_backs import CallBackQueue
from .services.calls import CallService
from .services.correspondence import CorrespondenceService
from .services.enquiries import EnquiryService
from .services.guidance import GuidanceService, load_guidance
from .services.legacy_import import LegacyImportService
from .services.email_cases import EmailCaseService
from .services.erasure import ErasureService
from .services.retention import RetentionService
from .services.subject_access import SubjectAccessService
from .services.inbox import InboxService
from .inbox.desk_intake import DeskIntake
from .services.letters.units import UnitService
from .services.members import MemberService
from .services.chasing import ChaseService
from .services.performance import PerformanceService
from .notify.outbox import OutboxService
from .services.reference_data import ReferenceDataService, load_regions
from .services.rota import RotaService
from .services.urgent import UrgentService
from .services.db_logins import DbLogins, signed_in_as_person
from .services.users import UserService
# Reference data kept by administrators (issue 14).
from .services.home_secretary_list import HomeSecretaryListService
from .services.member_import import MemberImportService
from .services.regions import RegionService


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
    audit: AuditService
    calls: CallService
    call_backs: CallBackQueue
    guidance: GuidanceService
    performance: PerformanceService
    chasing: ChaseService
    legacy: LegacyImportService
    inbox: InboxService
    email_cases: EmailCaseService
    member_list: MemberImportService
    regions: RegionService
    home_secretary_list: HomeSecretaryListService
    erasure: ErasureService
    retention: RetentionService
    subject_access: SubjectAccessService
    desk_intake: DeskIntake | None = None  # the central inbox taken in by a desk itself

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, clock: Clock | None = None, upgrade: bool | None = True,
                  per_person_logins: bool | None = None) -> Services:
    """Open the database at url (with its password from the keyring) and build the services over it.

    ``upgrade``: True migrates to the latest schema; False requires the schema
    to be current already (``SchemaTooOld``/``SchemaTooNew``); None follows the
    start-up policy in ``migrate.migrates_at_start`` (SQLite yes, PostgreSQL no).
    ``per_person_logins``: a shared PostgreSQL deployment where each person has their own login
    (README); Administration then creates and changes the logins too.  None: yes when this
    connection is itself a person's login (``db_logins.signed_in_as_person``).
    """
    engine = make_engine(credentials.with_database_password(url))
    try:
        if upgrade is None:
            upgrade = migrate.migrates_at_start(engine)
        if upgrade:
            migrate.upgrade(engine)
        else:
            migrate.check_current(engine)
    except BaseException:
        engine.dispose()
        raise
    clock = clock or SystemClock()
    person = signed_in_as_person(engine)
    if per_person_logins is None:
        per_person_logins = person
    logins = DbLogins(per_person_logins and engine.dialect.name == "postgresql")
    uow = UnitOfWork(make_session_factory(engine), person_login=person)
    load_regions(uow)
    load_guidance(uow, clock)
    return Services(engine=engine, uow=uow, clock=clock,
                    enquiries=EnquiryService(uow, clock), members=MemberService(uow, clock),
                    users=UserService(uow, clock, logins), reference=ReferenceDataService(uow, clock),
                    urgent=UrgentService(uow, clock), rota=RotaService(uow, clock), outbox=OutboxService(uow, clock),
                    letters=CorrespondenceService(uow, clock), units=UnitService(uow, clock),
                    audit=AuditService(uow, clock), calls=CallService(uow, clock),
                    call_backs=CallBackQueue(uow, clock), guidance=GuidanceService(uow, clock),
                    performance=PerformanceService(uow, clock), chasing=ChaseService(uow, clock),
                    legacy=LegacyImportService(uow, clock), inbox=(inbox := InboxService(uow, clock)),
                    email_cases=EmailCaseService(uow, clock),
                    member_list=MemberImportService(uow, clock), regions=RegionService(uow, clock),
                    home_secretary_list=HomeSecretaryListService(uow, clock),
                    erasure=ErasureService(uow, clock),
                    retention=RetentionService(uow, clock), subject_access=SubjectAccessService(uow, clock),
                    desk_intake=DeskIntake(uow, clock, inbox))
