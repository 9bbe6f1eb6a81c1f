"""Urgent routing across the day, in summer and winter, on bank holidays and at the exact edges."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mpel_app.domain.calendar import LONDON
from mpel_app.domain.urgency import route_urgent_call


def at(y, m, d, hh, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=LONDON)


WINTER_MON = (2026, 11, 23)
SUMMER_TUE = (2026, 7, 14)  # BST


@pytest.mark.parametrize("day", [WINTER_MON, SUMMER_TUE], ids=["winter", "summer-BST"])
@pytest.mark.parametrize("hh,mm,ss,expected", [
    (8, 59, 59, "oscu"),
    (9, 0, 0, "region"),
    (15, 59, 59, "region"),
    (16, 0, 0, "duty_region"),
    (16, 59, 59, "duty_region"),
    (17, 0, 0, "oscu"),
    (23, 30, 0, "oscu"),
])
def test_imminent_removal_through_the_day(day, hh, mm, ss, expected):
    received = at(*day, hh, mm, ss)
    route = route_urgent_call(received, removal_at=received + timedelta(hours=30), compassionate=False)
    assert route.imminent_removal and route.urgent and route.barrier_to_removal
    assert route.destination == expected


def test_bst_is_local_time_not_utc():
    received = datetime(2026, 7, 14, 15, 30, tzinfo=timezone.utc)  # 16:30 BST
    assert route_urgent_call(received, removal_at=received + timedelta(hours=5),
                             compassionate=False).destination == "duty_region"
    received = datetime(2026, 11, 23, 15, 30, tzinfo=timezone.utc)  # 15:30 GMT
    assert route_urgent_call(received, removal_at=received + timedelta(hours=5),
                             compassionate=False).destination == "region"


@pytest.mark.parametrize("received", [
    at(2026, 12, 28, 16, 30),  # Boxing Day substitute (England & Wales)
    at(2026, 5, 25, 11, 0),    # Spring bank holiday
    at(2026, 11, 21, 16, 30),  # Saturday
])
def test_non_working_day_is_oscu(received):
    assert route_urgent_call(received, removal_at=received + timedelta(hours=10),
                             compassionate=False).destination == "oscu"


def test_scottish_only_holiday_is_a_working_day_for_the_line():
    received = at(2026, 11, 30, 16, 15)  # St Andrew's Day: not a holiday in England & Wales
    assert route_urgent_call(received, removal_at=received + timedelta(hours=10),
                             compassionate=False).destination == "duty_region"


def test_seventy_two_hours_exactly_is_imminent():
    received = at(*WINTER_MON, 11)
    assert route_urgent_call(received, removal_at=received + timedelta(hours=72),
                             compassionate=False).imminent_removal
    later = route_urgent_call(received, removal_at=received + timedelta(hours=72, seconds=1), compassionate=False)
    assert not later.imminent_removal and not later.urgent and later.destination == "region"


def test_compassionate_goes_to_its_region_even_late():
    for received in (at(*WINTER_MON, 16, 30), at(*WINTER_MON, 18, 0), at(2026, 11, 21, 12)):
        route = route_urgent_call(received, removal_at=None, compassionate=True)
        assert route.urgent and not route.imminent_removal and route.destination == "region"


def test_neither_flag_is_not_urgent():
    route = route_urgent_call(at(*WINTER_MON, 16, 30), removal_at=None, compassionate=False)
    assert (route.urgent, route.imminent_removal, route.destination) == (False, False, "region")


def test_bad_times_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        route_urgent_call(datetime(2026, 11, 23, 16, 30), removal_at=None, compassionate=True)
    with pytest.raises(ValueError, match="before the call"):
        route_urgent_call(at(*WINTER_MON, 12), removal_at=at(*WINTER_MON, 11), compassionate=False)


def test_the_72_hours_are_measured_between_instants_across_the_clock_change():
    """Issue #19 finding 14: 71 h 15 min across the spring clock change is imminent, though London's
    wall clocks differ by 72 h 15 min (both times given in Europe/London)."""
    received = at(2026, 3, 27, 12, 0)  # Friday, GMT
    removal = at(2026, 3, 30, 12, 15)  # Monday, BST: 71 h 15 min later
    assert removal.astimezone(timezone.utc) - received.astimezone(timezone.utc) == timedelta(hours=71, minutes=15)
    assert route_urgent_call(received, removal_at=removal, compassionate=False).imminent_removal
    # In autumn the other way: 72 h 45 min of real time shows as 71 h 45 min on the wall.
    assert not route_urgent_call(at(2026, 10, 23, 12, 0), removal_at=at(2026, 10, 26, 11, 45),
                                 compassionate=False).imminent_removal


def test_a_closure_day_is_out_of_hours_for_imminent_removals():
    """Issue #19 finding 5: on an administrators' closure day 16:30 is not the duty region's hour."""
    received = at(*WINTER_MON, 16, 30)
    assert route_urgent_call(received, removal_at=received + timedelta(hours=30),
                             compassionate=False).destination == "duty_region"
    assert route_urgent_call(received, removal_at=received + timedelta(hours=30), compassionate=False,
                             closures=[received.date()]).destination == "oscu"
