"""Hotline and CTS references: parsing, canonical form and error messages."""
import pytest

from mpel_app.domain.references import (
    CtsReference,
    HotlineReference,
    is_cts_reference,
    is_hotline_reference,
    parse_cts_reference,
    parse_hotline_reference,
)


@pytest.mark.parametrize(("text", "prefix", "number", "canonical"), [
    ("MPH123456", "MPH", 123456, "MPH123456"),
    ("mph000123", "MPH", 123, "MPH000123"),
    ("  sni999999\t\n", "SNI", 999999, "SNI999999"),
    ("Lse000001", "LSE", 1, "LSE000001"),
    ("MEE010203", "MEE", 10203, "MEE010203"),
    ("ney100000", "NEY", 100000, "NEY100000"),
    ("WSW000042", "WSW", 42, "WSW000042"),
    ("nwe500500", "NWE", 500500, "NWE500500"),
])
def test_valid_hotline_references(text, prefix, number, canonical):
    ref = parse_hotline_reference(text)
    assert ref == HotlineReference(prefix, number)
    assert str(ref) == canonical
    assert is_hotline_reference(text)


def test_make_normalises_and_formats():
    assert str(HotlineReference.make(" mph ", 123)) == "MPH000123"


@pytest.mark.parametrize(("prefix", "number", "message"), [
    ("MPH", 0, "between 1 and 999999, got 0"),
    ("MPH", 1_000_000, "between 1 and 999999, got 1000000"),
    ("XYZ", 1, "unknown hotline prefix 'XYZ'; expected one of MPH, LSE, MEE, NEY, WSW, NWE, SNI"),
])
def test_make_rejects(prefix, number, message):
    with pytest.raises(ValueError) as err:
        HotlineReference.make(prefix, number)
    assert message in str(err.value)


@pytest.mark.parametrize(("text", "message"), [
    ("", "hotline reference is empty"),
    ("   ", "hotline reference is empty"),
    ("ABC123456", "'ABC123456' does not start with a valid prefix; "
                  "expected one of MPH, LSE, MEE, NEY, WSW, NWE, SNI"),
    ("123456", "does not start with a valid prefix"),
    ("MP", "does not start with a valid prefix"),
    ("MPH12345", "'MPH12345': expected 6 digits after MPH, got 5"),
    ("MPH1234567", "'MPH1234567': expected 6 digits after MPH, got 7"),
    ("LSE", "'LSE': expected 6 digits after LSE, got 0"),
    ("MPH12A456", "'MPH12A456': only digits may follow the prefix, found 'A'"),
    ("MPH 123456", "only digits may follow the prefix, found ' '"),
    ("MPH12345\u00b2", "only digits may follow the prefix, found '²'"),  # superscript two
    ("MPH000000", "'MPH000000': MPH000000 is not a valid reference"),
])
def test_invalid_hotline_references(text, message):
    with pytest.raises(ValueError) as err:
        parse_hotline_reference(text)
    assert message in str(err.value)
    assert not is_hotline_reference(text)


@pytest.mark.parametrize(("text", "kind", "sequence", "year", "canonical"), [
    ("M12345/10", "ministerial", 12345, 10, "M12345/10"),
    ("b00001/26", "official", 1, 26, "B00001/26"),
    (" m00042/09 ", "ministerial", 42, 9, "M00042/09"),
])
def test_valid_cts_references(text, kind, sequence, year, canonical):
    ref = parse_cts_reference(text)
    assert ref == CtsReference(kind, sequence, year)
    assert str(ref) == canonical
    assert is_cts_reference(text)


def test_cts_letter():
    assert parse_cts_reference("B00001/26").letter == "B"
    assert parse_cts_reference("M00001/26").letter == "M"


@pytest.mark.parametrize(("text", "message"), [
    ("", "CTS reference is empty"),
    ("X12345/10", "'X12345/10': a CTS reference starts with M (Ministerial) or B (Official)"),
    ("12345/10", "starts with M (Ministerial) or B (Official)"),
    ("M1234510", "'M1234510': expected a '/' before the two-digit year"),
    ("M1234/10", "'M1234/10': expected 5 digits between M and '/', got '1234'"),
    ("B123456/10", "expected 5 digits between B and '/', got '123456'"),
    ("M12a45/10", "expected 5 digits between M and '/', got '12A45'"),
    ("M12345/2010", "'M12345/2010': expected a two-digit year after '/', got '2010'"),
    ("M12345/", "expected a two-digit year after '/', got ''"),
    ("M12345/1x", "expected a two-digit year after '/', got '1X'"),
])
def test_invalid_cts_references(text, message):
    with pytest.raises(ValueError) as err:
        parse_cts_reference(text)
    assert message in str(err.value)
    assert not is_cts_reference(text)
