"""The audit trail's names for reads, and for changes to many records at once, in one place.

The trail records reads as well as changes (a record viewed, printed,
exported).  Services write these names; the change announcer (``db.changes``)
must not treat them as changes, or desks showing the same record would
refresh each other for ever.  Both import them from here.
"""
from __future__ import annotations

VIEWED = "viewed"
VIEWED_IN_AUDIT = "viewed in the audit trail"
PRINTED = "printed"
EXPORTED = "exported"
# A search or list shown: what was looked for and which records it showed (issue #13, "searches are disclosures").
SEARCHED = "searched"
# A record's history shown with its values (old and new names, dates of birth...).
HISTORY_VIEWED = "history viewed"
VIEW_ACTIONS = frozenset({VIEWED, VIEWED_IN_AUDIT, SEARCHED, HISTORY_VIEWED})
READ_ACTIONS = VIEW_ACTIONS | {PRINTED, EXPORTED}

# Rows that change many records at once (issue 17), written under an entity of their own rather than one row
# per record: an erasure ("person") and a retention run ("retention").  The change announcer treats them as
# changes to every enquiry and letter, so other desks stop showing the erased values.
PERSON = "person"
ERASED = "erased"
RETENTION = "retention"
ANONYMISED_PAST_RETENTION = "records anonymised past retention"
