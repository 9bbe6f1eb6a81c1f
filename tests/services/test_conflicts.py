"""A stale save is refused with what changed since the person loaded the record: who, when, which fields.

Two people load the same record and both save; the second is refused with
``StaleRecord`` listing the first one's change (old → new), and the database
keeps the first change only.  On SQLite and PostgreSQL.
"""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog, Enquiry, Letter
from mpel_app.domain.errors import StaleRecord
from mpel_app.domain.records import CallerKind, Channel, Disclosure, SubjectDetails
from tests.support.letters_world import build_letters_world
from tests.support.world import PASSCODE


@pytest.fixture
def open_call(world):
    """A telephone enquiry with the passcode verified, its details still blank."""
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    return e.verify_passcode(world.agent, rec.id, PASSCODE)


def _save(services, actor, seen, *, name="Ali Rezaei", question="", answer=""):
    return services.enquiries.update_details(
        actor, seen.id, subject=SubjectDetails(name=name), question=question, answer=answer,
        written_confirmation=False, expected_version=seen.version)


def test_second_save_of_an_enquiry_is_refused_with_the_first_ones_change(world, open_call, clock):
    svc = world.services
    agent_saw = svc.enquiries.get(world.agent, open_call.id)
    leader_saw = svc.enquiries.get(world.leader, open_call.id)
    clock.advance(minutes=4)

    _save(svc, world.agent, agent_saw, question="Where is the file?")
    with pytest.raises(StaleRecord) as refused:
        _save(svc, world.leader, leader_saw, name="Ali Rezai", answer="Told the office to wait")

    stale = refused.value
    assert stale.reference == open_call.reference
    [change] = stale.changes
    assert (change.username, change.full_name, change.action) == ("agent", "Carla Agent", "details updated")
    assert change.at == clock.now()
    assert {(f.field, f.old, f.new) for f in change.fields} == {
        ("subject_name", "", "Ali Rezaei"), ("question", "", "Where is the file?")}
    # The message alone says it too, for screens that show only the message.
    text = str(stale)
    assert f"{open_call.reference} was changed by someone else since you opened it" in text
    assert "Carla Agent (agent) at 10:19 on 23 Nov 2026: details updated" in text
    assert "question: (blank) → 'Where is the file?'" in text

    # Only the first save is in the database, and in the trail.
    now = svc.enquiries.get(world.agent, open_call.id)
    assert (now.subject.name, now.question, now.answer) == ("Ali Rezaei", "Where is the file?", "")
    assert now.version == agent_saw.version + 1
    trail = svc.enquiries.audit_trail(world.admin, open_call.id)
    assert [t.username for t in trail if t.action == "details updated"] == ["agent"]
    assert all("_base_version" not in t.changes for t in trail), "the stamp is bookkeeping, not a change"


def test_only_changes_after_the_version_loaded_are_listed_oldest_first(world, open_call, clock):
    svc = world.services
    before = _save(svc, world.agent, open_call, question="First question")  # seen by both below
    leader_saw = svc.enquiries.get(world.leader, open_call.id)
    assert leader_saw.version == before.version
    clock.advance(minutes=1)
    after = _save(svc, world.agent, before, question="Second question")
    clock.advance(minutes=1)
    svc.enquiries.record_disclosure(world.admin, after.id, Disclosure(
        constituency_mp=True, authorised_representative=False, third_party=False, identity_confirmed=True))
    svc.enquiries.record_printed(world.admin, open_call.id)  # touches the trail, not the record

    with pytest.raises(StaleRecord) as refused:
        _save(svc, world.leader, leader_saw, answer="x")
    assert [(c.username, c.action) for c in refused.value.changes] == [
        ("agent", "details updated"), ("admin", "disclosure checks recorded")]
    first, second = refused.value.changes
    assert [(f.field, f.old, f.new) for f in first.fields] == [("question", "First question", "Second question")]
    assert second.at - first.at == timedelta(minutes=1)
    assert {f.field for f in second.fields} == {"constituency_mp", "identity_confirmed"}


def test_a_relocked_record_names_the_changed_fields_but_withholds_their_values(world, open_call):
    svc = world.services
    leader_saw = svc.enquiries.get(world.leader, open_call.id)
    _save(svc, world.agent, open_call, name="Zoë Núñez", question="Secret question")
    # Another member chosen: the passcode belongs to one office, so the record locks again.
    svc.enquiries.set_caller(world.agent, open_call.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)

    with pytest.raises(StaleRecord) as refused:
        _save(svc, world.leader, leader_saw, answer="x")
    fields = [f for c in refused.value.changes for f in c.fields]
    assert {f.field for f in fields} >= {"subject_name", "question", "member_id"}
    assert all(f.withheld and f.new is None for f in fields)
    assert "Zoë" not in str(refused.value) and "Secret" not in str(refused.value)
    assert "subject name (withheld)" in str(refused.value)


def test_saves_racing_on_one_version_one_wins_the_other_is_told_what_won(world, open_call):
    svc = world.services
    seen = svc.enquiries.get(world.agent, open_call.id)
    gate = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def desk(actor, question):
        gate.wait()
        try:
            outcome[actor.username] = _save(svc, actor, seen, question=question)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each desk got
            outcome[actor.username] = exc

    threads = [threading.Thread(target=desk, args=(world.agent, "from the agent")),
               threading.Thread(target=desk, args=(world.leader, "from the leader"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a desk is stuck"

    won = {k: v for k, v in outcome.items() if not isinstance(v, Exception)}
    lost = {k: v for k, v in outcome.items() if isinstance(v, Exception)}
    assert len(won) == 1 and len(lost) == 1, outcome
    [(winner, record)] = won.items()
    [refusal] = lost.values()
    # The row lock makes the loser wait and read the winner's change: a refusal that says who won.
    assert isinstance(refusal, StaleRecord) and [c.username for c in refusal.changes] == [winner]
    assert svc.enquiries.get(world.admin, open_call.id).question == record.question == f"from the {winner}"


def test_stale_letter_action_says_who_changed_what_in_its_message(services, clock):
    lw = build_letters_world(services)
    letters = services.letters
    seen = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    clock.advance(minutes=2)
    letters.accept(lw.wm, seen.id, barrier_to_removal=True, expected_version=seen.version)

    with pytest.raises(StaleRecord) as refused:
        letters.reject(lw.wm, seen.id, reason="not ours after all", expected_version=seen.version)
    text = str(refused.value)
    assert f"{seen.reference} was changed by someone else since you opened it:" in text
    assert "Walter Manager (wm) at 10:17 on 23 Nov 2026: accept for the unit" in text
    assert "state: 'allocated' → 'accepted'" in text and "barrier to removal: yes" in text
    assert letters.get(lw.wm, seen.id).state.value == "accepted"
    with services.uow.read() as s:
        assert s.scalar(select(Letter.version).where(Letter.id == seen.id)) == seen.version + 1


def test_a_sweep_that_changed_the_letter_is_named_as_the_system(services, clock):
    lw = build_letters_world(services)
    letters = services.letters
    seen = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    clock.advance(days=7)  # well past the two working days to decide
    assert letters.two_day_sweep() == [seen.reference]

    with pytest.raises(StaleRecord) as refused:
        letters.accept(lw.wm, seen.id, barrier_to_removal=True, expected_version=seen.version)
    [change] = refused.value.changes
    assert change.username == "system" and change.full_name == ""
    assert ("enforced", False, True) in {(f.field, f.old, f.new) for f in change.fields}


def test_every_trail_entry_of_a_change_carries_the_version_it_was_made_to(world, open_call):
    """The bookkeeping the refusal relies on: one stamp per change, the version the writer read."""
    svc = world.services
    saved = _save(svc, world.agent, open_call, question="q")
    with svc.uow.read() as s:
        details = s.scalars(select(AuditLog.changes).where(
            AuditLog.entity == "enquiry", AuditLog.entity_id == open_call.id,
            AuditLog.action == "details updated")).all()
        version = s.scalar(select(Enquiry.version).where(Enquiry.id == open_call.id))
    assert len(details) == 1 and f'"_base_version": {open_call.version}' in details[0]
    assert version == saved.version == open_call.version + 1
