"""'Written confirmation requested' produces the confirmation: an e-mail to the MP's office, from the template,
through the outbox in the completion's transaction, and recorded (issue 13, finding 6).  Both backends."""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import ValidationError
from mpel_app.domain.records import CallerKind, Disclosure, EnquiryStatus
from mpel_app.services import audit
from tests.services.test_enquiry_flow import SUBJECT, detailed_call


def requested(world, checks: Disclosure, member=None):
    e = world.services.enquiries
    rec = detailed_call(world)
    if member is not None:
        e.set_caller(world.agent, rec.id, member_id=member.id, caller_kind=CallerKind.MEMBER)
    e.update_details(world.agent, rec.id, subject=SUBJECT, question="Has the fresh claim been accepted?",
                     answer="Yes, on 2 November.", written_confirmation=True)
    e.record_disclosure(world.agent, rec.id, checks)
    return rec


def test_the_confirmation_goes_to_the_office_through_the_outbox_and_is_recorded(world):
    e = world.services.enquiries
    rec = requested(world, Disclosure(constituency_mp=True, identity_confirmed=True, personal_information=True))
    e.complete_first_contact(world.agent, rec.id)
    [note] = [m for m in world.services.outbox.messages_for(world.leader, "enquiry", rec.id)
              if m.kind == "written_confirmation"]
    assert note.to_address == "jane.smith.mp@parliament.example" and note.status == "pending"
    assert note.subject == f"{rec.reference} – written confirmation from the MPs' Enquiry Line"
    with world.services.uow.read() as s:
        from mpel_app.db.models import OutboxMessage
        body = s.get(OutboxMessage, note.id).body_text
        trail = audit.trail(s, "enquiry", rec.id)
    assert body.startswith("Dear Jane Smith MP,")
    assert "Answer given: Yes, on 2 November." in body and "Home Office reference N1234567" in body
    assert trail[-1].action == "written confirmation queued"
    assert trail[-1].changes["to"] == "jane.smith.mp@parliament.example"


def test_a_third_partys_confirmation_leaves_out_the_home_office_reference(world):
    e = world.services.enquiries
    rec = requested(world, Disclosure(third_party=True, personal_information=True, limited_facts_only=True))
    e.complete_first_contact(world.agent, rec.id)
    with world.services.uow.read() as s:
        from mpel_app.db.models import OutboxMessage
        from sqlalchemy import select
        body = s.scalar(select(OutboxMessage.body_text).where(OutboxMessage.kind == "written_confirmation"))
    assert "N1234567" not in body and "limited factual information" in body


def test_no_office_email_refuses_and_saves_nothing(world):
    e = world.services.enquiries
    rec = requested(world, Disclosure(constituency_mp=True, identity_confirmed=True))
    with world.services.uow() as s:
        from mpel_app.db.models import Member
        s.get(Member, world.mp.id).office_email = ""
    with pytest.raises(ValidationError, match="has no e-mail address on record"):
        e.complete_first_contact(world.agent, rec.id)
    assert e.get(world.agent, rec.id).status is EnquiryStatus.OPEN
    assert world.services.outbox.messages_for(world.leader, "enquiry", rec.id) == []


def _confirmation_body(world, enquiry_id: int) -> str:
    from sqlalchemy import select

    from mpel_app.db.models import OutboxMessage
    with world.services.uow.read() as s:
        [body] = s.scalars(select(OutboxMessage.body_text).where(OutboxMessage.kind == "written_confirmation",
                                                                 OutboxMessage.entity_id == enquiry_id)).all()
    return body


def test_a_further_action_case_gets_its_confirmation_too_without_a_timescale(world):
    """[MPEL] "Call agents will provide written confirmation if requested": of every call, not only answered ones."""
    e = world.services.enquiries
    rec = detailed_call(world)  # written confirmation requested, no answer: the case goes on
    e.mark_further_action(world.agent, rec.id)
    body = _confirmation_body(world, rec.id)
    assert "Question: Has the fresh claim been accepted?" in body
    assert "passed on for further action, and your office will receive a reply" in body
    assert "Answer given" not in body and "working days" not in body  # never a timescale for regional action
    with world.services.uow.read() as s:
        trail = audit.trail(s, "enquiry", rec.id)
    assert trail[-1].action == "written confirmation queued" and trail[-1].changes["outcome"] == "further_action"


def test_an_urgent_call_gets_its_confirmation_naming_the_region(world):
    from datetime import datetime

    from mpel_app.domain.calendar import LONDON
    e, u = world.services.enquiries, world.services.urgent
    rec = detailed_call(world)
    u.flag(world.agent, rec.id, removal_at=datetime(2026, 11, 24, 16, 0, tzinfo=LONDON), compassionate=False)
    plan = u.send(world.agent, rec.id)
    body = _confirmation_body(world, rec.id)
    assert f"sent as urgent to the {plan.region_name} regional team, who will contact your office" in body
    assert e.get(world.agent, rec.id).status is EnquiryStatus.WITH_REGION


def test_a_case_handed_on_never_waits_for_a_missing_office_address(world):
    from datetime import datetime

    from mpel_app.db.models import Member
    from mpel_app.domain.calendar import LONDON
    e, u = world.services.enquiries, world.services.urgent
    rec = detailed_call(world)
    with world.services.uow() as s:
        s.get(Member, world.mp.id).office_email = ""
    u.flag(world.agent, rec.id, removal_at=datetime(2026, 11, 24, 16, 0, tzinfo=LONDON), compassionate=False)
    u.send(world.agent, rec.id)  # not refused: the call note goes
    kinds = [m.kind for m in world.services.outbox.messages_for(world.leader, "enquiry", rec.id)]
    assert kinds == ["call_note"]
    with world.services.uow.read() as s:
        trail = audit.trail(s, "enquiry", rec.id)
    assert trail[-1].action == "written confirmation not queued" and "letter by hand" in trail[-1].changes["reason"]
    other = e.mark_further_action(world.agent, detailed_call(world).id)  # nor does handing a case on
    assert other.status is EnquiryStatus.FURTHER_ACTION
    assert world.services.outbox.messages_for(world.leader, "enquiry", other.id) == []
    with world.services.uow.read() as s:
        assert audit.trail(s, "enquiry", other.id)[-1].action == "written confirmation not queued"
