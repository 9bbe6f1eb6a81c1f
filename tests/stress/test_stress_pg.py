"""Many desks at once on the real PostgreSQL server: nothing duplicated, nothing lost, every refusal a clean one.

``DESKS`` spawned processes, each with its own services and engine on one
database of the session's throwaway cluster, do ``OPS`` operations each at
the same time (``tests/stress/desks.py``): log enquiries and register
letters, update shared enquiries against the version they read, contest the
same workflow transitions, search.  Each writes a journal; afterwards the
database is checked against every journal:

* no hotline or CTS reference issued twice, and every logged record is there;
* every acknowledged update's token is in its enquiry, no refused one is,
  and each enquiry's version moved once per acknowledged update (0 lost updates);
* every refusal was a ``StaleRecord`` (saying what changed) or an
  ``InvalidTransition``; no other exception (a deadlock would be one);
* each contested transition has exactly one winner, in the journals and in the database.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import re
import time
from collections import Counter, defaultdict

from sqlalchemy import func, select

from mpel_app.app import open_database
from mpel_app.db.models import AuditLog, Enquiry, Letter, OutboxMessage, User
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.correspondence import LetterState
from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus, Role, SubjectDetails
from tests.stress.desks import run_desk
from tests.support.letters_world import PASSWORD, build_letters_world
from tests.support.world import MONDAY_MORNING, PASSCODE

DESKS = 20
OPS = 200
SHARED = 5  # enquiries every desk updates
TARGETS = 24  # letters to accept and cases to send; each desk walks them in the same order
DEADLINE_S = 600  # a desk still running after this is stuck: the test fails rather than hangs
REFUSALS = {"StaleRecord", "InvalidTransition"}


def _prepare(services, lw):
    e, agent = services.enquiries, lw.base.agent

    def verified_call(question: str):
        rec = e.start(agent, Channel.TELEPHONE)
        e.set_caller(agent, rec.id, member_id=lw.mp.id, caller_kind=CallerKind.MEMBER)
        e.verify_passcode(agent, rec.id, PASSCODE)
        return e.update_details(agent, rec.id, subject=SubjectDetails(name="Shared Subject", nationality="Iranian"),
                                question=question, answer="", written_confirmation=False)

    shared = [verified_call(f"Shared case {i}:") for i in range(SHARED)]
    cases = [e.mark_further_action(agent, verified_call(f"Case {i}").id) for i in range(TARGETS)]
    letters = [services.letters.allocate(lw.mpcs, lw.register().id, "ASY1") for _ in range(TARGETS)]
    desks = []
    for i in range(DESKS):
        user = services.users.create_user(
            lw.admin, username=f"desk{i:02d}", full_name=f"Desk {i:02d}", password=PASSWORD, grade="HEO", demo=True,
            roles={Role.CALL_AGENT, Role.MPEL_TEAM_LEADER, Role.MPCS_ALLOCATOR, Role.WORKFLOW_MANAGER})
        services.units.add_member(lw.admin, "ASY1", user.id)
        desks.append(user)
    return shared, cases, letters, desks


def _run_desks(url: str, tmp_path, shared, cases, letters, member_id: int) -> list[dict]:
    ctx = mp.get_context("spawn")
    gate = ctx.Barrier(DESKS)
    processes = []
    for i in range(DESKS):
        config = dict(url=url, username=f"desk{i:02d}", index=i, ops=OPS, seed=20261123 + i,
                      now=MONDAY_MORNING.isoformat(), member_id=member_id,
                      shared=[r.id for r in shared], cases=[r.id for r in cases], letters=[r.id for r in letters],
                      journal_path=str(tmp_path / f"journal-{i:02d}.json"))
        processes.append(ctx.Process(target=run_desk, args=(config, gate), name=f"desk{i:02d}"))
    for p in processes:
        p.start()
    deadline = time.monotonic() + DEADLINE_S
    for p in processes:
        p.join(timeout=max(1.0, deadline - time.monotonic()))
    stuck = [p.name for p in processes if p.is_alive()]
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join()
    assert not stuck, f"desks still running after {DEADLINE_S} s: {stuck}"
    assert [p.exitcode for p in processes] == [0] * DESKS
    journal = []
    for i in range(DESKS):
        journal += [dict(e, desk=i) for e in json.loads((tmp_path / f"journal-{i:02d}.json").read_text())]
    return journal


def test_many_desks_at_once_lose_nothing_and_duplicate_nothing(pg_cluster, tmp_path):
    with pg_cluster.temporary_database(prefix="mpel_stress") as url:
        services = open_database(url, clock=FixedClock(MONDAY_MORNING))
        try:
            lw = build_letters_world(services)
            shared, cases, letters, desks = _prepare(services, lw)
            with services.uow.read() as s:
                enquiries_before = s.scalar(select(func.count()).select_from(Enquiry))
                letters_before = s.scalar(select(func.count()).select_from(Letter))

            started = time.monotonic()
            journal = _run_desks(url, tmp_path, shared, cases, letters, lw.mp.id)
            elapsed = time.monotonic() - started
            ops = Counter(e["op"] for e in journal)
            print(f"\n{DESKS} desks x {OPS} operations in {elapsed:.1f} s: {dict(ops)}; "
                  f"refusals {Counter(e.get('refused') for e in journal if e.get('refused'))}")

            # Every refusal was a clean one; nothing else went wrong (a deadlock or a dropped
            # connection would show here), and every operation of every desk was journalled.
            errors = [e for e in journal if "error" in e]
            assert not errors, "\n\n".join(f"desk {e['desk']} {e['op']}: {e['traceback'] or e['error']}"
                                           for e in errors[:5])
            assert len([e for e in journal if "n" in e and e["op"] != "ack"]) == DESKS * OPS
            assert {e["refused"] for e in journal if "refused" in e} <= REFUSALS

            with services.uow.read() as s:
                _check_references(s, journal, enquiries_before, letters_before)
                _check_updates(s, journal, shared)
                _check_letters(s, journal, letters)
                _check_cases(s, journal, cases, desks)
            searches = [e for e in journal if e["op"] == "search"]
            assert searches and all(e["found"] for e in searches), "a desk did not find what it had just logged"
        finally:
            services.close()


def _acknowledged(journal: list[dict], op: str) -> list[dict]:
    return [e for e in journal if e["op"] == op and "refused" not in e and "error" not in e]


def _check_references(s, journal, enquiries_before: int, letters_before: int) -> None:
    logged = _acknowledged(journal, "log")
    registered = _acknowledged(journal, "register")
    assert logged and registered
    # No reference issued twice, in the journals or the database.
    for rows in (logged, registered):
        refs = [e["reference"] for e in rows]
        assert len(refs) == len(set(refs)), Counter(refs).most_common(3)
    assert not s.execute(select(Enquiry.reference).group_by(Enquiry.reference).having(func.count() > 1)).all()
    assert not s.execute(select(Letter.cts_reference).group_by(Letter.cts_reference).having(func.count() > 1)).all()
    # Every acknowledged record is there under its reference, and nothing else was created.
    in_db = dict(s.execute(select(Enquiry.id, Enquiry.reference).where(Enquiry.id.in_([e["id"] for e in logged]))).all())
    assert in_db == {e["id"]: e["reference"] for e in logged}
    assert s.scalar(select(func.count()).select_from(Enquiry)) == enquiries_before + len(logged)
    cts = dict(s.execute(select(Letter.id, Letter.cts_reference).where(Letter.id.in_([e["id"] for e in registered]))).all())
    assert cts == {e["id"]: e["reference"] for e in registered}
    assert s.scalar(select(func.count()).select_from(Letter)) == letters_before + len(registered)


def _check_updates(s, journal, shared) -> None:
    updates = [e for e in journal if e["op"] == "update"]
    stale = [e for e in updates if e.get("refused") == "StaleRecord"]
    assert stale, "no two desks ever collided: the test did not test conflicts"
    # A refused save names the change that beat it (the row lock makes the loser read the winner's change).
    assert all(e["changes"] >= 1 and "was changed by someone else" in e["message"] for e in stale)
    assert not [e for e in updates if e.get("refused") == "InvalidTransition"]
    for rec in shared:
        done = [e for e in updates if e["target"] == rec.id and "refused" not in e]
        refused = [e for e in updates if e["target"] == rec.id and "refused" in e]
        question, version = s.execute(select(Enquiry.question, Enquiry.version).where(Enquiry.id == rec.id)).one()
        tokens = re.findall(r"d\d\do\d\d\d", question)
        assert sorted(tokens) == sorted(e["token"] for e in done), "an acknowledged update was lost"
        assert not {e["token"] for e in refused} & set(tokens), "a refused update was written"
        assert version == rec.version + len(done)
        assert sorted(e["version"] for e in done) == list(range(rec.version + 1, version + 1))
        details = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "enquiry", AuditLog.entity_id == rec.id, AuditLog.action == "details updated"))
        assert details == 1 + len(done)  # the set-up's own save, then one per acknowledged update


def _check_letters(s, journal, letters) -> None:
    accepts = [e for e in journal if e["op"] == "accept"]
    by_letter = defaultdict(list)
    for e in accepts:
        by_letter[e["target"]].append(e)
    assert any(len(v) > 1 for v in by_letter.values()), "no letter was contested"
    for target, attempts in by_letter.items():
        winners = [e for e in attempts if "refused" not in e]
        assert len(winners) == 1, f"letter {target}: {len(winners)} desks accepted it"
        state = s.scalar(select(Letter.state).where(Letter.id == target))
        assert state == LetterState.ACCEPTED.value
        accepted = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "letter", AuditLog.entity_id == target, AuditLog.action == "accept for the unit"))
        assert accepted == 1


def _check_cases(s, journal, cases, desks) -> None:
    user_ids = {f"Desk {i:02d}": u.id for i, u in enumerate(desks)}
    sends, acks = defaultdict(list), defaultdict(list)
    for e in journal:
        if e["op"] == "send":
            sends[e["target"]].append(e)
        elif e["op"] == "ack":
            acks[e["target"]].append(e)
    assert any(len(v) > 1 for v in sends.values()), "no case was contested"
    for target, attempts in sends.items():
        sent = [e for e in attempts if "refused" not in e]
        assert len(sent) == 1, f"case {target}: sent by {len(sent)} desks"
        status, acknowledged_by = s.execute(
            select(Enquiry.status, Enquiry.acknowledged_by_id).where(Enquiry.id == target)).one()
        assert status == EnquiryStatus.WITH_REGION.value
        trail = Counter(s.scalars(select(AuditLog.action).where(AuditLog.entity == "enquiry",
                                                                AuditLog.entity_id == target)))
        assert trail["send to region"] == 1 and trail["acknowledged"] == 1
        notes = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.entity == "enquiry", OutboxMessage.entity_id == target, OutboxMessage.kind == "call_note"))
        assert notes == 1, "one call note per case sent, however many desks tried"
        # Exactly one desk acknowledged it; every other desk was told it lost, naming the winner (issue #19
        # finding 13: the loser used to be told it had succeeded).
        mine = [e for e in acks[target] if "refused" not in e]
        assert len(mine) == 1 and mine[0].get("mine")
        assert all(e["refused"] == "InvalidTransition" and "acknowledged already" in e["message"]
                   for e in acks[target] if "refused" in e)
        winner = s.scalar(select(User.full_name).where(User.id == acknowledged_by))
        assert winner == f"Desk {mine[0]['desk']:02d}" and user_ids[winner] == acknowledged_by
