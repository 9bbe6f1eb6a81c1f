"""The legacy Access import's rules (domain/legacy), one quirk each, without a database."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from mpel_app.domain import legacy as L
from mpel_app.domain.records import Channel, EnquiryStatus


@pytest.mark.parametrize("stored, key, exact", [
    ("MPH012345", "MPH012345", True), ("mph012345", "MPH012345", False), (" LSE000044 ", "LSE000044", False),
    ("MPH12345", None, False), ("MPH1234567", None, False), ("MPE022011", None, False), ("NWW011544", None, False),
    ("MPH", None, False), ("TBC", None, False), ("tbc", None, False), ("", None, False), (None, None, False),
])
def test_hotline_references_valid_after_trimming_and_upper_casing(stored, key, exact):
    check = L.check_reference(stored)
    assert (check.key, check.valid_as_stored) == (key, exact)


def test_the_row_that_keeps_a_duplicated_reference_is_live_then_oldest():
    assert L.keeper_of([(False, 2524), (False, 2525)]) == 2524
    assert L.keeper_of([(True, 3073), (False, 3077)]) == 3077
    assert L.substitute_prefix("MEE0000638") == "MEE" and L.substitute_prefix("tbc") == "MPH"
    assert L.substitute_prefix(None) == "MPH"


@pytest.mark.parametrize("stored, kind", [
    ("Telephone", "Telephone"), ("Telephone ", "Telephone"), ("telephone", "Telephone"), ("Tel", "Telephone"),
    ("Phone", "Telephone"), ("Fax ", "Fax"), ("FAX", "Fax"), ("E-mail", "Email"), ("email", "Email"),
    ("e.mail", "Email"), (None, "unknown"), ("", "unknown"), ("Letter", "unknown"),
])
def test_call_types(stored, kind):
    assert L.call_type(stored) == kind
    assert L.CHANNELS.get(kind, L.UNKNOWN_CALL_TYPE_CHANNEL) in Channel


@pytest.mark.parametrize("stored, level, recognised", [
    ("Imminent Removal", "Imminent Removal", True), ("imminent removal", "Imminent Removal", True),
    ("Compassionate ", "Compassionate", True), ("", "not urgent", True), (None, "not urgent", True),
    ("Very urgent", "not urgent", False),
])
def test_urgency(stored, level, recognised):
    assert L.urgency(stored) == (level, recognised)


def test_text_null_and_empty_alike_trimmed_and_memo_line_breaks():
    assert L.text(None) == L.text("") == L.text("   ") == ""
    assert L.text("  hassan, amina ") == "hassan, amina"
    assert L.memo("a\r\nb\rc\n\n\"quoted\" “curly”\r\n") == 'a\nb\nc\n\n"quoted" “curly”'
    assert L.reference_key(" s123456/2 ") == "S123456/2"


def test_regions_zero_null_and_orphans_are_no_region():
    regions = {1: "LSE", 4: "WSW"}
    assert L.region_code(0, regions) == (None, True)
    assert L.region_code(None, regions) == (None, True)
    assert L.region_code(8, regions) == (None, False)
    assert L.region_code(4, regions) == ("WSW", True)


def test_completers_and_people():
    assert L.completer("Gwen Price (WSW)") == ("Gwen Price", "WSW")
    assert L.completer(" PG ") == ("PG", "")
    assert L.completer("") is None and L.completer(None) is None
    assert L.person_key("Zoë O'Neill", "LSE") == L.person_key("ZOE O'NEILL", "LSE") != L.person_key("Zoë O'Neill")


def test_mistyped_dates_of_call_from_the_rows_around_them():
    end = date(2010, 3, 31)
    assert not L.plausible_call_date(date(1999, 11, 15), end) and not L.plausible_call_date(date(2020, 9, 16), end)
    assert L.corrected_call_date(date(2090, 3, 11), date(2009, 3, 10), date(2009, 3, 11), (None, None), end) == \
        (date(2009, 3, 11), "year_from_neighbours")
    assert L.corrected_call_date(date(1999, 11, 15), date(2002, 11, 14), date(2002, 11, 15),
                                 (date(2002, 11, 15), None), end) == (date(2002, 11, 15), "year_from_neighbours")
    # The year does not fit between the neighbours: the row's own dates, then the row before.
    assert L.corrected_call_date(date(2030, 1, 1), date(2003, 7, 22), date(2003, 7, 28),
                                 (date(2003, 7, 23), date(2003, 7, 24)), end) == (date(2003, 7, 23), "from_own_dates")
    assert L.corrected_call_date(None, date(2004, 4, 2), None, (None, None), end) == \
        (date(2004, 4, 2), "from_row_before")
    assert L.corrected_call_date(None, None, None, (None, None), end) == (None, "")
    assert L.service_end([date(2010, 3, 1), date(2090, 1, 1), None], date(2026, 11, 23)) == date(2010, 3, 1)


def test_dates_of_birth_and_completion():
    call = date(2005, 6, 1)
    assert L.subject_dob(date(1900, 1, 1), call) == (None, "dob_placeholder")
    assert L.subject_dob(date(2077, 5, 4), call) == (date(1977, 5, 4), "dob_century")
    assert L.subject_dob(date(1980, 2, 29), call) == (date(1980, 2, 29), "")
    received = L.london_instant(date(2004, 3, 17), time(11, 42))
    assert received == datetime(2004, 3, 17, 11, 42, tzinfo=timezone.utc)  # GMT in March
    assert L.london_instant(date(2010, 6, 1), time(9, 0)) == datetime(2010, 6, 1, 8, 0, tzinfo=timezone.utc)
    assert L.completed_at(date(2004, 3, 18), received) == (L.london_instant(date(2004, 3, 18)), False)
    assert L.completed_at(date(2004, 3, 17), received) == (received, False)  # same day: when received
    assert L.completed_at(date(2004, 3, 10), received) == (received, True)  # before the call: reported
    assert L.time_of_call(datetime(1899, 12, 30, 16, 20, 37)) == time(16, 20, 37)


def test_status_of_an_imported_record():
    assert L.status(True, True, "LSE") is EnquiryStatus.COMPLETED
    assert L.status(False, True, None) is EnquiryStatus.ANSWERED
    assert L.status(True, False, "WSW") is EnquiryStatus.WITH_REGION
    assert L.status(True, False, None) is EnquiryStatus.FURTHER_ACTION
    assert L.status(False, False, None) is EnquiryStatus.ANSWERED
    assert L.answer_column(True) == "response" and L.answer_column(False) == "answer"


def test_the_same_database_has_the_same_identity_in_either_format():
    oldest = {"ID": 3, "Hotline Ref": "MPH000174", "Date of Call": datetime(2000, 3, 6)}
    assert L.source_identity(oldest) == L.source_identity(dict(oldest))
    assert L.source_identity(oldest) != L.source_identity({**oldest, "ID": 4})


@pytest.mark.parametrize("value", [datetime(2004, 3, 17, 11, 42), datetime(1899, 12, 30, 9, 5, 7, 123456),
                                   datetime(999, 1, 2, 3, 4, 5), datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59),
                                   datetime(2010, 6, 1, 8, 0, 1, tzinfo=timezone.utc)])
def test_a_stored_instant_shown_as_before_whatever_the_year(value):
    """shown() is in the database's fingerprint (source_identity): the quicker text must be strftime's."""
    assert L.shown(value) == value.strftime("%Y-%m-%d %H:%M:%S")
