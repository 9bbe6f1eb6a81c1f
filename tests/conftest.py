"""Shared pytest fixtures for MPEL Desk.

Database fixtures:

* ``pg_cluster`` (session): one throwaway PostgreSQL cluster for the whole run
  (see ``tests/support/pgcluster.py``).  Skips if the server binaries are not
  installed; fails if they are installed but the cluster will not start.
* ``db_url``: SQLAlchemy URL of a fresh, empty database, run once per backend
  (ids ``sqlite`` and ``postgresql``; the latter carries the ``postgres``
  marker, so ``-m "not postgres"`` runs SQLite only).
* ``sqlite_url``: the same for SQLite only.
* ``services`` / ``sqlite_services``: the application over such a database, which starts
  as a copy of one migrated once per session (``tests/support/templates.py``).

Any test that uses ``pg_cluster`` (directly or through another fixture) also
gets the ``postgres`` marker automatically.
"""

import os

# Before anything imports Qt: render off screen (no display needed).
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.support.pgcluster import ThrowawayCluster  # noqa: E402

PG_SKIP_MESSAGE = (
    "PostgreSQL server binaries not found (apt-get install postgresql): "
    "skipping PostgreSQL tests"
)


# pytest-qt waits 5 s by default.  On two cores shared with the PostgreSQL server and other work
# (CI, parallel runs), a background task that writes a PDF or checks argon2 can take longer, and a
# test failed by chance (issue 13).  A condition that never comes true still fails, only later.
QT_WAIT_MS = 30_000


def _longer_default_qt_waits() -> None:
    import functools

    from pytestqt.qtbot import QtBot

    for name in ("waitSignal", "waitSignals", "waitUntil", "waitCallback", "waitActive", "waitExposed"):
        original = getattr(QtBot, name)

        @functools.wraps(original)
        def wait(self, *args, _original=original, **kwargs):
            kwargs.setdefault("timeout", QT_WAIT_MS)
            return _original(self, *args, **kwargs)

        setattr(QtBot, name, wait)


_longer_default_qt_waits()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


# -- databases --------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    """The session's throwaway PostgreSQL cluster (started on first use)."""
    if not ThrowawayCluster.available():
        pytest.skip(PG_SKIP_MESSAGE)
    # Binaries present but start() fails: let ClusterError fail the tests.
    with ThrowawayCluster() as cluster:
        yield cluster


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/mpel.sqlite3"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh, empty SQLite database file in ``tmp_path``."""
    return _sqlite_url(tmp_path)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    ids=["sqlite", "postgresql"],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database: a SQLite file, or a new PostgreSQL
    database on the session cluster that is dropped (with FORCE) afterwards."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path)
        return
    cluster: ThrowawayCluster = request.getfixturevalue("pg_cluster")
    with cluster.temporary_database(prefix="mpel_test") as url:
        yield url


# -- application fixtures ---------------------------------------------------
# App-specific fixtures (``engine``, ``uow``, ...) built on ``db_url`` go here.

from mpel_app.app import open_database  # noqa: E402
from mpel_app.domain.clock import FixedClock  # noqa: E402
from tests.support.templates import MigratedTemplates  # noqa: E402
from tests.support.world import MONDAY_MORNING, build_world  # noqa: E402


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_MORNING)


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> MigratedTemplates:
    """Databases at the schema's head, made once per session and copied per test."""
    return MigratedTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def services(db_url: str, clock: FixedClock, migrated_templates: MigratedTemplates,
             request: pytest.FixtureRequest):
    """The application's services over a freshly migrated database (SQLite and PostgreSQL)."""
    cluster = request.getfixturevalue("pg_cluster") if db_url.startswith("postgresql") else None
    migrated_templates.fill(db_url, cluster)
    svc = open_database(db_url, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def sqlite_services(sqlite_url: str, clock: FixedClock, migrated_templates: MigratedTemplates):
    """The services over SQLite only: for UI tests, which need no second backend."""
    migrated_templates.fill(sqlite_url, None)
    svc = open_database(sqlite_url, clock=clock)
    yield svc
    svc.close()


@pytest.fixture
def world(services):
    return build_world(services)
