"""Which values in an audit entry are a subject's personal data, in one place.

The services withhold them from people who may not see them (services/audit.py)
and, on the shared PostgreSQL database, the desk's view of the audit log masks
them for logins that may not (db/pg_private.py): both read these names.
"""
from __future__ import annotations

# Shown in place of a value a person may not see.
WITHHELD = "withheld: passcode not verified"
WITHHELD_PLAIN = "withheld"

# Field (as in the trail's changes) -> how a person names it.
ENQUIRY_PERSONAL_FIELDS: dict[str, str] = {
    "subject_name": "subject's name", "subject_dob": "date of birth", "nationality": "nationality",
    "ho_reference": "Home Office reference", "cts_reference": "CTS reference", "question": "question",
    "answer": "answer", "response": "response", "removal_at": "removal date and time",
}
LETTER_PERSONAL_FIELDS: dict[str, str] = {
    "subject_name": "subject's name", "constituent_name": "constituent's name",
    "ho_reference": "Home Office reference", "issue": "issue", "question": "question", "draft": "draft reply",
    "background": "background note", "staff_member": "staff member's name",
}
# What a person typed into a search (a name, a reference): kept as a value of the "searched" row.
SEARCH_TEXT = "text"
