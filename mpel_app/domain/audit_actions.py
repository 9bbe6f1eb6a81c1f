"""The audit trail's names for reads, in one place.

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
