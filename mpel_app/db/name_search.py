"""Subject-name search that stays fast for rare and common names alike ("probe, then drive").

Neither database's planner chooses well on its own: SQLite always walks
enquiries newest first probing the token index (a full scan for a rare name),
PostgreSQL misjudges how many rows two common words match. So the plan is
chosen here, from counts read off the token index alone:

1. Count each typed word's matches in the token index (index-only, capped).
2. One word with at most DRIVE_CAP matches, or several words whose rarest
   leads to at most DRIVE_CAP enquiries having them all: read just those
   enquiries (by id) and keep the newest.
3. Otherwise the matches are dense, and walking received_at newest first meets
   enough of them quickly: the plain statement from repositories.

Measured in benchmarks/ (1,000,000 enquiries): SQLite p95 from ~0.8-0.9 s down
to ~15 ms (one word) and ~27 ms (two common words).
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, Select, and_, any_, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from ..domain.records import EnquirySummary, SearchKey
from ..domain.text import name_tokens
from . import repositories as repo
from .models import Enquiry, SubjectNameToken

COUNT_CAP = 50_000
DRIVE_CAP = 5_000


def _bounds(prefix: str) -> tuple[str, str]:
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _in_range(column, n: int):
    return and_(column >= bindparam(f"lo{n}"), column < bindparam(f"hi{n}"))


def range_params(tokens: list[str]) -> dict[str, str]:
    params = {}
    for n, token in enumerate(tokens):
        params[f"lo{n}"], params[f"hi{n}"] = _bounds(token)
    return params


# Built once and executed with parameters: building a statement costs ~0.3 ms a time.
TOKEN_COUNT = select(func.count()).select_from(
    select(SubjectNameToken.enquiry_id).where(_in_range(SubjectNameToken.token, 0))
    .limit(bindparam("cap", type_=Integer)).subquery())


def _having_every_word(words: int) -> Select:
    """Ids of enquiries with a word starting with each lo{n}, from the token index; lo0 drives."""
    t = aliased(SubjectNameToken)
    stmt = select(t.enquiry_id).where(_in_range(t.token, 0))
    for n in range(1, words):
        x = aliased(SubjectNameToken)
        stmt = stmt.where(exists().where(x.enquiry_id == t.enquiry_id, _in_range(x.token, n)))
    return stmt


@lru_cache(maxsize=None)
def having_every_word(words: int) -> Select:
    return _having_every_word(words).limit(DRIVE_CAP + 1)


@lru_cache(maxsize=None)
def newest_ids(words: int, dialect: str, limit: int) -> Select:
    """The newest `limit` live enquiries having every word; the id list first on PostgreSQL, whose
    planner would otherwise walk received_at backwards again."""
    having = _having_every_word(words)
    matches = (Enquiry.id == any_(func.array(having.scalar_subquery())) if dialect == "postgresql"
               else Enquiry.id.in_(having))
    return (select(Enquiry.id).where(Enquiry.deleted_at.is_(None), matches)
            .order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit))


@lru_cache(maxsize=None)
def by_ids(limit: int) -> Select:
    return (repo.summary_select().where(Enquiry.id.in_(bindparam("ids", expanding=True)))
            .order_by(Enquiry.received_at.desc(), Enquiry.id.desc()).limit(limit))


def plan_subject_name(count, having, tokens: list[str]) -> tuple[str, list[str], list[int]]:
    """("none" | "driven-one" | "driven-ids" | "dense", the words rarest first, ids)."""
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


def subject_name_summaries(session: Session, text: str, limit: int = repo.SEARCH_LIMIT) -> list[EnquirySummary]:
    tokens = name_tokens(text)
    if not tokens:
        return []
    kind, order, ids = plan_subject_name(
        lambda t, cap: session.scalar(TOKEN_COUNT, {**range_params([t]), "cap": cap}),
        lambda ts: list(session.scalars(having_every_word(len(ts)), range_params(ts))),
        tokens)
    if kind == "none":
        return []
    if kind == "dense":
        return repo.summaries(session, repo.search_statement(SearchKey.SUBJECT_NAME, text, limit))
    if kind == "driven-one":
        dialect = session.get_bind().dialect.name
        ids = list(session.scalars(newest_ids(1, dialect, limit), range_params(order)))
    return repo.summaries(session, by_ids(limit).params(ids=sorted(set(ids))))
