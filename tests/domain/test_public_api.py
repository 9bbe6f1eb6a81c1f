"""The rules as a public API, as the README documents them for scripts and auditors."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from mpel_app.domain.calendar import region_calendar
from mpel_app.domain.references import parse_hotline_reference
from mpel_app.domain.targets import regional_response_due

LONDON = ZoneInfo("Europe/London")


def test_readme_examples():
    cal = region_calendar("SNI")
    assert cal.is_working_day(date(2026, 11, 30)) is False  # St Andrew's Day
    assert region_calendar("LSE").is_working_day(date(2026, 11, 30)) is True
    assert region_calendar("SCT") == cal
    received = datetime(2026, 11, 23, 18, 5, tzinfo=LONDON)  # after 18:00: counts from Tuesday
    assert region_calendar("LSE").due_date(received, 5) == date(2026, 12, 1)
    ref = parse_hotline_reference(" mph012345 ")
    assert (ref.prefix, ref.number, str(ref)) == ("MPH", 12345, "MPH012345")
    with pytest.raises(ValueError, match="6 digits"):
        parse_hotline_reference("MPH12345")
    assert regional_response_due(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), "LSE", file_needed=False) == date(2026, 11, 30)
    assert regional_response_due(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), "LSE", file_needed=True) == date(2026, 12, 7)
