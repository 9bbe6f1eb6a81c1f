"""How an audit entry's changes read to a person: 'Status: Open → Answered; Region: LSE'.

Used by the record window's trail and by a refused save ("changed by someone
else since you opened it: who changed what").  Personal data in the trail
is named but not shown for a record whose passcode was never verified
(domain-rules §5).
"""
from __future__ import annotations

from datetime import date, datetime

from ..domain.errors import ConflictingChange, StaleRecord
from ..domain.records import EnquiryStatus
from ..reports.record_sections import format_date, yes_no
from .models import STATUS_LABELS, format_received

# Long free text is cut short in the trail's table; the record shows it whole.
_AUDIT_TEXT = 80
# Fields of the trail that carry personal data or case content (domain-rules §5).
_PERSONAL_FIELDS = frozenset({"subject_name", "subject_dob", "nationality", "ho_reference", "cts_reference",
                              "question", "answer", "response", "reason"})

_FIELD_NAMES = {
    "subject_name": "Subject name", "subject_dob": "Date of birth", "ho_reference": "Home Office reference",
    "cts_reference": "CTS reference", "region_code": "Region", "member_id": "Member",
    "caller_kind": "Caller kind", "caller_name": "Caller name", "constituency_mp": "Constituency MP",
    "authorised_representative": "Authorised representative", "third_party": "Third party",
    "identity_confirmed": "Identity confirmed", "written_confirmation": "Written confirmation requested",
    "acknowledged_at": "Acknowledged", "due_date": "Response due", "file_needed": "File needed",
    "answer": "Answer given",
}


def _audit_value(key: str, value: object, members: dict[int, str]) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return yes_no(value)
    if key == "member_id" and isinstance(value, int):
        return members.get(value, f"member no. {value}")
    if key == "status":
        try:
            return STATUS_LABELS[EnquiryStatus(value)]
        except ValueError:
            return str(value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        # Dates and instants are stored as ISO text in the trail.
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            return format_received(datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text if len(text) <= _AUDIT_TEXT else text[:_AUDIT_TEXT - 1] + "…"


def describe_changes(changes: dict, *, members: dict[int, str] | None = None, withhold: bool = False) -> str:
    """'Status: Open → Answered; Region: LSE' from an audit entry's changes.

    ``withhold`` names the fields that changed but not their values: for a
    record whose passcode is not verified, the trail must not show what the
    record itself withholds.
    """
    members = members or {}
    parts = []
    for key, value in changes.items():
        name = field_name(key)
        if withhold and key in _PERSONAL_FIELDS:
            parts.append(f"{name} (withheld)")
        elif isinstance(value, list) and len(value) == 2:
            parts.append(f"{name}: {_audit_value(key, value[0], members)} → {_audit_value(key, value[1], members)}")
        else:
            parts.append(f"{name}: {_audit_value(key, value, members)}")
    return "; ".join(parts)


def field_name(key: str) -> str:
    """How a person names a field of the trail: 'Subject name' for subject_name."""
    return _FIELD_NAMES.get(key, key.replace("_", " ").capitalize())


def describe_conflict(change: ConflictingChange, *, members: dict[int, str] | None = None) -> str:
    """'23 Nov 2026 10:19 · Carla Agent (agent) · details updated: Question: (blank) → Where…'."""
    shown = {f.field: ([f.old, f.new] if f.old_known else f.new) for f in change.fields if not f.withheld}
    parts = [describe_changes(shown, members=members)] if shown else []
    parts += [f"{field_name(f.field)} (withheld)" for f in change.fields if f.withheld]
    return f"{format_received(change.at)} · {change.who} · {change.action}" + (
        f": {'; '.join(parts)}" if parts else "")


def conflict_text(stale: StaleRecord, *, members: dict[int, str] | None = None) -> str:
    """What a refused save tells the person: not saved, who changed what since they opened the record."""
    lines = [f"Not saved: {stale.reference or 'the record'} was changed by someone else since you opened it."]
    lines += [f"• {describe_conflict(c, members=members)}" for c in stale.changes]
    if not stale.changes:
        lines.append("• The audit trail does not say what changed: reload to see the record as it is now.")
    lines.append("What you typed is still here. Reload to bring in their change (your text stays where you "
                 "typed), then save again.")
    return "\n".join(lines)
