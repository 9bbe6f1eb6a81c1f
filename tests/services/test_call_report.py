"""The 30-second report: answers at 29/30/31 s, abandons at 3/20/45 s, direct and queue calls, outbound calls
not offered, London days across the end of BST; hand-checked figures, through the service and `mpel report
calls --json` (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from mpel_app import __main__ as entry
from mpel_app.domain import call_stats
from mpel_app.domain.call_stats import CallCounts
from mpel_app.telephony.events import ANSWER, CANCEL, HANGUP, NEW_CALL, NORMAL_CLEARING, CtiEvent

UTC = timezone.utc


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _call(services, call_id, offered_utc, *, wait, answered, direction="in", queue=None, agent="PJSIP/2001"):
    t0 = _at(offered_utc)
    common = dict(call_id=call_id, direction=direction, queue=queue, from_number="020 7946 0000",
                  to_number="0300 123 4567")
    services.calls.record(CtiEvent(event=NEW_CALL, at=t0, users=(agent,), **common))
    if answered:
        services.calls.record(CtiEvent(event=ANSWER, at=t0 + timedelta(seconds=wait), users=(agent,), **common))
        services.calls.record(CtiEvent(event=HANGUP, at=t0 + timedelta(seconds=wait + 120), cause=NORMAL_CLEARING,
                                       **common))
    else:
        services.calls.record(CtiEvent(event=HANGUP, at=t0 + timedelta(seconds=wait), cause=CANCEL, **common))


@pytest.fixture
def autumn(world):
    """Calls over the weekend BST ends (Sunday 25 October 2026, 02:00 BST = 01:00 UTC)."""
    s = world.services
    s.calls.set_identity(world.admin, world.agent.id, interfaces="PJSIP/2001", extension="2001", queues="mpel")
    _call(s, "before", "2026-10-23T22:30:00", wait=10, answered=True)     # Fri 23 Oct 23:30 BST: outside
    _call(s, "ab3", "2026-10-24T22:59:59", wait=3, answered=False)         # Sat 24 Oct 23:59:59 BST
    _call(s, "an29", "2026-10-24T23:30:00", wait=29, answered=True)        # Sun 25 Oct 00:30 BST
    _call(s, "an30", "2026-10-25T00:30:00", wait=30, answered=True)        # Sun 25 Oct 01:30 BST
    _call(s, "an31", "2026-10-25T01:30:00", wait=31, answered=True, agent="PJSIP/2009")  # 01:30 GMT, again
    _call(s, "out", "2026-10-25T12:00:00", wait=8, answered=True, direction="out")       # never offered
    _call(s, "ab45", "2026-10-25T23:59:00", wait=45, answered=False)        # Sun 25 Oct 23:59 GMT
    _call(s, "ab20", "2026-10-26T00:30:00", wait=20, answered=False)        # Mon 26 Oct 00:30 GMT
    _call(s, "q10", "2026-10-26T10:00:00", wait=10, answered=True, queue="mpel")
    return world


def test_the_report_counts_by_london_day(autumn):
    report = autumn.services.calls.call_report(date(2026, 10, 24), date(2026, 10, 26))
    days = dict(report.by_day)
    assert list(days) == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    # Saturday: one short abandon only: no denominator, no service level.
    assert days[date(2026, 10, 24)] == CallCounts(1, 0, 0, 1, 1, 0.0, 3.0, 0.0)
    assert days[date(2026, 10, 24)].service_level is None
    # Sunday: answered at 29, 30 (both within: inclusive) and 31 s; abandoned at 45 s. 2 / (3 + 1 - 0).
    sunday = days[date(2026, 10, 25)]
    assert (sunday.offered, sunday.answered, sunday.answered_within_threshold, sunday.abandoned,
            sunday.abandoned_short) == (4, 3, 2, 1, 0)
    assert (sunday.service_level, sunday.mean_wait, sunday.longest_wait) == (0.5, 30.0, 45.0)
    # Monday: a 20 s abandon and a queue call answered at 10 s. 1 / (1 + 1).
    monday = days[date(2026, 10, 26)]
    assert (monday.offered, monday.answered, monday.abandoned, monday.service_level) == (2, 1, 1, 0.5)
    # The whole period: 3 within / (4 answered + 3 abandoned - 1 short).
    t = report.totals
    assert (t.offered, t.answered, t.answered_within_threshold, t.abandoned, t.abandoned_short) == (7, 4, 3, 3, 1)
    assert (t.service_level, t.mean_wait, t.longest_wait) == (0.5, 25.0, 45.0)
    # The repeated hour at the end of BST: 01:30 BST and 01:30 GMT are both hour 1 of 25 October.
    assert dict(report.by_hour)[1].offered == 2
    agents = {a.agent: a.counts.answered for a in report.by_agent}
    assert agents == {"Carla Agent": 3, "PJSIP/2009": 1}
    assert [w.call_id for w in report.longest[:3]] == ["ab45", "an31", "an30"]


def test_a_queue_keeps_only_its_calls(autumn):
    report = autumn.services.calls.call_report(date(2026, 10, 24), date(2026, 10, 26), queue="mpel")
    t = report.totals
    assert (t.offered, t.answered, t.answered_within_threshold, t.service_level) == (1, 1, 1, 1.0)


def test_weeks_and_months_add_days_up(autumn):
    report = autumn.services.calls.call_report(date(2026, 10, 1), date(2026, 11, 30))
    weeks = dict(call_stats.by_period(report.by_day, call_stats.WEEK))
    assert weeks[date(2026, 10, 19)].offered == 6 and weeks[date(2026, 10, 26)].offered == 2
    months = dict(call_stats.by_period(report.by_day, call_stats.MONTH))
    assert months[date(2026, 10, 1)].offered == 8 and months[date(2026, 11, 1)].offered == 0


def test_report_calls_json_through_mpel(autumn, db_url, capsys):
    code = entry.main(["--database", db_url, "report", "calls", "--from", "2026-10-24", "--to", "2026-10-26",
                       "--json"])
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert {k: printed[k] for k in ("from", "to", "threshold_seconds", "short_abandon_seconds", "offered",
                                    "answered", "answered_within_threshold", "abandoned", "abandoned_short",
                                    "service_level", "mean_wait_seconds", "longest_wait_seconds")} == {
        "from": "2026-10-24", "to": "2026-10-26", "threshold_seconds": 30, "short_abandon_seconds": 5,
        "offered": 7, "answered": 4, "answered_within_threshold": 3, "abandoned": 3, "abandoned_short": 1,
        "service_level": 0.5, "mean_wait_seconds": 25.0, "longest_wait_seconds": 45.0}
    assert [(d["date"], d["offered"], d["service_level"]) for d in printed["by_day"]] == [
        ("2026-10-24", 1, None), ("2026-10-25", 4, 0.5), ("2026-10-26", 2, 0.5)]
    assert {a["agent"]: a["answered"] for a in printed["by_agent"]} == {"Carla Agent": 3, "PJSIP/2009": 1}
    code = entry.main(["--database", db_url, "report", "calls", "--from", "2026-10-24", "--to", "2026-10-26",
                       "--queue", "mpel", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["offered"] == 1


def test_report_calls_refuses_bad_dates(sqlite_url, sqlite_services, capsys):
    with pytest.raises(SystemExit) as stop:
        entry.main(["--database", sqlite_url, "report", "calls", "--from", "24/10/2026", "--to", "2026-10-26"])
    assert stop.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err
    assert entry.main(["--database", sqlite_url, "report", "calls", "--from", "2026-10-26", "--to",
                       "2026-10-24", "--json"]) == 2
    assert "before its first" in capsys.readouterr().err


def test_an_empty_period_has_no_service_level(services):
    report = services.calls.call_report(date(2026, 1, 1), date(2026, 1, 2))
    assert report.totals == CallCounts() and report.totals.service_level is None
    assert len(report.by_day) == 2
