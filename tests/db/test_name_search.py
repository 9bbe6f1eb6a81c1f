"""Name search picks its plan from counts; every plan returns exactly what the plain query returns.

On SQLite the counts come from the FTS5 name index that migration 0008 builds
and triggers keep equal to subject_name_tokens; without it (PostgreSQL, or a
SQLite library built without FTS5) from the token index.
"""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from mpel_app.app import open_database
from mpel_app.db import migrate, name_search, repositories as repo
from mpel_app.db.engine import make_engine
from mpel_app.domain.records import CallerKind, Channel, SearchKey, SubjectDetails
from mpel_app.domain.text import name_tokens
from tests.support.world import PASSCODE, build_world

NAMES = ["Mohammed Khan", "Mohammed Ali Khan", "Fatima Khan", "Zoë Núñez", "KHAN, Imran", "Ali Mohammed",
         "Mohamed Kahn",
         # FTS5 operators as names, non-Latin scripts, digits, apostrophes and a dotless i.
         "Noor Or And", "Near Not", "王伟", "Ольга Петрова", "Séan O'Brien", "Ayşe Yılmaz", "Jean-Luc 2nd",
         "ΣΩΚΡΆΤΗΣ Παπαδόπουλος"]
QUERIES = ["khan", "moh", "mohammed khan", "kha moh", "zoe", "nunez zo", "ali", "imran khan", "nobody", "k",
           "or", "and noor", "near", "not n", "王", "王伟", "ольга", "пет ол", "o'brien", "brien o", "yil ay",
           "yılmaz", "2nd jean", "σωκρ", "παπ σω", "mohammed khan ali fatima"]


def _log(world, name):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name=name), question="q", answer="",
                     written_confirmation=False)
    return rec


def _rename(world, rec, name):
    world.services.enquiries.update_details(world.agent, rec.id, subject=SubjectDetails(name=name), question="q",
                                            answer="", written_confirmation=False)


def _assert_plans_match_plain(services, queries=QUERIES):
    with services.uow.reading() as s:  # the connection the service searches on
        for query in queries:
            plain = repo.search_statement(SearchKey.SUBJECT_NAME, query)
            expected = [x.reference for x in repo.summaries(s, plain)] if plain is not None else []
            got = [x.reference for x in name_search.subject_name_summaries(s, query)]
            assert got == expected, query


def _name_index(services) -> dict[int, list[str]]:
    """What the FTS5 table holds per enquiry, next to what subject_name_tokens holds."""
    with services.engine.connect() as conn:
        fts = {r[0]: sorted(r[1].split()) for r in conn.execute(text(f"SELECT rowid, tokens FROM {name_search.FTS_TABLE}"))}
        tokens: dict[int, list[str]] = {}
        for eid, token in conn.execute(text("SELECT enquiry_id, token FROM subject_name_tokens")):
            tokens.setdefault(eid, []).append(token)
    assert fts == {k: sorted(v) for k, v in tokens.items()}
    return fts


@pytest.mark.parametrize("drive_cap,count_cap", [(5000, 50_000), (1, 50_000), (2, 2)],
                         ids=["driven", "dense-one-word", "dense-every-plan"])
def test_every_plan_matches_the_plain_query(world, monkeypatch, drive_cap, count_cap):
    for name in NAMES:
        _log(world, name)
    monkeypatch.setattr(name_search, "DRIVE_CAP", drive_cap)
    monkeypatch.setattr(name_search, "FTS_DRIVE_CAP", drive_cap)
    monkeypatch.setattr(name_search, "COUNT_CAP", count_cap)
    name_search.having_every_word.cache_clear()
    try:
        _assert_plans_match_plain(world.services)
        with world.services.uow.read() as s:
            assert name_search.has_fts(s) == (world.services.engine.dialect.name == "sqlite")
            assert [x.subject_name for x in name_search.subject_name_summaries(s, "ол пет")] == ["Ольга Петрова"]
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


def test_fts_plan_choice(monkeypatch):
    assert name_search.plan_with_fts(0) == "none"
    assert name_search.plan_with_fts(1) == "driven-fts"
    assert name_search.plan_with_fts(name_search.FTS_DRIVE_CAP) == "driven-fts"
    assert name_search.plan_with_fts(name_search.FTS_DRIVE_CAP + 1) == "dense"
    assert name_search.fts_query(name_tokens("Zoë  NEAR-or")) == '"zoe"* "near"* "or"*'


@pytest.fixture
def sqlite_world(sqlite_services):
    return build_world(sqlite_services)


def test_name_index_follows_every_change_of_the_tokens(sqlite_world):
    """Triggers keep the FTS5 table equal to subject_name_tokens: logging, renaming, clearing, deleting."""
    world = sqlite_world
    recs = [_log(world, name) for name in NAMES]
    fts = _name_index(world.services)
    assert fts[recs[0].id] == ["khan", "mohammed"]
    _rename(world, recs[0], "Fatima Bibi")
    _rename(world, recs[3], "")  # no name: no row
    assert recs[3].id not in _name_index(world.services)
    _rename(world, recs[3], "Zoë Núñez")
    world.services.enquiries.delete(world.leader, recs[1].id, "Logged twice in error")
    with world.services.uow() as s:  # a token corrected by hand, as a repair script might
        s.execute(text("UPDATE subject_name_tokens SET token = 'khaan' WHERE enquiry_id = :id AND token = 'khan'"),
                  {"id": recs[2].id})
    fts = _name_index(world.services)
    assert fts[recs[0].id] == ["bibi", "fatima"] and fts[recs[2].id] == ["fatima", "khaan"]
    _assert_plans_match_plain(world.services, QUERIES + ["fatima bi", "khaa", "mohammed ali"])
    found = world.services.enquiries.find(world.agent, SearchKey.SUBJECT_NAME, "mohammed ali")
    assert [x.subject_name for x in found] == ["Ali Mohammed"]  # the deleted "Mohammed Ali Khan" never shows


def test_without_fts5_the_token_plan_answers(sqlite_world, monkeypatch):
    """A SQLite library built without FTS5 gets no name index (0008 skips it): the token-index plan."""
    world = sqlite_world
    for name in NAMES:
        _log(world, name)
    with world.services.uow() as s:
        for trigger in ("subject_name_fts_insert", "subject_name_fts_delete", "subject_name_fts_update"):
            s.execute(text(f"DROP TRIGGER {trigger}"))
        s.execute(text(f"DROP TABLE {name_search.FTS_TABLE}"))
    with world.services.uow.read() as s:
        assert not name_search.has_fts(s)
    for drive_cap, count_cap in ((5000, 50_000), (1, 50_000), (2, 2)):
        monkeypatch.setattr(name_search, "DRIVE_CAP", drive_cap)
        monkeypatch.setattr(name_search, "COUNT_CAP", count_cap)
        name_search.having_every_word.cache_clear()
        try:
            _assert_plans_match_plain(world.services)
        finally:
            name_search.having_every_word.cache_clear()


def test_upgrade_builds_the_name_index_from_existing_tokens(sqlite_url):
    """A filled database at 0007 gets its FTS5 index filled by 0008, and name search uses it."""
    engine = make_engine(sqlite_url)
    command.upgrade(migrate.alembic_config(engine), "0007")
    engine.dispose()
    services = open_database(sqlite_url)  # migrates to the head: 0008 runs on an empty table
    try:
        world = build_world(services)
        for name in NAMES:
            _log(world, name)
    finally:
        services.close()
    engine = make_engine(sqlite_url)
    command.downgrade(migrate.alembic_config(engine), "0007")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'subject_name_fts%'")).scalar() == 0
    engine.dispose()
    services = open_database(sqlite_url)  # 0008 again, now over the filled subject_name_tokens
    try:
        assert len(_name_index(services)) == len(NAMES)
        with services.uow.read() as s:
            assert name_search.has_fts(s)
        _assert_plans_match_plain(services)
    finally:
        services.close()


def test_summary_rows_are_whole_records(world):
    """repositories.summary fills EnquirySummary without its __init__: every field, the same record."""
    import dataclasses

    from mpel_app.domain.records import EnquirySummary

    rec = _log(world, "Zoë Núñez")
    with world.services.uow.reading() as conn:
        (found,) = repo.summaries(conn, *repo.search_query(SearchKey.REFERENCE, rec.reference))
    fields = [f.name for f in dataclasses.fields(EnquirySummary)]
    assert sorted(vars(found)) == sorted(fields)
    assert found == EnquirySummary(**{name: getattr(found, name) for name in fields})
    assert (found.reference, found.subject_name, found.channel, found.acknowledged, found.urgent) == (
        rec.reference, "Zoë Núñez", Channel.TELEPHONE, False, False)
    assert found.received_at == world.services.clock.now() and found.received_at.tzinfo is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.urgent = True  # type: ignore[misc]


# -- PostgreSQL's word and pair index (migration 0017) ---------------------------------------


def _pg_index(services) -> tuple[set, set]:
    """What the word and pair tables hold, next to what they should hold from tokens and enquiries."""
    from mpel_app.db import pg_name_index as pg

    with services.engine.connect() as conn:
        words = set(conn.execute(text(f"SELECT token, received_at, enquiry_id FROM {pg.WORDS}")))
        pairs = set(conn.execute(text(f"SELECT token, other, received_at, enquiry_id FROM {pg.PAIRS}")))
        live = {(t, r, e) for t, r, e in conn.execute(text(
            "SELECT t.token, e.received_at, e.id FROM subject_name_tokens t JOIN enquiries e ON e.id = t.enquiry_id "
            "WHERE e.deleted_at IS NULL"))}
    assert words == live
    assert pairs == {(a, b, r, e) for a, r, e in live for b, r2, e2 in live if e2 == e and b != a}
    return words, pairs


@pytest.fixture
def pg_world(pg_cluster, clock):
    with pg_cluster.temporary_database(prefix="mpel_names") as url:
        services = open_database(url, clock=clock)
        try:
            yield build_world(services)
        finally:
            services.close()


# Names with two words under one typed prefix, many times over, so one list could fill the answer
# with the same enquiries twice.
REPEATED_PREFIXES = ["Mohammed Mohamed Khan", "Ali Aliyev Alimov", "Khan Khalid Mohammed"]
REPEATED_QUERIES = ["moha", "moha kh", "kh moha", "ali", "x ali", "kha ali", "al al", "k moh", "kh"]


def test_pg_plans_return_each_enquiry_once(pg_world):
    world = pg_world
    for _ in range(4):
        for name in REPEATED_PREFIXES + NAMES[:4]:
            _log(world, name)
    _assert_plans_match_plain(world.services, REPEATED_QUERIES)
    with world.services.uow.reading() as s:  # the answer cut short at 3: the newest 3, each once
        for query in REPEATED_QUERIES:
            plain = repo.search_statement(SearchKey.SUBJECT_NAME, query, limit=3)
            expected = [x.id for x in repo.summaries(s, plain)]
            assert name_search.pg_newest_ids(s, name_tokens(query), 3) == expected, query


def test_pg_index_follows_logging_renaming_deleting_and_receipt_changes(pg_world):
    world = pg_world
    recs = [_log(world, name) for name in NAMES]
    words, pairs = _pg_index(world.services)
    assert {w for w, _r, e in words if e == recs[1].id} == {"mohammed", "ali", "khan"}
    assert len([p for p in pairs if p[3] == recs[1].id]) == 6
    _rename(world, recs[0], "Fatima Bibi")
    _rename(world, recs[3], "")
    world.services.enquiries.delete(world.leader, recs[1].id, "Logged twice in error")
    with world.services.uow() as s:  # a repair script moving a receipt time, and a hard delete
        s.execute(text("UPDATE enquiries SET received_at = received_at - interval '3 days' WHERE id = :id"),
                  {"id": recs[2].id})
        s.execute(text("UPDATE subject_name_tokens SET token = 'khaan' WHERE enquiry_id = :id AND token = 'khan'"),
                  {"id": recs[2].id})
        s.execute(text("DELETE FROM enquiries WHERE id = :id"), {"id": recs[5].id})
    words, _pairs = _pg_index(world.services)
    assert not {e for _w, _r, e in words} & {recs[1].id, recs[3].id, recs[5].id}
    _assert_plans_match_plain(world.services, QUERIES + ["fatima bi", "khaa", "mohammed ali", "moh mohammed",
                                                         "mohammed moh kh", "ka mo", "khan khan"])


def test_pg_short_common_prefixes_take_the_newest_first_walk(pg_world, monkeypatch):
    """Every typed word beginning more stored words than the cap: the plain walk answers, and the same."""
    from mpel_app.db import pg_name_index as pg

    for name in NAMES:
        _log(world := pg_world, name)
    with world.services.uow.reading() as s:
        assert name_search.pg_newest_ids(s, ["k"], 200) is not None
        monkeypatch.setattr(pg, "MAX_WORDS", 1)
        assert name_search.pg_newest_ids(s, ["k"], 200) is None  # "kahn", "khan"
        assert name_search.pg_newest_ids(s, ["k", "imran"], 200) is not None  # "imran" drives
    _assert_plans_match_plain(world.services)


def test_pg_upgrade_fills_the_index_from_existing_names(pg_cluster, clock):
    """A database already holding enquiries at 0010 gets the word and pair tables filled by 0017."""
    with pg_cluster.temporary_database(prefix="mpel_names_up") as url:
        services = open_database(url, clock=clock)
        try:
            world = build_world(services)
            for name in NAMES:
                _log(world, name)
        finally:
            services.close()
        engine = make_engine(url)
        command.downgrade(migrate.alembic_config(engine), "0010")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('subject_name_words')")).scalar() is None
        command.upgrade(migrate.alembic_config(engine), "head")
        engine.dispose()
        services = open_database(url, clock=clock)
        try:
            words, _pairs = _pg_index(services)
            assert len({e for _w, _r, e in words}) == len(NAMES)
            _assert_plans_match_plain(services)
        finally:
            services.close()
