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
