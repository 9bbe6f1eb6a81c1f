"""Name search picks its plan from index counts; every plan returns what the plain query returns."""
from __future__ import annotations

import pytest

from mpel_app.db import name_search, repositories as repo
from mpel_app.domain.records import CallerKind, Channel, SearchKey, SubjectDetails
from tests.support.world import PASSCODE

NAMES = ["Mohammed Khan", "Mohammed Ali Khan", "Fatima Khan", "Zoë Núñez", "KHAN, Imran", "Ali Mohammed",
         "Mohamed Kahn"]
QUERIES = ["khan", "moh", "mohammed khan", "kha moh", "zoe", "nunez zo", "ali", "imran khan", "nobody", "k"]


def _log(world, name):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name=name), question="q", answer="",
                     written_confirmation=False)


@pytest.mark.parametrize("drive_cap,count_cap", [(5000, 50_000), (1, 50_000), (2, 2)],
                         ids=["driven", "dense-one-word", "dense-every-plan"])
def test_every_plan_matches_the_plain_query(world, monkeypatch, drive_cap, count_cap):
    for name in NAMES:
        _log(world, name)
    monkeypatch.setattr(name_search, "DRIVE_CAP", drive_cap)
    monkeypatch.setattr(name_search, "COUNT_CAP", count_cap)
    name_search.having_every_word.cache_clear()
    try:
        with world.services.uow.read() as s:
            for query in QUERIES:
                plain = repo.search_statement(SearchKey.SUBJECT_NAME, query)
                expected = [x.reference for x in repo.summaries(s, plain)] if plain is not None else []
                got = [x.reference for x in name_search.subject_name_summaries(s, query)]
                assert got == expected, query
    finally:
        name_search.having_every_word.cache_clear()


def test_plan_choice():
    counts = {"khan": 40, "mohammed": 900, "zoe": 3, "nobody": 0}
    plan = lambda tokens: name_search.plan_subject_name(  # noqa: E731
        lambda t, cap: min(counts[t], cap), lambda order: [1, 2], tokens)
    assert plan(["zoe"])[0] == "driven-one"
    assert plan(["nobody"])[0] == "none"
    assert plan(["mohammed", "khan"])[:2] == ("driven-ids", ["khan", "mohammed"])
    counts["khan"] = 60_000
    counts["mohammed"] = 70_000
    assert plan(["mohammed", "khan"])[0] == "dense"
