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
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Integer, Select, and_, any_, bindparam, exists, func, select
from sqlalchemy.orm import aliased

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

# Plan choice.  One word: if it matches at most DRIVE_CAP enquiries, the search is "driven" from the
# token index (those rows only are read); more, and matches are dense enough that walking
# received_at newest first (the current statement) meets 200 of them quickly.  Several words: the
# ids having every word are collected from the token index (driven by the rarest word, index-only),
# unless even the rarest word has COUNT_CAP matches or more; if more than DRIVE_CAP enquiries have
# every word, the newest-first walk is used.
COUNT_CAP = 50_000
DRIVE_CAP = 5_000

# The index the "+ live index" candidates add: the newest-first walk skips deleted rows from the
# index alone, so it reads an enquiry's row only when its name matches.  Same DDL on both databases.
LIVE_INDEX = "ix_enquiries_live_received"
LIVE_INDEX_DDL = f"CREATE INDEX {LIVE_INDEX} ON enquiries (received_at) WHERE deleted_at IS NULL"


# ---------------------------------------------------------------- statements (what repositories.py would hold)


def _bounds(prefix: str) -> tuple[str, str]:
    """[lo, hi) of the strings starting with prefix (as repositories._prefix_range)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _in_range(column, n: int):
    return and_(column >= bindparam(f"lo{n}"), column < bindparam(f"hi{n}"))


def _range_params(tokens: list[str]) -> dict[str, str]:
    params = {}
    for n, token in enumerate(tokens):
        params[f"lo{n}"], params[f"hi{n}"] = _bounds(token)
    return params


# Built once and executed with parameters: building a SQLAlchemy statement costs ~0.3 ms.
TOKEN_COUNT = select(func.count()).select_from(
    select(SubjectNameToken.enquiry_id).where(_in_range(SubjectNameToken.token, 0))
    .limit(bindparam("cap", type_=Integer)).subquery())
"""Token-index entries starting with lo0 (index-only), counted no further than :cap."""


def _having_every_word(words: int) -> Select:
    """Ids of enquiries whose name has a word starting with each lo{n}, from the token index alone
    (driven by lo0: pass the rarest word first)."""
    t = aliased(SubjectNameToken)
    stmt = select(t.enquiry_id).where(_in_range(t.token, 0))
    for n in range(1, words):
        x = aliased(SubjectNameToken)
        stmt = stmt.where(exists().where(x.enquiry_id == t.enquiry_id, _in_range(x.token, n)))
    return stmt


@lru_cache(maxsize=None)
def having_every_word(words: int) -> Select:
    """At most DRIVE_CAP + 1 ids of enquiries having every word (index-only; pass the rarest first)."""
    return _having_every_word(words).limit(DRIVE_CAP + 1)


@lru_cache(maxsize=None)
def newest_ids(words: int, dialect: str, limit: int) -> Select:
    """The ids of the newest `limit` live enquiries having every word.

    Reads only id, received_at and deleted_at of the matching rows.  On PostgreSQL the id list is
    built first (= ANY(ARRAY(subquery))): as a semi-join the planner may instead walk received_at
    backwards, the plan this replaces.
    """
    having = _having_every_word(words)
    if dialect == "postgresql":
        matches = Enquiry.id == any_(func.array(having.scalar_subquery()))
    else:
        matches = Enquiry.id.in_(having)
    return (select(Enquiry.id).where(Enquiry.deleted_at.is_(None), matches)
            .order_by(Enquiry.received_at.desc()).limit(limit))


@lru_cache(maxsize=None)
def by_ids(limit: int) -> Select:
    return (repo.summary_select().where(Enquiry.id.in_(bindparam("ids", expanding=True)))
            .order_by(Enquiry.received_at.desc()).limit(limit))


def plan_subject_name(count: Callable[[str, int], int], having: Callable[[list[str]], list[int]],
                      tokens: list[str]) -> tuple[str, list[str], list[int]]:
    """The decision, shared by the proposed service code and its raw twin.

    Returns (kind, the words rarest first, ids): kind "none" (nothing matches), "driven-one"
    (one word, at most DRIVE_CAP matches), "driven-ids" (several words; ids are every enquiry
    having them all) or "dense" (use the current newest-first statement).
    """
    cap = DRIVE_CAP + 1 if len(tokens) == 1 else COUNT_CAP
    counts = {t: count(t, cap) for t in tokens}
    order = sorted(tokens, key=counts.__getitem__)
    rarest = counts[order[0]]
    if rarest == 0:
        return "none", order, []
    if len(tokens) == 1:
        return ("driven-one" if rarest <= DRIVE_CAP else "dense"), order, []
    if rarest >= COUNT_CAP:
        return "dense", order, []
    ids = having(order)
    if len(ids) > DRIVE_CAP:
        return "dense", order, []
    return ("driven-ids" if ids else "none"), order, ids


def subject_name_summaries(session, text: str, limit: int = repo.SEARCH_LIMIT) -> list[EnquirySummary]:
    """The proposed repositories function for SearchKey.SUBJECT_NAME."""
    tokens = name_tokens(text)
    if not tokens:
        return []
    kind, order, ids = plan_subject_name(
        lambda t, cap: session.scalar(TOKEN_COUNT, {**_range_params([t]), "cap": cap}),
        lambda ts: list(session.scalars(having_every_word(len(ts)), _range_params(ts))),
        tokens)
    if kind == "none":
        return []
    if kind == "dense":
        return repo.summaries(session, repo.search_statement(SearchKey.SUBJECT_NAME, text, limit))
    if kind == "driven-one":
        dialect = session.get_bind().dialect.name
        ids = list(session.scalars(newest_ids(1, dialect, limit), _range_params(order)))
    return repo.summaries(session, by_ids(limit).params(ids=sorted(set(ids))))


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
