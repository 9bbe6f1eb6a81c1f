"""What the lifecycle-stage modules of MPs' letters share: labels, limits and the first permission check.

Split out of ``services/correspondence.py`` so that each stage (registration,
allocation, drafting, signing, elections) is a small module of its own.
"""
from __future__ import annotations

from ...domain.correspondence import LetterAction, LetterFacts, LetterKind, LetterState, check, roles_for
from ...domain.errors import PermissionDenied, ValidationError
from ...domain.records import UserRecord

A = LetterAction
S = LetterState
MAX_TEXT = 10_000
ACTIONS_LABEL = {a: a.label for a in LetterAction}


def letter_kind(value: LetterKind | str) -> LetterKind:
    try:
        return LetterKind(value)
    except ValueError:
        raise ValidationError("kind must be 'ministerial' or 'official'") from None


def require_role(actor: UserRecord, action: LetterAction, facts: LetterFacts) -> None:
    """Permission first, before any input is looked at; the domain words the refusal."""
    if not actor.active:
        raise PermissionDenied(f"{actor.full_name} ({actor.username}) is not an active user")
    if not {str(r) for r in actor.roles} & roles_for(action, facts):
        check(action, state=None, actor_roles=actor.roles, actor_grade=actor.grade, facts=facts)


def file_stem(reference: str) -> str:
    return reference.replace("/", "-")
