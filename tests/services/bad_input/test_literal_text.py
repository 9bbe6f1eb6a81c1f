"""SQL-ish text and search wildcards are data, taken literally on both databases: stored as typed,
found by what they say, and never matching everything.

These inputs are accepted (a name may hold an apostrophe, a semicolon, a
percent sign); the cases around them in this package are the refusals.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from mpel_app.domain.records import CallerKind, Channel, SearchKey
from tests.support.world import PASSCODE

from .world import SUBJECT

SQL_NAME = "Robert'); DROP TABLE enquiries;--"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def bad_world(request):
    return request.getfixturevalue(f"bad_{request.param}")


def _call(w, name, nationality="Iranian"):
    e = w.services.enquiries
    rec = e.start(w.base.agent, Channel.TELEPHONE)
    e.set_caller(w.base.agent, rec.id, member_id=w.base.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(w.base.agent, rec.id, PASSCODE)
    return e.update_details(w.base.agent, rec.id, subject=replace(SUBJECT, name=name, nationality=nationality),
                            question="A question?", answer="", written_confirmation=False)


def test_sql_in_a_name_is_stored_and_found_as_typed(bad_world):
    w = bad_world
    rec = _call(w, SQL_NAME, nationality="' OR '1'='1")
    assert rec.subject.name == SQL_NAME and rec.subject.nationality == "' OR '1'='1"
    found = w.services.enquiries.find(w.base.agent, SearchKey.SUBJECT_NAME, "robert drop")
    assert rec.id in [f.id for f in found]
    assert [f.id for f in w.services.enquiries.find(w.base.agent, SearchKey.NATIONALITY, "' OR '1'='1")] == [rec.id]
    assert w.services.enquiries.find(w.base.agent, SearchKey.NATIONALITY, "' OR 1=1 --") == []
    assert w.services.enquiries.find(w.base.agent, SearchKey.REFERENCE, rec.reference)  # the table is still there


@pytest.mark.parametrize("wildcard", ["%", "_", "%%", "\\", "*"])
def test_wildcards_match_only_themselves(bad_world, wildcard):
    w = bad_world
    e, members, letters = w.services.enquiries, w.services.members, w.services.letters
    assert e.find(w.base.agent, SearchKey.SUBJECT_NAME, "Rezaei")  # the world has records to match
    assert members.search("")  # and members
    assert e.find(w.base.agent, SearchKey.SUBJECT_NAME, wildcard) == []
    assert e.find(w.base.agent, SearchKey.NATIONALITY, wildcard) == []
    assert members.search(wildcard) == []
    assert letters.search(w.lw.mpcs, wildcard) == []


def test_a_percent_sign_in_a_name_is_found_only_by_itself(bad_world):
    w = bad_world
    member = w.services.members.add(w.base.admin, name=f"Percy 100%_{w.lw.mpcs.id} Smith", region_code="LSE")
    assert [m.id for m in w.services.members.search(f"100%_{w.lw.mpcs.id}")] == [member.id]
    assert member.id not in [m.id for m in w.services.members.search("100%x")]
    letter = w.lw.register(subject_name="Anna 50%_off Nowak")
    assert [s.id for s in w.services.letters.search(w.lw.mpcs, "50%_off")] == [letter.id]
    assert letter.id not in [s.id for s in w.services.letters.search(w.lw.mpcs, "50%xoff")]


def test_sql_in_a_rota_name_is_stored_as_typed(bad_world):
    from datetime import date

    w = bad_world
    name = "Priya O'Shea; DROP TABLE duty_rota"
    entry = w.services.rota.set_entry(w.base.leader, date(2026, 12, 3), "LSE", name, "020 7946 0123")
    assert entry.manager_name == name
    assert [r.manager_name for r in w.services.rota.entries(date(2026, 12, 3), date(2026, 12, 3))] == [name]
