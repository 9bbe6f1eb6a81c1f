"""Tests for the throwaway PostgreSQL cluster and the database fixtures."""

import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from tests.support import pgcluster
from tests.support.pgcluster import ClusterError, ThrowawayCluster

needs_pg_binaries = pytest.mark.skipif(
    not ThrowawayCluster.available(), reason=ThrowawayCluster.why_unavailable() or "n/a"
)


def test_cluster_listens_only_on_its_unix_socket(pg_cluster):
    assert list(pg_cluster.socket_dir.glob(".s.PGSQL.*"))
    with pg_cluster.connect() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)
        assert conn.execute("SHOW max_connections").fetchone() == ("200",)


def test_sqlalchemy_sees_postgresql_15_or_later(pg_cluster):
    with pg_cluster.temporary_database() as url:
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                version = conn.execute(sa.text("SELECT version()")).scalar_one()
                number = int(conn.execute(sa.text("SHOW server_version_num")).scalar_one())
                encoding = conn.execute(sa.text("SHOW server_encoding")).scalar_one()
        finally:
            engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert number >= 150000
    assert encoding == "UTF8"


def test_databases_are_isolated(pg_cluster):
    with pg_cluster.temporary_database() as url_a, pg_cluster.temporary_database() as url_b:
        assert url_a != url_b
        engine_a, engine_b = sa.create_engine(url_a), sa.create_engine(url_b)
        try:
            with engine_a.begin() as conn:
                conn.execute(sa.text("CREATE TABLE only_in_a (id integer)"))
            assert sa.inspect(engine_a).get_table_names() == ["only_in_a"]
            assert sa.inspect(engine_b).get_table_names() == []
        finally:
            engine_a.dispose()
            engine_b.dispose()


def test_temporary_database_is_dropped_despite_open_connections(pg_cluster):
    with pg_cluster.temporary_database() as url:
        name = sa.make_url(url).database
        held = pg_cluster.connect(name)  # left open on purpose
    try:
        with pg_cluster.connect() as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            assert found.fetchone() is None
        assert _is_dead(held)  # terminated by DROP DATABASE ... WITH (FORCE)
    finally:
        held.close()


def _is_dead(conn: psycopg.Connection) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return True
    return False


@pytest.mark.parametrize("attempt", [1, 2])
def test_db_url_is_a_fresh_empty_database(db_url, attempt):
    # Each run leaves a table behind; the other run must not see it.
    engine = sa.create_engine(db_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE leftover (id integer)"))
        assert sa.inspect(engine).get_table_names() == ["leftover"]
    finally:
        engine.dispose()


def test_db_url_backend_matches_its_id(db_url, request):
    assert sa.make_url(db_url).get_backend_name() == request.node.callspec.id


def test_sqlite_url_is_a_file_in_tmp_path(sqlite_url, tmp_path):
    assert sa.make_url(sqlite_url).database == str(tmp_path / "mpel.sqlite3")


@pytest.mark.postgres
@needs_pg_binaries
def test_failed_start_reports_server_error_and_cleans_up(monkeypatch):
    monkeypatch.setitem(pgcluster._SERVER_SETTINGS, "no_such_setting", "1")
    base = Path(tempfile.mkdtemp(prefix="pgtest-base-", dir="/tmp"))
    try:
        base.chmod(0o755)
        cluster = ThrowawayCluster(base_dir=base)
        with pytest.raises(ClusterError, match="pg_ctl start failed(?s:.*)no_such_setting"):
            cluster.start()
        assert not cluster.running
        assert list(base.iterdir()) == []
    finally:
        shutil.rmtree(base)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches to the postgres user")
@needs_pg_binaries
def test_unreachable_base_dir_is_refused_before_initdb(tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    with pytest.raises(ClusterError, match="cannot enter"):
        ThrowawayCluster(base_dir=private).start()
    assert list(private.iterdir()) == []
