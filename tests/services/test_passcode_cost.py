"""Issue #16 (SQLite and PostgreSQL): an office's passcode is checked at the passcodes' argon2 cost.

The check runs on every call while the office waits on the line, so passcodes are hashed with their own,
lighter profile (services/security.py); passwords keep the heavier one. A passcode hashed before at the
passwords' cost is re-made at the passcodes' cost the first time it is given right, and only then.
"""
from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select, update

from mpel_app.db.models import Member, User
from mpel_app.domain.records import CallerKind, Channel
from tests.support.world import PASSCODE, PASSWORD


def _stored(services, model, row_id, column):
    with services.uow.read() as s:
        return s.scalar(select(getattr(model, column)).where(model.id == row_id))


def _call(world):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    return e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)


def test_a_passcode_is_hashed_lighter_than_a_password(world):
    services = world.services
    services.members.set_passcode(world.leader, world.mp.id, "Tulip-2718")
    passcode = extract_parameters(_stored(services, Member, world.mp.id, "passcode_hash"))
    assert (passcode.memory_cost, passcode.time_cost, passcode.parallelism) == (19 * 1024, 2, 1)

    services.users.change_password(world.agent, old_password=PASSWORD, new_password="another long one 42")
    password = extract_parameters(_stored(services, User, world.agent.id, "password_hash"))
    assert (password.memory_cost, password.time_cost, password.parallelism) == (65536, 3, 4)

    rec = _call(world)
    assert services.enquiries.verify_passcode(world.agent, rec.id, "Tulip-2718").passcode_verified


def test_a_passcode_hashed_at_the_password_cost_is_remade_when_given_right(world):
    services, e = world.services, world.services.enquiries
    costly = PasswordHasher().hash(PASSCODE)
    with services.uow() as s:
        s.execute(update(Member).where(Member.id == world.mp.id).values(passcode_hash=costly))

    wrong = _call(world)
    assert not e.verify_passcode(world.agent, wrong.id, "0000").passcode_verified
    assert _stored(services, Member, world.mp.id, "passcode_hash") == costly  # a wrong one changes nothing

    assert e.verify_passcode(world.agent, _call(world).id, PASSCODE).passcode_verified
    remade = _stored(services, Member, world.mp.id, "passcode_hash")
    assert remade != costly
    assert extract_parameters(remade).memory_cost == 19 * 1024
    # The same passcode, still right; a wrong one still wrong.
    assert e.verify_passcode(world.agent, _call(world).id, PASSCODE).passcode_verified
    assert not e.verify_passcode(world.agent, _call(world).id, "0000").passcode_verified
    assert _stored(services, Member, world.mp.id, "passcode_hash") == remade
