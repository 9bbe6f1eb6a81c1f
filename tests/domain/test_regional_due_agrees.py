"""``regional_response_due`` (the quick count) and ``explain_regional_due`` (the count told day by day)
give the same due date for every region, channel and file allowance, across weekends, bank holidays of
each nation, closures, BST changes and the 18:00 cut-off."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from mpel_app.domain.calendar import LONDON
from mpel_app.domain.targets import explain_regional_due, regional_response_due

REGIONS = ("LSE", "MEE", "NEY", "WSW", "NWE", "SNI", "MPH")
CLOSURES = (date(2026, 12, 24), date(2027, 1, 4))
TIMES = ((0, 5), (8, 59), (9, 0), (17, 59), (18, 0), (23, 30))


@pytest.mark.parametrize("region", REGIONS)
def test_quick_and_explained_due_dates_agree(region):
    checked = 0
    day = date(2026, 3, 20)  # through the spring BST change, Easter, May and Christmas holidays
    while day < date(2027, 1, 10):
        for hour, minute in TIMES:
            received = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(timezone.utc)
            for channel, file_needed in (("telephone", False), ("telephone", True), ("fax", True),
                                         ("email", False), ("email", True)):
                quick = regional_response_due(received, region, file_needed, CLOSURES, channel=channel)
                told = explain_regional_due(received, region, file_needed, CLOSURES, channel=channel).due
                assert quick == told, (received, region, channel, file_needed)
                checked += 1
        day += timedelta(days=3 if day.month not in (3, 4, 12) else 1)
    assert checked > 4000
