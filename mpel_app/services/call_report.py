"""The 30-second report's queries: SQL aggregates over ``calls``, with the definitions of ``domain.call_stats``.

The thresholds are bound from the domain's constants, so the SQL and the rule
cannot drift apart.  Calls are grouped by their stored London day and hour
(``offered_day``, ``offered_hour``, set from ``call_stats.london_day``), so
the same statement runs on SQLite and PostgreSQL with no time-zone SQL.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from ..db.models import Call, User
from ..domain import call_stats
from ..domain.call_records import AgentCounts, CallReport, LongWait
from ..domain.call_stats import CallCounts
from ..domain.performance import MoreFigure

LONGEST_LISTED = 10


def _count_columns():
    answered = Call.answered_at.is_not(None)
    unanswered = Call.outcome.in_(call_stats.UNANSWERED_OUTCOMES)
    threshold = literal(call_stats.THRESHOLD_SECONDS)
    short = literal(call_stats.SHORT_ABANDON_SECONDS)
    return (
        func.count(Call.id),
        func.sum(case((answered, 1), else_=0)),
        func.sum(case((and_(answered, Call.wait_seconds <= threshold), 1), else_=0)),
        func.sum(case((unanswered, 1), else_=0)),
        func.sum(case((and_(unanswered, Call.wait_seconds <= short), 1), else_=0)),
        func.sum(case((answered, func.coalesce(Call.wait_seconds, 0.0)), else_=0.0)),
        func.max(Call.wait_seconds),
        func.sum(func.coalesce(Call.talk_seconds, 0.0)),
    )


def _counts(row) -> CallCounts:
    offered, answered, within, abandoned, short, wait_total, longest, talk = row
    return CallCounts(int(offered or 0), int(answered or 0), int(within or 0), int(abandoned or 0),
                      int(short or 0), round(float(wait_total or 0.0), 3),
                      None if longest is None else float(longest), round(float(talk or 0.0), 3))


def build_report(s: Session, first: date, last: date, queue: str | None) -> CallReport:
    where = [Call.direction == "in", Call.offered_day >= first, Call.offered_day <= last]
    if queue is not None:
        where.append(Call.queue == queue)
    days = {day: _counts(row) for day, *row in s.execute(
        select(Call.offered_day, *_count_columns()).where(*where).group_by(Call.offered_day))}
    by_day = tuple((day, days.get(day, CallCounts())) for day in call_stats.dates_between(first, last))
    by_hour = tuple((int(hour), _counts(row)) for hour, *row in s.execute(
        select(Call.offered_hour, *_count_columns()).where(*where).group_by(Call.offered_hour)
        .order_by(Call.offered_hour)))
    agents = []
    for user_id, pbx_name, full_name, *row in s.execute(
            select(Call.answered_by_user_id, func.min(Call.answered_by), func.min(User.full_name), *_count_columns())
            .outerjoin(User, User.id == Call.answered_by_user_id)
            .where(*where, Call.answered_at.is_not(None))
            .group_by(Call.answered_by_user_id, case((Call.answered_by_user_id.is_(None), Call.answered_by),
                                                     else_=None))):
        agents.append(AgentCounts(agent=full_name or pbx_name or "(not named by the PBX)", user_id=user_id,
                                  counts=_counts(row)))
    agents.sort(key=lambda a: (-a.counts.answered, a.agent))
    longest = tuple(LongWait(call_id, offered_at, float(wait), outcome, q) for call_id, offered_at, wait, outcome, q
                    in s.execute(select(Call.call_id, Call.offered_at, Call.wait_seconds, Call.outcome, Call.queue)
                                 .where(*where, Call.wait_seconds.is_not(None))
                                 .order_by(Call.wait_seconds.desc(), Call.offered_at).limit(LONGEST_LISTED)))
    return CallReport(first=first, last=last, queue=queue, totals=call_stats.total(c for _d, c in by_day),
                      by_day=by_day, by_agent=tuple(agents), by_hour=by_hour, longest=longest)


def league_figure(conn, period, _lo, _hi) -> MoreFigure | None:
    """The league table's calls figure (issue 11, registered in ``services.performance.EXTRA_FIGURES``):
    the line's 30-second counts for the period's London days; absent when no call was offered."""
    with Session(bind=conn) as s:
        totals = build_report(s, period.start, period.end, None).totals
    if not totals.offered:
        return None
    data = {"offered": totals.offered, "answered": totals.answered,
            "answered_within_threshold": totals.answered_within_threshold,
            "abandoned": totals.abandoned, "abandoned_short": totals.abandoned_short,
            "service_level": totals.service_level}
    return MoreFigure("calls", call_stats.LEAGUE_TITLE, data, call_stats.league_lines(totals))
