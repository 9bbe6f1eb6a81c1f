"""The retention cut-off (issue 17): one rule in domain.data_rights, an instant the retention run binds as it is."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from mpel_app.domain.calendar import LONDON
from mpel_app.domain.data_rights import (anonymise_from, closed_on, past_retention, retention_cutoff,
                                         retention_cutoff_at)


def test_the_cut_off_instant_is_london_midnight_in_utc():
    assert retention_cutoff_at(date(2026, 11, 23)) == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert retention_cutoff_at(date(2026, 1, 1), years=5) == datetime(2021, 1, 1, tzinfo=timezone.utc)
    assert retention_cutoff_at(date(2026, 7, 1)).tzinfo is timezone.utc


def test_past_retention_at_the_edges_agrees_with_anonymise_from():
    cutoff = retention_cutoff_at(date(2026, 1, 1))  # closed in 2023: kept 2023, 2024, 2025
    just_before = datetime(2023, 12, 31, 23, 59, 59, 999999, tzinfo=LONDON)
    on_the_dot = datetime(2024, 1, 1, 0, 0, tzinfo=LONDON)
    assert past_retention(just_before, cutoff) and not past_retention(on_the_dot, cutoff)
    assert not past_retention(None, cutoff)  # still open: never past retention
    # The same answer as the day-by-day rule, either side of the cut-off and across a year's days.
    for closed in (just_before, on_the_dot, on_the_dot + timedelta(days=200), just_before - timedelta(days=200)):
        for today in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1)):
            assert past_retention(closed, retention_cutoff_at(today)) == (anonymise_from(closed_on(closed)) <= today)
            assert retention_cutoff(today) == retention_cutoff_at(today).astimezone(LONDON).date()
