"""Issue #19 findings 3 and 8 (SQLite and PostgreSQL): personal data never leaves a service without a row on
the audit trail, and the duty board moves urgent items only.

3. A record's history (old and new names, dates of birth...), a letter's history (its background note), a
   call note exported as a document, and every call that hands back the whole record although it changed
   nothing (a passcode given on a call already verified, acknowledging again, the file-needed flag set as
   it was) are audited as reads.
8. The duty manager may not move an ordinary item through ``urgent.reassign`` (``change_region`` is refused
   to that role).
"""
from __future__ import annotations

import json

import pytest

from mpel_app.domain.audit_actions import HISTORY_VIEWED, VIEWED
from mpel_app.domain.errors import InvalidTransition
from mpel_app.domain.records import Role
from tests.services.test_audit_views import count, detailed_call, rows
from tests.support.letters_world import NOTE, build_letters_world
from tests.support.world import PASSWORD


def _last(services, action):
    found = rows(services, action=action)
    return found[-1] if found else None


def test_a_records_history_is_audited_as_a_read_of_the_values_it_shows(world):
    services = world.services
    rec = detailed_call(world)
    trail = services.enquiries.audit_trail(world.agent, rec.id)
    assert any("Zoë" in json.dumps(t.changes, ensure_ascii=False) for t in trail)
    row = _last(services, HISTORY_VIEWED)
    assert row is not None and (row.username, row.entity, row.entity_id) == ("agent", "enquiry", rec.id)
    shown = json.loads(row.changes)["shown"]
    assert "subject's name" in shown and "date of birth" in shown and "Zoë" not in row.changes


def test_a_letters_history_is_audited_as_a_read_of_its_background_note(services):
    lw = build_letters_world(services)
    rec = lw.drafting()
    services.letters.save_background_note(lw.co, rec.id, **NOTE)
    trail = services.letters.history(lw.base.agent, rec.id)
    assert any(NOTE["background"] in json.dumps(t.changes) for t in trail)
    row = _last(services, HISTORY_VIEWED)
    assert row is not None and (row.username, row.entity, row.entity_id) == ("agent", "letter", rec.id)
    assert "background note" in json.loads(row.changes)["shown"]


def test_a_passcode_given_on_a_verified_call_is_a_read_of_the_record(world):
    services, e = world.services, world.services.enquiries
    rec = detailed_call(world)
    before = count(services)
    again = e.verify_passcode(world.agent, rec.id, "0000")
    assert again.subject is not None  # the call is verified: the record comes back whole ...
    assert count(services) == before + 1  # ... and that is on the trail
    row = _last(services, VIEWED)
    assert (row.username, row.entity_id) == ("agent", rec.id) and "subject's name" in json.loads(row.changes)["shown"]


def test_acknowledging_again_and_an_unchanged_file_flag_are_reads_of_the_record(world):
    services, e = world.services, world.services.enquiries
    rec = detailed_call(world)
    e.mark_further_action(world.agent, rec.id)
    e.send_to_region(world.leader, rec.id, "LSE")
    e.acknowledge(world.am_lse, rec.id)
    for repeat in (lambda: e.acknowledge(world.am_lse, rec.id), lambda: e.set_file_needed(world.am_lse, rec.id, False)):
        before = count(services)
        assert repeat().subject is not None
        assert count(services) == before + 1
        row = _last(services, VIEWED)
        assert (row.username, row.entity_id) == ("amlse", rec.id)


def test_the_duty_manager_cannot_move_an_ordinary_item(world):
    services, e = world.services, world.services.enquiries
    duty = services.users.create_user(world.admin, username="duty", full_name="Dee Duty", password=PASSWORD,
                                      roles={Role.DUTY_MANAGER}, demo=True)
    rec = detailed_call(world)
    e.mark_further_action(world.agent, rec.id)
    e.send_to_region(world.leader, rec.id, "LSE")
    before = count(services)
    with pytest.raises(InvalidTransition, match="not urgent"):
        services.urgent.reassign(duty, rec.id, "NWE")
    assert e.header(world.leader, rec.id).region_code == "LSE" and count(services) == before
