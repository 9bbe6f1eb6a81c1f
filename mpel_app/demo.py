"""Demo data for a fresh database: users of every role, members with discoverable passcodes, enquiries.

``seed_demo`` fills an empty database so a newcomer can explore at once: sign
in as any role with one shared password, try the passcode gate (every demo
member's passcode is the last four digits of their office telephone number),
and find a realistic mix of enquiries in every state, with regional queues
that show items on time, due soon, overdue and urgent.

Everything is generated from ``random.Random(seed)`` and ``services.clock``:
the same seed on the same clock gives the same data.  All names, constituency
members and telephone numbers are fictional; the numbers come from Ofcom's
ranges reserved for drama, so none of them rings anyone.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, insert, select

from .app import Services
from .db import repositories as repo
from .db import pg_secrets
from .db.models import Enquiry, Member, Region, SubjectNameToken
from .demo_letters import seed_letters
from .domain.calendar import HOTLINE_PREFIX, LONDON, REGION_CODES, REGION_NATION, region_calendar
from .domain.errors import ValidationError
from .domain.opening_hours import OPENING_HOURS
from .domain.phones import normalise_phone
from .domain.records import CallerKind, Channel, EnquiryStatus, MemberRecord, Role, UserRecord
from .domain.targets import regional_response_due
from .domain.text import fold, name_tokens
from .services import audit
from .services.enquiries import ENTITY as ENQUIRY_ENTITY
from .services.members import ENTITY as MEMBER_ENTITY
from .services.security import hash_passcode

DEMO_PASSWORD = "mpel-demo-2026"
DEFAULT_SEED = 20261123
PASSCODE_HINT = ("Every demo member's passcode is the last four digits of their office telephone number "
                 "(e.g. 020 7946 0123 → 0123).")
WINDOW_WORKING_DAYS = 60
_BATCH = 500

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoInfo:
    """What a newcomer needs to start exploring the demo database."""

    password: str
    usernames: dict[str, str]  # role label -> username, e.g. "account manager LSE" -> "am.lse"
    counts: dict[str, int]  # "users", "members", "enquiries"
    status_counts: dict[str, int] = field(default_factory=dict)  # EnquiryStatus value -> enquiries
    passcode_hint: str = PASSCODE_HINT
    letters: int = 0  # MPs' letters on CTS, at every stage (demo_letters)


def passcode_for(member: MemberRecord | str) -> str:
    """The demo passcode of a member (or of an office telephone number): its last four digits."""
    phone = member.office_phone if isinstance(member, MemberRecord) else member
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-4:]


# ----------------------------------------------------------------- users

# (label, username, full name, roles, region, grade)
_USERS: tuple[tuple[str, str, str, frozenset[Role], str | None, str | None], ...] = (
    ("call agent 1", "agent1", "Carla Mendes", frozenset({Role.CALL_AGENT}), None, "AO"),
    ("call agent 2", "agent2", "Tom Pritchard", frozenset({Role.CALL_AGENT}), None, "AO"),
    ("call agent 3", "agent3", "Priya Shah", frozenset({Role.CALL_AGENT}), None, "AO"),
    ("MPEL team leader", "mpeltl", "Gareth Hughes", frozenset({Role.MPEL_TEAM_LEADER}), None, "HEO"),
    ("account manager LSE", "am.lse", "Lena Marsh", frozenset({Role.ACCOUNT_MANAGER}), "LSE", "HEO"),
    ("account manager MEE", "am.mee", "Harjit Sandhu", frozenset({Role.ACCOUNT_MANAGER}), "MEE", "HEO"),
    ("account manager NEY", "am.ney", "Joanne Pickering", frozenset({Role.ACCOUNT_MANAGER}), "NEY", "HEO"),
    ("account manager WSW", "am.wsw", "Rhodri Evans", frozenset({Role.ACCOUNT_MANAGER}), "WSW", "HEO"),
    ("account manager NWE", "am.nwe", "Siobhan Kelly", frozenset({Role.ACCOUNT_MANAGER}), "NWE", "HEO"),
    ("account manager SNI", "am.sni", "Hamish Munro", frozenset({Role.ACCOUNT_MANAGER}), "SNI", "HEO"),
    ("support account manager LSE", "sam.lse", "Femi Adebayo", frozenset({Role.SUPPORT_ACCOUNT_MANAGER}), "LSE",
     "EO"),
    ("duty manager", "duty", "Margaret Doyle", frozenset({Role.DUTY_MANAGER}), None, "SEO"),
    ("MPCS allocator", "mpcs", "Kevin Ashworth", frozenset({Role.MPCS_ALLOCATOR}), None, "EO"),
    ("workflow manager", "workflow", "Naomi Clarke", frozenset({Role.WORKFLOW_MANAGER}), None, "HEO"),
    ("case owner", "caseowner", "Owen Lloyd", frozenset({Role.CASE_OWNER}), None, "EO"),
    ("senior caseworker", "senior", "Ruth Okafor", frozenset({Role.SENIOR_CASEWORKER}), None, "HEO"),
    ("unit team leader", "unittl", "David Chen", frozenset({Role.UNIT_TEAM_LEADER}), None, "G7"),
    ("Private Office", "po", "Imogen Fairfax", frozenset({Role.PRIVATE_OFFICE}), None, "G7"),
    ("data protection officer", "dpo", "Nadia Rahman", frozenset({Role.DATA_PROTECTION_OFFICER}), None, "SEO"),
)

# Every demo user has an e-mail address (firstname.lastname@...), so a letter about a member of staff
# can be flagged to whichever demo user MPCS names as the line manager [CORR 2.5].  ".example" is
# reserved (RFC 2606): no demo message can reach a real mailbox.
DEMO_EMAIL_DOMAIN = "homeoffice.example"


def demo_email(full_name: str) -> str:
    """A demo user's address: 'Ada Lovell' -> 'ada.lovell@homeoffice.example'."""
    return f"{'.'.join(full_name.lower().split())}@{DEMO_EMAIL_DOMAIN}"


# Tonight's and the coming evenings' duty account managers (Ofcom drama numbers).
_ROTA = (("LSE", "Lena Marsh", "020 7946 0871"), ("MEE", "Harjit Sandhu", "0121 496 0872"),
         ("NEY", "Joanne Pickering", "0113 496 0873"), ("WSW", "Rhodri Evans", "029 2018 0874"),
         ("NWE", "Siobhan Kelly", "0161 496 0875"), ("SNI", "Hamish Munro", "0141 496 0876"))
ROTA_DAYS = 21

# ----------------------------------------------------------------- members

# Share of the 650 seats in each region (London & SE 164, Midlands & East 165, ...).
_REGION_SHARE = {"LSE": 164, "MEE": 165, "NEY": 81, "WSW": 90, "NWE": 73, "SNI": 77}

# Per region: groups of (towns, Ofcom drama number blocks "<area code + first digits>" + 3 free digits).
_PLACES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "LSE": (
        (("Camden", "Hackney", "Lewisham", "Croydon", "Harrow", "Ealing", "Barnet", "Bromley", "Enfield", "Brent",
          "Islington", "Southwark", "Hounslow", "Walthamstow", "Greenwich"), ("020 7946 0",)),
        (("Reading", "Brighton", "Guildford", "Maidstone", "Canterbury", "Oxford", "Slough", "Crawley",
          "Southampton", "Portsmouth", "Milton Keynes", "Basingstoke", "Hastings", "Dover", "Woking"),
         ("0118 496 0",)),
    ),
    "MEE": (
        (("Birmingham", "Coventry", "Wolverhampton", "Walsall", "Dudley", "Stoke-on-Trent", "Telford", "Worcester",
          "Solihull", "Nuneaton"), ("0121 496 0",)),
        (("Leicester", "Nottingham", "Derby", "Northampton", "Peterborough", "Norwich", "Ipswich", "Cambridge",
          "Luton", "Chelmsford", "Colchester", "Lincoln"), ("0116 496 0",)),
    ),
    "NEY": (
        (("Leeds", "Bradford", "Hull", "York", "Wakefield", "Huddersfield", "Halifax", "Harrogate",
          "Scarborough"), ("0113 496 0",)),
        (("Sheffield", "Doncaster", "Rotherham", "Barnsley"), ("0114 496 0",)),
        (("Newcastle upon Tyne", "Sunderland", "Middlesbrough", "Durham", "Gateshead", "Darlington"),
         ("0191 498 0",)),
    ),
    "WSW": (
        (("Cardiff", "Swansea", "Newport", "Wrexham", "Aberystwyth", "Bangor", "Llanelli", "Merthyr Tydfil"),
         ("029 2018 0",)),
        (("Bristol", "Plymouth", "Exeter", "Bath", "Gloucester", "Swindon", "Bournemouth", "Taunton", "Truro",
          "Cheltenham"), ("0117 496 0",)),
    ),
    "NWE": (
        (("Manchester", "Bolton", "Oldham", "Rochdale", "Salford", "Stockport", "Wigan", "Burnley", "Blackburn",
          "Preston", "Lancaster", "Blackpool"), ("0161 496 0",)),
        (("Liverpool", "Birkenhead", "Warrington", "Chester", "St Helens", "Southport", "Carlisle"),
         ("0151 496 0",)),
    ),
    "SNI": (
        (("Glasgow", "Paisley", "Kilmarnock", "Motherwell", "Greenock"), ("0141 496 0",)),
        (("Edinburgh", "Aberdeen", "Dundee", "Inverness", "Stirling", "Perth"), ("0131 496 0",)),
        (("Belfast", "Derry", "Newry", "Lisburn", "Armagh", "Ballymena"), ("028 9018 0",)),
    ),
}
_SEAT_SUFFIXES = ("North", "South", "East", "West", "Central", "North East", "South West", "North West",
                  "South East", "and District", "Rural", "Borough")
_MEP_AREAS = {"LSE": ("London", "South East"), "MEE": ("West Midlands", "East Midlands", "East of England"),
              "NEY": ("Yorkshire and the Humber", "North East"), "WSW": ("Wales", "South West"),
              "NWE": ("North West",), "SNI": ("Scotland", "Northern Ireland")}
# Members of Devolved Legislatures sit for seats in Scotland, Wales and Northern Ireland only.
_MDL_REGIONS = ("SNI", "WSW")

_MEMBER_FIRST = (
    "Alison", "Andrew", "Angharad", "Anjali", "Bronwen", "Callum", "Catriona", "Chloé", "Ciarán", "Daniel",
    "Dafydd", "Deborah", "Declan", "Éamon", "Eilidh", "Emma", "Fiona", "Gareth", "Grace", "Hamid", "Harpreet",
    "Helen", "Iain", "Imran", "Isobel", "James", "Joanne", "Kwame", "Laura", "Lowri", "Marcus", "Mared",
    "Margaret", "Matthew", "Morag", "Naomi", "Niamh", "Nicholas", "Olusegun", "Oliver", "Padraig", "Priya",
    "Rachel", "Rajesh", "Renée", "Rhiannon", "Robert", "Ruth", "Saoirse", "Seán", "Shabana", "Siân", "Simon",
    "Sophie", "Stuart", "Tomasz", "Victoria", "William", "Yasmin", "Zoë",
)
_MEMBER_LAST = (
    "Abernethy", "Ashcombe", "Bellingham", "Blackwood", "Brennan", "Calloway", "Carrick", "Chaudhry", "Dalgleish",
    "Delacourt", "Dunmore", "Fairweather", "Fennimore", "Gallacher", "Garside", "Hallorann", "Hargreaves",
    "Hollinshead", "Kershaw", "Kowalczyk", "Lethbridge", "Llewellyn", "MacAulay", "Marchetti", "Mensah",
    "Mountford", "Ó Briain", "Okonkwo", "Pembury", "Penhaligon", "Quarrie", "Rathbone", "Sandhu", "Shackleton",
    "Strachan", "Tregarthen", "Underhill", "Vasquez", "Wetherall", "Whitcombe", "Winterbourne", "Yardley",
    "ap Rhys", "Ní Dhomhnaill", "Ferreira", "Núñez", "Brontë-Hale", "Søndergaard",
)

# ----------------------------------------------------------------- subjects

# nationality: (weight, first names, family names)
_SUBJECTS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "Pakistani": (12, ("Muhammad", "Ayesha", "Imran", "Fatima", "Bilal", "Sana", "Usman", "Zainab", "Hamza",
                       "Nadia"),
                  ("Khan", "Ahmed", "Hussain", "Malik", "Qureshi", "Butt", "Chaudhry", "Raza", "Iqbal", "Shah")),
    "Nigerian": (10, ("Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Funmilayo", "Tunde", "Chiamaka",
                      "Ifeanyi", "Yetunde"),
                 ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Adebayo", "Ogunleye", "Obi",
                  "Afolabi")),
    "Indian": (10, ("Priya", "Rahul", "Anjali", "Vikram", "Deepa", "Arjun", "Harpreet", "Sunita", "Rajesh",
                    "Kavita"),
               ("Sharma", "Patel", "Singh", "Gupta", "Reddy", "Iyer", "Nair", "Kaur", "Desai", "Mehta")),
    "Somali": (6, ("Abdirahman", "Hodan", "Mohamed", "Faduma", "Abdullahi", "Sahra", "Yusuf", "Hibo", "Ahmed",
                   "Ubah"),
               ("Warsame", "Farah", "Abdi", "Hassan", "Jama", "Osman", "Ali", "Nur", "Egal", "Yusuf")),
    "Afghan": (8, ("Ahmad", "Farzana", "Naveed", "Mariam", "Khalid", "Zahra", "Jawad", "Shabnam", "Habibullah",
                   "Laila"),
               ("Rahimi", "Karimi", "Popal", "Noori", "Sultani", "Ahmadzai", "Wardak", "Safi", "Hashimi",
                "Stanekzai")),
    "Iraqi": (6, ("Ali", "Zainab", "Hassan", "Noor", "Mustafa", "Shahad", "Haider", "Rusul", "Karwan", "Shilan"),
              ("Al-Jaburi", "Al-Obaidi", "Kareem", "Al-Tamimi", "Abdullah", "Salih", "Jasim", "Hameed", "Qadir",
               "Mahmoud")),
    "Iranian": (7, ("Reza", "Shirin", "Mehdi", "Leila", "Amir", "Narges", "Hossein", "Parisa", "Dariush",
                    "Maryam"),
                ("Hosseini", "Rezaei", "Mohammadi", "Tehrani", "Karimi", "Ahmadi", "Jafari", "Sadeghi", "Moradi",
                 "Rostami")),
    "Eritrean": (6, ("Yonas", "Selam", "Tesfay", "Helen", "Dawit", "Senait", "Mussie", "Rahel", "Filmon",
                     "Eden"),
                 ("Tesfamariam", "Ghebremedhin", "Haile", "Berhe", "Woldu", "Kidane", "Tekle", "Mehari", "Gebru",
                  "Asmerom")),
    "Chinese": (5, ("Wei", "Xiaoling", "Jun", "Mei", "Hao", "Lina", "Zhiwei", "Yan", "Qiang", "Ying"),
                ("Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou")),
    "Bangladeshi": (6, ("Mohammed", "Nasrin", "Rafiq", "Shirin", "Abul", "Rumana", "Jamal", "Taslima", "Kamrul",
                        "Shapla"),
                    ("Rahman", "Uddin", "Begum", "Miah", "Hoque", "Islam", "Chowdhury", "Ahmed", "Ali", "Khatun")),
    "Zimbabwean": (5, ("Tendai", "Chipo", "Farai", "Rudo", "Tatenda", "Nyasha", "Blessing", "Kudzai", "Tafadzwa",
                       "Tsitsi"),
                   ("Moyo", "Ncube", "Sibanda", "Dube", "Mutasa", "Chikwanha", "Mpofu", "Nyathi", "Marufu",
                    "Gumbo")),
    "Sri Lankan": (4, ("Tharindu", "Nimali", "Kasun", "Dilani", "Sivakumar", "Tharshini", "Kajan", "Nirosha",
                       "Nuwan", "Sanduni"),
                   ("Perera", "Fernando", "Jayawardena", "Silva", "Wickramasinghe", "Sivanathan", "Balasingham",
                    "Kanagaratnam", "Dissanayake", "Gunasekara")),
    "Colombian": (3, ("José", "María", "Andrés", "Lucía", "Sebastián", "Valentina", "Julián", "Camila", "Iñigo",
                      "Ana"),
                  ("Gómez", "Rodríguez", "Martínez", "Hernández", "López", "Pérez", "Muñoz", "Álvarez", "Ramírez",
                   "Jiménez")),
    "Albanian": (5, ("Arben", "Elira", "Besnik", "Dritë", "Gëzim", "Mirela", "Ilir", "Blerina", "Ermal",
                     "Jonida"),
                 ("Hoxha", "Shehu", "Krasniqi", "Dervishi", "Gashi", "Kola", "Leka", "Çela", "Bajrami", "Musaj")),
    "Vietnamese": (3, ("Minh", "Thảo", "Dũng", "Hương", "Tuấn", "Lan", "Quang", "Ngọc", "Hải", "Linh"),
                   ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Phan")),
    "Sudanese": (4, ("Omer", "Amna", "Osman", "Hawa", "Babiker", "Sawsan", "Elfatih", "Nafisa", "Musab", "Rayan"),
                 ("Abdelrahman", "Elhassan", "Idris", "Mohamed Ali", "Elsheikh", "Babiker", "Adam", "Ibrahim",
                  "Hamid", "Elnour")),
    "Syrian": (3, ("Ahmad", "Rasha", "Khaled", "Lina", "Bassel", "Hala", "Tarek", "Rania", "Fadi", "Dima"),
               ("Al-Hamwi", "Haddad", "Khoury", "Al-Masri", "Darwish", "Sabbagh", "Halabi", "Nasser", "Jaber",
                "Kassab")),
    "Turkish": (2, ("Mehmet", "Ayşe", "Gökhan", "Elif", "Şükrü", "Zeynep", "Emre", "Gülşen", "Burak", "Özlem"),
                ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç")),
    "Ghanaian": (3, ("Kwame", "Ama", "Kofi", "Akosua", "Yaw", "Abena", "Kwabena", "Efua", "Kojo", "Adwoa"),
                 ("Mensah", "Owusu", "Boateng", "Asante", "Osei", "Agyeman", "Appiah", "Darko", "Acheampong",
                  "Amoako")),
    "Jamaican": (3, ("Marlon", "Keisha", "Delroy", "Shanice", "Andre", "Tanisha", "Winston", "Sophia", "Jermaine",
                     "Paulette"),
                 ("Campbell", "Brown", "Williams", "Clarke", "Francis", "Grant", "Henry", "McKenzie", "Reid",
                  "Thompson")),
    "Brazilian": (2, ("João", "Conceição", "Thiago", "Letícia", "Gonçalo", "Luíza", "Rafael", "Bárbara",
                      "Vinícius", "Fernanda"),
                  ("Silva", "Santos", "Oliveira", "Souza", "Araújo", "Conceição", "Gonçalves", "Lima", "Ribeiro",
                   "Carvalho")),
}
_HO_PREFIXES = ("A", "A", "A", "N", "N", "B", "K", "S")

# ----------------------------------------------------------------- questions and answers

# (question, first-contact answer, regional response, urgent)
_ANSWERABLE: tuple[tuple[str, str], ...] = (
    ("Please advise if the written representations sent from my constituent's solicitors are on file.",
     "Checked CID: the representations from the solicitors are recorded as received and are on file."),
    ("Is my constituent entitled to Section 4 support?",
     "Explained the Section 4 criteria and where the application form is; eligibility is decided on the "
     "application, so none can be confirmed on the phone."),
    ("Does my constituent have permission to work?",
     "Checked CID: the current leave carries no restriction on work. Written confirmation offered."),
    ("Has my constituent's fresh asylum claim been accepted?",
     "Checked CID: further submissions were received and are awaiting consideration; not yet accepted as a "
     "fresh claim."),
    ("Please confirm whether my constituent's application for naturalisation has been received.",
     "Checked the Warehouse: the application is recorded as received and is being considered in date order."),
    ("Has my constituent's biometric residence permit been dispatched? They have not received it.",
     "Checked CID: the permit was dispatched by secure delivery; gave the caseworker the card delivery "
     "enquiry route."),
    ("Please confirm the current status of my constituent's application for further leave to remain.",
     "Checked CID: the application is valid and awaiting a decision; no timescale given."),
    ("Can you confirm the outcome of my constituent's appeal?",
     "Checked CID: the appeal was allowed; the case is with the implementation team for status documents."),
)

_REGIONAL: tuple[tuple[str, str, bool], ...] = (
    ("Please can you return the passport of my constituent's sponsor?",
     "File requested and passport located; returned by secure post. Confirmed to the MP's office by "
     "telephone.", False),
    ("My constituent has been offered a university place and needs their status resolved as quickly as "
     "possible so that they can accept the placement. Can this be arranged?",
     "Case owner contacted: the case has been prioritised and a decision is expected shortly. MP's office "
     "told by telephone and by email.", False),
    ("My constituent had an allowed appeal, but they are still waiting for their status documents, what is "
     "causing the delay.",
     "The appeal determination had not been linked to the file. Now linked and status documents issued; "
     "MP's office informed.", False),
    ("My constituent is the spouse of an EU national and has made an application that has been outstanding "
     "for many months. They need to travel urgently, can you expedite the case or let me know the options "
     "available to my constituent.",
     "Application considered and granted; the residence card and passport were returned by special "
     "delivery. MP's office informed.", False),
    ("Please advise if the written representations sent from my constituent's solicitors are on file.",
     "File requested: the representations were on file and have been considered. Response given to the "
     "MP's office by telephone.", False),
    ("Has my constituent's fresh asylum claim been accepted?",
     "Case owner contacted: further submissions refused with a right of appeal; decision served. MP's "
     "office informed.", False),
    ("My constituent's passport has been held with their application for over a year; they need it back to "
     "visit a seriously ill parent abroad.",
     "Passport located on file and returned by special delivery; MP's office told the date of dispatch.",
     False),
    ("My constituent reports weekly and asks whether they may report less often for health reasons.",
     "Reporting centre agreed to monthly reporting on the medical evidence sent; MP's office informed.",
     False),
    ("My constituent has been detained and removal directions are set within 72 hours. The MP asks for "
     "removal to be deferred while representations are considered.",
     "Regional team telephoned by MPEL; written representations requested from the MP's office and "
     "considered. Removal deferred pending a reply to the MP.", True),
    ("Compelling and compassionate: my constituent's child is seriously ill and they ask for their "
     "application to be decided urgently.",
     "Evidence requested from the MP's office and received; case prioritised and decided. MP's office "
     "informed by telephone.", True),
)

_HOLDING_ANSWER = ("Told the caller the enquiry is passed to the regional team, who will respond to the MP's "
                   "office; no timescale given.")
_REFUSALS = (
    (0, "Caller could not give the office passcode; asked to call back with it. No information given."),
    (3, "Three wrong passcodes: no information given; caller asked to confirm the passcode with the MP."),
    (1, "Caller gave a wrong passcode and rang off before trying again. No information given."),
)
_LEADER_ANSWERS = (
    "Team leader checked CID and the Warehouse and called the caseworker back with the answer; no regional "
    "action needed.",
    "Team leader confirmed with the case owner by email and answered the caseworker; written confirmation sent.",
)

# Target mix of states (brief: ~55 % answered, 5 % refused, 8 % further action, 20 % with region, 12 % done).
_STATUS_SHARE = (
    (EnquiryStatus.ANSWERED, 55),
    (EnquiryStatus.REFUSED, 5),
    (EnquiryStatus.FURTHER_ACTION, 8),
    (EnquiryStatus.WITH_REGION, 20),
    (EnquiryStatus.COMPLETED, 12),
)


# ================================================================= entry point


def seed_demo(services: Services, *, members: int = 400, enquiries: int = 3000, seed: int = DEFAULT_SEED,
              progress: Progress | None = None) -> DemoInfo:
    """Fill a fresh database with demo users, members and enquiries; refuse one that has users already."""
    if members < 6:
        raise ValidationError("the demo needs at least 6 members (one per region)")
    if enquiries < 0:
        raise ValidationError("the number of demo enquiries cannot be negative")
    if not services.users.needs_first_admin():
        raise ValidationError("this database already has users: demo data goes only into a fresh database")
    with services.uow.read() as s:
        if s.scalar(select(func.count(Member.id))) or s.scalar(select(func.count(Enquiry.id))):
            raise ValidationError("this database already has members or enquiries: "
                                  "demo data goes only into a fresh database")

    rng = random.Random(seed)
    now = services.clock.now()
    total = len(_USERS) + 1 + members + enquiries
    report = progress or (lambda done, total, message: None)

    report(0, total, "creating demo users")
    users = _create_users(services)
    report(len(users), total, "creating demo members")

    with services.uow() as s:
        member_rows = _add_members(s, rng, members, users["administrator"], now,
                                   lambda n: report(len(users) + n, total, "creating demo members"))
        done = len(users) + members
        report(done, total, "logging demo enquiries")
        status_counts = _add_enquiries(s, rng, enquiries, member_rows, users, now,
                                       lambda n: report(done + n, total, "logging demo enquiries"))
    _add_rota(services, users["administrator"], now)
    report(total, total, "creating demo drafting units and letters")
    # Its own random stream: the enquiries and members stay as they were for a seed.
    letters = seed_letters(services, users, [m.id for m in member_rows], random.Random(seed + 1))
    report(total, total, "demo data ready")
    return DemoInfo(
        password=DEMO_PASSWORD,
        usernames={label: u.username for label, u in users.items()},
        counts={"users": len(users), "members": members, "enquiries": enquiries},
        status_counts=status_counts,
        letters=letters,
    )


# ================================================================== rota


def _add_rota(services: Services, admin: UserRecord, now: datetime) -> None:
    """Cover every working evening of the next three weeks, but one, so the gap warning shows too."""
    calendar = region_calendar("MPH")
    day = now.astimezone(LONDON).date()
    working = [d for d in (day + timedelta(n) for n in range(ROTA_DAYS)) if calendar.is_working_day(d)]
    for i, evening in enumerate(working):
        if i == 5:  # one uncovered evening next week, inside the 14-day warning window
            continue
        region, name, phone = _ROTA[i % len(_ROTA)]
        services.rota.set_entry(admin, evening, region, name, phone)


# ================================================================= users


def _create_users(services: Services) -> dict[str, UserRecord]:
    admin = services.users.create_first_admin("admin", "Ada Lovell", DEMO_PASSWORD)
    admin = services.users.set_email(admin, admin.id, demo_email(admin.full_name))
    created = {"administrator": admin}
    for label, username, full_name, roles, region, grade in _USERS:
        created[label] = services.users.create_user(
            admin, username=username, full_name=full_name, password=DEMO_PASSWORD, roles=set(roles),
            region_code=region, grade=grade, email=demo_email(full_name), demo=True)
    return created


# ================================================================= members


@dataclass(frozen=True)
class _DemoMember:
    id: int
    region_code: str
    name: str
    caseworkers: tuple[str, ...]


def _apportion(total: int, shares: Sequence[tuple[object, int]], minimum: int = 0) -> dict[object, int]:
    """Split total by weight (largest remainder), giving each key at least ``minimum``."""
    keys = [k for k, _ in shares]
    counts = {k: minimum for k in keys}
    rest = total - minimum * len(keys)
    weight = sum(w for _, w in shares)
    exact = {k: rest * w / weight for k, w in shares}
    for k in keys:
        counts[k] += int(exact[k])
    left = total - sum(counts.values())
    for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), keys.index(k)))[:left]:
        counts[k] += 1
    return counts


class _NumberPool:
    """Ofcom drama numbers, each handed out once; never a region's own phone or fax."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self._rng = rng
        self._left: dict[str, list[str]] = {}
        self._taken = taken

    def take(self, blocks: Sequence[str], fallback: Sequence[str]) -> str:
        """A free number from the first block with one left, as typed ("020 7946 0123")."""
        for block in (*blocks, *fallback):
            numbers = self._left.get(block)
            if numbers is None:
                e164 = "+44" + block.replace(" ", "")[1:]
                numbers = [f"{block}{n:03d}" for n in range(1000) if f"{e164}{n:03d}" not in self._taken]
                self._rng.shuffle(numbers)
                self._left[block] = numbers
            if numbers:
                return numbers.pop()
        raise ValidationError("too many demo members for the fictional telephone number ranges")


def _add_members(s, rng: random.Random, count: int, admin: UserRecord, now: datetime,
                 report: Callable[[int], None]) -> list[_DemoMember]:
    taken = {n for r in s.scalars(select(Region)) for n in (r.phone_number, r.fax_number)}
    pool = _NumberPool(rng, taken)
    per_region = _apportion(count, list(_REGION_SHARE.items()), minimum=1)
    regions = [code for code in REGION_CODES for _ in range(per_region[code])]
    rng.shuffle(regions)

    used_names: set[str] = set()
    used_seats: set[str] = set()
    rows: list[Member] = []
    caseworkers: list[tuple[str, ...]] = []
    for region in regions:
        towns, blocks = rng.choice(_PLACES[region])
        town = rng.choice(towns)
        kind = rng.choices(("MP", "Peer", "MEP", "MDL"),
                           weights=(86, 6, 3, 5 if region in _MDL_REGIONS else 0))[0]
        first, last = _unique_name(rng, used_names)
        if kind == "Peer":
            title = "Baroness" if rng.random() < 0.45 else "Lord"
            name, seat = f"{title} {last} of {town}", ""
        elif kind == "MEP":
            name, seat = f"{first} {last}", rng.choice(_MEP_AREAS[region])
        else:
            name, seat = f"{first} {last}", _unique_seat(rng, town, used_seats)
        privy = rng.random() < (0.05 if kind == "MP" else 0.08 if kind == "Peer" else 0.0)
        fallback = [b for _, bs in _PLACES[region] for b in bs]
        phone = pool.take(blocks, fallback)
        fax = pool.take(blocks, fallback) if rng.random() < 0.6 else ""
        handle = "".join(c for c in fold(f"{last}.{town}" if kind == "Peer" else f"{first}.{last}")
                         if c.isalnum() or c == ".")
        email = f"{handle}.office@parliament.example"
        rows.append(Member(
            name=name, name_folded=fold(name), kind=kind, constituency=seat, region_code=region,
            privy_counsellor=privy, office_phone=normalise_phone(phone), office_fax=normalise_phone(fax),
            office_email=email, passcode_hash=hash_passcode(passcode_for(phone), demo=True),
            passcode_changed_at=now, active=True))
        caseworkers.append(tuple(" ".join(_unique_name(rng, set())) for _ in range(rng.randint(1, 3))))
        if len(rows) % _BATCH == 0:
            report(len(rows))
    s.add_all(rows)
    s.flush()
    for m in rows:
        pg_secrets.store_verifier(s, m.id, passcode_for(m.office_phone), demo=True)  # PostgreSQL checks it
        audit.record(s, admin, now, MEMBER_ENTITY, m.id, "member added (demo data)",
                     {"name": m.name, "kind": m.kind, "region_code": m.region_code})
    report(len(rows))
    return [_DemoMember(m.id, m.region_code, m.name, cw) for m, cw in zip(rows, caseworkers)]


def _unique_name(rng: random.Random, used: set[str]) -> tuple[str, str]:
    for _ in range(1000):
        first, last = rng.choice(_MEMBER_FIRST), rng.choice(_MEMBER_LAST)
        if f"{first} {last}" not in used:
            used.add(f"{first} {last}")
            return first, last
    # Past ~2,800 members the pairs run out: add a middle initial.
    first = f"{rng.choice(_MEMBER_FIRST)} {chr(ord('A') + rng.randrange(26))}."
    return first, rng.choice(_MEMBER_LAST)


def _unique_seat(rng: random.Random, town: str, used: set[str]) -> str:
    suffixes = list(_SEAT_SUFFIXES)
    rng.shuffle(suffixes)
    for suffix in suffixes:
        seat = f"{town} {suffix}"
        if seat not in used:
            used.add(seat)
            return seat
    n = 2
    while f"{town} {n}" in used:
        n += 1
    used.add(f"{town} {n}")
    return f"{town} {n}"


# ================================================================= enquiries


@dataclass
class _Draft:
    """One enquiry being generated, before its reference is issued."""

    status: EnquiryStatus
    received_at: datetime
    prefix: str
    values: dict


def _add_enquiries(s, rng: random.Random, count: int, members: list[_DemoMember], users: dict[str, UserRecord],
                   now: datetime, report: Callable[[int], None]) -> dict[str, int]:
    if count == 0:
        return {}
    days, today_is_open = _window(now, region_calendar(HOTLINE_PREFIX, repo.closures_for(s, "ENG")))
    today_share = _share_of_day_gone(days[0], now) if today_is_open else 1.0
    closures = {code: repo.closures_for(s, REGION_NATION[code]) for code in REGION_CODES}
    agents = [users[f"call agent {n}"] for n in (1, 2, 3)]
    leader = users["MPEL team leader"]
    regional_staff = {code: [users[f"account manager {code}"]] for code in REGION_CODES}
    regional_staff["LSE"].append(users["support account manager LSE"])
    by_region: dict[str, list[_DemoMember]] = {}
    for m in members:
        by_region.setdefault(m.region_code, []).append(m)

    def received_on(age: int) -> datetime:
        age = min(age, len(days) - 1)
        return _receipt_time(rng, days[age], now, today_is_open and age == 0)

    # Every state shows up, even in a small demo; a few calls are still being written up.
    plan = _apportion(count, _STATUS_SHARE, minimum=1 if count >= 5 * len(_STATUS_SHARE) else 0)
    still_open = min(len(agents), max(1, count // 100)) if count >= 30 else 0
    plan[EnquiryStatus.ANSWERED] -= still_open
    in_progress = (EnquiryStatus.FURTHER_ACTION, EnquiryStatus.WITH_REGION)
    statuses = [EnquiryStatus.OPEN] * still_open
    statuses += [status for status in in_progress for _ in range(plan[status])]
    finished = [status for status, _ in _STATUS_SHARE if status not in in_progress for _ in range(plan[status])]
    rng.shuffle(finished)
    statuses += finished
    ages = _Ages(rng, count, today_share)

    subjects: list[tuple] = []
    drafts: list[_Draft] = []
    for status in statuses:
        file_needed = rng.random() < 0.35
        received = received_on(ages.for_status(status, file_needed))
        if status is EnquiryStatus.OPEN:
            # Calls still being written up came in during the last twenty minutes.
            received = max(received, _receipt_time(rng, days[0], now, today_is_open, latest=True))
        member = rng.choice(members)
        regional_call = status is EnquiryStatus.ANSWERED and rng.random() < 0.1
        if regional_call:
            # A call straight to the member's account manager, logged under the region's prefix.
            member = rng.choice(by_region[member.region_code])
            creator = rng.choice(regional_staff[member.region_code])
            prefix = member.region_code
        else:
            creator = rng.choice(agents)
            prefix = HOTLINE_PREFIX
        channel = rng.choices((Channel.TELEPHONE, Channel.FAX, Channel.EMAIL), weights=(80, 12, 8))[0]
        if regional_call or status in (EnquiryStatus.OPEN, EnquiryStatus.REFUSED):
            channel = Channel.TELEPHONE
        as_member = rng.random() < 0.15
        values = _blank(received, creator, member, "" if as_member else rng.choice(member.caseworkers), channel)
        minutes = timedelta(minutes=rng.randint(3, 25), seconds=rng.randint(0, 59))
        values["status"] = status.value
        if status is EnquiryStatus.REFUSED:
            failures, reason = rng.choice(_REFUSALS)
            values.update(passcode_failures=failures, answer=reason, completed_at=min(received + minutes, now),
                          completed_by_id=creator.id)
        else:
            values["passcode_verified_at"] = received + timedelta(seconds=rng.randint(20, 90))
            values.update(_disclosure(rng))
            values.update(_subject(rng, subjects, received, now, channel))
            _fill_case(rng, status, values, now, minutes, creator, leader, member.region_code,
                       rng.choice(regional_staff[member.region_code]), file_needed, closures)
        drafts.append(_Draft(status, received, prefix, values))

    _one_urgent_per_queue(rng, drafts)
    # References in order of receipt, as the desks would have issued them.
    drafts.sort(key=lambda d: d.received_at)
    numbers = _issue_references(s, Counter(d.prefix for d in drafts))
    actors = {u.id: u for u in users.values()}
    done = 0
    for start in range(0, len(drafts), _BATCH):
        batch = drafts[start:start + _BATCH]
        rows = []
        for d in batch:
            d.values["reference"] = f"{d.prefix}{next(numbers[d.prefix]):06d}"
            rows.append(d.values)
        ids = list(s.scalars(insert(Enquiry).returning(Enquiry.id, sort_by_parameter_order=True), rows))
        tokens = [{"enquiry_id": eid, "token": token[:80]}
                  for eid, row in zip(ids, rows) for token in name_tokens(row["subject_name"])]
        if tokens:
            s.execute(insert(SubjectNameToken), tokens)
        for eid, row in zip(ids, rows):
            audit.record(s, actors[row["created_by_id"]], row["received_at"], ENQUIRY_ENTITY, eid,
                         "logged (demo data)",
                         {"reference": row["reference"], "channel": row["channel"], "status": row["status"]})
        s.flush()
        done += len(batch)
        report(done)
    return dict(Counter(d.status.value for d in drafts))


def _one_urgent_per_queue(rng: random.Random, drafts: list[_Draft]) -> None:
    """Make sure every region's queue shows an urgent enquiry still waiting to be acknowledged."""
    urgent_questions = [q for q, _, urgent in _REGIONAL if urgent]
    for code in REGION_CODES:
        waiting = [d for d in drafts if d.status is EnquiryStatus.WITH_REGION and d.values["region_code"] == code]
        if waiting and not any(d.values["urgent"] and d.values["acknowledged_at"] is None for d in waiting):
            newest = max(waiting, key=lambda d: d.received_at)
            newest.values.update(question=rng.choice(urgent_questions), urgent=True, acknowledged_at=None,
                                 acknowledged_by_id=None)


def _issue_references(s, needed: Counter) -> dict[str, object]:
    """A block of numbers per prefix, so the next enquiry logged continues the sequence."""
    return {prefix: iter(repo.reserve_reference_numbers(s, prefix, needed[prefix]))
            for prefix in sorted(needed)}


def _window(now: datetime, calendar) -> tuple[list[date], bool]:
    """The working days enquiries are spread over, newest first; and whether the newest is today."""
    local = now.astimezone(LONDON)
    today = local.date()
    today_is_open = calendar.is_working_day(today) and local >= _opening(today) + timedelta(minutes=30)
    days = [today if today_is_open else calendar.previous_working_day(today)]
    while len(days) < WINDOW_WORKING_DAYS:
        days.append(calendar.previous_working_day(days[-1]))
    return days, today_is_open


def _share_of_day_gone(day: date, now: datetime) -> float:
    opened, closes = _opening(day), _closing(day)
    return max(0.02, min(1.0, (now - opened) / (closes - opened)))


def _opening(day: date) -> datetime:
    """Opening hours come from the one table of them (domain/opening_hours.py)."""
    return datetime.combine(day, OPENING_HOURS[day.weekday()][0], tzinfo=LONDON)


def _closing(day: date) -> datetime:
    return datetime.combine(day, OPENING_HOURS[day.weekday()][1], tzinfo=LONDON)


def _receipt_time(rng: random.Random, day: date, now: datetime, is_today: bool, *,
                  latest: bool = False) -> datetime:
    """A moment in the opening hours of day (before now, if day is today); latest: in its last 20 minutes."""
    start, end = _opening(day), _closing(day)
    if is_today:
        end = min(end, now.astimezone(LONDON) - timedelta(minutes=2))
    if latest:
        start = max(start, end - timedelta(minutes=20))
    seconds = max(0, int((end - start).total_seconds()))
    return (start + timedelta(seconds=rng.randint(0, seconds))).astimezone(timezone.utc)


class _Ages:
    """Chooses how many working days ago each enquiry came in, keeping the daily volume about even.

    Enquiries still in progress (open, further action, with a region) must be
    recent; they are placed first.  Finished ones then fill the days with the
    most room left, so the log does not swell in the last fortnight.  The
    newest day counts only for the part of its opening hours already gone.
    """

    def __init__(self, rng: random.Random, total: int, today_share: float):
        self._rng = rng
        self._share = [today_share] + [1.0] * (WINDOW_WORKING_DAYS - 1)
        per_day = total / sum(self._share)
        self._room = [per_day * share for share in self._share]
        self._floor = [0.3 * room for room in self._room]

    def for_status(self, status: EnquiryStatus, file_needed: bool) -> int:
        if status is EnquiryStatus.OPEN:
            return self._take(0)
        if status is EnquiryStatus.FURTHER_ACTION:
            return self._pick(0, 14, (14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2))
        if status is EnquiryStatus.WITH_REGION:
            # Choose where it should stand in the region's queue today, then when it came in.
            target = 10 if file_needed else 5
            standing = self._rng.choices(("on time", "due soon", "overdue"), weights=(45, 20, 35))[0]
            if standing == "on time":
                return self._pick(0, target - 2)
            if standing == "due soon":
                return self._pick(target - 1, target)
            return self._pick(target + 1, target + 25)
        if status is EnquiryStatus.COMPLETED:
            return self._fill(3, WINDOW_WORKING_DAYS - 1)
        return self._fill(0, WINDOW_WORKING_DAYS - 1)

    def _pick(self, low: int, high: int, weights: Sequence[float] | None = None) -> int:
        ages = range(low, high + 1)
        w = [(weights[i] if weights else 1.0) * self._share[age] for i, age in enumerate(ages)]
        return self._take(self._rng.choices(ages, weights=w)[0])

    def _fill(self, low: int, high: int) -> int:
        ages = range(low, high + 1)
        # Never quite empty: even the busiest day had calls answered at once.
        w = [max(self._floor[age], self._room[age]) for age in ages]
        return self._take(self._rng.choices(ages, weights=w)[0])

    def _take(self, age: int) -> int:
        self._room[age] -= 1
        return age


def _blank(received: datetime, creator: UserRecord, member: _DemoMember, caseworker: str,
           channel: Channel) -> dict:
    """Every column of an enquiry row, so all rows insert in one batch."""
    return {
        "reference": "", "channel": channel.value, "status": "", "received_at": received,
        "created_by_id": creator.id, "member_id": member.id,
        "caller_kind": (CallerKind.CASEWORKER if caseworker else CallerKind.MEMBER).value,
        "caller_name": caseworker, "passcode_verified_at": None, "passcode_failures": 0,
        "constituency_mp": False, "authorised_representative": False, "third_party": False,
        "identity_confirmed": False, "subject_name": "", "subject_dob": None, "nationality": "",
        "nationality_folded": "", "ho_reference": "", "cts_reference": "", "question": "", "answer": "",
        "written_confirmation": False, "urgent": False, "region_code": None, "file_needed": False,
        "due_date": None, "sent_to_region_at": None, "acknowledged_at": None, "acknowledged_by_id": None,
        "response": "", "completed_at": None, "completed_by_id": None, "deleted_at": None,
        "deleted_by_id": None, "deletion_reason": "", "version": 1,
    }


def _disclosure(rng: random.Random) -> dict:
    third_party = rng.random() < 0.07
    return {"constituency_mp": not third_party and rng.random() < 0.95,
            "authorised_representative": not third_party, "third_party": third_party,
            "identity_confirmed": rng.random() < 0.9}


def _subject(rng: random.Random, known: list[tuple], received: datetime, now: datetime, channel: Channel) -> dict:
    """A subject: now and then one already asked about (repeat calls), else a new person."""
    if known and rng.random() < 0.15:
        name, dob, nationality, ho_ref = rng.choice(known)
    else:
        nationality = rng.choices(list(_SUBJECTS), weights=[w for w, _, _ in _SUBJECTS.values()])[0]
        _, firsts, lasts = _SUBJECTS[nationality]
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        if rng.random() < 0.12:
            name = f"{rng.choice(firsts)} {name}"
        today = now.astimezone(LONDON).date()
        age = rng.choices((rng.randint(1, 17), rng.randint(18, 45), rng.randint(46, 85)), weights=(12, 68, 20))[0]
        dob = today - timedelta(days=age * 365 + rng.randint(0, 364)) if rng.random() < 0.9 else None
        ho_ref = f"{rng.choice(_HO_PREFIXES)}{rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.9 else ""
        known.append((name, dob, nationality, ho_ref))
    cts = ""
    if rng.random() < (0.85 if channel is Channel.EMAIL else 0.25):
        year = received.astimezone(LONDON).year % 100
        cts = f"{'M' if rng.random() < 0.3 else 'B'}{rng.randint(1, 99999):05d}/{year:02d}"
    return {"subject_name": name, "subject_dob": dob, "nationality": nationality,
            "nationality_folded": fold(nationality), "ho_reference": ho_ref, "cts_reference": cts}


def _fill_case(rng: random.Random, status: EnquiryStatus, v: dict, now: datetime, minutes: timedelta,
               creator: UserRecord, leader: UserRecord, region: str, handler: UserRecord, file_needed: bool,
               closures: dict[str, list[date]]) -> None:
    """The question, answer and regional handling of an enquiry whose passcode was verified."""
    received = v["received_at"]
    if status is EnquiryStatus.OPEN:
        # A call still being written up.
        v["question"] = rng.choice(_ANSWERABLE)[0]
        return
    if status is EnquiryStatus.ANSWERED:
        question, answer = rng.choice(_ANSWERABLE)
        v.update(question=question, answer=answer, written_confirmation=rng.random() < 0.1)
        if creator.region_code is None and rng.random() < 0.1:
            # Passed to the MPEL team leader, who answered it without the region.
            v["answer"] = rng.choice(_LEADER_ANSWERS)
            v.update(completed_at=min(received + timedelta(hours=rng.uniform(1, 26)), now),
                     completed_by_id=leader.id)
        else:
            v.update(completed_at=min(received + minutes, now), completed_by_id=creator.id)
        return

    # Urgent cases (imminent removal, compelling and compassionate) are a few in a hundred.
    question, response, urgent = rng.choices(_REGIONAL, weights=[0.4 if u else 1.0 for *_, u in _REGIONAL])[0]
    v.update(question=question, answer=_HOLDING_ANSWER, urgent=urgent)
    if status is EnquiryStatus.FURTHER_ACTION:
        return

    sent = max(received, min(received + timedelta(minutes=rng.randint(15, 60 * 26)), now - timedelta(minutes=1)))
    v.update(region_code=region, file_needed=file_needed, sent_to_region_at=sent,
             due_date=regional_response_due(received, region, file_needed, closures[region], channel=v["channel"]))
    acknowledged = sent + timedelta(minutes=rng.randint(10, 60 * 24))
    if status is EnquiryStatus.WITH_REGION:
        waited = (now - received).days
        # Urgent ones are acknowledged as soon as possible; a few still wait, and show as urgent.
        chance = 0.7 if urgent else min(0.85, 0.3 + 0.06 * waited)
        if rng.random() < chance and acknowledged < now:
            v.update(acknowledged_at=acknowledged, acknowledged_by_id=handler.id)
        return
    done = min(sent + timedelta(hours=rng.uniform(3, 24 * 14)), now)
    v.update(response=response, completed_at=done, completed_by_id=handler.id,
             acknowledged_at=min(acknowledged, done), acknowledged_by_id=handler.id)


__all__ = ["DEFAULT_SEED", "DEMO_PASSWORD", "PASSCODE_HINT", "DemoInfo", "passcode_for", "seed_demo"]
