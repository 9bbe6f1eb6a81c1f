"""Steering the duty board (``ui.steer``): its columns' sort keys and what its filter looks at.

Kept out of ``ui.duty_view`` so the board's own code stays about the board.
Every line of the board is urgent and waiting, so its "status" is the kind of
urgency: an imminent removal, or a compelling / compassionate case.
"""
from __future__ import annotations

from ..domain.queue_filter import FilterFields
from ..domain.records import UrgentItem
from .duty_view import (CALLS, COLUMNS, DESTINATION, DESTINATIONS, ESCALATED, MEMBER, RECEIVED, REFERENCE, REGION,
                        SUBJECT, TIME_LEFT)
from .steer import SteerSpec

IMMINENT, COMPASSIONATE = "Imminent removal", "Compassionate"


def _sort_key(item: UrgentItem, heading: str):
    column = COLUMNS.index(heading)
    if column == RECEIVED:
        return item.received_at
    if column == TIME_LEFT:
        return item.removal_at if item.imminent_removal else None
    if column == ESCALATED:
        return item.escalated_at
    if column == CALLS:
        return len(item.contacts)
    text = {REFERENCE: item.reference, MEMBER: item.member_name, SUBJECT: item.subject_name,
            REGION: item.region_code or "", DESTINATION: DESTINATIONS.get(item.destination or "region", "")}
    return (text.get(column) or "").casefold()


def _fields(item: UrgentItem) -> FilterFields:
    return FilterFields(status=IMMINENT if item.imminent_removal else COMPASSIONATE, region=item.region_code,
                        member=item.member_name, received_at=item.received_at,
                        texts=(item.reference, item.subject_name, *(c.spoken_to for c in item.contacts)))


DUTY_SPEC = SteerSpec(columns=COLUMNS, sort_key=_sort_key, fields=_fields, statuses=(IMMINENT, COMPASSIONATE))
