"""A transaction PostgreSQL ends to break a deadlock is a clean "try again", not a raw database error.

Two desks lock the same two rows in opposite orders (as two linkers of one
group of letters can, when a letter joins the group while they wait).
PostgreSQL ends one of them; that desk must get ``StaleRecord`` with nothing
saved, and the other must commit.  PostgreSQL only: SQLite has one writer at a
time (BEGIN IMMEDIATE), so it cannot deadlock.
"""
from __future__ import annotations

import threading

from sqlalchemy import select, update

from mpel_app.app import open_database
from mpel_app.db.models import User
from mpel_app.domain.errors import StaleRecord
from tests.support.world import build_world


def test_the_loser_of_a_deadlock_is_told_to_try_again_and_saves_nothing(pg_cluster, clock):
    with pg_cluster.temporary_database(prefix="mpel_race") as url:
        services = open_database(url, clock=clock)
        try:
            world = build_world(services)
            a, b = world.agent.id, world.leader.id
            both_hold_one = threading.Barrier(2, timeout=20)
            outcome: dict[str, object] = {}

            def desk(name: str, first: int, second: int) -> None:
                try:
                    with services.uow() as s:
                        s.execute(select(User.id).where(User.id == first).with_for_update()).all()
                        both_hold_one.wait()
                        s.execute(select(User.id).where(User.id == second).with_for_update()).all()
                        s.execute(update(User).where(User.id == first).values(phone=f"by {name}"))
                    outcome[name] = "saved"
                except Exception as exc:  # what the desk would show
                    outcome[name] = exc

            desks = [threading.Thread(target=desk, args=("one", a, b)),
                     threading.Thread(target=desk, args=("two", b, a))]
            for t in desks:
                t.start()
            for t in desks:
                t.join(60)
            assert list(outcome.values()).count("saved") == 1, outcome
            [loser] = [n for n, v in outcome.items() if v != "saved"]
            assert isinstance(outcome[loser], StaleRecord), outcome[loser]
            assert "try again" in str(outcome[loser])
            with services.uow.read() as s:
                phones = set(s.scalars(select(User.phone).where(User.id.in_([a, b]))))
            assert f"by {loser}" not in phones  # nothing of the loser's was saved
        finally:
            services.close()
