"""An e-mail enquiry from the central inbox to the reply in the MP's mailbox: allocate, accept, draft, QA,
reply (threaded, through the outbox to a real SMTP server), compassionate flags, the off-line procedure."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from mpel_app.db.models import Enquiry, OutboxMessage
from mpel_app.domain.email_case_flow import CaseState, CaseStep
from mpel_app.domain.errors import InvalidTransition, PermissionDenied, ValidationError
from mpel_app.domain.records import Role
from mpel_app.notify.sender import OutboxSender
from mpel_app.notify.smtp import SmtpTransport
from mpel_app.reports.email_docx import read_reply
from tests.inbox import messages as m
from tests.inbox.test_intake import rows, take_in
from tests.notify.conftest import SMTP_PASSWORD
from tests.support.world import PASSWORD, staff_email

MP_MESSAGE_ID = "<case-1@parliament.example>"


def sam(world, grade="EO", region="LSE", name="Sally Support"):
    return world.services.users.create_user(
        world.admin, username=name.split()[0].lower(), full_name=name, password=PASSWORD,
        roles={Role.SUPPORT_ACCOUNT_MANAGER}, region_code=region, grade=grade, email=staff_email(name), demo=True)


def one_email_enquiry(world, dovecot, **kwargs):
    dovecot.deliver(m.raw(m.plain(message_id=MP_MESSAGE_ID, **kwargs)))
    take_in(world.services, dovecot)
    (e,) = rows(world.services, Enquiry)
    return e


def deliver_outbox(services, smtp_server):
    return OutboxSender(services.uow, services.clock,
                        lambda: SmtpTransport(smtp_server.settings(), SMTP_PASSWORD)).deliver_due()


def test_lifecycle_to_a_threaded_reply_in_the_mps_mailbox(world, dovecot, smtp_server):
    services, cases = world.services, world.services.email_cases
    e = one_email_enquiry(world, dovecot)
    drafter = sam(world)
    view = cases.view(drafter, e.id)
    assert view.state is CaseState.ALLOCATED and view.cts_reference == "B00001/26"
    assert view.targets.due_90.isoformat() == "2026-12-07" and view.targets.due_100.isoformat() == "2026-12-21"
    assert view.target_status == "within target"
    with pytest.raises(PermissionDenied):
        cases.view(sam(world, region="SNI", name="Scott Other"), e.id)
    with pytest.raises(InvalidTransition):
        cases.submit(drafter, e.id)
    cases.accept(drafter, e.id)
    cases.save_draft(drafter, e.id, "Dear Ms Smith,\n\nMr A Example's claim is being decided.")
    view = cases.submit(drafter, e.id)
    assert view.state is CaseState.WITH_QA and view.drafter_grade == "EO"
    with pytest.raises(ValidationError, match="grade above"):
        cases.approve(sam(world, grade="EO", name="Eve Same"), e.id)
    with pytest.raises(ValidationError, match="own reply"):
        cases.approve(drafter, e.id)
    returned = cases.return_to_drafter(world.am_lse, e.id, "Say when a decision is expected.")
    assert returned.state is CaseState.ACCEPTED
    cases.save_draft(drafter, e.id, "Dear Ms Smith,\n\nA decision is expected by 1 February.")
    cases.submit(drafter, e.id)
    assert cases.approve(world.am_lse, e.id).state is CaseState.APPROVED
    sent = cases.send_reply(world.am_lse, e.id)
    assert sent.state is CaseState.REPLIED and sent.steps == ()

    report = deliver_outbox(services, smtp_server)
    assert report.sent == 2  # the note to the region at intake, and the reply
    (reply,) = [r for r in smtp_server.messages if "jane.smith.mp@parliament.example" in r.rcpt_tos]
    msg = reply.message
    assert msg["In-Reply-To"] == MP_MESSAGE_ID and MP_MESSAGE_ID in msg["References"]
    assert msg["Subject"] == "Re: Asylum claim of Mr A Example [B00001/26]"
    assert "decision is expected by 1 February" in msg.get_content()
    with services.uow.read() as s:
        assert s.get(Enquiry, e.id).status == "completed"
    assert services.email_cases.target_counts(world.am_lse, "LSE", e.received_at.date()) == (1, 1, 1)


def test_an_unmatched_sender_is_matched_by_the_team_leader_then_allocated(world, dovecot):
    e = one_email_enquiry(world, dovecot, sender="caseworker@gmail.example")
    cases = world.services.email_cases
    assert cases.view(world.leader, e.id).state is CaseState.UNMATCHED
    with pytest.raises(PermissionDenied):
        cases.match_member(world.am_lse, e.id, world.mp.id)
    view = cases.match_member(world.leader, e.id, world.mp.id)
    assert view.state is CaseState.ALLOCATED and view.region_code == "LSE" and view.member_name == "Jane Smith"
    (note,) = rows(world.services, OutboxMessage)
    assert note.kind == "email_note" and "B00001/26" in note.subject


def test_compassionate_case_is_flagged_urgent_in_subject_and_headers(world, dovecot, smtp_server):
    e = one_email_enquiry(world, dovecot, sender="caseworker@gmail.example")
    cases = world.services.email_cases
    assert cases.flag_compassionate(world.leader, e.id).compassionate
    assert rows(world.services, OutboxMessage) == []  # no region yet: the flag goes with the allocation
    cases.match_member(world.leader, e.id, world.mp.id)
    deliver_outbox(world.services, smtp_server)
    (received,) = smtp_server.messages
    msg = received.message
    assert msg["Subject"].startswith("URGENT") and msg["Importance"] == "high" and msg["X-Priority"] == "1"
    assert "URGENT: compelling or compassionate" in msg.get_content()


def test_flagging_an_allocated_case_tells_the_region_again_urgently(world, dovecot, smtp_server):
    e = one_email_enquiry(world, dovecot)  # matched: the region was told at intake, not urgently
    world.services.email_cases.flag_compassionate(world.am_lse, e.id)
    world.services.email_cases.flag_compassionate(world.am_lse, e.id)  # once is enough
    deliver_outbox(world.services, smtp_server)
    first, second = smtp_server.messages
    assert "URGENT" not in first.message["Subject"] and first.message["X-Priority"] is None
    assert second.message["Subject"].startswith("URGENT – E-mail enquiry B00001/26")
    assert second.message["Importance"] == "high" and second.message["X-Priority"] == "1"


def test_fax_is_sent_on_to_the_regional_inbox_with_its_image(world, dovecot, smtp_server):
    with world.services.uow() as s:
        from mpel_app.db.models import Member
        s.get(Member, world.mp.id).office_fax = "+442072193001"
    dovecot.deliver(m.raw(m.fax()))
    take_in(world.services, dovecot)
    deliver_outbox(world.services, smtp_server)
    (received,) = smtp_server.messages
    (pdf,) = list(received.message.iter_attachments())
    assert pdf.get_filename() == "fax-0001.pdf" and pdf.get_content() == m.PDF
    assert received.message["Subject"].startswith("Fax enquiry MPH")


def test_offline_export_to_region_and_reply_by_email_with_the_cts_reference(world, dovecot, smtp_server):
    e = one_email_enquiry(world, dovecot)
    cases = world.services.email_cases
    name, data = cases.export_docx(world.am_lse, e.id, send_to_region=True)
    assert name == "B00001-26-email.docx"
    assert read_reply(data).cts_reference == "B00001/26"
    deliver_outbox(world.services, smtp_server)
    offline = [r for r in smtp_server.messages if "off-line" in r.message["Subject"]]
    (attached,) = list(offline[0].message.iter_attachments())
    assert attached.get_filename() == name
    # The region answers by e-mail to the central inbox, the CTS reference in the subject.
    dovecot.deliver(m.raw(m.plain(sender="mpinbox.lse@homeoffice.example.gov.uk", name="MP INBOX",
                                  subject="RE: B00001/26 reply", body="Reply text from the region.")))
    summary = take_in(world.services, dovecot)
    assert (summary.enquiries_created, summary.already_taken_in, summary.replies_checked_in) == (0, 1, 1)
    view = cases.view(world.am_lse, e.id)
    assert view.offline_reply_at is not None
    assert view.later_messages[0][2] == "Reply text from the region."
    assert len(rows(world.services, Enquiry)) == 1


def test_offline_reply_returned_as_a_file_is_checked_in_as_the_draft(world, dovecot):
    from docx import Document
    import io

    e = one_email_enquiry(world, dovecot)
    cases = world.services.email_cases
    _, data = cases.export_docx(world.am_lse, e.id, send_to_region=False)
    doc = Document(io.BytesIO(data))
    doc.add_paragraph("Dear Ms Smith, the claim is decided.")
    out = io.BytesIO()
    doc.save(out)
    view = cases.check_in_file(world.am_lse, out.getvalue())
    assert view.enquiry_id == e.id and view.state is CaseState.ACCEPTED
    assert view.draft_text == "Dear Ms Smith, the claim is decided."
    assert CaseStep.SUBMIT in view.steps
    with pytest.raises(ValidationError, match="not a Word document"):
        cases.check_in_file(world.am_lse, b"not a docx")


def test_quarantine_list_is_for_the_team_leader(world, dovecot):
    dovecot.deliver(m.MALFORMED)
    take_in(world.services, dovecot)
    (item,) = world.services.email_cases.quarantine(world.leader)
    assert item.subject == "broken" and "no sender" in item.reason
    with pytest.raises(PermissionDenied):
        world.services.email_cases.quarantine(world.agent)
    with world.services.uow.read() as s:
        assert s.scalars(select(Enquiry)).first() is None


def test_a_fax_from_an_unknown_number_is_matched_then_sent_on_with_its_image(world, dovecot):
    dovecot.deliver(m.raw(m.fax(number="01632 960000")))
    take_in(world.services, dovecot)
    cases = world.services.email_cases
    (item,) = cases.queue(world.leader)
    assert item.channel == "fax" and item.state is CaseState.UNMATCHED and item.cts_reference == ""
    assert rows(world.services, OutboxMessage) == []
    view = cases.match_member(world.leader, item.enquiry_id, world.mp.id)
    assert view.state is CaseState.ALLOCATED and view.targets is None
    assert view.due_date.isoformat() == "2026-11-30"  # 5 working days from receipt at MPEL
    (note,) = rows(world.services, OutboxMessage)
    assert note.kind == "fax_note" and note.attachment == m.PDF
    assert [i.enquiry_id for i in cases.queue(world.am_lse)] == [item.enquiry_id]
    assert cases.queue(world.am_sni) == []


def test_a_draft_saved_over_someone_elses_newer_save_is_refused(world, dovecot):
    from mpel_app.domain.errors import StaleRecord

    e = one_email_enquiry(world, dovecot)
    cases = world.services.email_cases
    opened = cases.accept(world.am_lse, e.id)
    cases.save_draft(world.am_lse, e.id, "First desk's words", expected_version=opened.version)
    with pytest.raises(StaleRecord):
        cases.save_draft(world.am_lse, e.id, "Second desk's words", expected_version=opened.version)
    assert cases.view(world.am_lse, e.id).draft_text == "First desk's words"
