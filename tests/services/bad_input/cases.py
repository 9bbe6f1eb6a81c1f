"""What a bad-input case is, the malformed values the suite uses, and the one assertion every case makes.

A case is refused when it raises our error (``ValidationError`` unless it says
otherwise: never a raw TypeError, IntegrityError or a driver's DataError), the
message names the field (a regular expression, case-insensitive), and every
table (the audit trail and the outbox among them) is exactly as it was.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pytest

from mpel_app.domain.errors import MpelError, ValidationError

from .world import BadWorld, snapshot

NUL = "\x00"
ESC = "\x1b[31m"  # a terminal colour escape
C1 = "\x85"  # NEXT LINE, a C1 control character
BIDI = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: makes text display reversed
ZWSP = "\u200b"  # ZERO WIDTH SPACE
BOM = "\ufeff"
SURROGATE = "\ud800"  # a lone surrogate: not encodable as UTF-8
NONCHARACTER = "\uffff"  # not text; XML cannot hold it, so a Word reply could never be written (issue #19, 11)
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028", "\u2029"  # line breaks to many programs (issue #19, 10)
MEGABYTE = "x" * 1_000_000
FULLWIDTH_DIGITS = "１２３４５６"
ARABIC_INDIC_DIGITS = "".join(chr(0x660 + int(d)) for d in "123456")
SQL = "'; DROP TABLE enquiries; --"

# Control and invisible characters, put in the middle of otherwise good one-line text.
UNPRINTABLE = {"nul": NUL, "escape": ESC, "c1-control": C1, "bidi-override": BIDI, "zero-width-space": ZWSP,
               "byte-order-mark": BOM, "lone-surrogate": SURROGATE, "noncharacter": NONCHARACTER}


@dataclass(frozen=True)
class Bad:
    id: str
    call: Callable[[BadWorld], object]
    field: str  # a regular expression the message must contain: it names the field
    error: type[MpelError] = ValidationError
    pg: bool = False  # also run on PostgreSQL

    def __str__(self) -> str:
        return self.id


def text_cases(prefix: str, field: str, call: Callable[[BadWorld, object], object], *,
               good: str = "Ali Rezaei", one_line: bool = True, huge: bool = True, wrong_type: bool = True,
               pg: Iterable[str] = ("nul",)) -> list[Bad]:
    """The malformed-text cases of one text field: each unprintable character, a megabyte, a number."""
    pg = set(pg)
    cases = [Bad(f"{prefix}-{name}", (lambda w, v=good[:3] + char + good[3:]: call(w, v)), field, pg=name in pg)
             for name, char in UNPRINTABLE.items()]
    if one_line:
        cases.append(Bad(f"{prefix}-newline", lambda w: call(w, good[:3] + "\n" + good[3:]), field))
        for name, mark in (("line-separator", LINE_SEPARATOR), ("paragraph-separator", PARAGRAPH_SEPARATOR)):
            cases.append(Bad(f"{prefix}-{name}", lambda w, m=mark: call(w, good[:3] + m + good[3:]), field))
    if huge:
        cases.append(Bad(f"{prefix}-1MB", lambda w: call(w, MEGABYTE), field, pg="1MB" in pg))
    if wrong_type:
        cases.append(Bad(f"{prefix}-int", lambda w: call(w, 12345), field))
    return cases


def ids(cases: Iterable[Bad]) -> list[str]:
    found = [c.id for c in cases]
    assert len(found) == len(set(found)), "case ids must be unique"
    return found


def assert_refused(world: BadWorld, case: Bad) -> None:
    before = snapshot(world.services)
    try:
        result = case.call(world)
    except Exception as exc:  # noqa: BLE001 - the point is to see what escaped
        caught = exc
    else:
        pytest.fail(f"accepted: returned {str(result)[:200]}")
    assert isinstance(caught, case.error), (
        f"expected {case.error.__name__}, got {type(caught).__module__}.{type(caught).__name__}: "
        f"{str(caught)[:300]}")
    assert re.search(case.field, str(caught), re.IGNORECASE), f"message does not name {case.field!r}: {caught}"
    after = snapshot(world.services)
    changed = [table for table in before if before[table] != after[table]]
    assert not changed, f"refused, but these tables changed: {changed}"


def on_postgresql(cases: Iterable[Bad]) -> list[Bad]:
    return [c for c in cases if c.pg]


def refusal_tests(cases: list[Bad]):
    """A module's two tests: every case on SQLite, the ones marked ``pg`` on PostgreSQL too.

    Used as ``test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)``.
    """
    @pytest.mark.parametrize("case", cases, ids=ids(cases))
    def on_sqlite(bad_sqlite, case):
        assert_refused(bad_sqlite, case)

    @pytest.mark.parametrize("case", on_postgresql(cases), ids=ids(on_postgresql(cases)))
    def on_pg(bad_postgresql, case):
        assert_refused(bad_postgresql, case)

    return on_sqlite, on_pg
