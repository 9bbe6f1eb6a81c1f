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
VIEW_ACTIONS = frozenset({VIEWED, VIEWED_IN_AUDIT})
READ_ACTIONS = VIEW_ACTIONS | {PRINTED, EXPORTED}
