"""The rules for bringing the MPEL Access database (2000-2010) into MPEL Desk: one place for each quirk.

Every rule the import applies to a legacy call record is a function here,
pure (no database, no clock: "today" is passed in), so the dry run, the
import and the tests all decide alike.  The README's "Importing the Access
database" section says each rule in words; keep the two in step.

Text: NULL and the empty string are the same ("") for every column, because
the Linux reader (mdbtools 1.0) cannot tell them apart and both readers must
decide alike; surrounding white space is trimmed; memo line breaks become
"\\n".  A value that needed a decision is listed with its Access ID in the
import's report and kept with the record (``Decision``).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from .calendar import HOTLINE_PREFIX, LONDON, REGION_CODES
from .records import Channel, EnquiryStatus
from .references import HOTLINE_PREFIXES, parse_hotline_reference
from .text import fold

# The tables the import reads, and the columns of the call records (README of the fixtures).
CALL_TABLE, REGION_TABLE, AGENT_TABLE = "tblCallRecord", "tblRegion", "tblAgent"
TABLES = (CALL_TABLE, REGION_TABLE, AGENT_TABLE)
TEXT_COLUMNS = ("Hotline Ref", "Call Type", "MP Name", "Constituency", "Caller Name", "Subject Name",
                "Nationality", "HO Ref", "CTS Ref", "Enquiry", "Response", "Urgent", "Completed By")
DATE_COLUMNS = ("Date of Call", "Time of Call", "Subject DOB", "Removal Date", "Date Sent to Region",
                "Date Completed")
FLAG_COLUMNS = ("Further Action", "File Required", "Passcode Given", "Deleted")
NUMBER_COLUMNS = ("ID", "Region", "Call Agent")
CALL_COLUMNS = frozenset(TEXT_COLUMNS + DATE_COLUMNS + FLAG_COLUMNS + NUMBER_COLUMNS)

# The Access database went live in 2000: a call before then is a typing error.
SERVICE_START = date(2000, 1, 1)
# Access keeps a time-only value on its day zero, and a "don't know" date of birth as 1 January 1900.
ACCESS_DAY_ZERO = date(1899, 12, 30)
DOB_PLACEHOLDER = date(1900, 1, 1)

# Lengths of the columns the values go into (db/models.py).
MAX_NAME, MAX_CALLER, MAX_NATIONALITY, MAX_HO_REF, MAX_CTS_REF = 200, 120, 80, 40, 20


@dataclass(frozen=True)
class Decision:
    """What the import decided about one value of one Access row, to show a person."""

    access_id: int
    field: str
    as_stored: str
    decided: str
    rule: str  # a short code, one per rule below, for counting

    def as_dict(self) -> dict:
        return {"access_id": self.access_id, "field": self.field, "as_stored": self.as_stored,
                "decided": self.decided, "rule": self.rule}


def shown(value: object) -> str:
    """A stored value as the report shows it: NULL and '' both as '' (the readers cannot tell them apart)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None and value.year >= 1000:  # the same text, a fifth of strftime's time (issue 10)
            return value.isoformat(" ", "seconds")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


# ----------------------------------------------------------------------------- text


def text(value: str | None) -> str:
    """A one-line text column: NULL and '' alike, trimmed; line breaks folded to spaces."""
    if not value:
        return ""
    return " ".join(value.split()) if ("\n" in value or "\r" in value or "\t" in value) else value.strip()


def memo(value: str | None) -> str:
    """A memo column: CRLF and CR become LF, trailing white space of the whole text trimmed; quotes kept."""
    if not value:
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def clipped(value: str, length: int) -> str:
    """Longer than the column: cut (never silently: the caller records a decision when this changes it)."""
    return value if len(value) <= length else value[:length]


def reference_key(value: str | None) -> str:
    """Any reference as it is searched: upper case without spaces (domain/text.normalise_reference's form)."""
    return "".join((value or "").split()).upper()[:MAX_HO_REF]


# ------------------------------------------------------------------------ references


class ReferenceCheck(NamedTuple):
    """A tuple, not a frozen dataclass: one is made for every row read, twice (survey and plan), and a
    frozen dataclass's __init__ cost a microsecond of it (issue 10)."""

    key: str | None  # the normalised hotline reference when valid, else None
    valid_as_stored: bool

    @property
    def valid(self) -> bool:
        return self.key is not None


_CANONICAL = re.compile(r"(?:MPH|LSE|MEE|NEY|WSW|NWE|SNI)(?!000000)[0-9]{6}")


def check_reference(value: str | None) -> ReferenceCheck:
    """A hotline reference is valid after trimming and upper-casing when it is a prefix and six digits
    (domain/references.parse_hotline_reference; the pattern first, for the million that are canonical)."""
    if not value:
        return ReferenceCheck(None, False)
    if _CANONICAL.fullmatch(value):
        return ReferenceCheck(value, True)
    candidate = value.strip().upper()
    try:
        key = str(parse_hotline_reference(candidate))
    except ValueError:
        return ReferenceCheck(None, False)
    return ReferenceCheck(key, key == value)


def keeper_of(rows: list[tuple[bool, int]]) -> int:
    """Which of the rows (deleted, Access ID) holding one reference keeps it: a live row before a deleted
    one, then the oldest (lowest Access ID: AutoNumbers are issued in order, so it was keyed first)."""
    return min(rows)[1]


def substitute_prefix(value: str | None) -> str:
    """The prefix a new reference is issued under for a row without a usable one: its own prefix when it
    starts with one (a typo in the digits, a duplicate), else the Enquiry Line's MPH."""
    head = (value or "").strip().upper()[:3]
    return head if head in HOTLINE_PREFIXES else HOTLINE_PREFIX


def reference_number(key: str) -> tuple[str, int]:
    """('MPH', 12345) of a valid normalised reference."""
    return key[:3], int(key[3:])


# --------------------------------------------------------------- call type, urgency

CALL_TYPES = {"telephone": "Telephone", "tel": "Telephone", "phone": "Telephone",
              "fax": "Fax", "email": "Email"}
CHANNELS = {"Telephone": Channel.TELEPHONE, "Fax": Channel.FAX, "Email": Channel.EMAIL}
# A call type that is missing or unrecognised: most calls were telephone calls.
UNKNOWN_CALL_TYPE_CHANNEL = Channel.TELEPHONE
UNKNOWN = "unknown"


def call_type(value: str | None) -> str:
    """'Telephone' / 'Fax' / 'Email', or 'unknown': trimmed, lower-cased, '-' and '.' dropped."""
    if not value:
        return UNKNOWN
    word = value.strip().lower().replace("-", "").replace(".", "")
    return CALL_TYPES.get(word, UNKNOWN)


IMMINENT_REMOVAL, COMPASSIONATE, NOT_URGENT = "Imminent Removal", "Compassionate", "not urgent"
_URGENCY = {"imminent removal": IMMINENT_REMOVAL, "compassionate": COMPASSIONATE}


def urgency(value: str | None) -> tuple[str, bool]:
    """('Imminent Removal' | 'Compassionate' | 'not urgent', recognised): trimmed, any case; NULL or ''
    is not urgent (the field was added in June 2003); anything else is not urgent and is reported."""
    if not value or not value.strip():
        return NOT_URGENT, True
    found = _URGENCY.get(" ".join(value.split()).lower())
    return (found, True) if found else (NOT_URGENT, False)


# --------------------------------------------------------------------------- lookups


def region_code(value: int | None, regions: Mapping[int, str]) -> tuple[str | None, bool]:
    """(the region's code or None, whether the value was usable).  0 is Access's default for an unset
    Number and means no region, as does NULL; an ID missing from tblRegion (an orphan) is no region too,
    and reported."""
    if value is None or value == 0:
        return None, True
    code = regions.get(value)
    return (code, True) if code in REGION_CODES else (None, False)


def region_codes(rows: list[dict]) -> dict[int, str]:
    """tblRegion's ID -> region code (trimmed, upper case)."""
    return {int(r["ID"]): text(r.get("Region Code")).upper() for r in rows if r.get("ID") is not None}


def orphan_agent_name(access_id: int) -> str:
    return f"Agent {access_id} (no longer in tblAgent)"


_TEAM_SUFFIX = re.compile(r"^(?P<name>.*?)\s*\((?P<team>[A-Za-z ]{2,10})\)\s*$")


def completer(value: str | None) -> tuple[str, str] | None:
    """('Gwen Price', 'WSW') from 'Gwen Price (WSW)'; a name, initials or first name as typed otherwise."""
    name = text(value)
    if not name:
        return None
    match = _TEAM_SUFFIX.match(name)
    if match and match["name"]:
        return match["name"].strip(), match["team"].strip().upper()
    return name, ""


def person_key(name: str, team: str = "") -> str:
    """One legacy person per name and team as typed, whatever the case or accents: 'Gwen Price (WSW)' and
    'GWEN PRICE (WSW)' are one person; 'Gwen Price (MEE)' is kept apart (the team is part of what was
    typed, and people moved between regions), and so is a bare 'Gwen Price'."""
    return f"{fold(name)}|{team}"[:120]


# ----------------------------------------------------------------------------- dates


def as_date(value: datetime | date | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def time_of_call(value: datetime | time | None) -> time | None:
    """The time part of Access's time-only value (kept on day zero, 1899-12-30)."""
    if value is None:
        return None
    return value.time() if isinstance(value, datetime) else value


def london_instant(day: date, at: time | None = None) -> datetime:
    """A UK local date (and time) as typed, as the UTC instant stored."""
    return _london_midnight(day) if at is None else _london_instant(day, at)


def _london_instant(day: date, at: time) -> datetime:
    offset = _london_offset(day)
    if offset is None:  # the clocks change that day: the time zone database decides
        return datetime.combine(day, at, tzinfo=LONDON).astimezone(timezone.utc)
    return datetime.combine(day, at, tzinfo=timezone.utc) - offset


@lru_cache(maxsize=16_384)
def _london_midnight(day: date) -> datetime:
    """The start of a London day, once a day: completion and sent-to-region dates are dates only."""
    return _london_instant(day, time(0))


@lru_cache(maxsize=16_384)
def _london_offset(day: date) -> timedelta | None:
    """London's offset from UTC all through ``day``; None on a day the clocks change.  Looked up once a
    day: the import converts two or three dates and times of a million records (issue 10)."""
    first = datetime.combine(day, time(0), tzinfo=LONDON).utcoffset()
    last = datetime.combine(day, time(23, 59, 59, 999_999), tzinfo=LONDON).utcoffset()
    return first if first == last else None


DELETED_REASON = "Deleted in the legacy Access database (when is not known)"


def service_end(dates: list[date | None], today: date) -> date:
    """The last day the Access database plausibly recorded anything: the latest Date Sent to Region or
    Date Completed that is not in the future.  A Date of Call after it is a typing error."""
    plausible = [d for d in dates if within_service(d, today)]
    return max(plausible) if plausible else today


def within_service(day: date | None, last: date) -> bool:
    """A date from the database's first year to ``last``: a date sent or completed up to today (``service_end``),
    a Date of Call up to the service's end (``plausible_call_date``)."""
    return day is not None and SERVICE_START <= day <= last


def plausible_call_date(day: date | None, end: date) -> bool:
    return within_service(day, end)


def _with_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def corrected_call_date(day: date | None, before: date | None, after: date | None,
                        other_dates: tuple[date | None, ...], end: date) -> tuple[date | None, str]:
    """A Date of Call outside the database's years, or missing: (the date taken, how).

    AutoNumber IDs are issued in order, so a call lies between the plausible dates of the rows keyed
    just before (``before``) and after (``after``) it.
    1. The day and month as typed, in the year of the row before (or after), when that falls between
       them: '2090-03-11' between 2009-03-10 and 2009-03-11 is 2009-03-11.
    2. Else the earliest of the row's own Date Sent to Region and Date Completed (a call comes first).
    3. Else the date of the row keyed before (or after) it.
    None when nothing gives a date: the row is not imported.
    """
    if day is not None:
        for year in dict.fromkeys(d.year for d in (before, after) if d is not None):
            candidate = _with_year(day, year)
            if candidate and (before is None or candidate >= before) and (after is None or candidate <= after):
                return candidate, "year_from_neighbours"
    own = [d for d in other_dates if plausible_call_date(d, end)]
    if own:
        return min(own), "from_own_dates"
    if before or after:
        return (before or after), "from_row_before"
    return None, ""


def subject_dob(value: date | None, call_day: date) -> tuple[date | None, str]:
    """(date of birth, rule applied or ''): 1900-01-01 is Access's 'not known'; a date after the call
    was typed 20xx for 19xx, so a hundred years earlier (when that still makes sense), else dropped."""
    if value is None:
        return None, ""
    if value == DOB_PLACEHOLDER or value < DOB_PLACEHOLDER:
        return None, "dob_placeholder"
    if value > call_day:
        earlier = _with_year(value, value.year - 100)
        if earlier and earlier >= DOB_PLACEHOLDER:
            return earlier, "dob_century"
        return None, "dob_future"
    return value, ""


def completed_at(day: date | None, received: datetime) -> tuple[datetime | None, bool]:
    """Date Completed is a date only: completed at the start of that day, but never before the call was
    received (a same-day answer, or a date typed before the call).  (instant, whether it was before)."""
    if day is None:
        return None, False
    instant = london_instant(day)
    if instant >= received:
        return instant, False
    return received, day < received.astimezone(LONDON).date()


# ---------------------------------------------------------------------------- status


def status(further_action: bool, completed: bool, region: str | None) -> EnquiryStatus:
    """Where an imported record stands.  Completed in Access: completed (regional work) or answered
    (first contact).  Still open with further action: in its region's queue, or in the MPEL team
    leader's Further Action queue when it has no region.  No further action and no completion date:
    answered at first contact (what the Access form meant by leaving both empty)."""
    if completed:
        return EnquiryStatus.COMPLETED if further_action else EnquiryStatus.ANSWERED
    if further_action:
        return EnquiryStatus.WITH_REGION if region else EnquiryStatus.FURTHER_ACTION
    return EnquiryStatus.ANSWERED


def answer_column(further_action: bool) -> str:
    """The Access 'Response' is the region's write-up of a further-action case, else the answer given."""
    return "response" if further_action else "answer"


# -------------------------------------------------------------------------- identity


def source_identity(oldest: Mapping) -> str:
    """Which Access database this is, whatever its file name or format (.mdb or .accdb): a fingerprint of
    its oldest call record (ID, reference and date as stored), which later use of the database leaves be."""
    parts = (shown(oldest.get("ID")), shown(oldest.get("Hotline Ref")), shown(oldest.get("Date of Call")))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
