"""Urgent calls: is a removal imminent, and where does the call go at this time of day (domain-rules §4).

- Imminent removal: removal within 72 hours of the call (exactly 72 hours counts).
- Imminent-removal calls received 16:00-17:00 on a working day go to the evening
  duty region; at or after 17:00, before 09:00, or on a non-working day they are
  for OSCU's out-of-hours service. Everything else goes to its own region.
- Compassionate cases are urgent but always go to their own region.
- A closure day the administrators recorded is a non-working day like a bank holiday.

"Within 72 hours" is measured between instants (UTC), not London wall-clock times: across the
clock change a removal 71 h 15 min away is 71 h 15 min away whatever the clocks on the wall say.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
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


def route_urgent_call(received_at: datetime, *, removal_at: datetime | None, compassionate: bool,
                      closures: Iterable[date] = ()) -> UrgentRouting:
    """Where an urgent call goes; ``closures``: the Enquiry Line's closure days (its calendar's, and ALL)."""
    if received_at.tzinfo is None or (removal_at is not None and removal_at.tzinfo is None):
        raise ValueError("times must be timezone-aware")
    # Subtracting two datetimes with the same tzinfo object compares wall-clock times: convert first.
    received_utc = received_at.astimezone(timezone.utc)
    removal_utc = removal_at.astimezone(timezone.utc) if removal_at is not None else None
    if removal_utc is not None and removal_utc < received_utc:
        raise ValueError("the removal time is before the call: check the date and time of removal")
    imminent = removal_utc is not None and removal_utc - received_utc <= IMMINENT_WINDOW
    return UrgentRouting(imminent_removal=imminent, urgent=imminent or compassionate,
                         destination=_destination(received_at, closures) if imminent else "region")


def note_region_code(destination: Destination, *, duty_region: str | None, region_code: str | None,
                     member_region: str | None) -> str | None:
    """Which region's inbox an urgent call note goes to: tonight's duty region for a call of the duty hour
    (the member's own region when nobody is on the rota); otherwise, OSCU's calls included (the note goes
    there for the morning), the region the enquiry is with or, by default, the member's.  None: not known yet."""
    if destination == "duty_region" and duty_region:
        return duty_region
    return region_code or member_region or None


def _destination(received_at: datetime, closures: Iterable[date]) -> Destination:
    local = received_at.astimezone(LONDON)
    # The rota and OSCU's hours follow the Enquiry Line's own (England & Wales) calendar.
    if not region_calendar("MPH", closures).is_working_day(local.date()):
        return "oscu"
    clock = local.time()
    if clock >= OUT_OF_HOURS_FROM or clock < DAY_STARTS:
        return "oscu"
    if clock >= DUTY_FROM:
        return "duty_region"
    return "region"
