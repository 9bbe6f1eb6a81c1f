"""Caller IDs as PBXs send them, read as numbers, withheld, extensions or junk; never an exception."""
from __future__ import annotations

import pytest

from mpel_app.domain.caller_id import EXTENSION, NUMBER, UNKNOWN, WITHHELD, read_caller
from mpel_app.domain.call_stats import is_short_abandon, outcome_of, service_level, within_threshold


@pytest.mark.parametrize("raw, kind, e164, display", [
    ("02079460000", NUMBER, "+442079460000", "020 7946 0000"),
    ("+44 (0)20 7946 0000", NUMBER, "+442079460000", "020 7946 0000"),
    ("0044 (0) 117 946 0000", NUMBER, "+441179460000", "0117 946 0000"),
    ("00441179460000", NUMBER, "+441179460000", "0117 946 0000"),
    ("(020) 7946-0000", NUMBER, "+442079460000", "020 7946 0000"),
    ("9 020 7946 0000", NUMBER, "+442079460000", "020 7946 0000"),
    ("sip:+442079460000@pbx.example", NUMBER, "+442079460000", "020 7946 0000"),
    ("+33 1 42 68 53 00", NUMBER, "+33142685300", "+33 1 42 68 53 00"),
    ("0033142685300", NUMBER, "+33142685300", "+33 1 42 68 53 00"),
    ("anonymous", WITHHELD, "", "Number withheld"),
    ("Unknown", WITHHELD, "", "Number withheld"),
    ("", WITHHELD, "", "Number withheld"),
    (None, WITHHELD, "", "Number withheld"),
    ("2001", EXTENSION, "", "Extension 2001"),
    ("=HYPERLINK(1)", UNKNOWN, "", "=HYPERLINK(1)"),
    ("123456789012345678", UNKNOWN, "", "123456789012345678"),
    ("\x00\xff" * 100, UNKNOWN, "", "ÿ" * 64),
])
def test_caller_ids(raw, kind, e164, display):
    caller = read_caller(raw)
    assert (caller.kind, caller.e164, caller.display) == (kind, e164, display)


def test_the_outside_line_prefix_is_configurable():
    assert read_caller("8 020 7946 0000", outside_line_prefix="8").e164 == "+442079460000"
    assert read_caller("9 020 7946 0000", outside_line_prefix="").kind == UNKNOWN


def test_thresholds_are_inclusive_and_the_formula_guards_zero():
    assert [within_threshold(w) for w in (29, 30, 30.001, 31, None)] == [True, True, False, False, False]
    assert [is_short_abandon(w) for w in (3, 5, 5.5, 20)] == [True, True, False, False]
    assert service_level(3, 4, 3, 1) == 0.5
    assert service_level(0, 0, 2, 2) is None
    assert outcome_of("out", None, None, None) == "outbound"
    assert outcome_of("in", None, None, None) == "ringing"
    assert outcome_of("in", None, object(), "cancel") == "abandoned"
    assert outcome_of("in", None, object(), "noAnswer") == "missed"
