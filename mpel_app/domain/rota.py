"""The evening duty rota: reading it from the spreadsheet's CSV, and finding evenings with no cover.

The rota used to live in a spreadsheet in the Cover Rota folder; team leaders
export it as CSV with one row an evening: date, duty region, duty account
manager, telephone number.

Each cell is checked as if typed at the desk: a name is clean one-line text
that no spreadsheet would take for a formula (``=HYPERLINK(...)``, "CSV
injection"), a telephone number a real, non-premium one, and a date a real
evening near today (not the year 1, nor a typing slip into the next century).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import REGION_CODES, REGION_NAMES, WorkingCalendar
from .errors import ValidationError
from .phones import normalise_phone
from .text import clean_name, fold

COVER_LOOKAHEAD_DAYS = 14
MAX_ROWS = 5000
MAX_NAME_LENGTH = 120
# How far from today a rota evening may be: last year's rota is history, more than two years ahead a slip.
ROTA_PAST = timedelta(days=366)
ROTA_FUTURE = timedelta(days=2 * 366)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")
_HEADERS = {
    "date": ("date", "day", "evening"),
    "region": ("region", "duty region", "region code"),
    "manager": ("duty account manager", "account manager", "manager", "name", "duty manager"),
    "phone": ("phone", "telephone", "telephone number", "phone number", "number", "mobile"),
}


@dataclass(frozen=True)
class RotaEntry:
    day: date
    region_code: str
    manager_name: str
    phone: str  # E.164


@dataclass(frozen=True)
class RotaProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def parse_rota_csv(text: str, *, today: date | None = None) -> tuple[list[RotaEntry], list[RotaProblem]]:
    """Every row checked; the caller imports nothing unless the problem list is empty.

    With ``today``, every evening must fall within ``check_rota_day``'s window.
    Anything but text is refused with ValidationError: it is not a file's content.
    """
    if not isinstance(text, str):
        raise ValidationError(f"the rota file must be text (CSV), not {type(text).__name__}")
    problems: list[RotaProblem] = []
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        return [], [RotaProblem(0, f"not a readable CSV file ({exc})")]
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return [], [RotaProblem(1, "the file is empty")]
    if len(rows) > MAX_ROWS:
        return [], [RotaProblem(MAX_ROWS, f"more than {MAX_ROWS} rows: is this the rota?")]
    columns = _columns(rows[0])
    if columns is None:
        return [], [RotaProblem(1, "the first row must name the columns: date, region, "
                                   "duty account manager, telephone")]
    entries: list[RotaEntry] = []
    seen: dict[date, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        try:
            cells = {key: row[i].strip() if i < len(row) else "" for key, i in columns.items()}
            day = _date(cells["date"])
            if today is not None:
                check_rota_day(day, today)
            entry = RotaEntry(day=day, region_code=_region(cells["region"]),
                              manager_name=rota_manager_name(cells["manager"]),
                              phone=normalise_phone(cells["phone"], field="telephone number"))
            if not entry.phone:
                raise ValueError("the duty account manager's telephone number is missing")
        except ValueError as exc:
            problems.append(RotaProblem(line, str(exc)))
            continue
        if entry.day in seen:
            problems.append(RotaProblem(line, f"{entry.day:%d %b %Y} is already on line {seen[entry.day]}"))
            continue
        seen[entry.day] = line
        entries.append(entry)
    return entries, problems


def check_rota_day(day: date, today: date) -> None:
    """A rota evening must be within a year before ``today`` and two years after; ValidationError says why."""
    if not today - ROTA_PAST <= day <= today + ROTA_FUTURE:
        raise ValidationError(f"{day:%d %b %Y} is not an evening of this rota: give a date from "
                              f"{today - ROTA_PAST:%d %b %Y} to {today + ROTA_FUTURE:%d %b %Y}")


def rota_manager_name(text: str | None) -> str:
    """The duty account manager's name, checked like any name typed at the desk."""
    name = clean_name(text, field="the duty account manager's name", max_length=MAX_NAME_LENGTH)
    if not name:
        raise ValidationError("the duty account manager's name is missing")
    return name


def uncovered_evenings(covered: set[date], today: date, calendar: WorkingCalendar,
                       days: int = COVER_LOOKAHEAD_DAYS) -> list[date]:
    """Working days from today over the next `days` days that have no duty region."""
    return [d for d in (today + timedelta(n) for n in range(days))
            if calendar.is_working_day(d) and d not in covered]


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [fold(h).strip() for h in header]
    found: dict[str, int] = {}
    for key, aliases in _HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    return found if len(found) == len(_HEADERS) else None


def _date(text: str) -> date:
    if not text.isascii():
        raise ValueError(f"{text[:40]!r} is not a date (use 2026-11-23 or 23/11/2026, in plain digits)")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text[:40]!r} is not a date (use 2026-11-23 or 23/11/2026)")


def _region(text: str) -> str:
    code = text.strip().upper()
    if code in REGION_CODES:
        return code
    by_name = {fold(name): c for c, name in REGION_NAMES.items()}
    if fold(text) in by_name:
        return by_name[fold(text)]
    raise ValueError(f"{text[:40]!r} is not a region (use one of {', '.join(REGION_CODES)})")
