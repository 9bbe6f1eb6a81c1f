"""'Why is it due then?': every regional due date explains itself from the one rule (domain/targets)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mpel_app.domain.calendar import region_calendar
from mpel_app.domain.targets import explain_regional_due, regional_response_due

LONDON = ZoneInfo("Europe/London")


def test_after_the_cut_off_before_christmas_with_the_file_needed():
    received = datetime(2026, 12, 17, 18, 40, tzinfo=LONDON)  # a Thursday evening
    why = explain_regional_due(received, "LSE", file_needed=True)
    assert why.day0 == date(2026, 12, 18)
    assert why.lines[1] == "That was after the 18:00 cut-off, so it counts as received at 09:00 on Fri 18 Dec 2026."
    assert "Target: 10 working days: the file is needed (5 otherwise)." in why.lines
    assert ("Skipped: Fri 25 Dec 2026 — bank holiday (England and Wales): Christmas Day; "
            "Mon 28 Dec 2026 — bank holiday (England and Wales): Boxing Day (substitute day); "
            "Fri 1 Jan 2027 — bank holiday (England and Wales): New Year's Day.") in why.lines
    assert why.lines[-1] == "Due by the end (23:59) of Wed 6 Jan 2027."
    assert why.due == regional_response_due(received, "LSE", True)


def test_scotland_skips_its_own_bank_holidays_and_a_closure():
    received = datetime(2026, 11, 27, 10, 0, tzinfo=LONDON)  # Friday before St Andrew's Day (Mon 30 Nov)
    why = explain_regional_due(received, "SNI", file_needed=False, closures=[date(2026, 12, 1)])
    assert [reason for _d, reason in why.skipped if reason != "weekend"] == [
        "bank holiday (Scotland): Saint Andrew's Day", "office closed"]
    assert why.due == date(2026, 12, 8)


@pytest.mark.parametrize("region", ["LSE", "SNI", "WSW"])
@pytest.mark.parametrize("file_needed", [False, True])
def test_the_explanation_is_the_rule(region, file_needed):
    start = datetime(2026, 3, 30, 17, 59, tzinfo=LONDON)
    for hours in range(0, 24 * 60, 13):  # every 13 hours for two months, across Easter and May
        received = start + timedelta(hours=hours)
        days = 10 if file_needed else 5
        assert explain_regional_due(received, region, file_needed).due == \
            region_calendar(region).due_date(received, days)
