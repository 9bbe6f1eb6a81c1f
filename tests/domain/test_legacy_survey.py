"""The survey of the Access call records taken as they are read (domain/legacy_plan.SurveyBuilder): which
rows can be decided at once, and that its facts are the whole-table survey's whatever the order."""
from __future__ import annotations

import random
from datetime import date, datetime

import pytest

from mpel_app.domain.legacy_plan import ReadOutOfOrder, SurveyBuilder, survey

TODAY = date(2026, 11, 23)


def row(access_id: int, ref: str | None, called: date | None, *, deleted: bool = False,
        completed: date | None = None, sent: date | None = None) -> dict:
    return {"ID": access_id, "Hotline Ref": ref, "Date of Call": called and datetime(called.year, called.month,
                                                                                      called.day),
            "Date Completed": completed and datetime(completed.year, completed.month, completed.day),
            "Date Sent to Region": sent and datetime(sent.year, sent.month, sent.day),
            "Call Type": "Telephone", "Urgent": None, "Deleted": deleted}


def test_a_row_is_decided_at_once_unless_a_later_row_may_change_it():
    b = SurveyBuilder({}, TODAY, in_order=True)
    d = date(2005, 3, 10)
    assert b.add(row(1, "MPH000001", d, completed=d)) is True  # live, first holder, date within the years so far
    assert b.add(row(2, "mph000001", d)) is False  # its reference was read before: who keeps it is known at the end
    assert b.add(row(3, "MPH000003", d, deleted=True)) is False  # deleted first holder: a live one may follow
    assert b.add(row(4, "TBC", d)) is True  # an invalid reference gets a new one anyway
    assert b.add(row(5, "MPH000005", date(2005, 3, 11))) is False  # after every date recorded so far
    assert b.add(row(6, "MPH000006", date(2005, 3, 12), completed=date(2005, 3, 14))) is True  # its own date counts
    assert b.add(row(7, "MPH000007", None)) is False  # no date: corrected from its neighbours, or not imported
    assert b.add(row(8, "MPH000008", date(2090, 3, 11))) is False  # typed years wrong
    assert b.add(row(9, "MPH000009", date(1999, 3, 12))) is False  # before the database was used
    found = b.finish()
    assert found.keepers == {"MPH000001": 1}
    assert found.call_dates == {7, 8, 9}  # row 5's date turned out within the years: it is not corrected
    assert found.neighbours(8) == (date(2005, 3, 12), None)  # the rows needing correction are not neighbours
    assert found.service_end == date(2005, 3, 14)
    assert found.highest == {"MPH": 9}


def test_in_id_order_only_when_asked_and_the_identity_is_the_oldest_row():
    b = SurveyBuilder({}, TODAY, in_order=True)
    b.add(row(5, "MPH000005", date(2005, 3, 11)))
    with pytest.raises(ReadOutOfOrder, match="Access ID 5 read after 5"):
        b.add(row(5, "MPH000006", date(2005, 3, 11)))
    shuffled = SurveyBuilder({}, TODAY)
    shuffled.add(row(5, "MPH000005", date(2005, 3, 11)))
    shuffled.add(row(3, "MPH000003", date(2005, 3, 10)))
    oldest = row(3, "MPH000003", date(2005, 3, 10))
    assert shuffled.finish().identity == SurveyBuilder({}, TODAY).interim(oldest).identity


def test_the_facts_are_the_same_in_any_order():
    rnd = random.Random(7)
    rows = []
    for i in range(1, 400):
        called = date(2003, 1, 1).fromordinal(date(2003, 1, 1).toordinal() + i)
        if rnd.random() < 0.05:
            called = called.replace(year=rnd.choice([1999, 2030, 2090]))
        rows.append(row(i * 2, f"MPH{rnd.randint(1, 300):06d}" if rnd.random() < 0.9 else "TBC",
                        None if rnd.random() < 0.02 else called, deleted=rnd.random() < 0.2,
                        completed=called if rnd.random() < 0.5 else None))
    in_order = survey(rows, {"tblRegion": 6}, TODAY)
    rnd.shuffle(rows)
    other = survey(rows, {"tblRegion": 6}, TODAY)
    assert in_order.keepers and in_order.call_dates
    for name in ("read", "identity", "service_end", "keepers", "duplicate_rows", "highest", "call_dates",
                 "plausible", "counts"):
        assert getattr(in_order, name) == getattr(other, name), name
    assert all(in_order.neighbours(r["ID"]) == other.neighbours(r["ID"]) for r in rows)
