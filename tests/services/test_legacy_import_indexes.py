"""The legacy import's switchover load (db/bulk_indexes): the secondary indexes it drops for a large import
are all back afterwards, exactly as a freshly migrated database has them, after a failed import too; a
small import into a fuller database keeps them and fills them row by row (SQLite and PostgreSQL)."""
from __future__ import annotations

from contextlib import ExitStack, contextmanager
from datetime import date

import pytest
from sqlalchemy import text

from mpel_app.app import open_database
from mpel_app.db import bulk_indexes
from mpel_app.db.models import Enquiry, LegacyRecord, SubjectNameToken
from mpel_app.domain import legacy as L
from mpel_app.domain.legacy_plan import RowPlanner, survey
from mpel_app.legacy.errors import LegacyFileError
from mpel_app.legacy.reader import open_reader
from tests.support.legacy import FILES, unpack

_SQLITE = text("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
               "ORDER BY type, name")
_PG = (text("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "ORDER BY indexname"),
       text("SELECT CAST(CAST(conrelid AS regclass) AS text), conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = CAST(current_schema() AS regnamespace) ORDER BY 1, 2"),
       text("SELECT CAST(CAST(tgrelid AS regclass) AS text), tgname, tgenabled FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1, 2"))


def indexes(services) -> list[tuple]:
    """Every index of the database (unique ones and primary keys included) with its definition, and its
    triggers; on PostgreSQL its constraints too, and whether each trigger is enabled."""
    with services.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return [tuple(r) for r in conn.execute(_SQLITE)]
        return [tuple(r) for query in _PG for r in conn.execute(query)]


@contextmanager
def fresh_database(services, migrated_templates, request, tmp_path):
    """A freshly migrated database of the same kind as ``services``' (the session's template copied)."""
    with ExitStack() as stack:
        if services.engine.dialect.name == "sqlite":
            cluster, url = None, f"sqlite:///{tmp_path}/fresh.sqlite3"
        else:
            cluster = request.getfixturevalue("pg_cluster")
            url = stack.enter_context(cluster.temporary_database(prefix="mpel_fresh"))
        migrated_templates.fill(url, cluster)
        fresh = open_database(url)
        try:
            yield fresh
        finally:
            fresh.close()


@pytest.fixture
def fresh_indexes(services, migrated_templates, request, tmp_path) -> list[tuple]:
    with fresh_database(services, migrated_templates, request, tmp_path) as fresh:
        return indexes(fresh)


@pytest.fixture
def dropped(monkeypatch) -> list:
    """What the import set aside, as it did it (the real set_aside, recorded)."""
    seen: list = []
    real = bulk_indexes.set_aside

    def recording(conn, tables, **options):
        result = real(conn, tables, **options)
        seen.extend(result)
        return result

    monkeypatch.setattr(bulk_indexes, "set_aside", recording)
    return seen


def test_a_switchover_import_rebuilds_every_index_as_migrated(services, world, tmp_path, fresh_indexes, dropped):
    assert indexes(services) == fresh_indexes
    report = services.legacy.import_file(world.admin, unpack(FILES[0], tmp_path), dry_run=False)
    assert report["enquiries"]["imported"] == 3000
    # Every secondary index the models give enquiries, the token index and legacy_records were set aside ...
    for model in (Enquiry, SubjectNameToken, LegacyRecord):
        table = model.__table__
        assert {d.name.split(".")[-1] for d in dropped if d.table == table.name and d.kind == "index"} == \
            {i.name for i in table.indexes if not i.unique}, table.name
    assert report["indexes_rebuilt"] == len(dropped)
    # ... and are all back, unique ones never having gone, exactly as a freshly migrated database has them.
    if services.engine.dialect.name == "postgresql":  # and their foreign keys, and the token trigger
        keys = {(d.table, d.name) for d in dropped if d.kind == "foreign key"}
        assert ("subject_name_tokens", "subject_name_tokens_enquiry_id_fkey") in keys
        assert ("legacy_records", "legacy_records_enquiry_id_fkey") in keys
        assert [(d.table, d.name) for d in dropped if d.kind == "trigger"] == [
            ("subject_name_tokens", "mpel_name_tokens_changed")]
        with services.engine.connect() as conn:  # and the loaded tables' statistics are no longer an empty table's
            analysed = set(conn.scalars(text(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema() AND tablename IN "
                "('enquiries', 'subject_name_tokens', 'legacy_records', 'subject_name_words', 'subject_name_pairs')")))
        assert analysed == {"enquiries", "subject_name_tokens", "legacy_records", "subject_name_words",
                            "subject_name_pairs"}
    assert indexes(services) == fresh_indexes
    if services.engine.dialect.name == "sqlite":  # the rebuilt indexes hold every row, and only those
        with services.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_failed_import_leaves_every_index_as_it_was(services, world, tmp_path, fresh_indexes, dropped):
    reader = open_reader(unpack(FILES[0], tmp_path))
    rows = list(reader.rows(L.CALL_TABLE))
    found = survey(rows, {}, date(2026, 11, 23))
    planner = RowPlanner(found, L.region_codes(list(reader.rows(L.REGION_TABLE))),
                         {a["ID"]: a for a in reader.rows(L.AGENT_TABLE)})

    def failing_at(n: int):
        for i, row in enumerate(rows):
            if i == n:
                raise LegacyFileError("mdb-export: Unable to read page 812")
            yield row

    before = _enquiries(services)
    with pytest.raises(LegacyFileError):
        services.legacy.write(world.admin, "mpel.mdb", "mdbtools", found, planner, failing_at(2500),
                              dry_run=False, progress=lambda *a: None, total=len(rows))
    assert dropped, "the import had set the indexes aside when it failed"
    assert indexes(services) == fresh_indexes
    assert _enquiries(services) == before


def _enquiries(services) -> int:
    with services.engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM enquiries"))


def test_an_import_smaller_than_the_desk_keeps_the_indexes_and_fills_them_row_by_row(services, world, tmp_path,
                                                                                      dropped):
    path = unpack(FILES[0], tmp_path)
    services.legacy.import_file(world.admin, path, dry_run=False)
    dropped.clear()
    # The same database again: nothing to import, nothing set aside.
    assert services.legacy.import_file(world.admin, path, dry_run=False)["indexes_rebuilt"] == 0
    # The other file is another database (another fingerprint would import it twice: refused as a copy),
    # so a smaller load into the now fuller table is shown with the benchmark's synthetic rows instead.
    from benchmarks.legacy_import import AGENTS, REGIONS, synthetic_rows

    rows = list(synthetic_rows(500))
    found = survey(rows, {}, date(2026, 11, 23))
    planner = RowPlanner(found, L.region_codes(REGIONS), {a["ID"]: a for a in AGENTS})
    report = services.legacy.write(None, "small.mdb", "synthetic", found, planner, rows, dry_run=False,
                                   progress=lambda *a: None, total=len(rows))
    assert report["enquiries"]["imported"] > 0
    assert report["indexes_rebuilt"] == 0 and dropped == []


def test_a_dry_run_sets_nothing_aside(services, world, tmp_path, dropped):
    report = services.legacy.import_file(world.admin, unpack(FILES[0], tmp_path), dry_run=True)
    assert report["indexes_rebuilt"] == 0 and dropped == []



def test_on_postgresql_a_login_not_owning_the_tables_imports_with_the_indexes_in_place(
        pg_cluster, migrated_templates, clock, tmp_path):
    """Only the owner may drop an index: a login that may write every table but owns none (a service
    account given the grants) imports with the indexes in place, filled row by row."""
    from sqlalchemy.engine import make_url

    from tests.support.world import build_world

    with pg_cluster.temporary_database(prefix="mpel_not_owner") as url:
        migrated_templates.fill(url, pg_cluster)
        owner = open_database(url, clock=clock)
        try:
            world = build_world(owner)
            before = indexes(owner)
        finally:
            owner.close()
        with pg_cluster.connect(make_url(url).database) as su:
            su.execute("CREATE ROLE mpel_loader_not_owner LOGIN")
            su.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO mpel_loader_not_owner")
            su.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO mpel_loader_not_owner")
        try:
            loader = open_database(make_url(url).set(username="mpel_loader_not_owner").render_as_string(
                hide_password=False), clock=clock, upgrade=None)
            try:
                report = loader.legacy.import_file(world.admin, unpack(FILES[0], tmp_path), dry_run=False)
                assert report["enquiries"]["imported"] == 3000
                assert report["indexes_rebuilt"] == 0
                assert indexes(loader) == before
            finally:
                loader.close()
        finally:
            with pg_cluster.connect(make_url(url).database) as su:
                su.execute("REASSIGN OWNED BY mpel_loader_not_owner TO CURRENT_USER")
                su.execute("DROP OWNED BY mpel_loader_not_owner")
                su.execute("DROP ROLE mpel_loader_not_owner")
