"""Several MPs writing about one person, their letters linked in a group [CORR 2.6]: the rules, no database.

MPCS links the letters (at registration, or later).  ``group_plan`` says,
letter by letter, who gets the substantive reply and who a copy of it with a
short covering note, deciding with ``special_cases.multiple_mps_plan``;
``check_link``, ``check_unlink`` and ``check_regroup`` refuse what would make
a group wrong; ``check_copy_dispatch`` and ``check_reply_template`` keep a
copy letter's reply in step with the reply it copies.

*Decisions* where the guidance leaves it open:

- **A copy letter's lifecycle.**  The letter that gets a copy goes through the
  lifecycle like any other (allocation, a case owner, QA, signature), so it
  stays on the workstacks with its own deadlines.  Its reply is the short
  covering note (template ``copy_covering_note``) sent with a copy of the lead
  letter's reply, so it is dispatched only after that reply has gone, and its
  dispatch records that a copy of the lead's reply was sent.  The lead's reply
  lists the copies ("cc").  One state machine, no second path to keep right.
- **Different points, letter by letter.**  ``different_points`` marks an MP
  who raised points of their own: that letter gets a substantive reply of its
  own.  The other letters share one substantive reply (the constituency MP's,
  else the first writer's) and copies of it.  With every letter marked, each
  MP gets a substantive reply, as ``multiple_mps_plan`` says.
- **Cancelled letters** stay listed in the group but drop out of the plan.
- **What is refused**: a letter linked to itself or to a cancelled letter;
  two constituency MPs in one group; the same Member twice (a second letter
  from one MP is a chaser, not another MP); a letter already in another group
  (unlink it first); and any change that would alter the reply of a letter
  already dispatched (what was sent stands).
- **Restricted letters** [CORR 2.5] link only with restricted letters that
  have exactly the same named handlers: then everyone who can see one letter
  of a group can see all of them, and no group listing, plan or "cc" line can
  tell anyone of a letter they may not see.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..errors import InvalidTransition, PermissionDenied, ValidationError
from ..records import Role
from .special_cases import MultipleMpPlan, WritingMp, multiple_mps_plan
from .states import TERMINAL_STATES, LetterState

LINKING_ROLES = frozenset({Role.MPCS_ALLOCATOR.value})
# The covering note a copy letter's MP gets with the copy (``reports.letters.COVERING_NOTES``).
TEMPLATE_COPY_COVERING_NOTE = "copy_covering_note"


class ReplyRole(StrEnum):
    SUBSTANTIVE = "substantive"  # a reply of its own
    COPY = "copy"  # a copy of the lead letter's reply with a short covering note

    @property
    def label(self) -> str:
        return {ReplyRole.SUBSTANTIVE: "Substantive reply",
                ReplyRole.COPY: "Copy of the reply, with a covering note"}[self]


@dataclass(frozen=True, kw_only=True)
class LetterInGroup:
    """One letter of a group: its writer, how far it has gone, and the two facts MPCS records about the writer."""

    reference: str
    member_name: str  # as shown, e.g. "Rt Hon Jane Smith MP"
    state: LetterState
    constituency_mp: bool = False
    different_points: bool = False


@dataclass(frozen=True, kw_only=True)
class GroupLetter(LetterInGroup):
    """What the rules need to know about one letter of a group."""

    member_id: int
    written_on: date | None = None  # the date of the Member's letter
    restricted: bool = False
    named_handlers: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "state", LetterState(self.state))
        object.__setattr__(self, "named_handlers", frozenset(h.strip().casefold() for h in self.named_handlers))


@dataclass(frozen=True)
class GroupPlan:
    """Who gets what, by Member (``plan``) and by letter (``roles``, keyed by CTS reference)."""

    plan: MultipleMpPlan  # names, as multiple_mps_plan words it
    roles: Mapping[str, ReplyRole]  # every letter in the plan (not the cancelled ones)
    lead: str | None  # the letter whose reply the copies copy; None when nobody gets a copy

    def role_of(self, reference: str) -> ReplyRole:
        return self.roles.get(reference, ReplyRole.SUBSTANTIVE)

    @property
    def copies(self) -> tuple[str, ...]:
        return tuple(r for r, role in self.roles.items() if role is ReplyRole.COPY)


def check_may_link(actor_roles: Iterable[Role | str]) -> None:
    """Linking and unlinking letters is MPCS's [CORR 2.6]."""
    if not {str(r) for r in actor_roles} & LINKING_ROLES:
        raise PermissionDenied("only an MPCS allocator may link or unlink letters from several MPs [CORR 2.6]")


def may_link(actor_roles: Iterable[Role | str], state: LetterState) -> bool:
    """Whether the case view offers linking this letter: MPCS's [CORR 2.6], and not once it is finished."""
    return bool({str(r) for r in actor_roles} & LINKING_ROLES) and state not in TERMINAL_STATES


def group_plan(letters: Sequence[GroupLetter]) -> GroupPlan | None:
    """The reply plan of a group, in registration order; None when fewer than two letters are live."""
    live = [g for g in letters if g.state is not LetterState.CANCELLED]
    if len(live) < 2:
        return None
    _check_one_constituency_mp(live)
    names = {g.reference: g.member_name for g in live}
    own = [g for g in live if g.different_points]
    shared = [g for g in live if not g.different_points]
    if not shared:
        by_ref = multiple_mps_plan(_writing(live), different_points=True)
        substantive, note = set(by_ref.substantive_to), by_ref.note
    else:
        by_ref = multiple_mps_plan(_writing(shared))
        substantive = set(by_ref.substantive_to) | {g.reference for g in own}
        note = by_ref.note
        if own:
            note += ("; " + ", ".join(g.member_name for g in own) +
                     " raised points of their own: a substantive reply each [CORR 2.6]")
    roles = {g.reference: ReplyRole.SUBSTANTIVE if g.reference in substantive else ReplyRole.COPY for g in live}
    copies = [r for r, role in roles.items() if role is ReplyRole.COPY]
    lead = by_ref.substantive_to[0] if copies else None
    plan = MultipleMpPlan(substantive_to=tuple(names[r] for r, role in roles.items() if role is ReplyRole.SUBSTANTIVE),
                          copies_to=tuple(names[r] for r in copies), note=note)
    return GroupPlan(plan=plan, roles=roles, lead=lead)


def check_link(letter: GroupLetter, letter_group: Sequence[GroupLetter], other: GroupLetter,
               other_group: Sequence[GroupLetter], *, field: str = "link_to_reference") -> GroupPlan | None:
    """The plan once ``letter`` joins ``other``'s group; raises if it may not (see the module doc).

    ``letter_group`` and ``other_group`` are the groups the two are in now
    (empty when not linked); ``field`` names the input in the messages.
    """
    if letter.reference == other.reference:
        raise ValidationError(f"{field}: a letter cannot be linked to itself")
    if other.state is LetterState.CANCELLED:
        raise InvalidTransition(f"{field}: {other.reference} is cancelled; link only letters still answered")
    if letter.state in TERMINAL_STATES:
        raise InvalidTransition(f"cannot link {letter.reference}: it is {letter.state.label.lower()}")
    group = list(other_group) or [other]
    if any(g.reference == letter.reference for g in group):
        raise ValidationError(f"{field}: {letter.reference} is already linked with {other.reference}")
    if letter_group:
        linked = ", ".join(g.reference for g in letter_group if g.reference != letter.reference)
        raise InvalidTransition(f"{letter.reference} is already linked with {linked}: unlink it first")
    _check_same_visibility(letter, group, field)
    for g in group:
        if g.member_id == letter.member_id and g.state is not LetterState.CANCELLED:
            raise ValidationError(
                f"{field}: {g.member_name} already wrote about this person ({g.reference}); a second letter from "
                "the same Member is not another MP [CORR 2.6]")
    joined = [*group, letter]
    _check_constituency(letter, group)
    after = group_plan(joined)
    _check_replies_kept([group], [joined])
    return after


def check_unlink(letter: GroupLetter, group: Sequence[GroupLetter]) -> GroupPlan | None:
    """The plan of the letters left once ``letter`` leaves ``group``; raises if it may not."""
    if len(group) < 2 or not any(g.reference == letter.reference for g in group):
        raise InvalidTransition(f"{letter.reference} is not linked with another letter")
    rest = [g for g in group if g.reference != letter.reference]
    _check_replies_kept([group], [rest, [letter]])
    return group_plan(rest)


def check_regroup(before: Sequence[GroupLetter], after: Sequence[GroupLetter]) -> GroupPlan | None:
    """A letter of a group changed its facts (constituency MP, different points): the new plan, or raises."""
    plan = group_plan(after)
    _check_replies_kept([before], [after])
    return plan


def check_copy_dispatch(plan: GroupPlan | None, reference: str, lead: GroupLetter | None) -> str | None:
    """The lead's reference when ``reference`` gets a copy of its reply (else None); raises if it has not gone."""
    if plan is None or plan.role_of(reference) is not ReplyRole.COPY or lead is None:
        return None
    if lead.state is not LetterState.DISPATCHED:
        raise InvalidTransition(
            f"cannot record dispatch: {reference} gets a copy of the reply to {lead.member_name} ({lead.reference}), "
            "which has not gone yet; dispatch that reply first [CORR 2.6]")
    return lead.reference


def check_reply_template(role: ReplyRole, template: str, lead: GroupLetter | None = None) -> None:
    """A copy letter's reply is the covering note; every other letter's is not."""
    if role is ReplyRole.COPY and template != TEMPLATE_COPY_COVERING_NOTE:
        whose = f" to {lead.member_name} ({lead.reference})" if lead is not None else ""
        raise ValidationError(f"template: this letter gets a copy of the reply{whose} with a short covering note "
                              f"[CORR 2.6]; produce the covering note ({TEMPLATE_COPY_COVERING_NOTE})")
    if role is ReplyRole.SUBSTANTIVE and template == TEMPLATE_COPY_COVERING_NOTE:
        raise ValidationError("template: the covering note is only for a letter that gets a copy of another MP's "
                              "reply [CORR 2.6]")


# -- the checks ---------------------------------------------------------------


def _writing(letters: Sequence[GroupLetter]) -> list[WritingMp]:
    # By reference, not name: two Members may share a name, a letter's reference is its own.
    return [WritingMp(g.reference, constituency_mp=g.constituency_mp, written_on=g.written_on) for g in letters]


def _check_one_constituency_mp(live: Sequence[GroupLetter]) -> None:
    marked = [g for g in live if g.constituency_mp]
    if len(marked) > 1:
        who = " and ".join(f"{g.member_name} ({g.reference})" for g in marked)
        raise ValidationError(f"constituency_mp: {who} cannot both be the constituency MP of the person they wrote "
                              "about; mark the others as not the constituency MP [CORR 2.6]")


def _check_constituency(letter: GroupLetter, group: Sequence[GroupLetter]) -> None:
    """Say which letter already holds the constituency MP, the likeliest mistake when linking."""
    if not letter.constituency_mp:
        return
    for g in group:
        if g.constituency_mp and g.state is not LetterState.CANCELLED:
            raise ValidationError(
                f"constituency_mp: {g.member_name} ({g.reference}) is already this person's constituency MP; "
                f"{letter.member_name} cannot be too. Mark this letter as not from the constituency MP "
                "[CORR 2.6]")


def _check_same_visibility(letter: GroupLetter, group: Sequence[GroupLetter], field: str) -> None:
    everyone = [letter, *group]
    if not any(g.restricted for g in everyone):
        return
    handlers = {g.named_handlers for g in everyone if g.restricted}
    if all(g.restricted for g in everyone) and len(handlers) == 1:
        return
    raise ValidationError(
        f"{field}: a restricted letter can be linked only with restricted letters that have the same named "
        "handlers, so that no one learns from the group of a letter they may not see [CORR 2.5]")


def _roles(group: Sequence[GroupLetter]) -> dict[str, ReplyRole]:
    plan = group_plan(group)
    return {g.reference: plan.role_of(g.reference) if plan else ReplyRole.SUBSTANTIVE for g in group}


def _check_replies_kept(before: Sequence[Sequence[GroupLetter]], after: Sequence[Sequence[GroupLetter]]) -> None:
    """What was sent stands: no dispatched letter may change from substantive reply to copy, or back."""
    was: dict[str, ReplyRole] = {}
    for group in before:
        was.update(_roles(group))
    now: dict[str, ReplyRole] = {}
    for group in after:
        now.update(_roles(group))
    for group in before:
        for g in group:
            if g.state is LetterState.DISPATCHED and g.reference in now and now[g.reference] is not was[g.reference]:
                raise InvalidTransition(
                    f"{g.reference}'s reply has gone to {g.member_name} as a {was[g.reference].label.lower()}; "
                    f"this change would make it a {now[g.reference].label.lower()}. What was sent stands: mark the "
                    "new letter as raising points of its own, or leave the letters unlinked [CORR 2.6]")
