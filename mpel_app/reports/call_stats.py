"""The 30-second report as data: the JSON ``mpel report calls --json`` prints, and the tables the Calls view,
its CSV export and its PDF show (one row per day, week, month, agent or hour of the day).

No reportlab here (``call_stats_pdf`` draws); no Qt.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..domain import call_stats
from ..domain.call_records import CallReport
from ..domain.call_stats import CallCounts
from .audit_csv import write_safe_csv
from .record_sections import to_london

# How the Calls view groups the period.
BY_DAY, BY_WEEK, BY_MONTH, BY_AGENT, BY_HOUR = "day", "week", "month", "agent", "hour"
GROUPINGS = {BY_DAY: "Day", BY_WEEK: "Week", BY_MONTH: "Month", BY_AGENT: "Agent", BY_HOUR: "Hour of the day"}
COLUMNS = ("Offered", "Answered", f"Answered within {call_stats.THRESHOLD_SECONDS} s", "Abandoned",
           f"Abandoned within {call_stats.SHORT_ABANDON_SECONDS} s", "Service level", "Mean wait (s)",
           "Longest wait (s)")


def report_json(report: CallReport) -> dict:
    """The object ``mpel report calls --json`` prints (its keys are the issue's interface)."""
    return {
        "from": report.first.isoformat(), "to": report.last.isoformat(), "queue": report.queue,
        "threshold_seconds": call_stats.THRESHOLD_SECONDS,
        "short_abandon_seconds": call_stats.SHORT_ABANDON_SECONDS,
        **report.totals.as_json(),
        "formula": call_stats.FORMULA,
        "by_day": [{"date": day.isoformat(), **counts.as_json()} for day, counts in report.by_day],
        "by_agent": [{"agent": a.agent, "user_id": a.user_id, "answered": a.counts.answered,
                      "answered_within_threshold": a.counts.answered_within_threshold,
                      "mean_wait_seconds": a.counts.mean_wait, "longest_wait_seconds": a.counts.longest_wait,
                      "talk_seconds": a.counts.talk_total, "mean_talk_seconds": a.counts.mean_talk}
                     for a in report.by_agent],
        "by_hour": [{"hour": hour, **counts.as_json()} for hour, counts in report.by_hour],
        "longest_waits": [{"call_id": w.call_id, "offered_at": w.offered_at.isoformat(),
                           "wait_seconds": w.wait_seconds, "outcome": w.outcome, "queue": w.queue}
                          for w in report.longest],
    }


def grouped(report: CallReport, grouping: str) -> list[tuple[str, CallCounts]]:
    """(label, counts) rows for a grouping, in order."""
    if grouping in (BY_DAY, BY_WEEK, BY_MONTH):
        return [(call_stats.period_label(start, grouping), counts)
                for start, counts in call_stats.by_period(report.by_day, grouping)]
    if grouping == BY_AGENT:
        return [(a.agent, a.counts) for a in report.by_agent]
    if grouping == BY_HOUR:
        return [(f"{hour:02d}:00–{hour:02d}:59", counts) for hour, counts in report.by_hour]
    raise ValueError(f"unknown grouping {grouping!r}")


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def row_cells(counts: CallCounts) -> list[str]:
    return [str(counts.offered), str(counts.answered), str(counts.answered_within_threshold), str(counts.abandoned),
            str(counts.abandoned_short), percent(counts.service_level), seconds(counts.mean_wait),
            seconds(counts.longest_wait)]


def longest_rows(report: CallReport) -> list[list[str]]:
    return [[to_london(w.offered_at).strftime("%a %d %b %Y %H:%M"), seconds(w.wait_seconds), w.outcome,
             w.queue or "direct"] for w in report.longest]


def write_csv(path: Path | str, report: CallReport, grouping: str) -> int:
    """The table for ``grouping`` and a totals row, spreadsheet-safe (formula-escaped), with the formula."""
    rows: list[Iterable[str]] = [[label, *row_cells(c)] for label, c in grouped(report, grouping)]
    rows.append(["Total", *row_cells(report.totals)])
    rows.append([])
    rows.append([call_stats.FORMULA])
    return write_safe_csv(path, (GROUPINGS[grouping], *COLUMNS), rows)


def title(report: CallReport) -> str:
    queue = f", queue {report.queue}" if report.queue else ""
    return (f"Calls {report.first.strftime('%d %b %Y')} to {report.last.strftime('%d %b %Y')}{queue}: "
            f"service level {percent(report.totals.service_level)}")
