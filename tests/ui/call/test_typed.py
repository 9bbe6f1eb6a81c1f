"""Dates and times as the agent types them: read when whole, and what is wrong said while typing."""
from __future__ import annotations

from datetime import date, time

import pytest

from mpel_app.ui.call.typed import clock_problem, day_problem, parse_clock, parse_day


@pytest.mark.parametrize("typed", ["", "2", "24", "24/", "24/1", "24/11/", "24/11/20", "24/11/2026", "1.2.2001"])
def test_a_date_on_its_way_is_not_called_wrong(typed):
    assert day_problem(typed) == ""


@pytest.mark.parametrize("typed, said", [
    ("32", "there is no day 32 in a month"), ("00", "there is no day 00 in a month"),
    ("12/13", "there is no month 13: type dd/mm/yyyy"), ("tomorrow", "not a date: type dd/mm/yyyy"),
    ("31/02/2026", "not a date: 31/02/2026 does not exist")])
def test_what_is_wrong_with_a_date_is_said_as_it_is_typed(typed, said):
    assert day_problem(typed) == said


@pytest.mark.parametrize("typed", ["", "2", "22", "22:", "22:3", "22:30", "2230", "9:05", "9.05"])
def test_a_time_on_its_way_is_not_called_wrong(typed):
    assert clock_problem(typed) == ""


@pytest.mark.parametrize("typed, start", [
    ("24/11", "that is a date"), ("24/11/2026", "that is a date"), ("25", "there is no hour 25"),
    ("22:75", "there is no minute 75"), ("half ten", "not a time")])
def test_what_is_wrong_with_a_time_is_said_as_it_is_typed(typed, start):
    assert clock_problem(typed).startswith(start)


def test_whole_dates_and_times_are_read():
    assert parse_day("24/11/2026", "Removal date") == date(2026, 11, 24)
    assert parse_clock("2230", "Removal time") == time(22, 30)
    with pytest.raises(ValueError, match="Removal time: type it as hh:mm"):
        parse_clock("24/11/20", "Removal time")
