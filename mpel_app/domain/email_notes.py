"""The wording and flags of the e-mails the desk sends about e-mail and fax enquiries.

* ``regional_subject`` / ``regional_body`` / ``priority_headers``: the note to
  a regional inbox that an e-mail or fax enquiry is theirs.  A compelling or
  compassionate case has "URGENT" in the subject *and* the message flagged
  (``Importance: high``, ``X-Priority: 1``), as the guidance asks (domain-rules §4).
* ``reply_subject`` / ``threading_headers``: the reply to the MP's office,
  threaded to their message (``In-Reply-To``, ``References``) so it lands in
  the same conversation, with the CTS reference in the subject so an answer
  to it is checked in against the same enquiry.
"""
from __future__ import annotations

from datetime import datetime

from .calendar import LONDON

URGENT_PREFIX = "URGENT – "


def _when(at: datetime | None) -> str:
    return at.astimezone(LONDON).strftime("%d/%m/%Y %H:%M") if at else "—"


def regional_subject(*, channel: str, reference: str, cts_reference: str, member_name: str,
                     compassionate: bool) -> str:
    what = "Fax" if channel == "fax" else "E-mail"
    refs = f"{cts_reference} ({reference})" if cts_reference else reference
    tail = f"{what} enquiry {refs} from {member_name or 'an unmatched sender'} – MPs' Enquiry Line"
    return URGENT_PREFIX + tail if compassionate else tail


def priority_headers(compassionate: bool) -> dict[str, str]:
    return {"Importance": "high", "X-Priority": "1", "Priority": "urgent"} if compassionate else {}


def regional_body(*, channel: str, reference: str, cts_reference: str, region_name: str, member_name: str,
                  sender: str, subject: str, received_at: datetime, text: str, compassionate: bool,
                  due_text: str, attachments: list[str]) -> str:
    lines = [f"{'Fax' if channel == 'fax' else 'E-mail'} enquiry {reference} for {region_name}", ""]
    if compassionate:
        lines += ["URGENT: compelling or compassionate case. Please set its priority, ask the MP's office for "
                  "the evidence, and acknowledge this e-mail as soon as possible.", ""]
    if cts_reference:
        lines.append(f"CTS reference: {cts_reference}")
    lines += [f"Received at MPEL: {_when(received_at)}", f"Member: {member_name or '— (sender not matched)'}",
              f"From: {sender}", f"Subject: {subject}", f"Response due: {due_text}"]
    if attachments:
        lines.append("Attached: " + ", ".join(attachments))
    lines += ["", "The message as received (text only; any HTML was not rendered):", "", text or "(no text)"]
    if channel == "fax":
        lines += ["", "Please acknowledge receipt to the MP's office and decide whether the file is needed."]
    return "\n".join(lines)


def reply_subject(original_subject: str, cts_reference: str) -> str:
    subject = " ".join((original_subject or "").split())
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}" if subject else "Re: your enquiry"
    if cts_reference and cts_reference not in subject:
        subject = f"{subject} [{cts_reference}]"
    return subject[:400]


def threading_headers(message_id: str, references: str) -> dict[str, str]:
    """In-Reply-To the MP's message; References its references followed by it (RFC 5322 §3.6.4)."""
    message_id = (message_id or "").strip()
    if not message_id:
        return {}
    chain = " ".join([*(references or "").split(), message_id][-20:])  # a long thread is cut, keeping the newest
    return {"In-Reply-To": message_id, "References": chain}
