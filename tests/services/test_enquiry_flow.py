"""The enquiry desk's use cases on SQLite and PostgreSQL: the passcode gate, the flow, queues, delete, audit."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from mpel_app.domain.errors import (InvalidTransition, NotFound, PasscodeRequired, PermissionDenied,
                                    StaleRecord, ValidationError)
from mpel_app.domain.records import (CallerKind, Channel, Disclosure, EnquiryStatus, QueueStatus,
                                     SearchKey, SubjectDetails)
from tests.support.world import OTHER_PASSCODE, PASSCODE

LONDON = ZoneInfo("Europe/London")
SUBJECT = SubjectDetails(name="Zoë Núñez-García", date_of_birth=date(1981, 3, 4), nationality="Colombian",
                         ho_reference="n1234567", cts_reference="b00042/26")


def logged_call(world, *, passcode=PASSCODE, member=None):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    rec = e.set_caller(world.agent, rec.id, member_id=(member or world.mp).id, caller_kind=CallerKind.CASEWORKER,
                       caller_name="Sam Caseworker")
    return e.verify_passcode(world.agent, rec.id, passcode)


def detailed_call(world, **kw):
    e = world.services.enquiries
    rec = logged_call(world, **kw)
    e.record_disclosure(world.agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    return e.update_details(world.agent, rec.id, subject=SUBJECT, question="Has the fresh claim been accepted?",
                            answer="", written_confirmation=True)


def test_reference_issued_at_once_and_sequential(world):
    e = world.services.enquiries
    first = e.start(world.agent, "telephone")
    second = e.start(world.agent, "fax")
    assert first.reference == "MPH000001" and second.reference == "MPH000002"
    assert first.status is EnquiryStatus.OPEN and first.received_at == world.services.clock.now()
    regional = e.start(world.am_lse, Channel.EMAIL)
    assert regional.reference == "LSE000001"


def test_regional_prefix_needs_that_region(world):
    with pytest.raises(PermissionDenied):
        world.services.enquiries.start(world.am_sni, Channel.FAX, prefix="LSE")


def test_passcode_gate_locks_personal_data(world):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    rec = e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    assert rec.locked and rec.subject is None and rec.question is None
    with pytest.raises(PasscodeRequired):
        e.update_details(world.agent, rec.id, subject=SUBJECT, question="q", answer="a", written_confirmation=False)
    with pytest.raises(PasscodeRequired):
        e.mark_further_action(world.agent, rec.id)
    rec = e.verify_passcode(world.agent, rec.id, "0000")
    assert rec.locked and rec.passcode_failures == 1
    rec = e.verify_passcode(world.agent, rec.id, OTHER_PASSCODE)  # another office's passcode
    assert rec.locked and rec.passcode_failures == 2
    rec = e.verify_passcode(world.agent, rec.id, f" {PASSCODE} ")
    assert not rec.locked and rec.subject == SubjectDetails()
    actions = [a.action for a in e.audit_trail(world.agent, rec.id)]
    assert actions.count("passcode failed") == 2 and "passcode verified" in actions


def test_three_wrong_passcodes_end_the_call(world):
    e = world.services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    for _ in range(3):
        rec = e.verify_passcode(world.agent, rec.id, "9999")
    with pytest.raises(InvalidTransition):
        e.verify_passcode(world.agent, rec.id, PASSCODE)
    rec = e.refuse(world.agent, rec.id, "Passcode not known")
    assert rec.status is EnquiryStatus.REFUSED and rec.subject is None


def test_changing_member_relocks(world):
    e = world.services.enquiries
    rec = logged_call(world)
    assert not rec.locked
    rec = e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    assert rec.locked


def test_complete_at_first_contact(world, clock):
    e = world.services.enquiries
    rec = detailed_call(world)
    with pytest.raises(ValidationError):
        e.complete_first_contact(world.agent, rec.id)  # no answer yet
    rec = e.update_details(world.agent, rec.id, subject=SUBJECT, question="Has the fresh claim been accepted?",
                           answer="Yes, on 2 November.", written_confirmation=True)
    rec = e.complete_first_contact(world.agent, rec.id)
    assert rec.status is EnquiryStatus.ANSWERED and rec.completed_at == clock.now()
    assert rec.subject.ho_reference == "N1234567" and rec.subject.cts_reference == "B00042/26"
    assert rec.disclosure.constituency_mp and rec.written_confirmation


def test_further_action_to_region_with_due_dates(world, clock):
    e = world.services.enquiries
    rec = detailed_call(world)
    rec = e.mark_further_action(world.agent, rec.id)
    assert [i.reference for i in e.further_action_queue(world.leader)] == [rec.reference]
    with pytest.raises(PermissionDenied):
        e.further_action_queue(world.agent)
    clock.advance(days=1)  # the leader filters next day; the target still counts from receipt at MPEL
    rec = e.send_to_region(world.leader, rec.id)  # default: the MP's constituency region
    assert rec.status is EnquiryStatus.WITH_REGION and rec.region_code == "LSE"
    assert rec.due_date == date(2026, 11, 30)  # received Mon 23 Nov: 5 working days
    queue = e.region_queue(world.am_lse, "LSE")
    assert [i.reference for i in queue] == [rec.reference]
    assert queue[0].queue_status is QueueStatus.ON_TIME
    with pytest.raises(PermissionDenied):
        e.region_queue(world.am_sni, "LSE")
    with pytest.raises(PermissionDenied):
        e.acknowledge(world.am_sni, rec.id)
    rec = e.acknowledge(world.am_lse, rec.id)
    assert rec.acknowledged_by == "Lena South"
    rec = e.set_file_needed(world.am_lse, rec.id, True)
    assert rec.due_date == date(2026, 12, 7)  # 10 working days from 23 Nov
    clock.set(datetime(2026, 12, 8, 9, 30, tzinfo=LONDON))
    assert e.region_queue(world.am_lse, "LSE")[0].queue_status is QueueStatus.OVERDUE
    rec = e.complete_with_response(world.am_lse, rec.id, "Claim accepted; letter sent to the MP.")
    assert rec.status is EnquiryStatus.COMPLETED
    assert e.region_queue(world.am_lse, "LSE") == []


def test_leader_may_change_region_and_answer(world):
    e = world.services.enquiries
    a = e.mark_further_action(world.agent, detailed_call(world).id)
    b = e.mark_further_action(world.agent, detailed_call(world).id)
    a = e.send_to_region(world.leader, a.id, "sni")
    assert a.region_code == "SNI"
    b = e.leader_answer(world.leader, b.id, "Answered from CID by the team leader.")
    assert b.status is EnquiryStatus.ANSWERED and b.answer.startswith("Answered")
    with pytest.raises(InvalidTransition):
        e.send_to_region(world.leader, b.id)


def test_scottish_region_uses_scottish_holidays(world, clock):
    e = world.services.enquiries
    clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=LONDON))  # Tue; St Andrew's Day Mon 30 Nov (SCT)
    rec = e.mark_further_action(world.agent, detailed_call(world, member=world.mp_scot, passcode=OTHER_PASSCODE).id)
    rec = e.send_to_region(world.leader, rec.id)
    assert rec.region_code == "SNI" and rec.due_date == date(2026, 12, 2)
    other = e.mark_further_action(world.agent, detailed_call(world).id)
    assert e.send_to_region(world.leader, other.id).due_date == date(2026, 12, 1)


def test_closure_day_moves_due_date(world, clock):
    world.services.reference.add_closure(world.admin, date(2026, 11, 27), "ENG", "Office move")
    e = world.services.enquiries
    rec = e.send_to_region(world.leader, e.mark_further_action(world.agent, detailed_call(world).id).id)
    assert rec.due_date == date(2026, 12, 1)


@pytest.mark.parametrize("key,text", [
    (SearchKey.REFERENCE, None),
    (SearchKey.HO_REFERENCE, " n1234567 "),
    (SearchKey.CTS_REFERENCE, "B00042/26"),
    (SearchKey.SUBJECT_NAME, "zoe nun"),
    (SearchKey.SUBJECT_NAME, "GARCIA"),
    (SearchKey.NATIONALITY, "colombian"),
])
def test_find_by_each_key(world, key, text):
    e = world.services.enquiries
    rec = e.complete_first_contact(world.agent, e.update_details(
        world.agent, detailed_call(world).id, subject=SUBJECT, question="q?", answer="a.",
        written_confirmation=False).id)
    e.start(world.agent, Channel.FAX)  # noise
    found = e.find(world.case_owner, key, text if text is not None else rec.reference.lower())
    assert [f.reference for f in found] == [rec.reference]
    assert found[0].subject_name == SUBJECT.name and found[0].member_name == "Jane Smith"


def test_name_search_needs_every_word(world):
    e = world.services.enquiries
    detailed_call(world)
    assert e.find(world.agent, SearchKey.SUBJECT_NAME, "zoe smith") == []
    assert e.find(world.agent, SearchKey.SUBJECT_NAME, "oe") == []  # word prefix, not any substring
    assert e.find(world.agent, SearchKey.SUBJECT_NAME, "   ") == []


def test_soft_delete_hides_and_audits(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    with pytest.raises(PermissionDenied):
        e.delete(world.agent, rec.id, "duplicate entry")
    with pytest.raises(ValidationError):
        e.delete(world.leader, rec.id, "")
    e.delete(world.leader, rec.id, "Duplicate of an earlier call")
    assert e.find(world.agent, SearchKey.REFERENCE, rec.reference) == []
    with pytest.raises(NotFound):
        e.get(world.agent, rec.id)
    trail = e.audit_trail(world.leader, rec.id)
    assert trail[-1].action == "deleted" and trail[-1].username == "leader"
    assert trail[-1].changes == {"reason": "Duplicate of an earlier call"}


def test_audit_records_each_change_with_values(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    trail = e.audit_trail(world.agent, rec.id)
    assert [t.action for t in trail] == ["logged", "caller set", "passcode verified",
                                         "disclosure checks recorded", "details updated"]
    assert trail[-1].changes["subject_name"] == ["", "Zoë Núñez-García"]
    assert all(t.username == "agent" for t in trail)


def test_stale_version_refused(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    e.update_details(world.agent, rec.id, subject=SUBJECT, question="changed by desk one", answer="",
                     written_confirmation=False, expected_version=rec.version)
    with pytest.raises(StaleRecord):
        e.update_details(world.agent, rec.id, subject=SUBJECT, question="changed by desk two", answer="",
                         written_confirmation=False, expected_version=rec.version)
    assert e.get(world.agent, rec.id).question == "changed by desk one"


@pytest.mark.parametrize("subject,message", [
    (SubjectDetails(name="A", date_of_birth=date(2030, 1, 1)), "date of birth"),
    (SubjectDetails(name="A", ho_reference="N12<script>"), "Home Office reference"),
    (SubjectDetails(name="A", cts_reference="X12345/10"), "CTS"),
    (SubjectDetails(name="A\x07B"), "control characters"),
    (SubjectDetails(name="x" * 201), "too long"),
])
def test_bad_details_refused_and_nothing_changed(world, subject, message):
    e = world.services.enquiries
    rec = detailed_call(world)
    with pytest.raises(ValidationError, match=message):
        e.update_details(world.agent, rec.id, subject=subject, question="q", answer="", written_confirmation=False)
    after = e.get(world.agent, rec.id)
    assert after.subject == rec.subject and after.question == rec.question and after.version == rec.version


def test_relocked_record_withholds_personal_values_in_its_history(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    trail = e.audit_trail(world.agent, rec.id)
    details = next(t for t in trail if t.action == "details updated")
    assert "Zoë" not in str(details.changes) and "Colombian" not in str(details.changes)
    assert details.changes["subject_name"] == "withheld: passcode not verified"


def test_printing_is_audited(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    e.record_printed(world.case_owner, rec.id)
    last = e.audit_trail(world.agent, rec.id)[-1]
    assert (last.action, last.username) == ("printed", "owner")
