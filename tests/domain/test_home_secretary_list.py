"""The Home Secretary's list read from a CSV file and planned against the list held (issue 14) [CORR 1.8]."""
from __future__ import annotations

from mpel_app.domain.home_secretary_list import ListedMember, bare_name, plan_list_import
from tests.support.home_secretary_csv import BOTH, MESSY, ONLY_JANE

JANE = ListedMember(1, "Jane Smith", "Holborn and St Pancras", active=True, on_list=False)
ANGUS = ListedMember(2, "Angus MacLeod", "Glasgow North", active=True, on_list=True)


def test_titles_around_a_name_are_ignored():
    assert bare_name("Rt Hon Angus MacLeod MP") == bare_name("angus macleod") == "angus macleod"
    assert bare_name("The Rt. Hon. Zoë Ball") == "zoe ball"


def test_a_messy_file_names_every_problem_by_its_line_and_changes_nothing():
    plan = plan_list_import(MESSY, [JANE, ANGUS])
    assert [str(p) for p in plan.problems] == [
        "line 4: no active Member named Jane Smyth for Holborn and St Pancras: check the spelling "
        "(Administration → Members)",
        "line 5: Angus MacLeod is already on line 3",
    ]
    assert plan.changes == ()


def test_the_file_is_the_whole_list_members_not_in_it_come_off():
    plan = plan_list_import(BOTH, [JANE, ANGUS])
    assert not plan.problems
    assert [(c.what, c.name, c.line) for c in plan.changes] == [("added", "Jane Smith", 3)]
    assert plan.summary == {"rows": 2, "added": 1, "removed": 0, "unchanged": 1, "problems": 0}
    plan = plan_list_import(ONLY_JANE, [JANE, ANGUS])
    assert [(c.what, c.name) for c in plan.changes] == [("added", "Jane Smith"), ("removed", "Angus MacLeod")]


def test_a_shared_name_needs_the_constituency_and_an_inactive_member_cannot_be_listed():
    other = ListedMember(3, "Jane Smith", "Bristol West", active=True, on_list=False)
    plan = plan_list_import("Name\nJane Smith\n", [JANE, other])
    assert [str(p) for p in plan.problems] == [
        "line 2: 2 active Members are named Jane Smith: add a Constituency column to say which"]
    plan = plan_list_import("Name,Constituency\nJane Smith,Bristol West\n", [JANE, other])
    assert [(c.what, c.member_id) for c in plan.changes] == [("added", 3)]
    gone = ListedMember(4, "Old Member", "Nowhere", active=False, on_list=False)
    assert "is not an active Member" in str(plan_list_import("Name\nOld Member\n", [gone]).problems[0])


def test_a_file_without_a_name_column_is_refused_as_a_whole():
    plan = plan_list_import("Constituency\nGlasgow North\n", [ANGUS])
    assert [str(p) for p in plan.problems] == [
        "line 1: the first row must name the columns; missing: name (read with delimiter ',')"]
