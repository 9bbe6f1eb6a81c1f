"""Regional response targets and queue traffic lights."""
from datetime import date, datetime, timezone

import pytest

from mpel_app.domain.calendar import WorkingCalendar
from mpel_app.domain.records import QueueStatus
from mpel_app.domain.targets import (
    EMAIL_DAYS_90,
    EMAIL_DAYS_100,
    REGIONAL_DAYS,
    REGIONAL_DAYS_FILE_NEEDED,
    queue_status,
    regional_response_due,
)

D = date.fromisoformat
ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_target_constants():
    assert (REGIONAL_DAYS, REGIONAL_DAYS_FILE_NEEDED) == (5, 10)
    assert (EMAIL_DAYS_90, EMAIL_DAYS_100) == (10, 20)


def test_five_days_or_ten_when_file_needed():
    received = utc("2026-03-02 10:00")  # Monday
    assert regional_response_due(received, "LSE", file_needed=False) == date(2026, 3, 9)
    assert regional_response_due(received, "LSE", file_needed=True) == date(2026, 3, 16)


def test_region_calendar_used():
    received = utc("2026-11-27 10:00")  # Friday before St Andrew's Day
    assert regional_response_due(received, "nwe", False) == date(2026, 12, 4)
    assert regional_response_due(received, "SNI", False) == date(2026, 12, 7)


def test_closures_honoured():
    received = utc("2026-03-02 10:00")
    assert regional_response_due(received, "LSE", False, closures=[date(2026, 3, 4)]) == date(2026, 3, 10)


def test_unknown_region_rejected():
    with pytest.raises(ValueError, match="unknown region code"):
        regional_response_due(utc("2026-03-02 10:00"), "ZZZ", False)


DUE = D("2026-03-11")  # Wednesday


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-03-09", "on time"),   # two working days to go
    ("2026-03-10", "due soon"),  # next working day is the due day
    ("2026-03-11", "due soon"),  # due today
    ("2026-03-12", "overdue"),
    ("2026-04-30", "overdue"),
])
def test_queue_status_around_due_date(today, expected):
    assert queue_status(DUE, D(today), ENG) == expected


@pytest.mark.parametrize(("today", "expected"), [
    ("2026-03-12", "on time"),   # Thursday: Friday still to come
    ("2026-03-13", "due soon"),  # Friday before a Monday deadline
    ("2026-03-14", "due soon"),  # Saturday
])
def test_queue_status_over_weekend(today, expected):
    assert queue_status(D("2026-03-16"), D(today), ENG) == expected


def test_queue_status_follows_the_calendar():
    # Due Tuesday after Easter: in England the Thursday before is one working
    # day out (Good Friday and Easter Monday closed); in Scotland two.
    due, today = D("2026-04-07"), D("2026-04-02")
    assert queue_status(due, today, ENG) == QueueStatus.DUE_SOON
    assert queue_status(due, today, SCT) == QueueStatus.ON_TIME


def test_queue_status_due_on_a_closed_day():
    # A due date that is itself a weekend day still turns amber beforehand.
    assert queue_status(D("2026-03-15"), D("2026-03-13"), ENG) == "due soon"


@pytest.mark.parametrize("today", ["2026-03-01", "2026-03-11", "2026-03-20"])
def test_urgent_wins_unless_done(today):
    assert queue_status(DUE, D(today), ENG, urgent=True) == QueueStatus.URGENT
    assert queue_status(DUE, D(today), ENG, urgent=True, done=True) == QueueStatus.ON_TIME


def test_done_is_never_overdue():
    assert queue_status(DUE, D("2026-03-20"), ENG, done=True) == "on time"


def test_returns_queue_status_member():
    assert isinstance(queue_status(DUE, D("2026-03-01"), ENG), QueueStatus)
