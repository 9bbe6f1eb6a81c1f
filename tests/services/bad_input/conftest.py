"""Fixtures of the bad-input suite: one prepared database per backend, shared by every case.

Malformed input must change nothing, so sharing is safe: each case snapshots the
database before and after itself.  Building the world once per backend (not
once per case) keeps several hundred cases to seconds.
"""
from __future__ import annotations

import pytest

from mpel_app.app import open_database
from mpel_app.domain.clock import FixedClock
from tests.support.world import MONDAY_MORNING

from .world import BadWorld, build_bad_world


@pytest.fixture(scope="package")
def bad_sqlite(tmp_path_factory) -> BadWorld:
    services = open_database(f"sqlite:///{tmp_path_factory.mktemp('bad_input')}/mpel.sqlite3",
                             clock=FixedClock(MONDAY_MORNING))
    yield build_bad_world(services)
    services.close()


@pytest.fixture(scope="package")
def bad_postgresql(pg_cluster) -> BadWorld:
    with pg_cluster.temporary_database(prefix="mpel_bad_input") as url:
        services = open_database(url, clock=FixedClock(MONDAY_MORNING))
        yield build_bad_world(services)
        services.close()
