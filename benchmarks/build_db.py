"""Build a migrated MPEL Desk database holding N synthetic enquiries, fast, on SQLite or PostgreSQL.

The schema is the real one: the database is created by ``mpel_app.app.open_database``
(which runs the Alembic migrations and loads the regions); only then are the rows
loaded, with the driver's fastest path -- ``executemany`` in big batches on SQLite,
``COPY`` (psycopg ``cursor.copy``) on PostgreSQL.  The secondary indexes of
``enquiries`` and ``subject_name_tokens`` are dropped for the load and re-created
from the migration's own DDL afterwards (the same indexes, built in one sort each),
then ``ANALYZE`` runs.  On SQLite the triggers that keep the FTS5 name index are
dropped too, and the index is filled in one pass after the load.

The data are deterministic for a (rows, seed) pair:

* ~20,000 surnames and ~3,000 given names, each drawn with a Zipf-like frequency
  (a handful of names are very common -- "Khan", "Mohammed" -- most are rare); some
  accented, some double-barrelled, 30% with a middle name;
* ~60 nationalities, Zipf-like;
* Home Office references unique for most rows (a few shared by a family), CTS
  references on ~30% of rows;
* statuses mixed; ``--with-region`` (default 20%) of the rows are ``with_region``,
  spread over the six regions with due dates, and as many again were completed by
  a region;
* received_at rising with the id over eight years; 0.3% soft-deleted;
* ``subject_name_tokens`` filled for every row with a subject name, with exactly the
  tokens ``mpel_app.domain.text.name_tokens`` gives;
* ``reference_counters`` set to the last number used per prefix, and (PostgreSQL) the
  id sequences moved past the loaded ids, so the app can go on logging.

Run ``python -m benchmarks.build_db --help``; ``benchmarks.search_latency`` calls
`ensure_sqlite` / `build_postgresql` itself.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine

from mpel_app.app import open_database
from mpel_app.db import migrate
from mpel_app.db import pg_name_index
from mpel_app.db.name_search import FTS_TABLE, REBUILD_NAME_INDEX
from mpel_app.domain.calendar import HOTLINE_PREFIX, REGION_CODES
from mpel_app.domain.text import fold, name_tokens
from mpel_app.services.security import hash_secret

OUT_DIR = Path(__file__).resolve().parent / "out"
GENERATOR_VERSION = 4  # bump when the data below change, so cached databases are rebuilt
DEFAULT_ROWS = 1_000_000
DEFAULT_SEED = 20261123
DEFAULT_WITH_REGION = 0.20
BATCH = 50_000

START = datetime(2018, 11, 26, 9, 0)  # naive UTC: the loaders write UTC text
END = datetime(2026, 11, 20, 17, 0)

# ---------------------------------------------------------------- vocabulary

COMMON_SURNAMES = """Khan Ali Ahmed Singh Hussain Begum Patel Mohammed Rahman Islam Akhtar Shah Iqbal Hassan
Ibrahim Abdi Mohamed Yusuf Nguyen Tran Wang Li Zhang Chen Liu Kaur Smith Jones Williams Brown Taylor
Okafor Adeyemi Okeke Mensah Asante Osei Diallo Traore Kamara Conteh Bangura Mahmoud Abdullah Karimi
Ahmadi Hosseini Mohammadi Rezaei Popescu Ionescu Nowak Kowalski Wiśniewski Kovács Horváth Silva Santos
Pereira Oliveira García Rodríguez Martínez López González Hernández Núñez Pérez Sánchez Öztürk Yılmaz
Kaya Demir Çelik Şahin Müller Schmidt Fischer Haddad Khoury Mansour Tesfaye Gebremedhin Haile Mengistu
Abubakar Bello Musa Usman Sesay Koroma Fofana Mwangi Otieno Kamau Banda Phiri Moyo Ncube Dube Sithole
Rossi Russo Ferrari Esposito Bianchi Kumar Sharma Gupta Verma Reddy Rao Nair Perera Fernando Jayasuriya
Das Bose Chowdhury Sarkar Hossain Miah Uddin Sultana Anwar Aziz Malik Butt Chaudhry Qureshi Siddiqui""".split()

COMMON_GIVEN = """Mohammed Muhammad Ahmed Ali Fatima Aisha Mariam Omar Yusuf Ibrahim Hassan Hussein Abdul Amina
Zainab Khadija Maryam Adam Daniel David John Michael James Sarah Mary Anna Maria Elena Sofia Olga Irina
Ivan Andrei Alexandru Piotr Tomasz Agnieszka Katarzyna Ewa Wei Jing Li Ming Hui Xin Jun Hoa Minh Thanh
Lan Chinedu Ngozi Emeka Oluwaseun Adebayo Kwame Kofi Ama Abena Fatou Mamadou Aminata Ousmane Ahmad Reza
Mehdi Zahra Leila Parisa Ali-Reza Samir Karim Nadia Layla Yasmin Salma Rania Tariq Bilal Imran Asif
Nasreen Shabana Priya Anjali Rahul Arjun Vikram Sunita Deepak Harpreet Gurpreet Manpreet Jaspreet José
Zoë Chloé Renée Noémie Björn Søren Łukasz Dariusz Grzegorz Jiří Tomáš Ştefan Mihai Gheorghe Ion Elif
Ayşe Mehmet Mustafa Emre Selin Yusuf Tesfay Abebe Meron Hiwot Dawit Selam Abdirahman Hodan Faisal
Saeed Rashid Tahir Zubair Rukhsana Shazia Kiran Ravi Suresh Anil""".split()

NATIONALITIES = """Pakistani Indian Nigerian Bangladeshi Afghan Iranian Iraqi Eritrean Sudanese Albanian Chinese
Somali Syrian Vietnamese Ghanaian Sri_Lankan Zimbabwean Jamaican Turkish Egyptian Kurdish Ethiopian
Romanian Polish Filipino Brazilian Kenyan Ugandan Cameroonian Sierra_Leonean Gambian Congolese Malaysian
Nepalese Libyan Yemeni Algerian Moroccan Ukrainian Russian Georgian Kuwaiti Palestinian Lebanese Jordanian
Saudi Tanzanian Zambian Malawian South_African Ivorian Guinean Colombian Venezuelan Ecuadorian Peruvian
Mexican American Canadian Australian Bolivian""".replace("_", " ").split()

_ONSETS = ["b", "d", "k", "m", "n", "r", "s", "t", "v", "z", "ch", "sh", "kh", "gh", "l", "p", "f", "h",
           "j", "y", "w", "th", "br", "dr", "kr", "tr", "st", "g", "bh", "dh"]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "ai", "ou", "ia", "ee", "aa", "oo"]
_CODAS = ["", "", "", "", "", "n", "r", "l", "m", "s", "k", "t", "v", "sh", "ng", "nd", "z"]
_ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "n": "ñ", "s": "ş", "c": "ç"}

STATUS_WEIGHTS = {  # with_region and "completed by a region" come from --with-region
    "answered": 0.82, "refused": 0.08, "further_action": 0.06, "open": 0.04,
}
CHANNELS = (("telephone", 0.70), ("email", 0.20), ("fax", 0.10))
REGION_WEIGHTS = {"LSE": 0.30, "MEE": 0.20, "NEY": 0.14, "WSW": 0.12, "NWE": 0.14, "SNI": 0.10}

QUESTIONS = [
    "The MP's office asks for an update on the {k} application lodged in {m}; the constituent has heard nothing "
    "since the biometrics appointment and is worried about travel to a family funeral.",
    "Caseworker asks whether the {k} decision has been served and, if so, to which address, because the "
    "constituent moved in {m} and says the new address was reported through the contact centre.",
    "The office asks why the {k} claim is still outstanding after the interview in {m}, and whether it can be "
    "expedited on medical grounds (letter from the GP available).",
    "Constituent says the {k} appeal was allowed in {m}; the office asks when leave will be granted and the "
    "biometric residence permit issued.",
    "Office asks whether reporting conditions can be changed: the constituent now lives two hours from the "
    "reporting centre and has a new job that starts in {m}.",
    "Member asks for the status of the {k} application and whether the passport held since {m} can be returned "
    "for urgent travel.",
]
ANSWERS = [
    "Checked the case working system: the {k} application is awaiting a decision; no further information may "
    "be given yet. Advised the office that service standards are published on gov.uk.",
    "Confirmed the decision was served on the address held; gave the date of service. Advised the office to "
    "send the change of address in writing.",
    "Case is with the decision-making unit; the request for expedite has been noted on file and passed on.",
    "Explained that the case is being prepared for a decision and no timescale can be given on this call.",
    "Passed to the regional team as a Further Action Case: the records need checking against the paper file.",
]
RESPONSES = [
    "Region confirmed the {k} application was decided and the decision served; the office was told by phone "
    "and the call record updated.",
    "Region checked the paper file and confirmed the reporting event was moved to the nearer centre.",
    "Region arranged the return of the passport through the document return unit; the office was informed.",
]
CASE_KINDS = ["spouse visa", "asylum", "indefinite leave", "citizenship", "student visa", "family reunion",
              "settlement", "further leave", "EU settlement scheme", "visit visa"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

ENQUIRY_COLUMNS = (
    "id", "reference", "channel", "status", "received_at", "created_by_id", "member_id", "caller_kind",
    "caller_name", "passcode_verified_at", "passcode_failures", "constituency_mp", "authorised_representative",
    "third_party", "identity_confirmed", "subject_name", "subject_dob", "nationality", "nationality_folded",
    "ho_reference", "cts_reference", "question", "answer", "written_confirmation", "urgent", "region_code",
    "file_needed", "due_date", "sent_to_region_at", "acknowledged_at", "acknowledged_by_id", "response",
    "completed_at", "completed_by_id", "deleted_at", "deleted_by_id", "deletion_reason", "version",
)
TOKEN_COLUMNS = ("enquiry_id", "token")
USER_COLUMNS = ("id", "username", "full_name", "password_hash", "roles", "region_code", "grade", "phone",
                "active", "failed_logins", "created_at")
MEMBER_COLUMNS = ("id", "name", "name_folded", "kind", "constituency", "region_code", "privy_counsellor",
                  "office_phone", "office_fax", "office_email", "passcode_hash", "passcode_changed_at", "active")

# Users the benchmark acts as.
ADMIN_ID, LEADER_ID, AGENT_ID = 1, 2, 3
N_AGENTS = 60
N_MEMBERS = 650


def _ts(dt: datetime) -> str:
    """UTC instant as text: the format SQLAlchemy's SQLite DateTime stores; PostgreSQL reads it in UTC."""
    return dt.isoformat(" ", "microseconds")


def _zipf_cum(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


def _synthetic_words(rng: random.Random, count: int, taken: set[str], *, accents: float) -> list[str]:
    words: list[str] = []
    while len(words) < count:
        syllables = rng.choice((2, 2, 2, 3, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
        word = word[:12]
        if rng.random() < accents:
            i = rng.randrange(len(word))
            if word[i] in _ACCENTS:
                word = word[:i] + _ACCENTS[word[i]] + word[i + 1:]
        word = word.capitalize()
        key = fold(word)
        if len(key) >= 3 and key not in taken:
            taken.add(key)
            words.append(word)
    return words


@dataclass(frozen=True)
class Spec:
    rows: int = DEFAULT_ROWS
    seed: int = DEFAULT_SEED
    with_region: float = DEFAULT_WITH_REGION
    version: int = GENERATOR_VERSION

    @property
    def name(self) -> str:
        return f"mpel-{self.rows}-s{self.seed}-wr{round(self.with_region * 1000)}-v{self.version}"


class Dataset:
    """Deterministic synthetic rows for one Spec (see the module docstring for the distributions)."""

    def __init__(self, spec: Spec):
        self.spec = spec
        rng = random.Random(spec.seed)
        taken = {fold(w) for w in COMMON_SURNAMES}
        self.surnames = COMMON_SURNAMES + _synthetic_words(rng, 20_000 - len(COMMON_SURNAMES), taken, accents=0.04)
        taken = {fold(w) for w in COMMON_GIVEN}
        self.given = COMMON_GIVEN + _synthetic_words(rng, 3_000 - len(COMMON_GIVEN), taken, accents=0.03)
        # Shuffle the synthetic tail so rank does not follow generation order.
        tail = self.surnames[len(COMMON_SURNAMES):]
        rng.shuffle(tail)
        self.surnames[len(COMMON_SURNAMES):] = tail
        self.surname_cum = _zipf_cum(len(self.surnames), 0.85)
        self.given_cum = _zipf_cum(len(self.given), 0.90)
        self.nationality_cum = _zipf_cum(len(NATIONALITIES), 1.1)
        self._surname_tokens = {w: tuple(name_tokens(w)) for w in self.surnames}
        self._given_tokens = {w: tuple(name_tokens(w)) for w in self.given}
        self._nationality_folded = {n: fold(n) for n in NATIONALITIES}
        self.counters: dict[str, int] = {p: 0 for p in (HOTLINE_PREFIX, *REGION_CODES)}

    # -- people ---------------------------------------------------------------

    def users(self, password_hash: str) -> list[tuple]:
        created = _ts(START - timedelta(days=30))
        rows = [
            (ADMIN_ID, "bench.admin", "Bench Administrator", password_hash, "administrator", None, None, "", True, 0,
             created),
            (LEADER_ID, "bench.leader", "Bench Leader", password_hash, "mpel_team_leader", None, "HEO", "", True, 0,
             created),
        ]
        for i in range(N_AGENTS):
            rows.append((AGENT_ID + i, f"bench.agent{i:02d}", f"Agent {i:02d}", password_hash, "call_agent", None,
                         "AO", "", True, 0, created))
        next_id = AGENT_ID + N_AGENTS
        for i, code in enumerate(REGION_CODES):
            rows.append((next_id + i, f"bench.am.{code.lower()}", f"Account Manager {code}", password_hash,
                         "account_manager", code, "HEO", "", True, 0, created))
        return rows

    def region_user_ids(self) -> dict[str, int]:
        return {code: AGENT_ID + N_AGENTS + i for i, code in enumerate(REGION_CODES)}

    def members(self, passcode_hash: str) -> list[tuple]:
        rng = random.Random(self.spec.seed + 1)
        codes, weights = zip(*REGION_WEIGHTS.items())
        rows = []
        for i in range(1, N_MEMBERS + 1):
            name = f"{rng.choice(self.given[:400])} {rng.choice(self.surnames[:3000])}"
            rows.append((i, name, fold(name), "MP", f"Constituency {i:03d}", rng.choices(codes, weights)[0],
                         rng.random() < 0.05, f"+44207219{i:04d}", "", f"mp{i:03d}@parliament.example",
                         passcode_hash, _ts(START), True))
        return rows

    # -- enquiries --------------------------------------------------------------

    def batches(self, batch: int = BATCH):
        """Yield (enquiry rows, token rows) per batch; rows are tuples in ENQUIRY_COLUMNS / TOKEN_COLUMNS order."""
        spec = self.spec
        rng = random.Random(spec.seed + 2)
        n = spec.rows
        step = (END - START).total_seconds() / n
        mph_share = min(0.85, 999_999 / n)
        region_codes, region_w = zip(*REGION_WEIGHTS.items())
        region_cum = list(itertools.accumulate(region_w))
        channels, channel_w = zip(*CHANNELS)
        channel_cum = list(itertools.accumulate(channel_w))
        other = 1.0 - 2 * spec.with_region
        statuses = ("with_region", "completed", *STATUS_WEIGHTS)
        status_cum = list(itertools.accumulate((spec.with_region, spec.with_region,
                                                *(w * other for w in STATUS_WEIGHTS.values()))))
        region_users = self.region_user_ids()
        questions = [q.format(k=k, m=m) for q in QUESTIONS for k in CASE_KINDS for m in MONTHS[::3]]
        answers = [a.format(k=k) for a in ANSWERS for k in CASE_KINDS]
        responses = [r.format(k=k) for r in RESPONSES for k in CASE_KINDS]
        cts_seq: dict[tuple[str, int], int] = {}
        recent_ho: list[str] = []
        recent_cts: list[str] = []
        surnames, given, sur_tok, giv_tok = self.surnames, self.given, self._surname_tokens, self._given_tokens
        nat_folded = self._nationality_folded
        counters = self.counters
        member_cum = _zipf_cum(N_MEMBERS, 0.6)
        members = range(1, N_MEMBERS + 1)
        ho_letters = "BKSMDFGH"

        for first in range(0, n, batch):
            k = min(batch, n - first)
            ids = range(first + 1, first + k + 1)
            r_status = rng.choices(statuses, cum_weights=status_cum, k=k)
            r_channel = rng.choices(channels, cum_weights=channel_cum, k=k)
            r_sur = rng.choices(surnames, cum_weights=self.surname_cum, k=k)
            r_sur2 = rng.choices(surnames, cum_weights=self.surname_cum, k=k)
            r_giv = rng.choices(given, cum_weights=self.given_cum, k=k)
            r_mid = rng.choices(given, cum_weights=self.given_cum, k=k)
            r_nat = rng.choices(NATIONALITIES, cum_weights=self.nationality_cum, k=k)
            r_region = rng.choices(region_codes, cum_weights=region_cum, k=k)
            r_member = rng.choices(members, cum_weights=member_cum, k=k)
            enquiries: list[tuple] = []
            tokens: list[tuple] = []
            for j, eid in enumerate(ids):
                u = rng.random
                received = START + timedelta(seconds=(eid - 1) * step + u() * step * 0.9)
                status = r_status[j]
                # Regional staff log some calls under their region's prefix.
                if u() < mph_share:
                    prefix = HOTLINE_PREFIX
                    created_by = AGENT_ID + int(u() * N_AGENTS)
                else:
                    prefix = r_region[j] if u() < 0.5 else region_codes[int(u() * 6)]
                    created_by = region_users[prefix]
                counters[prefix] += 1
                reference = f"{prefix}{counters[prefix]:06d}"
                member_id = r_member[j]
                caller_kind = "member" if u() < 0.15 else "caseworker"
                caller_name = "" if caller_kind == "member" else f"{given[int(u() * 300)]} (caseworker)"
                verified = status not in ("refused", "open") or (status == "open" and u() < 0.5)
                failures = 3 if status == "refused" and u() < 0.5 else (1 if u() < 0.03 else 0)
                verified_at = _ts(received + timedelta(seconds=90)) if verified else None
                subject = nationality = nat_f = ho = cts = question = answer = ""
                dob = None
                if verified and u() < 0.97:
                    g, s = r_giv[j], r_sur[j]
                    toks = list(giv_tok[g])
                    middle = ""
                    if u() < 0.30:
                        middle = r_mid[j]
                        toks += [t for t in giv_tok[middle] if t not in toks]
                    if u() < 0.02:
                        s = f"{s}-{r_sur2[j]}"
                    for word in s.split("-"):
                        for t in sur_tok[word]:
                            if t not in toks:
                                toks.append(t)
                    if u() < 0.10:  # "KHAN, Mohammed": upper-casing can change a fold (dotless i)
                        subject = f"{s.upper()}, {g}{' ' + middle if middle else ''}"
                        toks = name_tokens(subject)
                    else:
                        subject = f"{g}{' ' + middle if middle else ''} {s}"
                    tokens.extend((eid, t[:80]) for t in toks)
                    dob = date(1940 + int(u() * 65), 1 + int(u() * 12), 1 + int(u() * 28)).isoformat()
                    if u() < 0.95:
                        nationality = r_nat[j]
                        nat_f = nat_folded[nationality]
                    x = u()
                    if x < 0.80:
                        ho = f"{ho_letters[eid % 8]}{(eid * 7_919 + 1_234_567) % 10_000_000:07d}"
                        if u() < 0.05:
                            ho += "/001"
                        recent_ho.append(ho)
                        if len(recent_ho) > 500:
                            del recent_ho[:250]
                    elif x < 0.87 and recent_ho:
                        ho = recent_ho[int(u() * len(recent_ho))]  # a family or a repeat caller
                if verified:
                    question = questions[int(u() * len(questions))]
                    if status in ("answered", "completed", "with_region"):
                        answer = answers[int(u() * len(answers))]
                if status != "refused" and u() < 0.30:
                    if recent_cts and u() < 0.05:
                        cts = recent_cts[int(u() * len(recent_cts))]
                    else:
                        letter = "M" if u() < 0.6 else "B"
                        year = received.year % 100
                        seq = cts_seq.get((letter, year), int(u() * 1000)) + 1 + int(u() * 2)
                        cts_seq[(letter, year)] = seq
                        cts = f"{letter}{seq % 100_000:05d}/{year:02d}"
                        recent_cts.append(cts)
                        if len(recent_cts) > 500:
                            del recent_cts[:250]
                region_code = due = sent = ack_at = ack_by = completed_at = completed_by = None
                response = ""
                file_needed = urgent = False
                if status in ("with_region", "completed"):
                    region_code = r_region[j]
                    file_needed = u() < 0.2
                    urgent = u() < 0.03
                    sent_dt = received + timedelta(hours=2 + u() * 40)
                    sent = _ts(sent_dt)
                    due = (sent_dt.date() + timedelta(days=14 if file_needed else 7)).isoformat()
                    if status == "completed" or u() < 0.5:
                        ack_at = _ts(sent_dt + timedelta(hours=1 + u() * 20))
                        ack_by = region_users[region_code]
                    if status == "completed":
                        response = responses[int(u() * len(responses))]
                        completed_at = _ts(sent_dt + timedelta(days=1 + u() * 9))
                        completed_by = ack_by
                elif status in ("answered", "refused"):
                    completed_at = _ts(received + timedelta(minutes=5 + u() * 20))
                    completed_by = created_by
                    if status == "refused":
                        answer = "Passcode not given correctly; no information disclosed."
                deleted_at = deleted_by = None
                deletion_reason = ""
                if u() < 0.003:
                    deleted_at = _ts(received + timedelta(days=30))
                    deleted_by = ADMIN_ID
                    deletion_reason = "Logged twice in error"
                enquiries.append((
                    eid, reference, r_channel[j], status, _ts(received), created_by, member_id, caller_kind,
                    caller_name, verified_at, failures, verified and u() < 0.9, caller_kind == "caseworker",
                    verified and u() < 0.1, verified and u() < 0.8, subject, dob, nationality, nat_f, ho, cts,
                    question, answer, verified and u() < 0.2, urgent, region_code, file_needed, due, sent, ack_at,
                    ack_by, response, completed_at, completed_by, deleted_at, deleted_by, deletion_reason,
                    1 + int(u() * 5),
                ))
            yield enquiries, tokens


# ---------------------------------------------------------------- results


@dataclass
class BuildResult:
    backend: str
    url: str
    spec: Spec
    seconds: float  # time the build took (the original build's, when reused)
    size_bytes: int
    reused: bool
    enquiries: int
    tokens: int

    def describe(self) -> str:
        how = "reused cached database" if self.reused else "built"
        return (f"{self.backend}: {how} {self.spec.name}: {self.enquiries:,} enquiries, {self.tokens:,} name "
                f"tokens, {self.size_bytes / 2**20:,.0f} MiB, build {self.seconds:,.1f} s")


def _log(msg: str) -> None:
    print(f"[build {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _secrets() -> tuple[str, str]:
    # One demo-cost hash for every user and member: hashing is not what is measured.
    return hash_secret("benchmark password", demo=True), hash_secret("7429", demo=True)


def _migrate(url: str) -> None:
    services = open_database(url)  # the real schema: Alembic migrations + regions
    services.close()


LOADED_TABLES = ("enquiries", "subject_name_tokens")
# On PostgreSQL also the name index's tables (migration 0017), filled after the load.
PG_LOADED_TABLES = LOADED_TABLES + pg_name_index.TABLES


# ---------------------------------------------------------------- SQLite


def sqlite_path(spec: Spec) -> Path:
    return OUT_DIR / f"{spec.name}.sqlite3"


def ensure_sqlite(spec: Spec, *, rebuild: bool = False) -> BuildResult:
    """Build the SQLite database for spec under benchmarks/out/, or reuse the cached one."""
    path = sqlite_path(spec)
    meta_path = path.with_suffix(".json")
    if not rebuild and path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        # Reuse only a database at the current schema head and still holding what was loaded: the app
        # would otherwise migrate it on open (and the 0003 SQLite migration empties
        # subject_name_tokens through ON DELETE CASCADE when it rebuilds enquiries).
        if meta.get("spec") == asdict(spec) and meta.get("complete") and _sqlite_intact(path, meta):
            result = BuildResult(backend="sqlite", url=f"sqlite:///{path}", spec=spec, seconds=meta["seconds"],
                                 size_bytes=path.stat().st_size, reused=True, enquiries=meta["enquiries"],
                                 tokens=meta["tokens"])
            _log(f"reusing {path} (same rows/seed/generator; pass --rebuild to build again)")
            return result
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    meta_path.unlink(missing_ok=True)
    started = time.perf_counter()
    _log(f"building {path} ({spec.rows:,} enquiries)")
    _migrate(f"sqlite:///{path}")
    dataset = Dataset(spec)
    password_hash, passcode_hash = _secrets()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in ("journal_mode=DELETE", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                       "foreign_keys=OFF"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA journal_mode=OFF")
        indexes = [sql for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (?, ?)",
            LOADED_TABLES)]
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name IN (?, ?)",
                                LOADED_TABLES).fetchall()
        conn.execute("BEGIN")
        for sql in indexes:
            conn.execute(f"DROP INDEX {sql.split()[2]}")
        for name, _ in triggers:  # they would rewrite an FTS5 row per token loaded
            conn.execute(f"DROP TRIGGER {name}")
        _insert_sqlite(conn, "users", USER_COLUMNS, dataset.users(password_hash))
        _insert_sqlite(conn, "members", MEMBER_COLUMNS, dataset.members(passcode_hash))
        n_enq = n_tok = 0
        for enquiries, tokens in dataset.batches():
            _insert_sqlite(conn, "enquiries", ENQUIRY_COLUMNS, enquiries)
            _insert_sqlite(conn, "subject_name_tokens", TOKEN_COLUMNS, tokens)
            n_enq += len(enquiries)
            n_tok += len(tokens)
            if n_enq % 200_000 == 0 or n_enq == spec.rows:
                _log(f"  {n_enq:,} enquiries, {n_tok:,} tokens ({time.perf_counter() - started:.0f} s)")
        conn.executemany("UPDATE reference_counters SET last_number = ? WHERE prefix = ?",
                         [(v, p) for p, v in dataset.counters.items()])
        conn.execute("COMMIT")
        _log(f"  rows loaded ({time.perf_counter() - started:.0f} s); re-creating {len(indexes)} indexes")
        for sql in indexes:
            conn.execute(sql)
        if triggers:
            _log(f"  filling the FTS5 name index ({time.perf_counter() - started:.0f} s)")
            conn.execute("BEGIN")
            for sql in REBUILD_NAME_INDEX:
                conn.execute(sql)
            for _, sql in triggers:
                conn.execute(sql)
            conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")  # what the app sets on every connection
        _check_tokens_sqlite(conn)
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    meta = {"spec": asdict(spec), "complete": True, "seconds": seconds, "enquiries": n_enq, "tokens": n_tok,
            "revision": schema_head()}
    meta_path.write_text(json.dumps(meta, indent=2))
    result = BuildResult(backend="sqlite", url=f"sqlite:///{path}", spec=spec, seconds=seconds,
                         size_bytes=path.stat().st_size, reused=False, enquiries=n_enq, tokens=n_tok)
    _log(result.describe())
    return result


def schema_head() -> str:
    """The Alembic head of this checkout (the schema open_database would migrate to)."""
    return migrate.head_revision(create_engine("sqlite://"))


def _sqlite_intact(path: Path, meta: dict) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tokens = conn.execute("SELECT count(*) FROM subject_name_tokens").fetchone()[0]
        enquiries = conn.execute("SELECT max(id) FROM enquiries").fetchone()[0]
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    if revision != schema_head():
        _log(f"cached {path.name} is at schema {revision}, this checkout's head is {schema_head()}: rebuilding")
        return False
    if tokens != meta.get("tokens") or enquiries != meta.get("enquiries"):
        _log(f"cached {path.name} no longer holds what was loaded ({tokens:,} tokens): rebuilding")
        return False
    return True


def _insert_sqlite(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.executemany(sql, rows)


def _check_tokens_sqlite(conn: sqlite3.Connection) -> None:
    """The loaded tokens must be exactly what the app would have written."""
    fts = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()[0]
    rows = conn.execute("SELECT id, subject_name FROM enquiries WHERE subject_name != '' ORDER BY id LIMIT 2000")
    for eid, name in rows.fetchall():
        have = {t for (t,) in conn.execute("SELECT token FROM subject_name_tokens WHERE enquiry_id = ?", (eid,))}
        if have != {t[:80] for t in name_tokens(name)}:
            raise AssertionError(f"tokens of enquiry {eid} ({name!r}) are {sorted(have)}")
        if fts:
            doc = conn.execute(f"SELECT tokens FROM {FTS_TABLE} WHERE rowid = ?", (eid,)).fetchone()
            if doc is None or set(doc[0].split()) != have:
                raise AssertionError(f"the FTS5 name index of enquiry {eid} holds {doc}")


# ---------------------------------------------------------------- PostgreSQL


def build_postgresql(url: str, spec: Spec, *, rebuild: bool = False) -> BuildResult:
    """Load spec into the (empty or same-sized) PostgreSQL database at url with COPY."""
    import psycopg
    from sqlalchemy import make_url

    _migrate(url)
    u = make_url(url)
    conninfo = psycopg.conninfo.make_conninfo(
        "", **{k: v for k, v in {"host": u.query.get("host", u.host), "port": u.port, "user": u.username,
                                 "password": u.password, "dbname": u.database}.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM enquiries").fetchone()[0]
        tokens = conn.execute("SELECT count(*) FROM subject_name_tokens").fetchone()[0]
        if have and not rebuild and have == spec.rows and tokens:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            _log(f"reusing the {have:,} enquiries already in {u.database} (pass --rebuild to load again)")
            return BuildResult("postgresql", url, spec, 0.0, size, True, have, tokens)
        started = time.perf_counter()
        _log(f"loading {spec.rows:,} enquiries into PostgreSQL database {u.database}")
        dataset = Dataset(spec)
        password_hash, passcode_hash = _secrets()
        conn.execute("SET TimeZone = 'UTC'")
        conn.execute("SET maintenance_work_mem = '1GB'")
        try:  # skip the FK triggers for the load (superuser only); the generated data are consistent
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            _log("  (not superuser: foreign keys are checked during the load)")
        indexes = conn.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            (list(PG_LOADED_TABLES),)).fetchall()
        with conn.transaction():
            if have:
                conn.execute("TRUNCATE subject_name_tokens, enquiries, members, users CASCADE")
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            _copy(conn, "users", USER_COLUMNS, dataset.users(password_hash))
            _copy(conn, "members", MEMBER_COLUMNS, dataset.members(passcode_hash))
            n_enq = n_tok = 0
            for enquiries, tokens in dataset.batches():
                _copy(conn, "enquiries", ENQUIRY_COLUMNS, enquiries)
                _copy(conn, "subject_name_tokens", TOKEN_COLUMNS, tokens)
                n_enq += len(enquiries)
                n_tok += len(tokens)
                if n_enq % 200_000 == 0 or n_enq == spec.rows:
                    _log(f"  {n_enq:,} enquiries, {n_tok:,} tokens ({time.perf_counter() - started:.0f} s)")
            for prefix, value in dataset.counters.items():
                conn.execute("UPDATE reference_counters SET last_number = %s WHERE prefix = %s", (value, prefix))
            for table in ("users", "members", "enquiries"):
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
            # The load ran with triggers off (replica role): fill the name index in one pass, as 0017 does.
            for statement in pg_name_index.REBUILD[:3]:
                conn.execute(statement)
        _log(f"  rows loaded ({time.perf_counter() - started:.0f} s); re-creating {len(indexes)} indexes")
        for _, definition in indexes:
            conn.execute(definition)
        _vacuum(conn)
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    seconds = time.perf_counter() - started
    result = BuildResult("postgresql", url, spec, seconds, size, False, n_enq, n_tok)
    _log(result.describe())
    return result


def _vacuum(conn) -> None:
    """VACUUM as well as ANALYZE: sets the visibility map, as autovacuum would on a live server,
    so index-only scans (the token index) need no heap fetches.

    Right after the load, VACUUM can leave pages not all-visible (seen: 4,118 of 11,486 pages of
    subject_name_tokens), so repeat until the map is (nearly) complete.
    """
    for attempt in range(10):
        for table in PG_LOADED_TABLES:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        pages, visible = conn.execute(
            "SELECT sum(relpages), sum(relallvisible) FROM pg_class WHERE relname = ANY(%s)",
            (list(PG_LOADED_TABLES),)).fetchone()
        if visible >= 0.99 * pages:
            break
        _log(f"  visibility map {visible}/{pages} pages after VACUUM; again")
        time.sleep(1 + attempt)
    conn.execute("ANALYZE")


def _copy(conn, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


@contextmanager
def built(backend: str, spec: Spec, *, pg_url: str | None = None, rebuild: bool = False) -> Iterator[BuildResult]:
    """The benchmark database on ``backend``: SQLite cached under out/, or PostgreSQL at ``pg_url`` or in a
    throwaway cluster started here and stopped (and deleted) when the block ends."""
    if backend == "sqlite":
        yield ensure_sqlite(spec, rebuild=rebuild)
        return
    cluster = None
    try:
        url = pg_url
        if url is None:
            from tests.support.pgcluster import ThrowawayCluster

            print("starting a throwaway PostgreSQL cluster", file=sys.stderr, flush=True)
            cluster = ThrowawayCluster().start()
            url = cluster.create_database("mpel_bench")
        yield build_postgresql(url, spec, rebuild=rebuild)
    finally:
        if cluster is not None:
            cluster.stop()


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build_db", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--with-region", type=float, default=DEFAULT_WITH_REGION,
                        help="share of enquiries with status with_region (default %(default)s)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", help="SQLAlchemy URL of an existing PostgreSQL database (postgresql only)")
    parser.add_argument("--rebuild", action="store_true", help="ignore a cached database")
    args = parser.parse_args(argv)
    spec = Spec(rows=args.rows, seed=args.seed, with_region=args.with_region)
    if args.backend == "sqlite":
        print(ensure_sqlite(spec, rebuild=args.rebuild).describe())
    else:
        if not args.pg_url:
            parser.error("--backend postgresql needs --pg-url (benchmarks.search_latency starts its own cluster)")
        print(build_postgresql(args.pg_url, spec, rebuild=args.rebuild).describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
