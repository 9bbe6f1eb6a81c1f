"""The evening duty rota: reading it from the spreadsheet's CSV, and finding evenings with no cover.

The rota used to live in a spreadsheet in the Cover Rota folder; team leaders
export it as CSV with one row an evening: date, duty region, duty account
manager, telephone number.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import REGION_CODES, REGION_NAMES, WorkingCalendar
from .phones import normalise_phone
from .text import fold

COVER_LOOKAHEAD_DAYS = 14
MAX_ROWS = 5000
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


def parse_rota_csv(text: str) -> tuple[list[RotaEntry], list[RotaProblem]]:
    """Every row checked; the caller imports nothing unless the problem list is empty."""
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
            entry = RotaEntry(day=_date(cells["date"]), region_code=_region(cells["region"]),
                              manager_name=_name(cells["manager"]),
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
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date (use 2026-11-23 or 23/11/2026)")


def _region(text: str) -> str:
    code = text.strip().upper()
    if code in REGION_CODES:
        return code
    by_name = {fold(name): c for c, name in REGION_NAMES.items()}
    if fold(text) in by_name:
        return by_name[fold(text)]
    raise ValueError(f"'{text}' is not a region (use one of {', '.join(REGION_CODES)})")


def _name(text: str) -> str:
    if not text:
        raise ValueError("the duty account manager's name is missing")
    if len(text) > 120 or any(ord(c) < 32 for c in text):
        raise ValueError("the duty account manager's name is not plain text of up to 120 characters")
    return text
