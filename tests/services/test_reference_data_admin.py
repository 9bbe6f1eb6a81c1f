"""Reference data that stays true (issue 14): Members edited, deactivated and imported from CSV, the regions'
contacts changed, the Home Secretary's list kept, each change audited and refused to roles that may not."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.calendar import LONDON
from mpel_app.domain.correspondence import HOME_SECRETARY, LetterKind, SignatoryFacts
from mpel_app.domain.errors import PermissionDenied, ValidationError
from tests.support.letters_world import build_letters_world
from tests.support.member_csv import CLEAN, MESSY
from tests.support.world import PASSCODE


def trail(services, entity: str, entity_id=None) -> list[tuple[str, dict]]:
    with services.uow.read() as s:
        stmt = select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id)
        if entity_id is not None:
            stmt = stmt.where(AuditLog.entity_id == entity_id)
        return [(a.action, json.loads(a.changes)) for a in s.scalars(stmt)]


def test_a_member_is_edited_and_deactivated_with_history_kept(services, world):
    members = services.members
    changed = members.update(world.leader, world.mp.id, office_fax="020 7219 3001", party="Labour")
    assert changed.office_fax == "020 7219 3001" and changed.party == "Labour"
    action, diff = trail(services, "member", world.mp.id)[-1]
    assert action == "member changed"
    assert diff["office_fax"] == ["", "+442072193001"] and diff["party"] == ["", "Labour"]
    with pytest.raises(ValidationError, match="Office telephone"):
        members.update(world.leader, world.mp.id, office_phone="020 7219 300")
    gone = members.set_active(world.admin, world.mp.id, False)
    assert not gone.active
    assert trail(services, "member", world.mp.id)[-1] == ("member deactivated", {"active": [True, False]})
    assert world.mp.id not in [m.id for m in members.search("Smith")]  # not offered at the desk
    assert members.get(world.mp.id).name == "Jane Smith"  # records still name her
    assert [m.active for m in members.list_all(world.leader, "Smith")] == [False]
    for who in (world.agent, world.am_lse, world.case_owner):
        with pytest.raises(PermissionDenied):
            members.update(who, world.mp.id, party="Green")
        with pytest.raises(PermissionDenied):
            members.set_active(who, world.mp.id, True)
    assert trail(services, "member", world.mp.id)[-1][0] == "member deactivated"


def test_a_messy_file_imports_nothing_and_reports_each_problem(services, world):
    before = trail(services, "member")
    report = services.member_list.import_csv(world.leader, MESSY, source="members.csv")
    assert not report.applied
    assert [p.line for p in report.plan.problems] == [7, 8]
    assert trail(services, "member") == before
    assert services.members.get(world.mp.id).office_fax == ""


def test_a_clean_file_dry_run_then_import_keeps_passcodes(services, world):
    extra = services.members.add(world.admin, name="Old Member", constituency="Somewhere", region_code="NEY")
    dry = services.member_list.import_csv(world.leader, CLEAN, dry_run=True)
    assert not dry.applied and dry.plan.summary["added"] == 1 and dry.plan.summary["deactivated"] == 1
    assert services.members.get(extra.id).active  # a dry run changes nothing
    report = services.member_list.import_csv(world.leader, CLEAN, source="members.csv")
    assert report.applied
    assert report.plan.summary == {"rows": 3, "added": 1, "changed": 1, "deactivated": 1, "reactivated": 0,
                                   "unchanged": 1, "problems": 0}
    assert not services.members.get(extra.id).active
    jane = services.members.get(world.mp.id)
    assert (jane.office_fax, jane.party, jane.passcode_set) == ("020 7219 3001", "Labour", True)
    # The office's passcode still opens its calls after the import.
    from mpel_app.domain.records import CallerKind, Channel
    e = services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    assert e.verify_passcode(world.agent, rec.id, PASSCODE).passcode_verified
    new = services.members.search("Priya Patel")
    assert [(m.constituency, m.region_code, m.passcode_set) for m in new] == [("Leicester West", "MEE", False)]
    assert trail(services, "member", world.mp.id)[-1][0] == "member changed"
    assert trail(services, "member", extra.id)[-1][1]["reason"] == "not in the imported list of Members"
    assert trail(services, "member_list")[-1] == ("members imported", {
        "file": "members.csv", "rows": 3, "added": 1, "changed": 1, "deactivated": 1, "reactivated": 0,
        "unchanged": 1, "problems": 0})
    with pytest.raises(PermissionDenied):
        services.member_list.import_csv(world.agent, CLEAN, dry_run=True)


def test_a_region_s_contacts_are_changed_audited_and_checked(services, world):
    regions = services.regions
    assert regions.region("LSE").inbox_problem and "placeholder" in regions.region("LSE").inbox_problem
    assert set(regions.problems()) == {"LSE", "MEE", "NEY", "WSW", "NWE", "SNI"}
    values = dict(name="London & South East", inbox_name="MP INBOX – London & South East",
                  inbox_address="mp-inbox-lse@homeoffice.gov.uk", team_leader_email="lse.tl@homeoffice.gov.uk",
                  fax_number="020 7946 0102", phone_number="020 7946 0100")
    with pytest.raises(PermissionDenied):
        regions.update(world.leader, "LSE", **values)
    with pytest.raises(ValidationError, match="placeholder"):
        regions.update(world.admin, "LSE", **{**values, "inbox_address": "someone@example.com"})
    with pytest.raises(ValidationError, match="Inbox address"):
        regions.update(world.admin, "LSE", **{**values, "inbox_address": "not an address"})
    lse = regions.update(world.admin, "LSE", **values)
    assert lse.inbox_problem is None and lse.fax_number == "020 7946 0102"
    assert "LSE" not in regions.problems()
    action, diff = trail(services, "region")[-1]
    assert action == "region changed" and diff["region"] == "LSE"
    assert diff["inbox_address"] == ["mp-inbox-lse@mpel.example.gov.uk", "mp-inbox-lse@homeoffice.gov.uk"]
    assert diff["fax_number"] == ["+442079460101", "+442079460102"]
    assert "phone_number" not in diff
    assert len(trail(services, "region")) == 1  # the refusals wrote nothing


def test_the_home_secretary_s_list_decides_who_signs(services):
    lw = build_letters_world(services)
    hs, admin, mp = services.home_secretary_list, lw.admin, lw.mp
    to_hs = SignatoryFacts(kind=LetterKind.MINISTERIAL, minister_written_to=HOME_SECRETARY,
                           government_policy=True, responsible_minister="Minister for Immigration",
                           on_home_secretary_list=True)  # the form's say is not what decides
    letter = lw.register("ministerial", signatory=to_hs)
    assert letter.signatory.who == "Minister for Immigration"
    with pytest.raises(PermissionDenied):
        hs.add(lw.mpcs, mp.id)
    hs.add(admin, mp.id)
    assert [m.id for m in hs.members()] == [mp.id] and hs.member_ids() == {mp.id}
    assert trail(services, "home_secretary_list", mp.id) == [
        ("added to the Home Secretary's list", {"member": "Jane Smith"})]
    letter = lw.register("ministerial", signatory=SignatoryFacts(
        kind=LetterKind.MINISTERIAL, minister_written_to=HOME_SECRETARY, government_policy=True))
    assert letter.signatory.who == HOME_SECRETARY
    with pytest.raises(ValidationError, match="already"):
        hs.add(admin, mp.id)
    with pytest.raises(PermissionDenied):
        hs.remove(lw.base.leader, mp.id)
    hs.remove(admin, mp.id)
    assert hs.member_ids() == frozenset()
    assert trail(services, "home_secretary_list", mp.id)[-1][0] == "removed from the Home Secretary's list"


def test_an_urgent_note_to_a_placeholder_inbox_is_a_problem_until_the_region_is_fixed(services, world, clock):
    from tests.services.test_urgent import _call, _outbox

    before = _call(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON))
    plan = services.urgent.send(world.agent, before.id)
    assert plan.region_code == "LSE" and "placeholder" in plan.inbox_problem
    assert plan.instruction.startswith("The call note will reach nobody: the inbox address "
                                       "mp-inbox-lse@mpel.example.gov.uk is a placeholder")
    assert "fax the call note to 020 7946 0101" in plan.instruction
    services.regions.update(world.admin, "LSE", name="London & South East",
                            inbox_name="MP INBOX – London & South East", inbox_address="mp-inbox-lse@homeoffice.gov.uk",
                            team_leader_email="", fax_number="020 7946 0101", phone_number="020 7946 0100")
    after = _call(world, clock, datetime(2026, 11, 23, 11, 30, tzinfo=LONDON))
    plan = services.urgent.send(world.agent, after.id)
    assert plan.inbox_problem is None and plan.instruction.startswith("The call note goes to MP INBOX")
    assert [to for to, _subject, _pdf in _outbox(world, after.id)] == ["mp-inbox-lse@homeoffice.gov.uk"]
