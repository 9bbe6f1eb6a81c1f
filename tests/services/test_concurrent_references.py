"""Hotline references stay unique when several processes log calls at once (the Access database's failing)."""
from __future__ import annotations

import multiprocessing as mp

from mpel_app.db.models import Enquiry
from mpel_app.domain.records import Channel
from sqlalchemy import func, select

PROCESSES = 4
CALLS_EACH = 30


def _log_calls(url: str, agent_username: str, count: int, start_gate) -> list[str]:
    from mpel_app.app import open_database
    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import User

    services = open_database(url, upgrade=False)
    try:
        with services.uow.read() as s:
            agent = user_record(s.scalar(select(User).where(User.username == agent_username)))
        start_gate.wait()  # all processes begin together, to collide as much as possible
        return [services.enquiries.start(agent, Channel.TELEPHONE).reference for _ in range(count)]
    finally:
        services.close()


def test_references_unique_across_processes(world, db_url):
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        gate = manager.Barrier(PROCESSES)
        with ctx.Pool(PROCESSES) as pool:
            results = pool.starmap(_log_calls, [(db_url, world.agent.username, CALLS_EACH, gate)] * PROCESSES)
    references = [ref for batch in results for ref in batch]
    assert len(references) == PROCESSES * CALLS_EACH
    assert len(set(references)) == len(references), "a reference was issued twice"
    # No failures, so no gaps either: exactly MPH000001..MPH000120.
    assert sorted(references) == [f"MPH{n:06d}" for n in range(1, PROCESSES * CALLS_EACH + 1)]
    with world.services.uow.read() as s:
        assert s.scalar(select(func.count(func.distinct(Enquiry.reference)))) == PROCESSES * CALLS_EACH
