"""An enquiry's editable details as a form holds them, and what a reload after a refused save says.

Shared by the two places that save details against the version they loaded
(the call screen and the record window's "Edit details"): both read and
fill their fields under these names, merge with ``domain.edits`` when
someone else saved first, and tell the person the same way what happened.
"""
from __future__ import annotations

from ..domain.edits import Merged
from ..domain.enquiry_flow import EDITABLE
from ..domain.records import EnquiryRecord

# Field -> how a person names it.  The date of birth is text as typed (dd/mm/yyyy).
DETAIL_NAMES = {
    "subject_name": "Subject name", "dob": "Date of birth", "nationality": "Nationality",
    "ho_reference": "Home Office reference", "cts_reference": "CTS reference", "question": "Question",
    "answer": "Answer given", "written_confirmation": "Written confirmation requested",
}
_WHOLE_TEXT = 600  # a clash shows the other person's text whole (up to a long paragraph), to merge by hand


def detail_values(record: EnquiryRecord) -> dict[str, object]:
    """The record's details under ``DETAIL_NAMES``' keys, as the form shows them."""
    subject = record.subject
    dob = subject.date_of_birth if subject else None
    return {"subject_name": subject.name if subject else "", "dob": dob.strftime("%d/%m/%Y") if dob else "",
            "nationality": subject.nationality if subject else "",
            "ho_reference": subject.ho_reference if subject else "",
            "cts_reference": subject.cts_reference if subject else "", "question": record.question or "",
            "answer": record.answer or "", "written_confirmation": record.written_confirmation}


def editable(record: EnquiryRecord | None) -> bool:
    """Whether the details of ``record`` may still be changed (the service checks again)."""
    return (record is not None and not record.deleted and record.passcode_verified
            and record.status in EDITABLE)


def reload_message(reference: str, base: dict[str, object], theirs: dict[str, object], merged: Merged) -> str:
    """After a reload under the person's typing: whose value each changed field now shows."""
    taken = [DETAIL_NAMES[k] for k, v in theirs.items() if v != base.get(k) and k not in merged.kept_mine]
    lines = [f"Reloaded {reference}." + (f" Their change is in the form: {', '.join(taken)}." if taken else "")]
    kept = [DETAIL_NAMES[k] for k in merged.kept_mine if k not in merged.clashes]
    if kept:
        lines.append(f"Your text is kept in: {', '.join(kept)}.")
    for key in merged.clashes:
        lines.append(f"You both changed {DETAIL_NAMES[key]}: yours is in the form; theirs is: “{_whole(theirs[key])}”")
    lines.append("Check it, then save (Ctrl+S).")
    return "\n".join(lines)


def _whole(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    text = str(value or "").strip() or "(blank)"
    return text if len(text) <= _WHOLE_TEXT else text[:_WHOLE_TEXT - 1] + "…"
