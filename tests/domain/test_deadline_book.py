"""``DeadlineBook`` answers as ``letter_deadlines``, ``deadline_status`` and ``working_days_elapsed`` do.

The book works each answer out once per distinct day of effective receipt (issue 16): letters
received at different times of one day, after 18:00, at weekends and over bank holidays must get
exactly the functions' own answers, whichever letter asked first.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from mpel_app.domain.calendar import WorkingCalendar
from mpel_app.domain.correspondence import deadline_status, letter_deadlines, working_days_elapsed
from mpel_app.domain.correspondence.deadlines import DeadlineBook

CALENDARS = (WorkingCalendar("ENG"), WorkingCalendar("SCT"),
             WorkingCalendar("ENG", {datetime(2026, 12, 29).date(), datetime(2026, 12, 30).date()}))
NOW = datetime(2027, 1, 6, 10, 30, tzinfo=timezone.utc)


def _instant(rng: random.Random) -> datetime:
    # Around Christmas and New Year (bank holidays, closures) at any minute, so many share a day
    # and some fall after 18:00 or at weekends.
    start = datetime(2026, 12, 15, tzinfo=timezone.utc)
    return start + timedelta(minutes=rng.randrange(0, 60 * 24 * 30))


def test_the_book_gives_the_functions_own_answers():
    rng = random.Random(16)
    book = DeadlineBook(NOW)
    today = NOW.date()
    asked = 0
    for _ in range(600):
        calendar = rng.choice(CALENDARS)
        received = _instant(rng)
        kind = rng.choice(["official", "ministerial"])
        ophso = rng.random() < 0.2
        allocated = received + timedelta(hours=rng.randrange(0, 200)) if rng.random() < 0.5 else None
        reached = received + timedelta(hours=rng.randrange(0, 400)) if rng.random() < 0.3 else None
        want = letter_deadlines(received, kind, calendar, ophso=ophso, allocated_at=allocated,
                                reached_signatory_at=reached)
        got = book.deadlines(received, kind, calendar, ophso=ophso, allocated_at=allocated,
                             reached_signatory_at=reached)
        assert got == want, (received, allocated, reached, calendar)
        got["reply"] = None  # a copy: changing it changes nothing the next letter gets
        for due in want.values():
            for done in (False, True):
                assert book.status(due, calendar, done=done) == deadline_status(due, today, calendar, done=done)
        assert book.working_days_elapsed(received, calendar) == working_days_elapsed(received, NOW, calendar)
        asked += 1
    assert asked == 600


def test_letters_received_on_one_day_share_one_answer():
    book, eng = DeadlineBook(NOW), CALENDARS[0]
    worked_out = lambda: sum(key[0] == "deadlines" for key in book._seen)  # noqa: E731
    morning = datetime(2026, 12, 21, 9, 5, tzinfo=timezone.utc)
    first = book.deadlines(morning, "official", eng)
    known = worked_out()
    # Later that working day, and that evening after 18:00 (which counts as the next day: a new answer).
    assert book.deadlines(morning + timedelta(hours=7), "official", eng) == first
    assert worked_out() == known
    evening = book.deadlines(morning + timedelta(hours=10), "official", eng)
    assert worked_out() == known + 1 and evening["reply"] > first["reply"]
