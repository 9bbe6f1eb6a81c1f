"""The call note MPEL emails to a regional inbox: its subject line and readable text body.

domain-rules §4: compassionate cases carry URGENT at the start of the subject;
imminent removals carry "URGENT – IMMINENT REMOVAL" and the removal time.
"""
from __future__ import annotations

from datetime import datetime

from .calendar import LONDON
from .records import EnquiryRecord


def _when(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%a %d %b %Y %H:%M").replace(" 0", " ")


def call_note_subject(reference: str, *, imminent_removal: bool, compassionate: bool,
                      removal_at: datetime | None) -> str:
    tail = f"{reference} – call note from the MPs' Enquiry Line"
    if imminent_removal:
        return f"URGENT – IMMINENT REMOVAL {_when(removal_at)} – {tail}"
    if compassionate:
        return f"URGENT – {tail}"
    return tail


def call_note_body(record: EnquiryRecord, *, region_name: str, removal_at: datetime | None,
                   imminent_removal: bool, compassionate: bool) -> str:
    """Plain text a regional team can act on without opening the attachment."""
    member = record.member.display_name if record.member else "—"
    lines = [f"Call note {record.reference} for {region_name}", ""]
    if imminent_removal:
        lines += [f"URGENT: IMMINENT REMOVAL at {_when(removal_at)} (UK time).",
                  "The MP's intervention is a barrier to removal: please ask for written "
                  "representations and acknowledge this email as soon as possible.", ""]
    elif compassionate:
        lines += ["URGENT: compelling or compassionate case. Please set its priority, ask the MP's "
                  "office for the evidence, and acknowledge this email as soon as possible.", ""]
    lines += [f"Received at MPEL: {_when(record.received_at)} by {record.channel.value}",
              f"Member: {member}" + (f" ({record.member.constituency})" if record.member else ""),
              f"Office telephone: {record.member.office_phone if record.member else '—'}",
              f"Caller: {record.caller_name or member}"]
    if record.subject is not None:
        s = record.subject
        dob = s.date_of_birth.strftime("%d %B %Y").lstrip("0") if s.date_of_birth else "—"
        lines += ["", f"Subject: {s.name or '—'}", f"Date of birth: {dob}", f"Nationality: {s.nationality or '—'}",
                  f"Home Office reference: {s.ho_reference or '—'}", f"CTS reference: {s.cts_reference or '—'}",
                  "", "Question:", record.question or "—", "", "Answer given by MPEL:", record.answer or "—"]
    if record.due_date:
        lines += ["", f"Response due to the MP's office by {record.due_date:%A %d %B %Y}."]
    lines += ["", "The printed call record is attached."]
    return "\n".join(lines)
