"""The services container builds each service on first use, once (app.Services, issue 16)."""
from __future__ import annotations

import threading

import pytest

from mpel_app.app import Services, on_first_use, open_database
from mpel_app.services.enquiries import EnquiryService
from mpel_app.services.users import UserService
from tests.support.world import PASSWORD, build_world

EVERY_SERVICE = sorted(name for name, value in vars(Services).items() if isinstance(value, on_first_use))


def test_a_freshly_opened_database_has_built_no_service_yet(sqlite_url, clock):
    services = open_database(sqlite_url, clock=clock)
    try:
        assert services.built_now() == []
        assert services.users.needs_first_admin()
        assert services.built_now() == ["users"]
        users = services.users
        assert isinstance(users, UserService) and services.users is users  # kept, not built again
    finally:
        services.close()


def test_every_service_builds_over_the_same_database(sqlite_services):
    assert len(EVERY_SERVICE) >= 25
    for name in EVERY_SERVICE:
        service = getattr(sqlite_services, name)
        assert service is not None and getattr(sqlite_services, name) is service
    assert sqlite_services.built_now() == EVERY_SERVICE
    assert sqlite_services.desk_intake._inbox is sqlite_services.inbox  # one inbox service, shared


def test_threads_asking_at_once_get_the_one_service(sqlite_url, clock):
    services = open_database(sqlite_url, clock=clock)
    try:
        start = threading.Barrier(8)
        got: list[object] = []

        def ask() -> None:
            start.wait()
            got.append(services.letters)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(got) == 8 and all(g is got[0] for g in got)
    finally:
        services.close()


def test_a_service_handed_in_ready_made_is_used(sqlite_services, clock):
    mine = EnquiryService(sqlite_services.uow, clock)
    services = Services(sqlite_services.engine, sqlite_services.uow, clock, enquiries=mine)
    assert services.enquiries is mine and services.built_now() == ["enquiries"]
    with pytest.raises(TypeError, match="no service 'enquiry'"):
        Services(sqlite_services.engine, sqlite_services.uow, clock, enquiry=mine)


def test_services_work_as_before_on_both_databases(services):
    world = build_world(services)
    assert services.users.authenticate("amlse", PASSWORD).username == world.am_lse.username
    assert {"users", "members"} <= set(services.built_now())
