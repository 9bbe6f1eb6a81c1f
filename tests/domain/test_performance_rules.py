"""The league table's pure arithmetic: periods, London offsets, working-day ordinals, ranking, buckets."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mpel_app.domain.calendar import WorkingCalendar
from mpel_app.domain.performance import (Period, ageing_bucket, day_ordinals, last_month, london_offset_spans,
                                         percent, quarter, quarter_of, quarters, rank_key, this_week, trend_buckets)
from mpel_app.domain.targets import regional_response_due, response_days, target_text

UTC = timezone.utc


@pytest.mark.parametrize("channel, file_needed, days", [
    ("telephone", False, 5), ("telephone", True, 10), ("fax", False, 5), ("fax", True, 10),
    ("email", False, 10), ("email", True, 10),
])
def test_response_days_per_channel(channel, file_needed, days):
    assert response_days(channel, file_needed) == days


def test_email_due_in_ten_working_days():
    received = datetime(2026, 3, 2, 10, tzinfo=UTC)  # Monday
    assert regional_response_due(received, "LSE", False, channel="email") == date(2026, 3, 16)
    assert "90 % within 10" in target_text("email", False)
    assert target_text("fax", True) == "10 working days (file needed)"


def test_periods():
    assert this_week(date(2026, 12, 3)) == Period(date(2026, 11, 30), date(2026, 12, 6), "This week")
    assert last_month(date(2026, 3, 15)) == Period(date(2026, 2, 1), date(2026, 2, 28), "February 2026")
    assert quarter(2026, 4) == Period(date(2026, 10, 1), date(2026, 12, 31), "Q4 2026")
    assert quarter_of(date(2027, 2, 10)).label == "Q1 2027"
    assert [q.label for q in quarters(date(2026, 11, 5), date(2027, 4, 1))] == ["Q4 2026", "Q1 2027", "Q2 2027"]
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))
    # The period's UTC bounds are London midnights: in BST one hour earlier.
    lo, hi = Period(date(2026, 7, 1), date(2026, 7, 31)).utc_bounds()
    assert (lo, hi) == (datetime(2026, 6, 30, 23, tzinfo=UTC), datetime(2026, 7, 31, 23, tzinfo=UTC))
    assert len(trend_buckets(quarter(2026, 4))) == 14  # weeks (w/c 28 Sep .. w/c 28 Dec)
    assert [s.label for s in trend_buckets(Period(date(2026, 1, 1), date(2026, 12, 31)))][:2] == ["Jan 2026", "Feb 2026"]


def test_london_offset_spans_cover_both_changes():
    spans = london_offset_spans(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC))
    assert [(s.start, s.hours) for s in spans] == [
        (datetime(2027, 1, 1, tzinfo=UTC), 0), (datetime(2027, 3, 28, 1, tzinfo=UTC), 1),
        (datetime(2027, 10, 31, 1, tzinfo=UTC), 0)]
    assert spans[-1].end == datetime(2027, 12, 31, tzinfo=UTC)


def test_day_ordinals_count_working_days_by_subtraction():
    rows = {r.day: r for r in day_ordinals(WorkingCalendar("ENG"), date(2026, 12, 21), date(2027, 1, 8))}
    # 21..24 Dec are 1..4; 25 (Fri), 26-27 (weekend), 28 (Boxing Day's substitute) stand for Tue 29 (5).
    assert [rows[date(2026, 12, d)].ordinal for d in (21, 24, 25, 26, 28, 29)] == [1, 4, 5, 5, 5, 5]
    assert rows[date(2026, 12, 24)].after == 5 and rows[date(2026, 12, 25)].after == 5
    # 1 Jan closed: stands for Mon 4 Jan (8); 8 Jan is 12.
    assert (rows[date(2027, 1, 1)].ordinal, rows[date(2027, 1, 4)].ordinal, rows[date(2027, 1, 8)].ordinal) == (8, 8, 12)
    sct = {r.day: r for r in day_ordinals(WorkingCalendar("SCT"), date(2026, 12, 21), date(2027, 1, 8))}
    assert sct[date(2027, 1, 5)].ordinal == 8  # Scotland also closes Mon 4 Jan


def test_percent_rank_and_buckets():
    assert percent(2, 3) == 66.7 and percent(0, 0) is None
    ordered = sorted([("A", None, 0), ("B", 50.0, 3), ("C", 50.0, 1), ("D", 90.0, 9)],
                     key=lambda r: rank_key(r[1], r[2], r[0]))
    assert [r[0] for r in ordered] == ["D", "C", "B", "A"]
    assert [ageing_bucket(n) for n in (0, 5, 6, 10, 11, 20, 21, 99)] == [
        (0, 5), (0, 5), (6, 10), (6, 10), (11, 20), (11, 20), (21, None), (21, None)]
