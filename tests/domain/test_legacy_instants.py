"""domain/legacy.london_instant, looked up once a day, gives the instant the time zone database gives for
every day the Access database covers, the days the clocks change included."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from mpel_app.domain import legacy as L
from mpel_app.domain.calendar import LONDON

TIMES = (None, time(0, 30), time(1, 30), time(2, 15), time(9, 0), time(23, 59, 59))


def test_every_day_and_time_as_the_time_zone_database_says():
    day, changes = date(1999, 12, 25), 0
    while day <= date(2011, 1, 5):
        for at in TIMES:
            expected = datetime.combine(day, at or time(0), tzinfo=LONDON).astimezone(timezone.utc)
            assert L.london_instant(day, at) == expected, (day, at)
            assert L.london_instant(day, at).tzinfo is timezone.utc
        changes += L._london_offset(day) is None
        day += timedelta(days=1)
    assert changes == 2 * 11  # spring and autumn, 2000 to 2010: taken the slow way
