"""Linking letters from several MPs about one person [CORR 2.6]: MPCS links, unlinks, corrects the facts.

The rules, and the decisions the guidance leaves open (what a copy letter
does in the lifecycle, what is refused), are ``domain.correspondence.links``.
Here they are applied with every letter of the groups concerned locked
(``_lock_groups``), and every letter whose group changes is audited in the
same transaction.  ``register`` links a new letter through ``_join`` too.

Every letter of a group points at the group's first letter (the lowest id),
that letter included; a group left with one letter is no group.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Letter
from ...domain.correspondence import (GroupLetter, GroupPlan, check_link, check_may_link, check_regroup,
                                      check_unlink)
from ...domain.errors import NotFound, PermissionDenied, ValidationError
from ...domain.letter_records import LetterRecord
from ...domain.records import UserRecord
from ...domain.text import clean_text, normalise_reference
from ...domain.values import as_flag
from .base import Case, LetterUseCases, group_letter

LINKED = "linked with another MP's letter about the same person"
UNLINKED = "unlinked from the other MPs' letters"


class LetterGroups(LetterUseCases):

    def link_letters(self, actor: UserRecord, letter_id: int, other_reference: str, *,
                     constituency_mp: bool | None = None, different_points: bool | None = None,
                     expected_version: int | None = None) -> LetterRecord:
        """The letter joins the group of ``other_reference``, another MP's letter about the same person.

        ``constituency_mp`` and ``different_points``, when given, correct this
        letter's facts in the same change (the usual reason a link is refused
        is two letters marked as from the constituency MP).
        """
        self._require_linker(actor)
        ref = link_reference(other_reference, field="other_reference")
        if not ref:
            raise ValidationError("other_reference: give the CTS reference of the other MP's letter")
        with self._uow() as s:
            other_id = s.scalar(select(Letter.id).where(Letter.cts_reference == ref))
            self._lock_groups(s, [letter_id, other_id])
            c = self._opened(s, actor, self._get(s, letter_id), expected_version)
            other = self._link_target(s, actor, ref, other_id, field="other_reference")
            before = _facts_of(c.letter)
            _set_facts(c.letter, constituency_mp, different_points)
            self._join(s, actor, c.letter, other, field="other_reference", facts_before=before)
            return self._record(s, actor, c.letter)

    def unlink_letter(self, actor: UserRecord, letter_id: int, *,
                      expected_version: int | None = None) -> LetterRecord:
        """Take the letter out of its group (linked by mistake); the others stay linked if two or more remain."""
        with self._in_group(actor, letter_id, expected_version) as (s, c, rows, facts):
            e = c.letter
            mine = next((f for f in facts if f.reference == e.cts_reference), group_letter(e, c.handlers))
            plan = check_unlink(mine, facts)
            rest = [r for r in rows if r.id != e.id]
            head = rest[0].id if len(rest) > 1 else None
            e.link_group_id = None
            for r in rest:
                r.link_group_id = head
            left = [r.cts_reference for r in rest]
            self._audit(s, actor, e, UNLINKED, {"unlinked_from": left})
            for r in rest:
                self._audit(s, actor, r, "another MP's letter unlinked from the group",
                            {"unlinked": e.cts_reference, "group": left if head else None, **_plan_changes(plan)})
            return self._record(s, actor, e)

    def set_link_facts(self, actor: UserRecord, letter_id: int, *, constituency_mp: bool | None = None,
                       different_points: bool | None = None, expected_version: int | None = None) -> LetterRecord:
        """Correct whether the writer is the person's constituency MP, and whether they raised points of their own.

        Checked against the letter's group, if it has one: one constituency MP
        at most, and no dispatched reply changed [CORR 2.6].
        """
        with self._in_group(actor, letter_id, expected_version) as (s, c, rows, before_facts):
            e = c.letter
            before = _facts_of(e)
            _set_facts(e, constituency_mp, different_points)
            changes = {k: [before[k], v] for k, v in _facts_of(e).items() if before[k] != v}
            if changes:
                plan = check_regroup(before_facts, self._group_facts(s, rows)) if rows else None
                self._audit(s, actor, e, "writer's facts corrected (several MPs)", {**changes, **_plan_changes(plan)})
            return self._record(s, actor, e)

    # ------------------------------------------------------------ helpers

    @contextmanager
    def _in_group(self, actor: UserRecord, letter_id: int, expected_version: int | None
                  ) -> Iterator[tuple[Session, Case, list[Letter], list[GroupLetter]]]:
        """A linker's transaction on one letter: it and its group locked; the group's rows and facts as they were."""
        self._require_linker(actor)
        with self._uow() as s:
            self._lock_groups(s, [letter_id])
            c = self._opened(s, actor, self._get(s, letter_id), expected_version)
            rows = self._group_rows(s, c.letter)
            yield s, c, rows, self._group_facts(s, rows)

    @staticmethod
    def _require_linker(actor: UserRecord) -> None:
        if not actor.active:
            raise PermissionDenied(f"{actor.full_name} ({actor.username}) is not an active user")
        check_may_link(actor.roles)

    def _link_target(self, s: Session, actor: UserRecord, reference: str, letter_id: int | None, *,
                     field: str) -> Letter:
        """The letter to link with; "no letter" alike when there is none and when the actor may not see it."""
        letter = s.get(Letter, letter_id) if letter_id is not None else None
        if letter is None or not self._may_see(actor, letter, self._handlers(s, [letter.id])[letter.id]):
            raise NotFound(f"{field}: there is no letter {reference}")
        return letter

    def _join(self, s: Session, actor: UserRecord, letter: Letter, other: Letter, *, field: str,
              facts_before: dict[str, bool] | None = None) -> GroupPlan | None:
        """``letter`` joins ``other``'s group (both locked with their groups); checked, applied, audited."""
        letter_rows = self._group_rows(s, letter)
        other_rows = self._group_rows(s, other) or [other]
        everyone = {e.id: e for e in (*letter_rows, *other_rows, letter)}
        handlers = self._handlers(s, everyone)
        facts = {i: group_letter(e, handlers[i]) for i, e in everyone.items()}
        plan = check_link(facts[letter.id], [facts[e.id] for e in letter_rows], facts[other.id],
                          [facts[e.id] for e in other_rows], field=field)
        members = sorted([*other_rows, letter], key=lambda e: e.id)
        head = members[0]
        moved = {e.id: e.link_group_id for e in members if e.link_group_id != head.id}
        for e in members:
            e.link_group_id = head.id
        group = [e.cts_reference for e in members]
        shared = {"group": group, **_plan_changes(plan)}
        mine = {k: [facts_before[k], v] for k, v in _facts_of(letter).items()
                if facts_before is not None and facts_before[k] != v}
        self._audit(s, actor, letter, LINKED, {"linked_with": other.cts_reference, **mine, **shared})
        self._audit(s, actor, other, LINKED, {"linked_with": letter.cts_reference, **shared})
        for e in members:
            if e.id in moved and e.id not in (letter.id, other.id):
                # An older letter joined: the group is now known by it, so the rest point at it.
                self._audit(s, actor, e, "group's first letter changed", {"joined": letter.cts_reference, **shared})
        return plan


def link_reference(text: str, *, field: str) -> str:
    """A CTS reference as typed ('b 123/26' too), or '' when none was given."""
    return normalise_reference(clean_text(text, field=field, max_length=40))


def _facts_of(e: Letter) -> dict[str, bool]:
    return {"constituency_mp": e.constituency_mp, "different_points": e.different_points}


def _set_facts(e: Letter, constituency_mp: bool | None, different_points: bool | None) -> None:
    if constituency_mp is not None:
        if as_flag(constituency_mp, field="constituency_mp") and not is_mp(e.member.kind):
            raise ValidationError(f"constituency_mp: {e.member.name} is not an MP (a {e.member.kind}), so cannot be "
                                  "the person's constituency MP")
        e.constituency_mp = constituency_mp
    if different_points is not None:
        e.different_points = as_flag(different_points, field="different_points")


def is_mp(member_kind: str) -> bool:
    """Only a sitting MP has constituents to be the constituency MP of [CORR 2.6]."""
    return member_kind.strip().upper() == "MP"


def _plan_changes(plan: GroupPlan | None) -> dict[str, list[str] | None]:
    """The group's reply plan as the audit trail keeps it, by CTS reference."""
    if plan is None:
        return {"substantive_replies": None, "copies": None}
    return {"substantive_replies": [r for r in plan.roles if r not in plan.copies], "copies": list(plan.copies)}
