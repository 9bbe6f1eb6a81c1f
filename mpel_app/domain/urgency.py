"""Urgent calls: is a removal imminent, and where does the call go at this time of day (domain-rules §4).

- Imminent removal: removal within 72 hours of the call (exactly 72 hours counts).
- Imminent-removal calls received 16:00-17:00 on a working day go to the evening
  duty region; at or after 17:00, before 09:00, or on a non-working day they are
  for OSCU's out-of-hours service. Everything else goes to its own region.
- Compassionate cases are urgent but always go to their own region.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from .calendar import LONDON, region_calendar

IMMINENT_WINDOW = timedelta(hours=72)
DUTY_FROM = time(16, 0)
OUT_OF_HOURS_FROM = time(17, 0)
DAY_STARTS = time(9, 0)

Destination = Literal["region", "duty_region", "oscu"]


@dataclass(frozen=True)
class UrgentRouting:
    imminent_removal: bool
    urgent: bool
    destination: Destination

    @property
    def barrier_to_removal(self) -> bool:
        """An MP's intervention in an imminent removal defers it until the MP has a reply [CORR 2.2]."""
        return self.imminent_removal


def route_urgent_call(received_at: datetime, *, removal_at: datetime | None,
                      compassionate: bool) -> UrgentRouting:
    if received_at.tzinfo is None or (removal_at is not None and removal_at.tzinfo is None):
        raise ValueError("times must be timezone-aware")
    if removal_at is not None and removal_at < received_at:
        raise ValueError("the removal time is before the call: check the date and time of removal")
    imminent = removal_at is not None and removal_at - received_at <= IMMINENT_WINDOW
    return UrgentRouting(imminent_removal=imminent, urgent=imminent or compassionate,
                         destination=_destination(received_at) if imminent else "region")


def _destination(received_at: datetime) -> Destination:
    local = received_at.astimezone(LONDON)
    # The rota and OSCU's hours follow the Enquiry Line's own (England & Wales) calendar.
    if not region_calendar("MPH").is_working_day(local.date()):
        return "oscu"
    clock = local.time()
    if clock >= OUT_OF_HOURS_FROM or clock < DAY_STARTS:
        return "oscu"
    if clock >= DUTY_FROM:
        return "duty_region"
    return "region"
