"""Malformed closure days (services/reference_data.py) and duty rota entries and CSV files
(services/rota.py, domain/rota.py), CSV injection among them.

A rota file is all or nothing: one bad row imports nothing and each problem is
reported with its line; a value that is not a file's text at all is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from .cases import MEGABYTE, NUL, SQL, Bad, refusal_tests, text_cases
from .world import snapshot


def _closure(day=date(2026, 12, 1), nation="ENG", reason="Office move"):
    return lambda w: w.services.reference.add_closure(w.base.admin, day, nation, reason)


CLOSURES = [
    *[Bad(f"closure-nation-{name}", _closure(nation=value), "nation", pg=name == "nul")
      for name, value in {"unknown": "WAL", "none": None, "int": 5, "nul": "EN" + NUL}.items()],
    *[Bad(f"closure-day-{name}", _closure(day=value), "closure day|day of the closure")
      for name, value in {"text": "2026-12-01", "none": None, "datetime": datetime(2026, 12, 1, 9, 0),
                          "int": 20261201, "year-1800": date(1800, 12, 1), "year-2099": date(2099, 12, 1),
                          "two-years-ago": date(2024, 11, 1)}.items()],
    Bad("closure-reason-empty", _closure(reason=""), "reason"),
    *text_cases("closure-reason", "reason", lambda w, v: _closure(reason=v)(w), good="Office move"),
]


def _rota(day=date(2026, 12, 1), region="LSE", name="Priya Shah", phone="020 7946 0123"):
    return lambda w: w.services.rota.set_entry(w.base.leader, day, region, name, phone)


ROTA_ENTRIES = [
    *[Bad(f"rota-day-{name}", _rota(day=value), "evening", pg=name == "year-1")
      for name, value in {"text": "2026-12-01", "none": None, "datetime": datetime(2026, 12, 1, 16, 0),
                          "int": 1, "year-1": date(1, 1, 1), "year-2099": date(2099, 1, 5)}.items()],
    *[Bad(f"rota-region-{name}", _rota(region=value), "region", pg=name == "nul")
      for name, value in {"unknown": "XYZ", "nul": "LS" + NUL, "none": None, "int": 5, "sql": "LSE" + SQL}.items()],
    Bad("rota-name-empty", _rota(name=""), "duty account manager's name"),
    *text_cases("rota-name", "duty account manager's name", lambda w, v: _rota(name=v)(w), good="Priya Shah"),
    *[Bad(f"rota-name-formula-{c}", _rota(name=f'{c}HYPERLINK("http://evil.example","Priya")'),
          "formula") for c in "=+-@"],
    *[Bad(f"rota-phone-{name}", _rota(phone=value), "telephone number", pg=name == "nul")
      for name, value in {"empty": "", "letters": "ring Priya", "too-short": "0207", "premium": "0906 123 4567",
                          "foreign-without-plus": "33 1 42 68 53 00", "formula": "=1+2", "nul": "0207" + NUL,
                          "int": 2079460123}.items()],
    *[Bad(f"rota-file-{name}", (lambda w, v=value: w.services.rota.import_csv(w.base.leader, v)), "rota file")
      for name, value in {"none": None, "bytes": b"date,region,manager,phone\n", "int": 5}.items()],
]

HEADER = "Date,Duty region,Duty account manager,Telephone\n"
GOOD_ROW = "01/12/2026,LSE,Priya Shah,020 7946 0123\n"


@dataclass(frozen=True)
class BadFile:
    id: str
    rows: str  # after the header and one good row, so the bad one is line 3
    message: str
    line: int = 3


def _row(date="02/12/2026", region="LSE", name="Priya Shah", phone="020 7946 0123") -> str:
    """A line of a rota file: a good one for Wed 2 Dec, but for what a case changes."""
    return f"{date},{region},{name},{phone}\n"


NOT_AN_EVENING = "not an evening of this rota"
# The good line with one field changed, by field: {case: (value, what the refusal says)}.
BAD_VALUES = {
    "name": {"nul": ("Priya" + NUL + "Shah", "control characters"), "escape": ("Priya\x1bShah", "control characters"),
             "bidi": ("Priya\u202eShah", "invisible character"),
             "zero-width": ("Priya\u200bShah", "invisible character"),
             "missing": ("", "name is missing"), "too-long": ("P" * 121, "too long")},
    "date": {"year-1": ("0001-01-01", NOT_AN_EVENING), "far-future": ("2099-01-05", NOT_AN_EVENING),
             "impossible": ("31/02/2026", "not a date"), "fullwidth-digits": ("２０２６-１２-０２", "not a date"),
             "arabic-indic-digits": ("٢٠٢٦-١٢-٠٢", "not a date")},
    "region": {"unknown": ("XYZ", "not a region"), "nul": ("L" + NUL + "SE", "not a region")},
    "phone": {"premium": ("0906 123 4567", "premium-rate"), "letters": ("ring her", "telephone"),
              "foreign-without-plus": ("33 1 42 68 53 00", "country code"),
              "missing": ("", "telephone number is missing")},
}
# Formulas a spreadsheet would run, were the file opened in one.
INJECTIONS = {"phone": ("=1+2", "telephone"), "region": ("=LSE", "not a region"), "date": ("=TODAY()", "not a date")}

BAD_FILES = [
    *[BadFile(f"csv-injection-name-{c}", _row(name=f'"{c}cmd|\' /C calc\'!A0"'), "formula") for c in "=+-@"],
    *[BadFile(f"csv-injection-{field}", _row(**{field: value}), message)
      for field, (value, message) in INJECTIONS.items()],
    *[BadFile(f"{field}-{case}", _row(**{field: value}), message)
      for field, cases in BAD_VALUES.items() for case, (value, message) in cases.items()],
    BadFile("date-twice", _row("01/12/2026", "MEE", "Harjit Sandhu", "0121 496 0872"), "already on line 2"),
    BadFile("field-of-a-megabyte", _row(name=f'"{MEGABYTE}"'), "not a readable CSV", line=0),
]


test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CLOSURES + ROTA_ENTRIES)


def _assert_file_refused(world, case: BadFile) -> None:
    before = snapshot(world.services)
    result = world.services.rota.import_csv(world.base.leader, HEADER + GOOD_ROW + case.rows)
    assert result.imported == 0
    assert [p.line for p in result.problems] == [case.line], result.problems
    assert re.search(case.message, result.problems[0].message, re.IGNORECASE), result.problems[0].message
    assert snapshot(world.services) == before


@pytest.mark.parametrize("case", BAD_FILES, ids=[c.id for c in BAD_FILES])
def test_a_bad_rota_file_imports_nothing_and_says_which_line(bad_sqlite, case):
    _assert_file_refused(bad_sqlite, case)


@pytest.mark.parametrize("case", [c for c in BAD_FILES if "nul" in c.id or "injection" in c.id],
                         ids=[c.id for c in BAD_FILES if "nul" in c.id or "injection" in c.id])
def test_a_bad_rota_file_imports_nothing_on_postgresql(bad_postgresql, case):
    _assert_file_refused(bad_postgresql, case)


def test_the_good_rows_alone_import(bad_sqlite):
    """The control: the header and the good row on their own are imported, so the refusals above are the bad rows'."""
    rota = bad_sqlite.services.rota
    assert rota.import_csv(bad_sqlite.base.leader, HEADER + GOOD_ROW).imported == 1
    [entry] = rota.entries(date(2026, 12, 1), date(2026, 12, 1))
    assert (entry.region_code, entry.manager_name, entry.phone) == ("LSE", "Priya Shah", "020 7946 0123")
