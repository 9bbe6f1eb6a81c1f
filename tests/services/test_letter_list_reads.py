"""How many statements the letters' lists and case view send, on SQLite and PostgreSQL (issue 16).

A workstack reads only the columns its lines show and raises on any other: a line that reached for
one more (a lazy load per letter) would send a statement per letter.  Here every role's workstack
and the search send as many statements for twelve letters as for three, with letters in every
stage a workstack shows (rejected, drafting with a background note, in QA, with the team leader),
and show each letter's deadlines as its case view does.  Opening a letter and accepting it ask
each row once.
"""
from __future__ import annotations

import pytest
from sqlalchemy import event

from mpel_app.domain.records import Role
from tests.support.letters_world import NOTE, build_letters_world


@pytest.fixture
def lw(services):
    return build_letters_world(services)


class _Statements:
    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args):
        self.n += 1

    def of(self, run) -> int:
        before = self.n
        run()
        return self.n - before


def _letters_in_every_stage(lw) -> None:
    letters = lw.services.letters
    rejected = lw.register()
    letters.allocate(lw.mpcs, rejected.id, "ASY1")
    letters.reject(lw.wm, rejected.id, reason="Not ours: a European case", suggested_unit="EUR")
    letters.allocate(lw.mpcs, lw.register().id, "ASY1")
    letters.save_background_note(lw.co, lw.drafting().id, **NOTE)
    lw.in_qa()
    lw.with_team_leader()
    lw.accepted("ministerial")


LISTS = {
    "MPCS": lambda lw: lw.services.letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR),
    "workflow manager": lambda lw: lw.services.letters.workstack(lw.wm, Role.WORKFLOW_MANAGER, "ASY1"),
    "case owner": lambda lw: lw.services.letters.workstack(lw.co, Role.CASE_OWNER),
    "senior caseworker": lambda lw: lw.services.letters.workstack(lw.scw, Role.SENIOR_CASEWORKER),
    "team leader": lambda lw: lw.services.letters.workstack(lw.tl, Role.UNIT_TEAM_LEADER),
    "search": lambda lw: lw.services.letters.search(lw.mpcs, "Rezaei"),
}


def test_lists_send_as_many_statements_for_twelve_letters_as_for_three(lw):
    counter = _Statements(lw.services.engine)
    _letters_in_every_stage(lw)
    few = {name: (counter.of(lambda: read(lw)), len(read(lw))) for name, read in LISTS.items()}
    for _ in range(3):
        _letters_in_every_stage(lw)
    for name, read in LISTS.items():
        shown = read(lw)
        assert len(shown) > few[name][1], name  # more letters on it now
        assert counter.of(lambda: read(lw)) == few[name][0], name


def test_a_line_shows_the_deadlines_of_its_case_view(lw):
    _letters_in_every_stage(lw)
    letters = lw.services.letters
    lines = {line.id: line for name, read in LISTS.items() if name != "search" for line in read(lw)}
    assert len(lines) >= 6
    for line in lines.values():
        case = letters.get(lw.mpcs, line.id)
        assert (line.stage_deadline, line.reply_deadline, line.status, line.decision_deadline) == (
            case.stage_deadline, case.deadlines["reply"], case.status, case.deadlines.get("decision")), line.reference


def test_opening_and_accepting_ask_each_row_once(lw):
    counter = _Statements(lw.services.engine)
    letters = lw.services.letters
    rec = lw.register()
    letters.allocate(lw.mpcs, rec.id, "ASY1")
    letters.get(lw.wm, rec.id)  # statements compiled, the login checked: as a desk open for a while
    opened = counter.of(lambda: letters.get(lw.wm, rec.id))
    seen = letters.get(lw.wm, rec.id)
    accepted = counter.of(lambda: letters.accept(lw.wm, rec.id, barrier_to_removal=True,
                                                 expected_version=seen.version))
    # Was 20 and 31 (the unit's calendar, the dissolution date, the facts row and the reply plan
    # each read two to four times on PostgreSQL); opening sends 14 there, 15 on SQLite.
    assert opened <= 15, opened
    assert accepted <= 20, accepted
