"""The checks of typed input in domain/text.py, domain/phones.py and domain/values.py: what they refuse,
and (as much) what they must keep accepting, so refusing bad input never turns away a real name,
number or date."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mpel_app.domain.errors import ValidationError
from mpel_app.domain.phones import normalise_phone
from mpel_app.domain.records import Channel
from mpel_app.domain.text import clean_email, clean_name, clean_text, normalise_reference
from mpel_app.domain.values import as_choice, as_date, as_flag, as_instant, is_row_id


@pytest.mark.parametrize("name", [
    "Zoë Núñez", "Siobhán O'Brien-Ní Dhomhnaill", "Łukasz Şahin", "محمد رضایی",
    "Mohammad Rez\u200caei",  # a zero-width non-joiner, as Persian names are spelt
    "Dr. A. Smith, MP", "Ali (Alireza) Rezaei", "Jean-Luc d'Artagnan", "100% Smith",
])
def test_real_names_are_kept_as_typed(name):
    assert clean_name(f"  {name} ", field="Name", max_length=120) == name


@pytest.mark.parametrize(("text", "message"), [
    ("Ali\x00", "control characters"), ("Ali\x85Rezaei", "control characters"), ("Ali\x7f", "control characters"),
    ("Ali\u202eiezaR", "U\\+202E RIGHT-TO-LEFT OVERRIDE"), ("Ali\u2066x", "U\\+2066"),
    ("Ali\u200bRezaei", "ZERO WIDTH SPACE"), ("\ufeffAli", "U\\+FEFF"), ("Ali\u00adRezaei", "SOFT HYPHEN"),
    ("Ali\ud800", "lone surrogate"), ("Ali\nRezaei", "one line"), (5, "must be text"), (b"Ali", "must be text"),
])
def test_clean_text_refuses_what_nobody_types(text, message):
    with pytest.raises(ValidationError, match=f"^Name.*{message}"):
        clean_text(text, field="Name", max_length=120)


def test_clean_text_keeps_lines_and_tabs_where_asked_and_measures_after_trimming():
    assert clean_text(" a\n\tb \r\n", field="Q", max_length=10, multiline=True) == "a\n\tb"
    assert clean_text(None, field="Q", max_length=10) == ""
    assert clean_text("x" * 10 + "   ", field="Q", max_length=10) == "x" * 10
    with pytest.raises(ValidationError, match=r"Q is too long \(1000000 characters; at most 10\)"):
        clean_text("x" * 1_000_000, field="Q", max_length=10)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_names_that_a_spreadsheet_would_run_are_refused(start):
    with pytest.raises(ValidationError, match="formula"):
        clean_name(f"{start}HYPERLINK(\"http://x\")", field="Name", max_length=120)
    assert clean_name(f"Ann {start} Bob", field="Name", max_length=120) == f"Ann {start} Bob"


@pytest.mark.parametrize("address", ["jane.smith.mp@parliament.example", "o'brien@x.co.uk", "a+b@c.org.uk"])
def test_email_addresses(address):
    assert clean_email(address, field="Email") == address


@pytest.mark.parametrize("address", ["jane at example.org", "jane smith@x.org", "jane@@x.org", "jane@x",
                                     "jane@x.", "<jane@x.org>", "jane@x.org,bob@y.org"])
def test_not_email_addresses(address):
    with pytest.raises(ValidationError, match="Email.*not an e-mail address"):
        clean_email(address, field="Email")


def test_references_normalise_and_refuse_what_no_reference_holds():
    assert normalise_reference(" m12345 / 26 ") == "M12345/26"
    assert normalise_reference(None) == ""
    for bad, message in (("M12\x00345", "control"), (12345, "must be text"), ("R" * 201, "too long")):
        with pytest.raises(ValidationError, match=message):
            normalise_reference(bad)


@pytest.mark.parametrize(("typed", "stored"), [
    ("020 7219 3000", "+442072193000"), ("(020) 7219 3000", "+442072193000"), ("07911 123456", "+447911123456"),
    ("+33 1 42 68 53 00", "+33142685300"), ("0033 1 42 68 53 00", "+33142685300"),
    ("+353 1 234 5678", "+35312345678"), ("0800 123 4567", "+448001234567"), ("", ""), (None, ""),
])
def test_telephone_numbers_kept(typed, stored):
    assert normalise_phone(typed, field="Phone") == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("0906 123 4567", "premium-rate"), ("0871 234 5678", "premium-rate"),
    ("33 1 42 68 53 00", "a number abroad starts with \\+"), ("020 ABCD EFGH", "not a valid number"),
    ("0207", "not a valid number"), ("=2072193000", "starts with a digit or \\+"), ("1" * 41, "too long"),
    ("020 7219\x003000", "control characters"), (2072193000, "must be text"),
])
def test_telephone_numbers_refused(typed, message):
    with pytest.raises(ValidationError, match=f"^Phone.*{message}"):
        normalise_phone(typed, field="Phone")


def test_values_of_the_wrong_kind_are_named():
    assert as_date(date(2026, 1, 2), field="Day") == date(2026, 1, 2) and as_date(None, field="Day") is None
    for bad in ("2026-01-02", datetime(2026, 1, 2), 20260102):
        with pytest.raises(ValidationError, match="^Day must be a date"):
            as_date(bad, field="Day")
    aware = datetime(2026, 1, 2, 9, 0, tzinfo=timezone.utc)
    assert as_instant(aware, field="At") == aware
    with pytest.raises(ValidationError, match="^At must say its time zone"):
        as_instant(datetime(2026, 1, 2, 9, 0), field="At")
    with pytest.raises(ValidationError, match="^At must be a date and time"):
        as_instant(date(2026, 1, 2), field="At")
    assert as_flag(False, field="Urgent") is False
    for bad in ("no", 0, None):
        with pytest.raises(ValidationError, match="^Urgent must be yes or no"):
            as_flag(bad, field="Urgent")
    assert as_choice("fax", Channel, field="Channel") is Channel.FAX
    with pytest.raises(ValidationError, match="^Channel must be one of telephone, fax, email, not 'pigeon'"):
        as_choice("pigeon", Channel, field="Channel")
    assert is_row_id(1) and is_row_id(2**63 - 1)
    assert not any(is_row_id(v) for v in (0, -1, 2**63, True, "1", 1.0, None))
