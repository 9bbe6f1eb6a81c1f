"""Databases already at the schema's head, copied for each test instead of migrated.

Each test that opens the application's services used to run all the migrations on its fresh
database: about 0.3 s on SQLite and 0.7-1 s on PostgreSQL, thousands of times a run.  The
migrations now run once per session into a template; a test's database starts as a copy of it
(a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, ~40 ms), and
``open_database`` finds it at head and skips Alembic.

Only the ``services`` fixtures use these copies.  ``db_url`` and ``sqlite_url`` stay empty
databases, so every test that exercises the migrations or an empty or older database still
runs them itself.  The copy is not made when the test's database already exists or is in use
(another fixture got there first); the services then migrate it as before.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from mpel_app.db import migrate
from mpel_app.db.engine import make_engine
from tests.support.pgcluster import ThrowawayCluster

PG_TEMPLATE = "mpel_template_at_head"


class MigratedTemplates:
    """The session's migrated templates, each made on first use."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._pg_clusters: set[int] = set()

    # -- SQLite -----------------------------------------------------------

    def _sqlite_template(self) -> Path:
        if self._sqlite is None:
            path = self._folder / "template.sqlite3"
            engine = make_engine(f"sqlite:///{path}")
            try:
                migrate.upgrade(engine)
            finally:
                engine.dispose()  # the last connection checkpoints and removes the -wal
            self._sqlite = path
        return self._sqlite

    def fill_sqlite(self, url: str) -> None:
        """Make the (not yet existing) SQLite database at ``url`` a copy of the template."""
        target = Path(make_url(url).database or "")
        if not target.name or target.exists() or not target.parent.is_dir():
            return
        shutil.copy2(self._sqlite_template(), target)  # keeps the owner-only 0600

    # -- PostgreSQL -------------------------------------------------------

    def _pg_template(self, cluster: ThrowawayCluster) -> None:
        if id(cluster) in self._pg_clusters:
            return
        url = cluster.create_database(PG_TEMPLATE)
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template unused
        self._pg_clusters.add(id(cluster))

    def fill_postgresql(self, cluster: ThrowawayCluster, url: str) -> None:
        """Replace the empty database at ``url`` with a copy of the template, if nobody uses it yet."""
        self._pg_template(cluster)
        name = make_url(url).database
        with cluster.connect() as conn:
            try:
                # Without FORCE: a database some fixture already connected to is left alone.
                conn.execute(sql.SQL("DROP DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.ObjectInUse:
                return
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(PG_TEMPLATE)))

    def fill(self, url: str, cluster: ThrowawayCluster | None) -> None:
        """Fill the fresh database at ``url`` (SQLite, or PostgreSQL on ``cluster``) from its template."""
        backend = make_url(url).get_backend_name()
        if backend == "sqlite":
            self.fill_sqlite(url)
        elif backend == "postgresql" and cluster is not None:
            self.fill_postgresql(cluster, url)
