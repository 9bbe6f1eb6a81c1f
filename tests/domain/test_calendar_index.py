"""The working-day index (issue 16) gives the answers of a walk day by day over ``is_working_day``.

``WorkingCalendar`` steps and counts working days through a shared index of each calendar's days,
built from ``is_working_day`` (the rule); these tests walk the days one by one, as the calendar
did before the index, and compare every answer: both directions, long steps, year ends,
closures (even a calendar that closes for months), each nation, and a year's holidays primed
after the index was built.
"""
from datetime import date, timedelta
import random

import pytest

from mpel_app.domain import calendar as cal
from mpel_app.domain.calendar import WorkingCalendar

D = date.fromisoformat


def walk(calendar: WorkingCalendar, day: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    for _ in range(abs(n)):
        day += step
        while not calendar.is_working_day(day):
            day += step
    return day


def count(calendar: WorkingCalendar, start: date, end: date) -> int:
    days = (start + timedelta(days=i) for i in range(1, (end - start).days + 1))
    return sum(calendar.is_working_day(d) for d in days)


CALENDARS = [
    WorkingCalendar("ENG"),
    WorkingCalendar("SCT"),
    WorkingCalendar("NIR"),
    WorkingCalendar("ENG", {D("2026-12-24"), D("2026-12-29"), D("2026-12-30"), D("2027-01-04")}),
    # Closed for the whole summer: steps must look past the index's first guess.
    WorkingCalendar("SCT", {D("2026-06-01") + timedelta(days=i) for i in range(120)}),
]


@pytest.mark.parametrize("calendar", CALENDARS, ids=repr)
def test_steps_and_counts_match_a_walk_day_by_day(calendar):
    rng = random.Random(16)
    cal._DAY_INDEXES.clear()
    for _ in range(400):
        day = D("2025-06-01") + timedelta(days=rng.randrange(0, 900))
        n = rng.choice([1, 2, 4, 5, 10, 12, 16, 20, 45, 260, 600]) * rng.choice([1, -1])
        assert calendar.add_working_days(day, n) == walk(calendar, day, n), (day, n)
        end = day + timedelta(days=rng.randrange(-5, 400))
        assert calendar.working_days_between(day, end) == (count(calendar, day, end) if end > day else 0)
    assert calendar.next_working_day(D("2026-12-24")) == walk(calendar, D("2026-12-24"), 1)
    assert calendar.previous_working_day(D("2027-01-04")) == walk(calendar, D("2027-01-04"), -1)
    assert calendar.add_working_days(D("2026-12-25"), 0) == D("2026-12-25")  # not a working day: itself


def test_calendars_with_other_closures_do_not_share_an_index():
    cal._DAY_INDEXES.clear()
    plain, closed = WorkingCalendar("ENG"), WorkingCalendar("ENG", {D("2026-12-07")})
    assert plain.next_working_day(D("2026-12-04")) == D("2026-12-07")
    assert closed.next_working_day(D("2026-12-04")) == D("2026-12-08")
    assert plain.working_days_between(D("2026-12-04"), D("2026-12-08")) == 2
    assert closed.working_days_between(D("2026-12-04"), D("2026-12-08")) == 1


def test_priming_a_year_after_the_index_was_built_is_seen():
    nir = WorkingCalendar("NIR")
    original = cal._compute_weekday_holidays("NIR", 2040)
    assert D("2040-03-19") in original  # St Patrick's Day falls on a Saturday: Monday is its substitute
    try:
        assert nir.next_working_day(D("2040-03-16")) == D("2040-03-20")  # Friday -> Tuesday
        cal.prime_bank_holidays("NIR", 2040, {d: name for d, name in original.items() if d != D("2040-03-19")})
        assert nir.next_working_day(D("2040-03-16")) == D("2040-03-19")
        assert nir.working_days_between(D("2040-03-16"), D("2040-03-20")) == 2
    finally:
        cal.prime_bank_holidays("NIR", 2040, original)
    assert nir.next_working_day(D("2040-03-16")) == D("2040-03-20")


def test_a_step_off_the_end_of_the_calendar_is_an_error_not_a_hang():
    with pytest.raises(OverflowError):
        WorkingCalendar("ENG").add_working_days(date(9999, 12, 20), 30)
