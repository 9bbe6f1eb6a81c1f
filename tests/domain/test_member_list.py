"""Reading the list of Members from CSV and planning the import (issue 14): the messy file's problems by line."""
from __future__ import annotations

from mpel_app.domain.member_list import HeldMember, parse_member_csv, plan_import
from tests.support.member_csv import CLEAN, MESSY


def test_a_messy_file_is_read_and_every_problem_has_its_line():
    rows, problems = parse_member_csv(MESSY)
    assert [r.name for r in rows] == ["Jane Smith", "Angus MacLeod", "Priya Patel"]
    assert [r.line for r in rows] == [2, 4, 5]  # blank lines still count
    by_line = {p.line: p.message for p in problems}
    assert set(by_line) == {7, 8}
    assert "Leicester West is already on line 5" in by_line[7]
    assert "not merged" in by_line[7]
    assert "029 2018 049" in by_line[8] and "office telephone" in by_line[8]
    jane = rows[0]
    assert (jane.office_phone, jane.office_fax, jane.party, jane.kind, jane.region_code) == (
        "+442072193000", "+442072193001", "Labour", "MP", "LSE")
    assert rows[1].privy_counsellor and not jane.privy_counsellor


def held(id_, name, seat, region, **kw):
    values = dict(kind="MP", privy_counsellor=False, office_phone="", office_fax="", office_email="", party="",
                  active=True)
    values.update(kw)
    return HeldMember(id=id_, name=name, constituency=seat, region_code=region, **values)


def test_the_plan_says_what_is_added_changed_deactivated_and_brought_back():
    rows, problems = parse_member_csv(CLEAN)
    assert problems == []
    plan = plan_import(rows, [
        held(1, "Jane Smith", "Holborn and St Pancras", "LSE", office_phone="+442072193000",
             office_email="jane.smith.mp@parliament.example"),
        held(2, "Angus MacLeod", "Glasgow North", "SNI", privy_counsellor=True, office_phone="+441414960999",
             active=False),
        held(3, "Old Member", "Somewhere", "NEY"),
        held(4, "Lord Peer", "", "LSE", kind="Peer"),
    ])
    assert plan.summary == {"rows": 3, "added": 1, "changed": 1, "deactivated": 1, "reactivated": 1,
                            "unchanged": 0, "problems": 0}
    (changed,) = plan.of("changed")
    assert dict((f, (o, n)) for f, o, n in changed.fields) == {
        "office_fax": ("", "+442072193001"), "party": ("", "Labour")}
    assert [c.member_id for c in plan.of("deactivated")] == [3]  # the Peer is not in a Commons file
    assert plan.of("added")[0].name == "Priya Patel"


def test_a_new_member_without_a_region_is_a_problem():
    rows, _ = parse_member_csv("name,constituency\nNew Person,Newtown\n")
    plan = plan_import(rows, [])
    assert [(p.line, "give their region" in p.message) for p in plan.problems] == [(2, True)]


def test_a_file_without_the_columns_says_so():
    rows, problems = parse_member_csv("foo;bar\n1;2\n")
    assert rows == [] and problems[0].line == 1 and "name, constituency" in problems[0].message
