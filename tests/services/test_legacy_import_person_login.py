"""The legacy import run by an administrator on their OWN PostgreSQL login (per-person logins, issue 19).

That login's search path puts the desk's view ``mpel_desk_view.enquiries`` in front of the table
(db/pg_desk_view.py): the import must still write the base tables the administrator is granted,
with the ids it gave out, and give the same result as the database owner's import (the command line).
Administration -> Import legacy database runs exactly this service call on the desk's own connection.
"""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db.models import LegacyRecord
from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.records import SearchKey
from tests.db.test_pg_boundary import _dropping_logins
from tests.support.legacy import FILES, dump, unpack
from tests.support.world import build_world

_SAME = ("read", "references", "call_type", "urgent", "deleted", "enquiries", "statuses", "counters",
         "decisions", "source", "legacy_people_added")


@contextlib.contextmanager
def _database(pg_cluster, clock, prefix: str, **options):
    with pg_cluster.temporary_database(prefix=prefix) as url:
        services = open_database(url, clock=clock, **options)
        try:
            yield url, services, build_world(services)
        finally:
            services.close()


@contextlib.contextmanager
def _desk_as(url: str, who: str, clock):
    """The services as a desk signed in to the database as ``who`` (not migrating: a desk never does)."""
    desk = open_database(make_url(url).set(username=who).render_as_string(hide_password=False), clock=clock,
                         upgrade=None)
    try:
        assert desk.users._logins.enabled  # the desk knows it is a person's login
        yield desk
    finally:
        desk.close()


def _access_ids(services, results) -> list[int]:
    with services.uow.read() as s:
        return sorted(s.scalars(select(LegacyRecord.access_id).where(
            LegacyRecord.enquiry_id.in_([r.id for r in results]))))


def test_an_administrator_on_their_own_login_imports_as_the_owner_does(pg_cluster, clock, tmp_path):
    path = unpack(FILES[0], tmp_path)
    with _database(pg_cluster, clock, "mpel_legacy_owner") as (_, owner, owner_world):
        by_owner = owner.legacy.import_file(None, path, dry_run=False)
        owner_rows = dump(owner)
    assert by_owner["enquiries"]["imported"] == 3000
    with _dropping_logins(pg_cluster), _database(pg_cluster, clock, "mpel_legacy_person",
                                                 per_person_logins=True) as (url, shared, world):
        with _desk_as(url, "admin", clock) as desk:
            mine = desk.legacy.import_file(world.admin, path, dry_run=False)
            for key in _SAME:
                assert mine[key] == by_owner[key], key
            # Found by its old reference, its subject's name and Home Office reference, as that administrator.
            find = desk.enquiries.find
            assert _access_ids(desk, find(world.admin, SearchKey.REFERENCE, "mph016488")) == [1642]
            assert _access_ids(desk, find(world.admin, SearchKey.REFERENCE, "MPH017512")) == [1751, 1893, 1947]
            assert 2973 in _access_ids(desk, find(world.admin, SearchKey.SUBJECT_NAME, "nguyen hoa"))
            assert _access_ids(desk, find(world.admin, SearchKey.HO_REFERENCE, "n2087731")) == [2973]
            (found,) = find(world.admin, SearchKey.REFERENCE, "mph016488")
            assert desk.legacy.origin(found.id)["access_id"] == 1642
            # A second run imports nothing.
            again = desk.legacy.import_file(world.admin, path, dry_run=False)
            assert again["enquiries"] == {"imported": 0, "already_present": 3000, "not_imported": 0,
                                          "not_imported_reasons": {}}
        # The same records, field by field, as the owner's import wrote them (read as the owner).
        assert dump(shared) == owner_rows


def test_a_person_login_without_the_role_still_may_not_import(pg_cluster, clock, tmp_path):
    path = unpack(FILES[0], tmp_path)
    with _dropping_logins(pg_cluster), _database(pg_cluster, clock, "mpel_legacy_refused",
                                                 per_person_logins=True) as (url, shared, world):
        with _desk_as(url, "leader", clock) as desk, pytest.raises(PermissionDenied):
            desk.legacy.import_file(world.leader, path, dry_run=False)
        assert dump(shared) == {}
