"""The written confirmation an MP's office asked for on the telephone: its subject and text, from one template.

[MPEL]: "Call agents will provide written confirmation if requested" — of
any call, whatever became of it.  When "Written confirmation requested" is
ticked, the desk writes to the MP's office through the outbox, in the same
transaction as the step that finishes the call, and records it:

* ``ANSWERED``: answered at first contact — the question and the answer given;
* ``FURTHER_ACTION``: passed to the MPEL team leader — the question, and that
  the office will get a reply;
* ``URGENT``: sent as urgent to a regional team — the question, and that the
  region will contact the office.

The text repeats only what was said on the call and never gives a timescale
for regional action [MPEL]; to a third party's case it leaves out the Home
Office reference and says the reply is limited [CORR 3.1–3.2].
"""
from __future__ import annotations

from datetime import datetime

from .calendar import LONDON
from .records import EnquiryRecord

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")

KIND = "written_confirmation"  # the outbox kind

ANSWERED = "answered"
FURTHER_ACTION = "further_action"
URGENT = "urgent"
OUTCOMES = (ANSWERED, FURTHER_ACTION, URGENT)


def can_be_emailed(office_email: str | None) -> bool:
    """Whether the confirmation can go to the office by e-mail (through the outbox): it has an address.
    Without one, a case handed on goes without it and the agent sends a letter by hand."""
    return bool((office_email or "").strip())


def confirmation_subject(record: EnquiryRecord) -> str:
    return f"{record.reference} – written confirmation from the MPs' Enquiry Line"


def confirmation_body(record: EnquiryRecord, *, agent_name: str, outcome: str = ANSWERED,
                      region_name: str = "") -> str:
    """The letter, as plain text (an e-mail the office can print or file); ``outcome`` as the module doc says."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    member = record.member.display_name if record.member else "Member"
    called = record.received_at.astimezone(LONDON)
    on = f"{called.day} {_MONTHS[called.month - 1]} {called.year}"
    subject = record.subject
    third_party = record.disclosure.third_party
    about = subject.name if subject and subject.name else "the enquiry"
    ho = subject.ho_reference if subject and subject.ho_reference and not third_party else ""
    lines = [f"Dear {member},", "",
             f"{record.reference}: your office's telephone call to the MPs' Enquiry Line on {on}", "",
             "As your office asked, I confirm in writing " + (
                 "the information given on the call." if outcome == ANSWERED else "what was agreed on the call."), "",
             f"About: {about}" + (f" (Home Office reference {ho})" if ho else ""),
             f"Question: {(record.question or '').strip()}"]
    if outcome == ANSWERED:
        lines.append(f"Answer given: {(record.answer or '').strip()}")
    elif outcome == FURTHER_ACTION:
        lines.append("The answer was not readily available on the call: the enquiry has been passed on for further "
                     "action, and your office will receive a reply.")
    else:
        team = f"the {region_name} regional team" if region_name else "the regional team"
        lines.append(f"The enquiry has been sent as urgent to {team}, who will contact your office.")
    lines.append("")
    if third_party:
        lines += ["As the enquiry was made on behalf of someone other than the applicant, this confirms only the "
                  "limited factual information that may be disclosed to a third party.", ""]
    lines += [f"Please quote {record.reference} in any further contact about this enquiry.", "",
              "Yours sincerely,", agent_name, "MPs' Enquiry Line"]
    return "\n".join(lines)


def confirmation_sent_text(to_name: str, at: datetime) -> str:
    local = at.astimezone(LONDON)
    return f"written confirmation to {to_name} queued at {local:%H:%M}"
