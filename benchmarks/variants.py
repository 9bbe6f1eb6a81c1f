"""The app's own statements on the raw connection, and candidate alternatives timed next to them.

* ``raw_subject_name`` / ``raw_queue_page``: what the "raw" column runs for the two
  paths whose SQL is more than one statement.  They make the same decisions as the
  app (``name_search.plan_with_fts`` / ``plan_subject_name``,
  ``repositories.read_queue_page``) with the SQL compiled up front, so the ratio
  service/raw measures what the Python side adds, not a different plan.
* ``SEARCH_VARIANTS``: candidate SQL per search key, on the same raw connection,
  compared with the raw column: for subject names, the plain single statement the
  plan replaced and the token-index plan that the FTS5 index (SQLite) and the word
  and pair index (PostgreSQL, migration 0017) replaced.
* ``PROPOSED_FIND``: candidate service code (compared with the service column), run
  over the app's own UnitOfWork, so the end-to-end effect is measured before anyone
  edits mpel_app.  Empty while there is no open proposal.
* ``PROPOSED_ENGINE``: candidate engine settings, the whole service timed over a second
  engine that has them.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import any_, bindparam, or_, select

from mpel_app.db import pg_name_index as pg
from mpel_app.db import repositories as repo
from mpel_app.db.models import ClosureDay
from mpel_app.db.name_search import (FTS_MATCHES, FTS_NEWEST, COUNT_CAP, DRIVE_CAP, FTS_DRIVE_CAP, TOKEN_COUNT,
                                     by_ids,
                                     fts_query, having_every_word, newest_ids, plan_subject_name, plan_with_fts,
                                     prefix_params)
from mpel_app.domain.calendar import REGION_NATION, region_calendar
from mpel_app.domain.records import SearchKey
from mpel_app.domain.targets import due_bands
from mpel_app.domain.text import name_tokens
from mpel_app.services.enquiries import QUEUE_PAGE_SIZE

if TYPE_CHECKING:
    from .search_latency import RawRunner


# ---------------------------------------------------------------- the app's plans, raw


def raw_subject_name(raw: RawRunner, text: str) -> Callable[[], list]:
    """name_search.subject_name_summaries' decisions and statements on the raw connection."""
    tokens = name_tokens(text)
    if not tokens:
        return lambda: []
    if raw.dialect.name == "postgresql":
        return _raw_pg_plan(raw, text)
    if not raw.has_fts:
        return _raw_token_plan(raw, text)
    q = fts_query(tokens)
    matches = raw.prepare(FTS_MATCHES, {"q": q, "cap": FTS_DRIVE_CAP + 1})
    newest = raw.prepare(FTS_NEWEST, {"q": q, "limit": repo.SEARCH_LIMIT})
    dense = raw.prepare(repo.search_statement(SearchKey.SUBJECT_NAME, text))
    fetch = _by_ids_runner(raw)

    def run() -> list:
        kind = plan_with_fts(raw.run(*matches)[0][0])
        if kind == "none":
            return []
        if kind == "dense":
            return raw.run(*dense)
        return fetch([r[0] for r in raw.run(*newest)])

    return run


def _raw_pg_plan(raw: RawRunner, text: str) -> Callable[[], list]:
    """name_search.pg_newest_ids' decisions and statements (migration 0017's word and pair index), raw."""
    words = pg.essential_words(name_tokens(text))
    begins = {w: raw.prepare(pg.WORDS_BEGINNING, dict(zip(("lo", "hi"), prefix_params([w]).values()),
                                                     cap=pg.MAX_WORDS + 1)) for w in words}
    dense = raw.prepare(repo.search_statement(SearchKey.SUBJECT_NAME, text))
    fetch = _by_ids_runner(raw)
    compiled: dict[tuple, tuple] = {}  # the final statement, compiled on the first (warm-up) run

    def prepared(stmt, values: dict) -> tuple:
        key = (id(stmt), repr(sorted(values.items())))
        if key not in compiled:
            compiled[key] = raw.prepare(stmt, values)
        return compiled[key]

    def run() -> list:
        begun = {w: [r[0] for r in raw.run(*begins[w])] for w in words}
        if not all(begun.values()):
            return []
        driver, *rest = sorted(words, key=lambda w: len(begun[w]))
        if len(begun[driver]) > pg.MAX_WORDS:
            return raw.run(*dense)
        if not rest:
            stmt, values = pg.NEWEST_WITH_WORD, {"tokens": begun[driver], "limit": repo.SEARCH_LIMIT}
        else:
            second, *extra = rest
            stmt = pg.newest_with_pair(len(extra))
            values = {"tokens": begun[driver], "limit": repo.SEARCH_LIMIT, **prefix_params(extra),
                      **dict(zip(("lo", "hi"), prefix_params([second]).values()))}
        return fetch([r[0] for r in raw.run(*prepared(stmt, values))])

    return run


def _raw_token_plan(raw: RawRunner, text: str) -> Callable[[], list]:
    """The token-index plan ("probe, then drive": plan_subject_name) on the raw connection."""
    tokens = name_tokens(text)
    counts = {(t, cap): raw.prepare(TOKEN_COUNT, {**prefix_params([t]), "cap": cap})
              for t in tokens for cap in (DRIVE_CAP + 1, COUNT_CAP)}
    having = {}
    for first in tokens:
        order = [first, *(t for t in tokens if t != first)]
        having[first] = raw.prepare(having_every_word(len(order)), prefix_params(order))
    newest_one = raw.prepare(newest_ids(1, raw.dialect.name, repo.SEARCH_LIMIT), prefix_params(tokens[:1]))
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
        sql, params = raw.prepare(repo.summary_select().where(repo.E.id == any_(bindparam("ids", value=[])))
                                  .order_by(repo.E.received_at.desc(), repo.E.id.desc()).limit(repo.SEARCH_LIMIT))
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


def raw_queue_page(raw: RawRunner, code: str, today: date) -> Callable[[], int]:
    """EnquiryService.region_queue_page's statements on the raw connection: the whole queue's counts,
    then the first page part by part (repositories.read_queue_page).  The due-date bands are worked
    out once, up front."""
    nation = REGION_NATION[code]
    closures = [r[0] for r in raw.run(*raw.prepare(
        select(ClosureDay.day).where(or_(ClosureDay.nation == nation, ClosureDay.nation == "ALL"))))]
    bands = due_bands(today, region_calendar(code, [date.fromisoformat(str(d)) for d in closures]))
    counts = raw.prepare(repo.queue_counts_statement(), repo.queue_counts_params(code, bands))

    def execute(stmt, params: dict) -> list:
        return raw.run(*raw.cached(stmt, params))

    def run() -> int:
        sizes = repo.queue_part_sizes(raw.run(*counts)[0])
        return len(repo.read_queue_page(execute, code, None, QUEUE_PAGE_SIZE + 1, sizes)[:QUEUE_PAGE_SIZE])

    return run


# ---------------------------------------------------------------- candidates


def _raw_plain(raw: RawRunner, text: str) -> Callable[[], list]:
    sql, params = raw.prepare(repo.search_statement(SearchKey.SUBJECT_NAME, text))
    return lambda: raw.run(sql, params)


# Raw SQL candidates per search key: name -> (raw runner, text) -> a callable that runs the candidate
# (or None: no candidate on this database).
SEARCH_VARIANTS: dict[SearchKey, dict[str, Callable[[RawRunner, str], Callable[[], list]]]] = {
    SearchKey.SUBJECT_NAME: {
        "plain single statement": _raw_plain,
        # The plan the FTS5 index (SQLite) and the word and pair index (PostgreSQL, 0017) replaced.
        "token-index plan (before)": lambda raw, text: (
            _raw_token_plan(raw, text) if raw.has_fts or raw.dialect.name == "postgresql" else None),
    },
}

# Candidate service paths per search key: name -> (services, actor, text) -> rows returned.
PROPOSED_FIND: dict[SearchKey, dict[str, Callable]] = {}

# Candidate engine settings (db/engine.py), per backend: the whole service -- every search key and
# the queue -- is timed again over a second engine changed by these functions.
def with_connect_statements(*statements: str) -> Callable:
    """Each new connection runs ``statements`` first."""
    def tune(services):
        from sqlalchemy import event

        @event.listens_for(services.engine, "connect")
        def _run(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            for sql in statements:
                cur.execute(sql)
            cur.close()

        services.engine.dispose()  # connections made before the listener go
        return services
    return tune


def without_pre_ping(services):
    """No ``SELECT 1`` round trip each time a connection leaves the pool (pool_pre_ping=False)."""
    services.engine.pool._pre_ping = False  # the pool's own flag; a disposed pool is recreated with it
    services.engine.dispose()
    return services


# SQLite's default page cache is 2 MiB, so most index pages a search touches come from the OS
# cache, a copy and a parse each; a name search reads a few thousand of them.  PostgreSQL's pool
# pings every connection it hands out.
PROPOSED_ENGINE: dict[str, dict[str, Callable]] = {
    "sqlite": {"page cache 64 MiB": with_connect_statements("PRAGMA cache_size = -65536")},
    "postgresql": {"no pool pre-ping": without_pre_ping},
}
