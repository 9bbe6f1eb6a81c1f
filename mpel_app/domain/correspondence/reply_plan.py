"""Which reply a letter may get, and what it must say: every special case in one plan (issue 15).

The rules for each case live where they always have (``special_cases``,
``elections``); this module puts them together for one letter, so that the
service producing a reply asks one question and the drafter sees one answer:

- who wrote: an MP, MDL, MEP or Peer (``correspondent_reply`` [CORR 4]), or
  anyone around a general election (``election_reply`` [CORR 5.4]);
- what the letter is: a case, policy, support [CORR 3.4], an allegation
  [CORR 3.5], a family member or sponsor [CORR 3.2], or an MDL challenging
  the policy on MDLs, which cannot be answered until its lines are cleared
  [CORR 4.5];
- what it asks: FOI (``foi_handling`` [CORR 5.2]), a Welsh reply
  (``reply_language`` [CORR 5.3]), a meeting (``meeting_request`` [CORR 2.4]).

*Decision* on meetings [CORR 2.4]: the standard line is *offered* to the
drafter, not forced into the reply.  It is written in a Minister's voice
("I am always happy to meet with Members of Parliament ... in the lobby")
and the guidance gives it as the line those Ministers use; an Official reply
signed by a team leader cannot promise that, so the drafter chooses it (the
screen ticks it for a Ministerial reply).  A meeting on policy is referred
to the Private Office (``refer_meeting_to_private_office``), after which the
note goes.

The plan names the templates the reply may use (``reports.letters``), the
sentences the reply must carry, and, when no reply may be produced, why.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..errors import ValidationError
from .elections import election_reply
from .special_cases import (
    MEETING_LINE, TEMPLATE_ELECTION_THIRD_PARTY, TEMPLATE_MDL, TEMPLATE_THIRD_PARTY, ReplyDecision,
    correspondent_reply, foi_handling, meeting_request, reply_language)

TEMPLATE_FULL = "full_reply"
TEMPLATE_IN_CONFIDENCE = "in_confidence"
TEMPLATE_SUPPORT = "support"
TEMPLATE_ALLEGATION = "allegation"
TEMPLATE_COPY = "copy_covering_note"
TEMPLATE_LATE_MEMBER = "late_member_constituent"
# Replies that tell a correspondent about the case; the rest say nothing of it.
DISCLOSING_TEMPLATES = frozenset({TEMPLATE_FULL, TEMPLATE_IN_CONFIDENCE, TEMPLATE_LATE_MEMBER})
_SUBSTANTIVE = (TEMPLATE_FULL, TEMPLATE_IN_CONFIDENCE, TEMPLATE_THIRD_PARTY)


class Category(StrEnum):
    CASE = "case"
    POLICY = "policy"
    SUPPORT = "support"
    ALLEGATION = "allegation"
    FAMILY_SPONSOR = "family_sponsor"
    POLICY_CHALLENGE = "policy_challenge"

    @property
    def label(self) -> str:
        return {
            Category.CASE: "An individual case",
            Category.POLICY: "Policy",
            Category.SUPPORT: "Support for an application [CORR 3.4]",
            Category.ALLEGATION: "Allegations about someone [CORR 3.5]",
            Category.FAMILY_SPONSOR: "From a family member or sponsor [CORR 3.2]",
            Category.POLICY_CHALLENGE: "An MDL challenging the policy on MDLs [CORR 4.5]",
        }[self]

    @property
    def individual_case(self) -> bool:
        return self not in (Category.POLICY, Category.POLICY_CHALLENGE)


# The limited-disclosure conditions [CORR 3.2], as recorded on the letter.
DISCLOSURE_CONDITIONS = {
    "supports_case": "the relative or sponsor clearly supports the applicant's case",
    "relationship_evidenced": "there is evidence confirming the relationship",
    "no_adverse_effect": "there is no evidence that disclosure would harm the applicant (e.g. a forced marriage)",
}


def unmet_disclosure_conditions(conditions: dict[str, bool | None]) -> tuple[str, ...]:
    """The conditions not (yet) recorded as met, worded for the person drafting."""
    return tuple(text for key, text in DISCLOSURE_CONDITIONS.items() if conditions.get(key) is not True)


@dataclass(frozen=True)
class LetterCase:
    """The facts the plan needs, filled by the service from the letter, its Member and the settings."""

    member_kind: str  # MP, MDL, MEP, Peer, PPC
    category: Category = Category.CASE
    written_on: date | None = None
    today: date | None = None
    dissolution: date | None = None
    election_outcome: str | None = None
    answers_earlier_request: bool = False
    raised_before: bool = False
    against_removal: bool = False
    also_mp: bool = False
    devolved_minister: bool = False
    gets_copy_of_reply: bool = False  # the group's plan gives this writer a copy of another's reply [CORR 2.6]
    foi: bool = False
    foi_only: bool = False
    letter_in_welsh: bool = False
    welsh_requested: bool = False
    meeting_requested: bool = False
    meeting_referred: bool = False  # a policy meeting already referred to the Private Office [CORR 2.4]
    disclosure: tuple[tuple[str, bool | None], ...] = ()
    allegation_passed: bool = False
    member_died: bool = False
    after_by_election: bool = False


@dataclass(frozen=True)
class ReplyPlan:
    templates: tuple[str, ...]  # what the reply may be made from; empty when it cannot be produced
    decision: ReplyDecision
    sentences: tuple[str, ...] = ()  # to add to the reply, in order
    language: str = "en"
    held: str | None = None  # why no reply may be produced now
    notes: tuple[str, ...] = ()  # for the drafter: what to do besides the letter
    unmet_conditions: tuple[str, ...] = ()
    offered: tuple[str, ...] = ()  # standard lines the drafter may add to the reply (a meeting [CORR 2.4])


def plan_reply(case: LetterCase) -> ReplyPlan:
    """The reply this letter may get (see the module doc)."""
    category = Category(case.category)
    individual = category.individual_case
    kind = case.member_kind.strip().upper()
    notes: list[str] = []
    sentences: list[str] = []

    foi = foi_handling(foi_request=case.foi or case.foi_only, other_aspects=not case.foi_only)
    if foi.action != "normal":
        notes.append(foi.reason)
    if foi.action == "reject_for_cancelling":
        return ReplyPlan((), ReplyDecision(False, reason=foi.reason), held=foi.reason, notes=tuple(notes))
    if foi.reply_sentence:
        sentences.append(foi.reply_sentence)

    offered: list[str] = []
    if case.meeting_requested:
        line = meeting_request(individual_case=individual)
        if line == MEETING_LINE:
            offered.append(line)
            notes.append("a meeting was asked for: the standard line on meeting in the lobby is offered when you "
                         "make the reply; add it where the signatory would meet [CORR 2.4]")
        elif not case.meeting_referred:
            notes.append(line)

    if category is Category.POLICY_CHALLENGE:
        if kind != "MDL":
            raise ValidationError("category: only an MDL's letter can challenge the policy on MDLs")
        why = ("an MDL challenging the policy on MDLs cannot be answered until MPCS have the Minister's cleared "
               "lines: hold the letter [CORR 4.5]")
        return ReplyPlan((), ReplyDecision(False, reason=why), held=why, notes=tuple(notes))

    # Around a general election MPs and candidates are answered by the election rules; an MDL, MEP or
    # Peer keeps their seat, so is answered as always.
    if kind == "PPC" or (kind == "MP" and case.dissolution is not None):
        decision = election_reply(
            written_on=case.written_on or case.today, dissolution=case.dissolution or case.written_on,
            individual_case=individual, answers_request_before_dissolution=case.answers_earlier_request,
            former_mp_previous_representations=case.raised_before, against_removal=case.against_removal,
            outcome=case.election_outcome)
    else:
        decision = correspondent_reply(kind if kind != "PPC" else "MP", individual_case=individual,
                                       also_mp=case.also_mp, devolved_minister=case.devolved_minister,
                                       constituency_mp_already_wrote=case.gets_copy_of_reply)
    if decision.extra_sentence:
        sentences.append(decision.extra_sentence)

    unmet: tuple[str, ...] = ()
    if decision.copy_of_mp_reply or (case.gets_copy_of_reply and decision.substantive):
        templates: tuple[str, ...] = (TEMPLATE_COPY,)
    elif decision.template == TEMPLATE_MDL:
        templates = (TEMPLATE_MDL,)
    elif decision.template in (TEMPLATE_THIRD_PARTY, TEMPLATE_ELECTION_THIRD_PARTY):
        templates = (decision.template,)
    elif category is Category.SUPPORT:
        templates = (TEMPLATE_SUPPORT,)
    elif category is Category.ALLEGATION:
        templates = (TEMPLATE_ALLEGATION,)
        if not case.allegation_passed:
            notes.append("pass the allegation to the appropriate unit before replying; the reply gives no "
                         "assurances about what will be done [CORR 3.5]")
    else:
        templates = _SUBSTANTIVE
        if category is Category.FAMILY_SPONSOR:
            unmet = unmet_disclosure_conditions(dict(case.disclosure))
            if unmet:
                templates = (TEMPLATE_THIRD_PARTY,)
                notes.append("a family member or sponsor: only the third-party reply until every condition for "
                             "limited disclosure is recorded as met; never the applicant's address [CORR 3.2]")
    if case.member_died and TEMPLATE_COPY not in templates:
        # After the by-election the reply goes to the constituent, who gets the substance [CORR 5.1].
        templates = (TEMPLATE_LATE_MEMBER,) if case.after_by_election else templates
    language = reply_language(letter_in_welsh=case.letter_in_welsh, welsh_reply_requested=case.welsh_requested)
    if case.welsh_requested and language != "cy":
        notes.append("a Welsh reply was asked for, but replies are in Welsh only when the constituent's or the "
                     "Member's letter is in Welsh: record that it is, or reply in English [CORR 5.3]")
    return ReplyPlan(templates, decision, tuple(sentences), language, None, tuple(notes), unmet, tuple(offered))


def chosen_lines(plan: ReplyPlan, lines: Sequence[str]) -> tuple[str, ...]:
    """The offered lines the drafter chose to add, in the plan's order; refuses any line not offered."""
    wanted = [str(line).strip() for line in lines if str(line).strip()]
    unknown = [line for line in wanted if line not in plan.offered]
    if unknown:
        raise ValidationError("offered_lines: only the standard lines offered for this letter may be added "
                              f"({len(plan.offered)} offered)")
    return tuple(line for line in plan.offered if line in wanted)


def check_plan_template(plan: ReplyPlan, template: str) -> None:
    """Refuse a reply the plan does not allow, saying why and what to use instead."""
    if plan.held:
        raise ValidationError(f"no reply can be produced: {plan.held}")
    if template in plan.templates:
        if template == TEMPLATE_ALLEGATION and any("pass the allegation" in n for n in plan.notes):
            raise ValidationError("pass the allegation to the appropriate unit first (it is recorded on the "
                                  "letter) [CORR 3.5]")
        return
    use = ", ".join(plan.templates)
    extra = ""
    if plan.unmet_conditions and template in DISCLOSING_TEMPLATES:
        extra = " Limited disclosure needs: " + "; ".join(plan.unmet_conditions) + " [CORR 3.2]."
    raise ValidationError(f"template {template!r} is not the reply for this letter ({plan.decision.reason}); "
                          f"use {use}.{extra}")
