"""Errors the rules and services raise; each carries a message fit to show a person.

``StaleRecord`` also carries what changed: the audited changes others saved
after the version the person loaded, so a screen can show who changed what
(and a message alone still says it, for screens that show only the message).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class MpelError(Exception):
    """Base of every error a person may be shown."""


class ValidationError(MpelError, ValueError):
    """Input that breaks a rule; nothing was changed."""


class PermissionDenied(MpelError):
    """The acting user's roles do not allow the action."""


class NotFound(MpelError):
    pass


class PasscodeRequired(MpelError):
    """Personal data or case content was asked for before the passcode was verified."""


class InvalidTransition(MpelError):
    """The record is not in a state that allows the action."""


@dataclass(frozen=True)
class FieldChange:
    """One field of an audited change. ``old_known`` is False where the trail kept only the new value."""

    field: str
    old: object
    new: object
    old_known: bool = True
    withheld: bool = False  # personal data of a record whose passcode is not verified: name only

    @classmethod
    def from_audit(cls, field: str, value: object, *, withheld: bool = False) -> FieldChange:
        """From an audit entry's ``changes`` item: ``[old, new]`` or just the new value."""
        if withheld:
            return cls(field, None, None, old_known=False, withheld=True)
        if isinstance(value, list) and len(value) == 2:
            return cls(field, value[0], value[1])
        return cls(field, None, value, old_known=False)


@dataclass(frozen=True)
class ConflictingChange:
    """A change someone else saved after the version the person loaded: who, when, what."""

    at: datetime
    username: str
    full_name: str
    action: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def who(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def as_audit_changes(self) -> dict[str, object]:
        """The fields in the audit trail's shape (``field: [old, new]`` or ``field: new``)."""
        return {f.field: ([f.old, f.new] if f.old_known else f.new) for f in self.fields}


class StaleRecord(MpelError):
    """Someone else saved the record since it was read.

    ``reference`` names the record; ``changes`` are the audited changes saved
    since the version the person loaded, oldest first (empty when the trail
    does not say, e.g. a record changed outside the desk).
    """

    def __init__(self, message: str, *, reference: str = "", changes: tuple[ConflictingChange, ...] = ()):
        super().__init__(message)
        self.reference = reference
        self.changes = tuple(changes)


class AuthenticationFailed(MpelError):
    pass
