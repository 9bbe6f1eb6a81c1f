"""Issue #19 finding 1 and issue #13 "searches are disclosures" (SQLite and PostgreSQL).

A record locks again when the passcode was verified for one MP and the caller then changed to
another: find, the urgent plan and the record's history must then withhold its subject data exactly
as ``get`` does (one rule: domain.passcode_gate).  And every search is audited: who searched, by
what, how many records were shown; the text typed is kept only as a personal value of the row.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from mpel_app.domain.audit_actions import SEARCHED, VIEWED_IN_AUDIT
from mpel_app.domain.records import CallerKind, SearchKey
from mpel_app.services.audit import WITHHELD, AuditFilter
from tests.services.test_audit_views import detailed_call, rows

NAME_WORD, NATIONALITY, HO_REF = "zoe", "colombian", "N1234567"


def relocked(world):
    """A call with the subject's details and a removal in two days, then the caller changed to another MP."""
    e = world.services.enquiries
    rec = detailed_call(world)
    world.services.urgent.flag(world.agent, rec.id, removal_at=rec.received_at + timedelta(days=2),
                               compassionate=False)
    e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    assert e.get(world.agent, rec.id).subject is None  # get() withholds: the rest must agree
    return rec


@pytest.mark.parametrize("key, text", [(SearchKey.SUBJECT_NAME, NAME_WORD), (SearchKey.NATIONALITY, NATIONALITY),
                                       (SearchKey.HO_REFERENCE, HO_REF)])
def test_a_locked_record_is_not_found_by_its_subjects_data(world, key, text):
    e = world.services.enquiries
    rec = relocked(world)
    assert rec.id not in [f.id for f in e.find(world.leader, key, text)]
    # Verified again for the member now on the call: found again.
    e.verify_passcode(world.agent, rec.id, "5150")
    assert rec.id in [f.id for f in e.find(world.leader, key, text)]


def test_a_locked_record_is_not_found_by_its_cts_reference(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    from mpel_app.domain.records import SubjectDetails
    e.update_details(world.agent, rec.id, subject=SubjectDetails(name="Zoë Núñez-García", cts_reference="B00042/26"),
                     question="q", answer="", written_confirmation=False)
    assert [f.id for f in e.find(world.leader, SearchKey.CTS_REFERENCE, "B00042/26")] == [rec.id]
    e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    assert e.find(world.leader, SearchKey.CTS_REFERENCE, "B00042/26") == []


def test_a_locked_record_found_by_its_hotline_reference_shows_no_subject_data(world):
    rec = relocked(world)
    [found] = world.services.enquiries.find(world.leader, SearchKey.REFERENCE, rec.reference)
    assert found.id == rec.id
    assert (found.subject_name, found.nationality, found.ho_reference, found.cts_reference) == ("", "", "", "")


def test_the_urgent_plan_and_history_of_a_locked_record_withhold_the_removal_time(world):
    rec = relocked(world)
    assert world.services.urgent.plan(world.agent, rec.id).removal_at is None
    trail = world.services.enquiries.audit_trail(world.agent, rec.id)
    flags = next(t for t in trail if t.action == "urgent flags set")
    assert flags.changes["removal_at"] == WITHHELD
    # Unlocked, the same calls show it.
    world.services.enquiries.verify_passcode(world.agent, rec.id, "5150")
    assert world.services.urgent.plan(world.agent, rec.id).removal_at == rec.received_at + timedelta(days=2)


def test_a_search_is_audited_with_its_text_kept_as_a_personal_value(world):
    services, e = world.services, world.services.enquiries
    rec = detailed_call(world)
    detailed_call(world)
    found = e.find(world.case_owner, SearchKey.SUBJECT_NAME, "Zoë Núñez")
    assert len(found) == 2
    [row] = rows(services, action=SEARCHED)
    changes = json.loads(row.changes)
    assert (row.username, row.entity, row.entity_id) == ("owner", "enquiry", None)
    assert changes["by"] == "subject name" and changes["text"] == "Zoë Núñez" and changes["rows"] == 2
    assert sorted(changes["records"]) == sorted(f.reference for f in found)
    # A search finding nothing still says what was looked for.
    e.find(world.case_owner, SearchKey.HO_REFERENCE, "Z9999999")
    assert json.loads(rows(services, action=SEARCHED)[-1].changes)["rows"] == 0

    # The oversight list shows that a search was made, never the text typed ...
    page = services.audit.search(world.admin, AuditFilter(action=SEARCHED))
    line = next(li for li in page.lines if li.id == row.id)
    assert "text" in line.fields and "text" not in line.changes and "Zoë" not in str(line.changes)
    assert line.changes["rows"] == 2 and rec.reference in line.changes["records"]
    # ... opening the entry does, and is itself audited.
    assert services.audit.entry(world.admin, row.id).changes["text"] == "Zoë Núñez"
    opened = rows(services, action=VIEWED_IN_AUDIT)[-1]
    assert (opened.username, json.loads(opened.changes)["audit_entry"]) == ("admin", row.id)


def test_a_refused_search_writes_nothing(world):
    from mpel_app.domain.errors import ValidationError
    with pytest.raises(ValidationError):
        world.services.enquiries.find(world.agent, SearchKey.REFERENCE, "MPH12")
    assert rows(world.services, action=SEARCHED) == []


def test_searches_and_histories_read_are_not_announced_as_changes():
    """Desks showing the same list would otherwise refresh each other for ever, each refresh a new search."""
    from mpel_app.db.changes import entities_of
    from mpel_app.domain.audit_actions import HISTORY_VIEWED
    assert entities_of("enquiry", SEARCHED, '{"rows": 3}', None) == set()
    assert entities_of("enquiry", HISTORY_VIEWED, '{"shown": "subject\'s name"}', None) == set()
    assert entities_of("letter", HISTORY_VIEWED, "{}", None) == set()


def test_a_letter_search_is_audited_too(services):
    from tests.support.letters_world import build_letters_world
    lw = build_letters_world(services)
    rec = lw.register()
    found = services.letters.search(lw.mpcs, "Rezaei")
    assert [f.id for f in found] == [rec.id]
    [row] = rows(services, action=SEARCHED)
    changes = json.loads(row.changes)
    assert (row.username, row.entity, changes["text"], changes["rows"]) == ("mpcs", "letter", "Rezaei", 1)
    assert changes["records"] == [rec.reference]
