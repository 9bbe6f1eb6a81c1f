"""Working time counts only opening hours on working days, in UK local time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mpel_app.domain.calendar import LONDON, region_calendar
from mpel_app.domain.opening_hours import add_working_time, is_open, working_time_between

ENG = region_calendar("ENG")
HALF_HOUR = timedelta(minutes=30)


def at(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize("start,expected", [
    (at(2026, 11, 23, 10, 0), at(2026, 11, 23, 10, 30)),   # plain Monday morning
    (at(2026, 11, 23, 17, 50), at(2026, 11, 24, 9, 20)),   # 10 min tonight, 20 tomorrow
    (at(2026, 11, 23, 7, 0), at(2026, 11, 23, 9, 30)),     # before opening
    (at(2026, 11, 27, 9, 0), at(2026, 11, 27, 11, 0)),     # Friday opens at 10:30
    (at(2026, 11, 27, 17, 45), at(2026, 11, 30, 9, 15)),   # Friday evening -> Monday
    (at(2026, 12, 24, 17, 40), at(2026, 12, 29, 9, 10)),   # Christmas, Boxing Day substitute 28 Dec
    (at(2026, 7, 14, 17, 45), at(2026, 7, 15, 9, 15)),     # BST
])
def test_thirty_minutes_of_working_time(start, expected):
    assert add_working_time(start, HALF_HOUR, ENG) == expected


def test_scotland_closed_on_st_andrews_day():
    start = at(2026, 11, 27, 17, 45)
    assert add_working_time(start, HALF_HOUR, region_calendar("SNI")) == at(2026, 12, 1, 9, 15)


def test_between_is_the_inverse():
    start = at(2026, 11, 27, 17, 45)
    end = add_working_time(start, timedelta(hours=3), ENG)
    assert working_time_between(start, end, ENG) == timedelta(hours=3)
    assert working_time_between(end, start, ENG) == timedelta(0)


def test_is_open_edges():
    assert is_open(at(2026, 11, 27, 10, 30), ENG) and not is_open(at(2026, 11, 27, 10, 29), ENG)
    assert not is_open(at(2026, 11, 23, 18, 0), ENG)
    assert is_open(datetime(2026, 7, 14, 16, 59, tzinfo=timezone.utc), ENG)  # 17:59 BST


def test_bad_input():
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 11, 23, 10), HALF_HOUR, ENG)
    with pytest.raises(ValueError):
        add_working_time(at(2026, 11, 23, 10), -HALF_HOUR, ENG)
