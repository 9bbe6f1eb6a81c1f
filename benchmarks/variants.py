"""Candidate fixes, timed next to the current code on the same queries (see README "What we found").

Two kinds, both picked up by search_latency.measure_backend:

* raw SQL candidates (``SEARCH_VARIANTS``, and ``INDEXED_SEARCH_VARIANTS`` timed with
  LIVE_INDEX present): the statements a fix would send, executed on the raw DBAPI
  connection exactly like the "raw" column, so they compare with the current SQL and
  not with ORM costs;
* proposed service paths (``proposed_find``, ``proposed_region_queue``): the service
  method as it would read after the fix, written against the app's own UnitOfWork and
  models, so the end-to-end effect is measured before anyone edits mpel_app.

The subject-name fix ("probe, then drive"), in short: count each typed word's matches in
the token index (index-only, capped); if the words match few enquiries together, collect
their ids from the token index, driven by the rarest word, and read only those rows; if they
match many, matches are dense and the current plan (walk received_at newest first, probing
the token index) finds 200 quickly.  Neither database's planner makes that choice itself:
SQLite always walks received_at (all million rows for a rare name), and PostgreSQL misjudges
how many rows a prefix range or a two-word combination matches.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import Select, any_, bindparam, select

from mpel_app.db import repositories as repo
from mpel_app.db.models import Enquiry, SubjectNameToken
from mpel_app.domain import permissions as perm
from mpel_app.domain.calendar import REGION_NATION, region_calendar
from mpel_app.domain.permissions import Action
from mpel_app.domain.records import Channel, EnquiryStatus, EnquirySummary, SearchKey
from mpel_app.domain.targets import queue_status
from mpel_app.domain.text import name_tokens

if TYPE_CHECKING:
    from .search_latency import RawRunner

# The index the "+ live index" candidates add: the newest-first walk skips deleted rows from the
# index alone, so it reads an enquiry's row only when its name matches.  Same DDL on both databases.
LIVE_INDEX = "ix_enquiries_live_received"
LIVE_INDEX_DDL = f"CREATE INDEX {LIVE_INDEX} ON enquiries (received_at) WHERE deleted_at IS NULL"


# The plan and its statements are the app's own (mpel_app/db/name_search.py), so what is timed
# here is what the desk runs.
from mpel_app.db.name_search import (COUNT_CAP, DRIVE_CAP, TOKEN_COUNT, by_ids,  # noqa: E402
                                     having_every_word, newest_ids, plan_subject_name,
                                     subject_name_summaries)
from mpel_app.db.name_search import range_params as _range_params  # noqa: E402


# ---------------------------------------------------------------- raw SQL runners


def _raw_probe_then_drive(raw: RawRunner, text: str) -> Callable[[], list]:
    """The same decisions (plan_subject_name) on the raw connection; SQL compiled up front."""
    tokens = name_tokens(text)
    counts = {(t, cap): raw.prepare(TOKEN_COUNT, {**_range_params([t]), "cap": cap})
              for t in tokens for cap in (DRIVE_CAP + 1, COUNT_CAP)}
    having = {}
    for first in tokens:
        order = [first, *(t for t in tokens if t != first)]
        having[first] = raw.prepare(having_every_word(len(order)), _range_params(order))
    newest_one = raw.prepare(newest_ids(1, raw.dialect.name, repo.SEARCH_LIMIT), _range_params(tokens[:1]))
    dense = raw.prepare(repo.search_statement(SearchKey.SUBJECT_NAME, text))
    fetch = _by_ids_runner(raw)

    def run() -> list:
        kind, order, ids = plan_subject_name(lambda t, cap: raw.run(*counts[t, cap])[0][0],
                                             lambda ts: [r[0] for r in raw.run(*having[ts[0]])], tokens)
        if kind == "none":
            return []
        if kind == "dense":
            return raw.run(*dense)
        if kind == "driven-one":
            ids = [r[0] for r in raw.run(*newest_one)]
        return fetch(sorted(set(ids)))

    return run


def _by_ids_runner(raw: RawRunner) -> Callable[[list[int]], list]:
    """The newest 200 summaries among ids: IN (?, ?, ...) on SQLite, = ANY(array) on PostgreSQL."""
    if raw.dialect.name == "postgresql":
        sql, params = raw.prepare(repo.summary_select().where(Enquiry.id == any_(bindparam("ids", value=[])))
                                  .order_by(Enquiry.received_at.desc()).limit(repo.SEARCH_LIMIT))
        return lambda ids: raw.run(sql, {**params, "ids": ids})
    compiled = by_ids(repo.SEARCH_LIMIT).params(ids=[0]).compile(dialect=raw.dialect)
    text, names, base = str(compiled), compiled.positiontup, compiled.construct_params()

    def run(ids: list[int]) -> list:
        sql = text.replace("__[POSTCOMPILE_ids]", ", ".join("?" * len(ids)))
        params: list = []
        for name in names:
            if name == "ids":
                params += ids
            else:
                params.append(base[name])
        return raw.run(sql, tuple(params))

    return run


def _raw_in_all(raw: RawRunner, text: str) -> Callable[[], list]:
    """The obvious rewrite, for comparison: every word as id IN (token subquery); the planner decides."""
    stmt = repo.summary_select()
    for token in name_tokens(text):
        stmt = stmt.where(Enquiry.id.in_(select(SubjectNameToken.enquiry_id)
                                         .where(repo._prefix_range(SubjectNameToken.token, token))))
    sql, params = raw.prepare(stmt.order_by(Enquiry.received_at.desc()).limit(repo.SEARCH_LIMIT))
    return lambda: raw.run(sql, params)


# Raw SQL candidates per search key: name -> (raw runner, text) -> a callable that runs the candidate.
SEARCH_VARIANTS: dict[SearchKey, dict[str, Callable[[RawRunner, str], Callable[[], list]]]] = {
    SearchKey.SUBJECT_NAME: {
        "every word as id IN (subquery)": _raw_in_all,
        "probe, then drive": _raw_probe_then_drive,
    },
}
# Candidates timed in a second pass, with LIVE_INDEX created (and dropped afterwards).
INDEXED_SEARCH_VARIANTS: dict[SearchKey, dict[str, Callable[[RawRunner, str], Callable[[], list]]]] = {
    SearchKey.SUBJECT_NAME: {
        "current SQL + live index": lambda raw, text: _raw_current(raw, SearchKey.SUBJECT_NAME, text),
        "probe, then drive + live index": _raw_probe_then_drive,
    },
}


def _raw_current(raw: RawRunner, key: SearchKey, text: str) -> Callable[[], list]:
    sql, params = raw.prepare(repo.search_statement(key, text))
    return lambda: raw.run(sql, params)


# ---------------------------------------------------------------- proposed service paths

PROPOSED_FIND_KEYS = frozenset({SearchKey.SUBJECT_NAME})


def proposed_find(services, actor, key: SearchKey, text: str) -> int:
    """EnquiryService.find with the subject-name fix; other keys unchanged."""
    if key is not SearchKey.SUBJECT_NAME:
        return len(services.enquiries.find(actor, key, text))
    perm.require(actor, Action.FIND_ENQUIRY)
    with services.uow.read() as s:
        return len(subject_name_summaries(s, text))


def summaries_with_status(session, stmt: Select, status_for=None) -> list[EnquirySummary]:
    """repositories.summaries, proposed: optionally give each item its queue status as it is built
    (one object per row instead of building it and then copying it)."""
    out = []
    for r in session.execute(stmt):
        urgent, acknowledged, due = r[14], r[12] is not None, r[11]
        out.append(EnquirySummary(
            id=r[0], reference=r[1], channel=Channel(r[2]), status=EnquiryStatus(r[3]), received_at=r[4],
            member_name=r[5] or "", subject_name=r[6], nationality=r[7], ho_reference=r[8], cts_reference=r[9],
            region_code=r[10], due_date=due, acknowledged=acknowledged, file_needed=r[13], urgent=urgent,
            queue_status=status_for(due, urgent and not acknowledged) if status_for and due else None))
    return out


def proposed_region_queue(services, actor, code: str) -> int:
    """EnquiryService.region_queue, proposed: no dataclasses.asdict (a deep copy per item); the status
    is set as each summary is built; SQL already orders by (due_date, id), so urgent items are moved
    to the front with a stable partition instead of a sort."""
    if not perm.may_work_region(actor, code):
        raise PermissionError(code)
    today = services.enquiries._today()
    with services.uow.read() as s:
        calendar = region_calendar(code, repo.closures_for(s, REGION_NATION[code]))
        items = summaries_with_status(
            s, repo.region_queue_statement(code),
            lambda due, urgent: queue_status(due, today, calendar, urgent=urgent))
    urgent = [i for i in items if i.urgent and not i.acknowledged]
    if urgent:
        items = urgent + [i for i in items if not (i.urgent and not i.acknowledged)]
    return len(items)
