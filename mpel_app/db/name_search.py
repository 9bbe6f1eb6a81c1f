"""Subject-name search that stays fast for rare and common names alike: the plan is chosen here.

Neither database's planner chooses well on its own: SQLite always walks
enquiries newest first probing the token index (a full scan for a rare name),
PostgreSQL misjudges how many rows two common words match.  So this module
first finds out how many enquiries the typed words match together, capped,
and then either

* reads just those enquiries ("driven": at most a few thousand of them) and
  keeps the newest, or
* when they match many, walks received_at newest first with the plain
  statement from repositories ("dense"): matches are then common enough to
  meet 200 of them quickly.

How the matches are counted:

* SQLite, where migration 0008 built ``subject_name_fts`` (FTS5, prefix
  indexes, one row per enquiry): the words are intersected in its posting
  lists.  Two common words ("mohamm khan": 100,000 and 40,000 enquiries)
  intersect in ~2 ms, where probing the token index once per candidate took
  20-40 ms.  The newest of the matches come from the small index
  ``ix_enquiries_live_id_received`` instead of each match's wide row.
* PostgreSQL (migration 0017): no counting; the word and pair tables of
  ``pg_name_index`` hold each word newest first, so the newest matches are
  read directly (see that module).  Only when every typed word is a short,
  common prefix does it take the newest-first walk.
* SQLite without FTS5 ("probe, then drive"): count each word's matches in the
  token index (index-only, capped), then collect the ids having every word,
  driven by the rarest word.

Every plan returns exactly what the plain statement returns:
tests/db/test_name_search.py checks it on both databases.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from sqlalchemy import Connection, Integer, Select, any_, bindparam, exists, func, select, text
from sqlalchemy.orm import Session

from ..domain.records import SearchKey
from ..domain.text import name_tokens
from . import pg_name_index as pg
from . import repositories as repo
from .models import SubjectNameToken

COUNT_CAP = 50_000
DRIVE_CAP = 5_000
# With FTS5, up to this many matches are read by id (~1 us each from the id -> received_at
# index); more are dense enough for the newest-first walk (~0.5 us per enquiry walked, about
# 200 x 1,000,000 / matches of them).  The two cost the same near 8,000 matches at 1,000,000.
FTS_DRIVE_CAP = 8_000

FTS_TABLE = "subject_name_fts"


def is_name_index_table(name: str) -> bool:
    """The FTS5 table and its shadow tables (migration 0008) and PostgreSQL's word and pair tables
    (migration 0017): kept by triggers, not declared in the models."""
    return name == FTS_TABLE or name.startswith(FTS_TABLE + "_") or pg.is_pg_name_table(name)


# What migration 0008 fills the FTS5 table with, for a bulk loader that drops the triggers while it
# loads subject_name_tokens (benchmarks/build_db.py) and then fills the table in one pass.
REBUILD_NAME_INDEX = (
    f"DELETE FROM {FTS_TABLE}",
    f"INSERT INTO {FTS_TABLE} (rowid, tokens) SELECT enquiry_id, group_concat(token, ' ') "
    "FROM subject_name_tokens GROUP BY enquiry_id",
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')",
)


def fts_query(tokens: list[str]) -> str:
    """Every word begins some word of the name.  Tokens are runs of letters and digits (name_tokens),
    so quoting cannot be escaped; the quotes keep FTS5 from reading a token as an operator ("or")."""
    return " ".join(f'"{token}"*' for token in tokens)


# SQLite only.  INDEXED BY: without it SQLite reads each match's row by its primary key, ~10x
# slower than the id -> received_at index (SQLAlchemy renders no SQLite index hints, hence text()).
_FTS_PRESENT = text("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :name"
                    ).bindparams(name=FTS_TABLE)
FTS_MATCHES = text(f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q LIMIT :cap)")
FTS_NEWEST = text(
    "SELECT id FROM enquiries INDEXED BY ix_enquiries_live_id_received "
    f"WHERE deleted_at IS NULL AND id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q) "
    "ORDER BY received_at DESC, id DESC LIMIT :limit")


# The token-index plan's statements, built once and executed with parameters (building a
# statement costs ~0.3 ms a time); Core columns, like repositories'.
E, T = repo.E, repo.T
prefix_params = repo.prefix_params

TOKEN_COUNT = select(func.count()).select_from(
    select(T.enquiry_id).where(repo._prefix_range(T.token, 0)).limit(bindparam("cap", type_=Integer)).subquery())


def _having_every_word(words: int) -> Select:
    """Ids of enquiries with a word starting with each lo{n}, from the token index; lo0 drives."""
    t = SubjectNameToken.__table__.alias("t")
    stmt = select(t.c.enquiry_id).where(repo._prefix_range(t.c.token, 0))
    for n in range(1, words):
        x = SubjectNameToken.__table__.alias(f"x{n}")
        stmt = stmt.where(exists().where(x.c.enquiry_id == t.c.enquiry_id, repo._prefix_range(x.c.token, n)))
    return stmt


@lru_cache(maxsize=None)
def having_every_word(words: int) -> Select:
    return _having_every_word(words).limit(DRIVE_CAP + 1)


@lru_cache(maxsize=None)
def newest_ids(words: int, dialect: str, limit: int) -> Select:
    """The newest `limit` live enquiries having every word; the id list first on PostgreSQL, whose
    planner would otherwise walk received_at backwards again."""
    having = _having_every_word(words)
    matches = (E.id == any_(func.array(having.scalar_subquery())) if dialect == "postgresql"
               else E.id.in_(having))
    return (select(E.id).where(E.deleted_at.is_(None), matches)
            .order_by(E.received_at.desc(), E.id.desc()).limit(limit))


@lru_cache(maxsize=None)
def by_ids(limit: int, dialect: str = "sqlite") -> Select:
    """Summaries of the enquiries with these ids (parameter ``ids``), newest first.

    PostgreSQL takes the ids as one array (``repo.one_of_ids``): ``IN (...)`` with 200 parameters cost
    ~3 ms a search."""
    return repo.search_select().where(repo.one_of_ids(E.id, dialect)).order_by(E.received_at.desc(), E.id.desc()).limit(limit)


def plan_subject_name(count, having, tokens: list[str]) -> tuple[str, list[str], list[int]]:
    """The token-index plan: ("none" | "driven-one" | "driven-ids" | "dense", the words rarest first, ids)."""
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


def plan_with_fts(matches: int) -> str:
    """The FTS5 plan, from how many enquiries have every word (counted up to FTS_DRIVE_CAP + 1)."""
    if matches == 0:
        return "none"
    return "driven-fts" if matches <= FTS_DRIVE_CAP else "dense"


def _dialect(db: Session | Connection) -> str:
    return (db.dialect if isinstance(db, Connection) else db.get_bind().dialect).name


def has_fts(db: Session | Connection) -> bool:
    """Whether this database has the FTS5 name index: SQLite migrated where the library has FTS5."""
    return _dialect(db) == "sqlite" and bool(db.scalar(_FTS_PRESENT))


def pg_newest_ids(db: Session | Connection, tokens: list[str], limit: int) -> list[int] | None:
    """PostgreSQL: the ids of the newest ``limit`` matches from the word and pair index
    (db/pg_name_index.py), or None when every typed word begins too many stored words to drive
    it (short, common prefixes: the newest-first walk is the better plan then)."""
    words = pg.essential_words(tokens)
    begun = {}
    for word in words:
        lo, hi = prefix_params([word]).values()
        begun[word] = list(db.scalars(pg.WORDS_BEGINNING, {"lo": lo, "hi": hi, "cap": pg.MAX_WORDS + 1}))
        if not begun[word]:
            return []
    driver, *rest = sorted(words, key=lambda w: len(begun[w]))
    if len(begun[driver]) > pg.MAX_WORDS:
        return None
    if not rest:
        return list(db.scalars(pg.NEWEST_WITH_WORD, {"tokens": begun[driver], "limit": limit}))
    second, *extra = rest
    lo, hi = prefix_params([second]).values()
    return list(db.scalars(pg.newest_with_pair(len(extra)),
                           {"tokens": begun[driver], "lo": lo, "hi": hi, "limit": limit, **prefix_params(extra)}))


def subject_name_summaries(db: Session | Connection, text: str, limit: int = repo.SEARCH_LIMIT,
                           read: Callable[..., list] = repo.summaries) -> list:
    """The newest ``limit`` live enquiries whose name has a word starting with each word of ``text``;
    ``read(db, statement, params)`` turns the rows into results (``repo.search_results``: with the lock)."""
    tokens = name_tokens(text)
    if not tokens:
        return []
    if _dialect(db) == "postgresql":
        ids = pg_newest_ids(db, tokens, limit)
        if ids is not None:
            return read(db, by_ids(limit, "postgresql"), {"ids": ids}) if ids else []
        kind = "dense"
    elif has_fts(db):
        q = fts_query(tokens)
        kind = plan_with_fts(db.scalar(FTS_MATCHES, {"q": q, "cap": FTS_DRIVE_CAP + 1}))
        if kind == "driven-fts":
            ids = list(db.scalars(FTS_NEWEST, {"q": q, "limit": limit}))
            return read(db, by_ids(limit), {"ids": ids})
    else:
        kind, order, ids = plan_subject_name(
            lambda t, cap: db.scalar(TOKEN_COUNT, {**prefix_params([t]), "cap": cap}),
            lambda ts: list(db.scalars(having_every_word(len(ts)), prefix_params(ts))),
            tokens)
        if kind == "driven-one":
            ids = list(db.scalars(newest_ids(1, _dialect(db), limit), prefix_params(order)))
        if kind in ("driven-one", "driven-ids"):
            return read(db, by_ids(limit, _dialect(db)), {"ids": sorted(set(ids))})
    if kind == "none":
        return []
    return read(db, *repo.search_query(SearchKey.SUBJECT_NAME, text, limit))
