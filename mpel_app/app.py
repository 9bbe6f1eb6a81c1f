"""Composition root: builds the engine, runs migrations, and wires the services. No logic of its own.

Each service is built the first time it is used, and its module imported then (issue 16): a desk
starting up needs the sign-in (``users``) and its first view's few services, not the forty-odd
modules of them all, which took about a fifth of a second of every start.  The container stays a
static registry: one small builder function per service, with a plain ``import`` inside that a
frozen build sees (architecture.md, "Registries are static"); nothing is looked up by name.

To add a service: a builder below, and one line in ``Services`` naming it (``audit = on_first_use(_audit)``).
A service passed to ``Services(...)`` ready-made (``Services(engine=…, uow=…, clock=…, foo=Foo(…))``)
is used as it is.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Engine

from .db import migrate
from .db.engine import make_engine, make_session_factory
from .db.uow import UnitOfWork
from .domain.clock import Clock, SystemClock
from .notify import credentials
from .services.db_logins import DbLogins, signed_in_as_person
from .services.guidance import load_guidance
from .services.reference_data import load_regions

if TYPE_CHECKING:
    from .inbox.desk_intake import DeskIntake
    from .notify.outbox import OutboxService
    from .services.audit import AuditService
    from .services.call_backs import CallBackQueue
    from .services.calls import CallService
    from .services.chasing import ChaseService
    from .services.correspondence import CorrespondenceService
    from .services.email_cases import EmailCaseService
    from .services.enquiries import EnquiryService
    from .services.erasure import ErasureService
    from .services.guidance import GuidanceService
    from .services.home_secretary_list import HomeSecretaryListService
    from .services.inbox import InboxService
    from .services.legacy_import import LegacyImportService
    from .services.letters.units import UnitService
    from .services.member_import import MemberImportService
    from .services.members import MemberService
    from .services.performance import PerformanceService
    from .services.reference_data import ReferenceDataService
    from .services.regions import RegionService
    from .services.retention import RetentionService
    from .services.rota import RotaService
    from .services.subject_access import SubjectAccessService
    from .services.urgent import UrgentService
    from .services.users import UserService

T = TypeVar("T")


class on_first_use(Generic[T]):  # noqa: N801 (reads as a declaration: ``audit = on_first_use(_audit)``)
    """A service built by ``build(services)`` the first time it is asked for, then kept.

    Built under a lock: the task runner's threads may ask for the same service at once, and there
    must be one of each (a service may keep state, the desk's intake its lease).  One lock per
    service, so two threads building different services do not wait for each other.
    """

    def __init__(self, build: Callable[[Services], T]):
        self.build = build
        self.name = build.__name__
        self._lock = threading.RLock()

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, services: Services | None, owner: type | None = None) -> T:
        if services is None:
            return self  # type: ignore[return-value]
        # Once built, the instance's own attribute answers and this is not called again.
        with self._lock:
            value = services.__dict__.get(self.name)
            if value is None:
                value = self.build(services)
                services.__dict__[self.name] = value
        return value


# --------------------------------------------------- how each service is built

def _enquiries(s: Services) -> EnquiryService:
    from .services.enquiries import EnquiryService
    return EnquiryService(s.uow, s.clock)


def _members(s: Services) -> MemberService:
    from .services.members import MemberService
    return MemberService(s.uow, s.clock)


def _users(s: Services) -> UserService:
    from .services.users import UserService
    return UserService(s.uow, s.clock, s.logins)


def _reference(s: Services) -> ReferenceDataService:
    from .services.reference_data import ReferenceDataService
    return ReferenceDataService(s.uow, s.clock)


def _urgent(s: Services) -> UrgentService:
    from .services.urgent import UrgentService
    return UrgentService(s.uow, s.clock)


def _rota(s: Services) -> RotaService:
    from .services.rota import RotaService
    return RotaService(s.uow, s.clock)


def _outbox(s: Services) -> OutboxService:
    from .notify.outbox import OutboxService
    return OutboxService(s.uow, s.clock)


def _letters(s: Services) -> CorrespondenceService:
    from .services.correspondence import CorrespondenceService
    return CorrespondenceService(s.uow, s.clock)


def _units(s: Services) -> UnitService:
    from .services.letters.units import UnitService
    return UnitService(s.uow, s.clock)


def _audit(s: Services) -> AuditService:
    from .services.audit import AuditService
    return AuditService(s.uow, s.clock)


def _calls(s: Services) -> CallService:
    from .services.calls import CallService
    return CallService(s.uow, s.clock)


def _call_backs(s: Services) -> CallBackQueue:
    from .services.call_backs import CallBackQueue
    return CallBackQueue(s.uow, s.clock)


def _guidance(s: Services) -> GuidanceService:
    from .services.guidance import GuidanceService
    return GuidanceService(s.uow, s.clock)


def _performance(s: Services) -> PerformanceService:
    from .services.performance import PerformanceService
    return PerformanceService(s.uow, s.clock)


def _chasing(s: Services) -> ChaseService:
    from .services.chasing import ChaseService
    return ChaseService(s.uow, s.clock)


def _legacy(s: Services) -> LegacyImportService:
    from .services.legacy_import import LegacyImportService
    return LegacyImportService(s.uow, s.clock)


def _inbox(s: Services) -> InboxService:
    from .services.inbox import InboxService
    return InboxService(s.uow, s.clock)


def _email_cases(s: Services) -> EmailCaseService:
    from .services.email_cases import EmailCaseService
    return EmailCaseService(s.uow, s.clock)


def _member_list(s: Services) -> MemberImportService:
    from .services.member_import import MemberImportService
    return MemberImportService(s.uow, s.clock)


def _regions(s: Services) -> RegionService:
    from .services.regions import RegionService
    return RegionService(s.uow, s.clock)


def _home_secretary_list(s: Services) -> HomeSecretaryListService:
    from .services.home_secretary_list import HomeSecretaryListService
    return HomeSecretaryListService(s.uow, s.clock)


def _erasure(s: Services) -> ErasureService:
    from .services.erasure import ErasureService
    return ErasureService(s.uow, s.clock)


def _retention(s: Services) -> RetentionService:
    from .services.retention import RetentionService
    return RetentionService(s.uow, s.clock)


def _subject_access(s: Services) -> SubjectAccessService:
    from .services.subject_access import SubjectAccessService
    return SubjectAccessService(s.uow, s.clock)


def _desk_intake(s: Services) -> DeskIntake:
    """The central inbox taken in by a desk itself."""
    from .inbox.desk_intake import DeskIntake
    return DeskIntake(s.uow, s.clock, s.inbox)


class Services:
    """The services over one database, each built on first use (``on_first_use``)."""

    enquiries = on_first_use(_enquiries)
    members = on_first_use(_members)
    users = on_first_use(_users)
    reference = on_first_use(_reference)
    urgent = on_first_use(_urgent)
    rota = on_first_use(_rota)
    outbox = on_first_use(_outbox)
    letters = on_first_use(_letters)
    units = on_first_use(_units)
    audit = on_first_use(_audit)
    calls = on_first_use(_calls)
    call_backs = on_first_use(_call_backs)
    guidance = on_first_use(_guidance)
    performance = on_first_use(_performance)
    chasing = on_first_use(_chasing)
    legacy = on_first_use(_legacy)
    inbox = on_first_use(_inbox)
    email_cases = on_first_use(_email_cases)
    # Reference data kept by administrators (issue 14).
    member_list = on_first_use(_member_list)
    regions = on_first_use(_regions)
    home_secretary_list = on_first_use(_home_secretary_list)
    erasure = on_first_use(_erasure)
    retention = on_first_use(_retention)
    subject_access = on_first_use(_subject_access)
    desk_intake = on_first_use(_desk_intake)

    def __init__(self, engine: Engine, uow: UnitOfWork, clock: Clock, *, logins: DbLogins | None = None,
                 **ready: Any):
        self.engine = engine
        self.uow = uow
        self.clock = clock
        self.logins = logins if logins is not None else DbLogins(False)
        for name, service in ready.items():
            if not isinstance(getattr(type(self), name, None), on_first_use):
                raise TypeError(f"Services has no service {name!r}")
            setattr(self, name, service)

    def built_now(self) -> list[str]:
        """The services built so far (tests of what a start builds)."""
        return sorted(name for name, value in vars(type(self)).items()
                      if isinstance(value, on_first_use) and name in self.__dict__)

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
    return Services(engine, uow, clock, logins=logins)
