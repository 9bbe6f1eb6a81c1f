"""Many desks at once, on SQLite and PostgreSQL: a workflow transition happens exactly once, "get next
case" never hands the same case to two people and follows the priority rule, stale screens are refused."""
from __future__ import annotations

import threading

import pytest

from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, StaleRecord, ValidationError
from mpel_app.domain.records import Role
from tests.support.letters_world import NOTE, PASSWORD, build_letters_world, london


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def _user(lw, username, roles, grade="EO", unit="ASY1"):
    rec = lw.services.users.create_user(lw.admin, username=username, full_name=username.title(), password=PASSWORD,
                                        roles=roles, grade=grade, demo=True)
    lw.services.units.add_member(lw.admin, unit, rec.id)
    return rec


def _together(*calls):
    """Run the calls in threads released at the same moment; each result or exception, in order."""
    gate = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        gate.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each desk got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a desk is stuck"
    return results


def test_two_workflow_managers_accepting_at_once_exactly_one_succeeds(lw):
    letters = lw.services.letters
    wm2 = _user(lw, "wm2", {Role.WORKFLOW_MANAGER}, "HEO")
    for _ in range(5):
        seen = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
        results = _together(
            lambda: letters.accept(lw.wm, seen.id, barrier_to_removal=True, expected_version=seen.version),
            lambda: letters.accept(wm2, seen.id, barrier_to_removal=True, expected_version=seen.version))
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and won[0].state is S.ACCEPTED
        assert len(lost) == 1 and isinstance(lost[0], (StaleRecord, InvalidTransition)), lost
        assert [t.action for t in letters.history(lw.wm, seen.id)].count("accept for the unit") == 1


def test_accept_and_reject_at_once_leave_one_decision(lw):
    letters = lw.services.letters
    wm2 = _user(lw, "wm2", {Role.WORKFLOW_MANAGER}, "HEO")
    seen = letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    # Both decided on the letter as they saw it; a unit may also return an accepted letter to MPCS,
    # but not one it has not seen accepted.
    results = _together(
        lambda: letters.accept(lw.wm, seen.id, barrier_to_removal=True, expected_version=seen.version),
        lambda: letters.reject(wm2, seen.id, reason="not ours", expected_version=seen.version))
    assert sum(not isinstance(r, Exception) for r in results) == 1
    final = letters.get(lw.mpcs, seen.id)
    assert final.state in (S.ACCEPTED, S.REJECTED_TO_MPCS)
    assert len(final.rejections) == (final.state is S.REJECTED_TO_MPCS)


def test_stale_version_is_refused(lw):
    letters = lw.services.letters
    seen = lw.drafting()
    letters.save_background_note(lw.co, seen.id, **NOTE)  # someone saves meanwhile
    with pytest.raises(StaleRecord, match="changed by someone else"):
        letters.submit_to_qa(lw.co, seen.id, draft="x", expected_version=seen.version)
    fresh = letters.get(lw.co, seen.id)
    assert fresh.version == seen.version + 1
    assert letters.submit_to_qa(lw.co, seen.id, draft="x", expected_version=fresh.version).letter.state is S.IN_QA


def test_get_next_case_takes_the_highest_priority_first(lw, clock):
    letters = lw.services.letters
    older = lw.accepted(received_at=london(2026, 11, 16, 10, 0))  # 5 working days ago
    official = lw.accepted()
    ministerial = lw.accepted("ministerial")  # counts as 5 days older
    urgent = lw.accepted(urgent=True)
    ophso = lw.accepted(ophso=True)
    stack = letters.workstack(lw.wm, Role.WORKFLOW_MANAGER)
    assert {i.id: i.priority for i in stack} == {older.id: 5, official.id: 0, ministerial.id: 5, urgent.id: 1000,
                                                 ophso.id: 0}
    taken = [letters.get_next_case(lw.co) for _ in range(5)]
    # Ties go to the letter received first; OPHSO enquiries are for a senior caseworker.
    assert [t.id if t else None for t in taken] == [urgent.id, older.id, ministerial.id, official.id, None]
    assert all(t.case_owner == "owner" and t.state is S.DRAFTING for t in taken[:4])
    assert letters.history(lw.co, urgent.id)[-1].changes["via"] == "get next case"
    got = letters.get_next_case(lw.scw)
    assert got.id == ophso.id and got.case_owner == "scw"
    assert letters.get_next_case(lw.scw) is None
    with pytest.raises(PermissionDenied):
        letters.get_next_case(lw.wm)
    with pytest.raises(PermissionDenied, match="not a member of EUR"):
        letters.get_next_case(lw.co, "EUR")
    loner = lw.services.users.create_user(lw.admin, username="loner", full_name="Lone Owner", password=PASSWORD,
                                          roles={Role.CASE_OWNER}, grade="EO", demo=True)
    with pytest.raises(ValidationError, match="not a member of any drafting unit"):
        letters.get_next_case(loner)


def test_get_next_case_never_gives_one_case_to_two_people(lw):
    letters = lw.services.letters
    owners = [lw.co, lw.co2, _user(lw, "co3", {Role.CASE_OWNER}), _user(lw, "co4", {Role.CASE_OWNER})]
    cases = [lw.accepted().id for _ in range(12)]

    def take_all(owner):
        got = []
        while (case := letters.get_next_case(owner, "ASY1")) is not None:
            got.append((case.id, owner.username))
        return got

    results = _together(*[lambda o=o: take_all(o) for o in owners])
    for r in results:
        assert not isinstance(r, Exception), r
    taken = [pair for batch in results for pair in batch]
    assert sorted(case_id for case_id, _ in taken) == sorted(cases), "a case was handed out twice or not at all"
    for case_id, username in taken:
        assert letters.get(lw.wm, case_id).case_owner == username
