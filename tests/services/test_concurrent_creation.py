"""Issue #19 findings 12 and 13 (SQLite and PostgreSQL): desks doing the same thing at the same moment,
each in its own process.

12. Creating the same row at once (an evening of the rota, a closure day, a username, the first dissolution
    date, the first administrator from two first-run walkthroughs): one wins, the others get a clear
    refusal or see the winner's row, never a raw IntegrityError; one administrator only.
13. Two account managers acknowledging the same item: the loser is told it lost.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from mpel_app.app import open_database
from mpel_app.db.models import ClosureDay, DutyRota, User
from mpel_app.domain.records import Role
from tests.services.test_audit_views import detailed_call
from tests.support.letters_world import build_letters_world
from tests.support.racers import race
from tests.support.world import MONDAY_MORNING, PASSWORD

DESKS = 3
NOW = MONDAY_MORNING.isoformat()


def _no_raw_errors(outcomes):
    assert all(o[0] in ("ok", "refused") for o in outcomes), outcomes


def _one_winner(outcomes, refusal: str) -> None:
    """No raw error; one desk made the row; every other was told so in words containing ``refusal``."""
    _no_raw_errors(outcomes)
    assert [o[0] for o in outcomes].count("ok") == 1
    assert all(refusal in o[2] for o in outcomes if o[0] == "refused")


def _count(services, model, *where):
    with services.uow.read() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_two_first_run_walkthroughs_make_one_administrator(db_url, clock):
    open_database(db_url, clock=clock).close()  # migrated, empty
    outcomes = race("first_admin", [{"url": db_url, "now": NOW, "username": f"admin{i}"} for i in range(DESKS)])
    _one_winner(outcomes, "already exists")
    services = open_database(db_url, clock=clock)
    try:
        assert _count(services, User) == 1
    finally:
        services.close()


def test_the_same_username_at_once(world, db_url):
    outcomes = race("create_user", [{"url": db_url, "now": NOW, "actor": "admin", "username": "newbie"}
                                    for _ in range(DESKS)])
    _one_winner(outcomes, "taken")
    assert _count(world.services, User, User.username == "newbie") == 1


def test_the_same_rota_evening_at_once(world, db_url):
    outcomes = race("rota", [{"url": db_url, "now": NOW, "actor": "leader", "day": "2026-11-24",
                              "region": region, "name": "Priya Shah"} for region in ("NWE", "LSE", "MEE", "SNI")])
    _no_raw_errors(outcomes)
    assert all(o[0] == "ok" for o in outcomes)  # each desk's entry is saved in turn: the last one stands
    assert _count(world.services, DutyRota) == 1


def test_the_same_closure_day_at_once(world, db_url):
    outcomes = race("closure", [{"url": db_url, "now": NOW, "actor": "admin", "day": "2026-12-28"}
                                for _ in range(DESKS)])
    _one_winner(outcomes, "already a closure day")
    assert _count(world.services, ClosureDay) == 1


def test_the_first_dissolution_date_at_once(services, db_url):
    build_letters_world(services)
    outcomes = race("dissolution", [{"url": db_url, "now": NOW, "actor": "mpcs", "day": "2026-11-23"}
                                    for _ in range(DESKS)])
    _no_raw_errors(outcomes)
    assert all(o[0] == "ok" for o in outcomes)
    assert str(services.letters.dissolution_date()) == "2026-11-23"


def test_the_losing_acknowledgement_is_told_it_lost(world, db_url):
    services, e = world.services, world.services.enquiries
    for i in range(1, DESKS):
        services.users.create_user(world.admin, username=f"amlse{i}", full_name=f"Lee South {i}", password=PASSWORD,
                                   roles={Role.ACCOUNT_MANAGER}, region_code="LSE", demo=True)
    rec = detailed_call(world)
    e.mark_further_action(world.agent, rec.id)
    e.send_to_region(world.leader, rec.id, "LSE")
    actors = ["amlse"] + [f"amlse{i}" for i in range(1, DESKS)]
    outcomes = race("acknowledge", [{"url": db_url, "now": NOW, "actor": a, "enquiry_id": rec.id} for a in actors])
    _no_raw_errors(outcomes)
    winners = [o for o in outcomes if o[0] == "ok"]
    assert len(winners) == 1
    winner = winners[0][1]
    assert all(o[1] == "InvalidTransition" and f"acknowledged already, by {winner}" in o[2]
               for o in outcomes if o[0] == "refused")
    assert e.header(world.leader, rec.id).acknowledged_by == winner
