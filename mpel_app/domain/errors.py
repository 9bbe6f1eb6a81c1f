"""Errors the rules and services raise; each carries a message fit to show a person."""
from __future__ import annotations


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


class StaleRecord(MpelError):
    """Someone else saved the record since it was read."""


class AuthenticationFailed(MpelError):
    pass
