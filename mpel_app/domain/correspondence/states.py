"""Letter kinds, lifecycle states and the two actors the Role enum does not (yet) name.

Kinds [CORR 1.1], [ASY]: a *Ministerial* letter (CTS reference ``M…``, the
Private Office section) is signed by a Minister, the Chief Executive or her
deputy; an *Official* reply ("Treat Official", reference ``B…``) is signed by
an official.

States, in the order a letter normally passes through them [CORR 1.4], [ASY]:

registered              MPCS has scanned the letter onto the system; no unit yet.
allocated               with a drafting unit, awaiting its accept/reject decision
                        (the two-day clock runs); an *enforced* case also waits
                        here for the workflow manager to accept it, but cannot
                        be rejected.
rejected_to_mpcs        misallocated: back with MPCS with a reason (and perhaps a
                        suggested unit) to re-allocate, or escalate when two or
                        more units have rejected it.
escalated               sent to the heads of the disputing units; MPCS allocates
                        it to whichever accepts, or the Head of MPCS enforces it.
accepted                the unit has accepted it and entered the barrier to
                        removal; awaiting a case owner.
drafting                with the case owner (also where every returned draft goes).
reallocation_requested  the case owner has asked, with reasons, for someone else
                        to answer it; the workflow manager reallocates it or
                        rejects it back to MPCS.
in_qa                   with a senior caseworker for quality assurance.
with_team_leader        final QA by the unit's team leader.
with_private_office     Ministerial only: awaiting the Minister's approval and signature.
signed                  signed (Official: by the team leader; Ministerial: by the
                        Minister), awaiting dispatch.
dispatched              the reply has gone and the case is closed.
for_cancelling          rejected to MPCS for cancelling: an FOI-only letter
                        [CORR 5.2], or a Ministerial letter the MP no longer
                        wants answered [CORR 1.5].
cancelled               cancelled by MPCS; nothing more happens.
"""
from __future__ import annotations

from enum import StrEnum


class LetterKind(StrEnum):
    MINISTERIAL = "ministerial"
    OFFICIAL = "official"


class LetterState(StrEnum):
    REGISTERED = "registered"
    ALLOCATED = "allocated"
    REJECTED_TO_MPCS = "rejected_to_mpcs"
    ESCALATED = "escalated"
    ACCEPTED = "accepted"
    DRAFTING = "drafting"
    REALLOCATION_REQUESTED = "reallocation_requested"
    IN_QA = "in_qa"
    WITH_TEAM_LEADER = "with_team_leader"
    WITH_PRIVATE_OFFICE = "with_private_office"
    SIGNED = "signed"
    DISPATCHED = "dispatched"
    FOR_CANCELLING = "for_cancelling"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    LetterState.REGISTERED: "Registered",
    LetterState.ALLOCATED: "Allocated (awaiting unit decision)",
    LetterState.REJECTED_TO_MPCS: "Rejected to MPCS",
    LetterState.ESCALATED: "Escalated to heads of units",
    LetterState.ACCEPTED: "Accepted (awaiting case owner)",
    LetterState.DRAFTING: "Drafting",
    LetterState.REALLOCATION_REQUESTED: "Reallocation requested",
    LetterState.IN_QA: "In QA",
    LetterState.WITH_TEAM_LEADER: "With team leader",
    LetterState.WITH_PRIVATE_OFFICE: "With Private Office",
    LetterState.SIGNED: "Signed (awaiting dispatch)",
    LetterState.DISPATCHED: "Dispatched",
    LetterState.FOR_CANCELLING: "Rejected to MPCS for cancelling",
    LetterState.CANCELLED: "Cancelled",
}

TERMINAL_STATES = frozenset({LetterState.DISPATCHED, LetterState.CANCELLED})
"""Nothing more happens to a letter in these states."""

WITH_MPCS_STATES = frozenset({
    LetterState.REGISTERED, LetterState.REJECTED_TO_MPCS, LetterState.ESCALATED,
    LetterState.FOR_CANCELLING,
})
"""States in which MPCS, not a drafting unit, holds the letter."""

UNDRAFTED_STATES = frozenset({
    LetterState.REGISTERED, LetterState.ALLOCATED, LetterState.REJECTED_TO_MPCS,
    LetterState.ESCALATED, LetterState.ACCEPTED, LetterState.DRAFTING,
    LetterState.REALLOCATION_REQUESTED,
})
"""No finished draft yet (the draft is first complete when it goes to QA)."""

AWAITING_SIGNATURE_STATES = frozenset({
    LetterState.IN_QA, LetterState.WITH_TEAM_LEADER, LetterState.WITH_PRIVATE_OFFICE,
})
"""Drafted but not yet signed."""

# Private Office is not a Role member yet: a plain string with the value the
# Role member will have, so a later ``Role.PRIVATE_OFFICE = "private_office"``
# (a StrEnum, equal to its value) works here unchanged.
PRIVATE_OFFICE = "private_office"

# The actor for what the system does by itself: the two-day rule's enforcement.
SYSTEM = "system"
