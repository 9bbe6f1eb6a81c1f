"""'Why is it due then?' for MPs' letters: each deadline explains itself, and the explanation is the rule."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mpel_app.domain.calendar import WorkingCalendar
from mpel_app.domain.correspondence import letter_deadlines
from mpel_app.domain.correspondence.deadline_why import explain_letter_deadline

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("ophso", [False, True])
@pytest.mark.parametrize("kind", ["ministerial", "official"])
def test_every_letter_deadline_is_explained_as_it_is_counted(kind, ophso):
    calendar = WorkingCalendar("SCT", closures=[date(2026, 12, 2)])
    start = datetime(2026, 11, 20, 17, 59, tzinfo=LONDON)
    for hours in range(0, 24 * 70, 11):  # across St Andrew's Day, Christmas and New Year
        received = start + timedelta(hours=hours)
        allocated, signatory = received + timedelta(days=1, hours=3), received + timedelta(days=9)
        expected = letter_deadlines(received, kind, calendar, ophso=ophso, allocated_at=allocated,
                                    reached_signatory_at=signatory)
        for key, due in expected.items():
            why = explain_letter_deadline(key, received, kind, calendar, ophso=ophso, allocated_at=allocated,
                                          reached_signatory_at=signatory)
            assert why.due == due, (key, received)


def test_the_unit_deadline_is_counted_back_from_the_reply_over_new_year():
    received = datetime(2026, 12, 10, 19, 0, tzinfo=LONDON)  # Thursday after 18:00
    why = explain_letter_deadline("submit_to_qa", received, "official", WorkingCalendar("ENG"))
    text = "\n".join(why.lines)
    assert "counts as received at 09:00 on Fri 11 Dec 2026" in text
    assert "20 Wed 13 Jan" in text  # the reply target, counted forward
    assert "the unit deadline is 4 working days earlier" in text
    assert "Counted back: 1 Wed 6 Jan, 2 Tue 5 Jan, 3 Mon 4 Jan, 4 Thu 31 Dec." in why.lines
    assert "Fri 1 Jan 2027 — bank holiday (England and Wales): New Year's Day" in why.lines[-2]
    assert why.lines[-1] == "Due by the end (23:59) of Thu 31 Dec 2026."


def test_an_ophso_cap_and_a_fixed_deadline_say_so():
    received = datetime(2026, 12, 10, 10, 0, tzinfo=LONDON)
    calendar = WorkingCalendar("ENG")
    why = explain_letter_deadline("reply", received, "official", calendar, ophso=True)
    assert why.due == date(2026, 12, 17)
    assert "OPHSO enquiry: no stage may fall after its OPHSO deadline, Thu 17 Dec 2026." in why.lines[-2]
    fixed = explain_letter_deadline("ophso", received, "official", calendar, ophso=True, ophso_fixed=date(2026, 12, 14))
    assert fixed.due == date(2026, 12, 14) and "Fixed at registration: Mon 14 Dec 2026." in fixed.lines
    assert explain_letter_deadline("draft", received, "official", calendar).due == \
        calendar.due_date(received, 12)


def test_the_two_day_rule_counts_from_the_allocation():
    why = explain_letter_deadline("decision", datetime(2026, 12, 24, 11, tzinfo=LONDON), "official",
                                  WorkingCalendar("ENG"), allocated_at=datetime(2026, 12, 24, 11, tzinfo=LONDON))
    assert why.lines[0] == "Allocated Thu 24 Dec 2026 at 11:00 (UK time)."
    assert why.due == date(2026, 12, 30)
    with pytest.raises(ValueError):
        explain_letter_deadline("decision", datetime(2026, 12, 24, 11, tzinfo=LONDON), "official",
                                WorkingCalendar("ENG"))
