"""The written confirmation an MP's office asked for on the telephone: its subject and text, from one template.

[MPEL]: "give written confirmation if asked".  When a call answered at
first contact had "Written confirmation requested" ticked, the desk writes
this to the MP's office through the outbox, in the same transaction as the
completion, and records it.  The text repeats only what was said on the
call; to a third party's case it leaves out the Home Office reference and
says the reply is limited [CORR 3.1–3.2].
"""
from __future__ import annotations

from datetime import datetime

from .calendar import LONDON
from .records import EnquiryRecord

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

KIND = "written_confirmation"  # the outbox kind


def confirmation_subject(record: EnquiryRecord) -> str:
    return f"{record.reference} – written confirmation from the MPs' Enquiry Line"


def confirmation_body(record: EnquiryRecord, *, agent_name: str) -> str:
    """The letter, as plain text (an e-mail the office can print or file)."""
    member = record.member.display_name if record.member else "Member"
    called = record.received_at.astimezone(LONDON)
    on = f"{called.day} {_MONTHS[called.month - 1]} {called.year}"
    subject = record.subject
    third_party = record.disclosure.third_party
    about = subject.name if subject and subject.name else "the enquiry"
    ho = subject.ho_reference if subject and subject.ho_reference and not third_party else ""
    lines = [f"Dear {member},", "",
             f"{record.reference}: your office's telephone call to the MPs' Enquiry Line on {on}", "",
             "As your office asked, I confirm in writing the information given on the call.", "",
             f"About: {about}" + (f" (Home Office reference {ho})" if ho else ""),
             f"Question: {record.question.strip()}", f"Answer given: {record.answer.strip()}", ""]
    if third_party:
        lines += ["As the enquiry was made on behalf of someone other than the applicant, this confirms only the "
                  "limited factual information that may be disclosed to a third party.", ""]
    lines += [f"Please quote {record.reference} in any further contact about this enquiry.", "",
              "Yours sincerely,", agent_name, "MPs' Enquiry Line"]
    return "\n".join(lines)


def confirmation_sent_text(to_name: str, at: datetime) -> str:
    local = at.astimezone(LONDON)
    return f"written confirmation to {to_name} queued at {local:%H:%M}"
