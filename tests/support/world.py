"""A small, known world for service and UI tests: users of each role (each with an e-mail address but the
first administrator), members with passcodes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from mpel_app.app import Services
from mpel_app.db.mappers import user_record
from mpel_app.db.models import User
from mpel_app.domain.records import MemberRecord, Role, UserRecord

LONDON = ZoneInfo("Europe/London")
# A Monday in winter (GMT), mid-morning: the desk is open.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 15, tzinfo=LONDON)
# Staff e-mail addresses (firstname.lastname@...): the desk writes to them, e.g. to a line manager [CORR 2.5].
STAFF_EMAIL_DOMAIN = "homeoffice.example.gov.uk"
PASSWORD = "correct horse battery"
PASSCODE = "7429"
OTHER_PASSCODE = "5150"


@dataclass
class World:
    services: Services
    admin: UserRecord
    agent: UserRecord
    leader: UserRecord
    am_lse: UserRecord
    am_sni: UserRecord
    case_owner: UserRecord
    mp: MemberRecord  # London MP, passcode PASSCODE
    mp_scot: MemberRecord  # Scottish MP, passcode OTHER_PASSCODE


def build_world(services: Services) -> World:
    users = services.users
    admin = users.create_first_admin("admin", "Ada Administrator", PASSWORD)

    def user(name: str, full: str, roles: set[Role], region: str | None = None, grade: str | None = None):
        return users.create_user(admin, username=name, full_name=full, password=PASSWORD, roles=roles,
                                 region_code=region, grade=grade, email=staff_email(full), demo=True)

    world = World(
        services=services,
        admin=admin,
        agent=user("agent", "Carla Agent", {Role.CALL_AGENT}),
        leader=user("leader", "Tom Leader", {Role.MPEL_TEAM_LEADER}, grade="HEO"),
        am_lse=user("amlse", "Lena South", {Role.ACCOUNT_MANAGER}, "LSE", "HEO"),
        am_sni=user("amsni", "Hamish North", {Role.ACCOUNT_MANAGER}, "SNI", "HEO"),
        case_owner=user("owner", "Owen Caseworker", {Role.CASE_OWNER}, grade="EO"),
        mp=services.members.add(admin, name="Jane Smith", constituency="Holborn and St Pancras",
                                region_code="LSE", office_phone="020 7219 3000",
                                office_email="jane.smith.mp@parliament.example", passcode=PASSCODE, demo=True),
        mp_scot=services.members.add(admin, name="Angus MacLeod", constituency="Glasgow North",
                                     region_code="SNI", privy_counsellor=True, office_phone="0141 496 0999",
                                     passcode=OTHER_PASSCODE, demo=True),
    )
    return world


def staff_email(full_name: str) -> str:
    """'Tom Leader' -> 'tom.leader@homeoffice.example.gov.uk'."""
    return f"{'.'.join(full_name.lower().split())}@{STAFF_EMAIL_DOMAIN}"


def fresh_user(services: Services, user_id: int) -> UserRecord:
    with services.uow.read() as s:
        return user_record(s.get(User, user_id))
