"""The injectable clock: rules never ask the system for the time themselves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stands still until told to move: for tests and demos."""

    def __init__(self, at: datetime):
        self._at = _aware_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware_utc(at)

    def advance(self, **kwargs: float) -> None:
        self._at += timedelta(**kwargs)


def _aware_utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    return at.astimezone(timezone.utc)
