"""When someone stops being an MP: a general election [CORR 5.4] or the death of an MP [CORR 5.1].

*Decision*: Parliament is dissolved from the start of its dissolution date,
so a letter written on that date is written after dissolution and from that
day nobody is addressed as "MP".
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..errors import ValidationError
from .special_cases import TEMPLATE_ELECTION_THIRD_PARTY, TEMPLATE_THIRD_PARTY, ReplyDecision
from .states import AWAITING_SIGNATURE_STATES, UNDRAFTED_STATES
from .states import LetterState as S

REMOVAL_SENTENCE = ("The case has been reviewed in the light of your intervention to see whether there are "
                    "grounds for deferring removal.")


def parliament_dissolved(dissolution: date | None, on: date) -> bool:
    return dissolution is not None and on >= dissolution


def addressee_name(name: str, member_kind: str, *, privy_counsellor: bool = False,
                   dissolved: bool = False) -> str:
    """'Rt Hon Ann Other MP'; once Parliament is dissolved, no "MP" [CORR 5.4].

    Privy Counsellors keep "Rt Hon": membership of the Privy Council is for life.
    """
    prefix = "Rt Hon " if privy_counsellor else ""
    suffix = " MP" if member_kind.strip().upper() == "MP" and not dissolved else ""
    return f"{prefix}{' '.join(name.split())}{suffix}"


def election_reply(*, written_on: date, dissolution: date, individual_case: bool,
                   answers_request_before_dissolution: bool = False,
                   former_mp_previous_representations: bool = False,
                   against_removal: bool = False, outcome: str | None = None) -> ReplyDecision:
    """How to answer a letter from an MP or candidate around a general election [CORR 5.4].

    ``outcome`` is None until the result, then "returned" or "not_returned".

    - Returned at the election: outstanding letters answered substantively.
    - Not returned: outstanding case letters get a third-party reply.
      *Decision*: their policy letters are still answered substantively, as
      policy letters are from anyone.
    - Before the result: letters written before dissolution, policy letters,
      replies to a request for further particulars made before dissolution,
      and former MPs writing on cases they had already raised are answered as
      normal; any other case letter written after dissolution gets the polite
      third-party style reply, with the removal sentence where the letter
      intervened against removal.
    """
    if outcome == "returned":
        return ReplyDecision(True, reason="the candidate was returned: answer outstanding letters "
                                          "substantively [CORR 5.4]")
    if outcome == "not_returned":
        if individual_case:
            return ReplyDecision(False, template=TEMPLATE_THIRD_PARTY,
                                 reason="the candidate was not returned: answer as a third party [CORR 5.4]")
        return ReplyDecision(True, reason="a policy letter is answered substantively [CORR 5.4]")
    if outcome is not None:
        raise ValueError(f"outcome must be None, 'returned' or 'not_returned', got {outcome!r}")
    if not parliament_dissolved(dissolution, written_on):
        return ReplyDecision(True, reason="written before dissolution: answer as normal [CORR 5.4]")
    if not individual_case:
        return ReplyDecision(True, reason="a policy letter is answered substantively [CORR 5.4]")
    if answers_request_before_dissolution:
        return ReplyDecision(True, reason="it answers our request for further particulars made before "
                                          "dissolution: answer as normal [CORR 5.4]")
    if former_mp_previous_representations:
        return ReplyDecision(True, reason="a former MP writing on a case they had raised before: answer as "
                                          "normal [CORR 5.4]")
    return ReplyDecision(False, template=TEMPLATE_ELECTION_THIRD_PARTY,
                         extra_sentence=REMOVAL_SENTENCE if against_removal else None,
                         reason="a case letter written after dissolution: a polite third-party style reply "
                                "explaining why no substantive reply can be sent [CORR 5.4]")


# -- the death of an MP in office [CORR 5.1] ----------------------------------


@dataclass(frozen=True)
class DeathReview:
    """The late MP's letters the drafting units must deal with, by CTS reference."""

    undrafted: tuple[str, ...]
    awaiting_signature: tuple[str, ...]
    signed_not_sent: tuple[str, ...]  # *Decision*: listed too, as the addressing must change


def letters_to_review_on_death(letters: Iterable[tuple[str, S | str]]) -> DeathReview:
    """Sort (reference, state) pairs of the late MP's letters.

    Dispatched, cancelled and for-cancelling letters are left out: nothing more will be sent.
    """
    undrafted, unsigned, signed = [], [], []
    for reference, state in letters:
        current = S(state)
        if current in UNDRAFTED_STATES:
            undrafted.append(reference)
        elif current in AWAITING_SIGNATURE_STATES:
            unsigned.append(reference)
        elif current is S.SIGNED:
            signed.append(reference)
    return DeathReview(tuple(undrafted), tuple(unsigned), tuple(signed))


@dataclass(frozen=True)
class Addressing:
    send_to: str  # "constituency_office", "interim_handler" or "constituent"
    addressee: str
    salutation: str
    opening: str | None = None
    copy_new_mp: bool = False


def late_mp_addressing(mp_name: str, *, after_by_election: bool, interim_handler: str | None = None,
                       constituent_name: str = "", late_mp_letter_date: date | None = None) -> Addressing:
    """Where and how to send a reply to a letter from an MP who has died [CORR 5.1].

    Before the by-election: to the constituency office, "The Office of the
    late …", "Dear Secretary" — or, where someone has taken on the casework
    meanwhile, a full reply to them.  After it: straight to the constituent,
    opening "[MP's name] previously wrote on [date] about…", and the new MP is
    not copied in.
    """
    name = " ".join(mp_name.split())
    if not name:
        raise ValidationError("mp_name is required")
    if not after_by_election:
        handler = " ".join((interim_handler or "").split())
        if handler:
            return Addressing("interim_handler", handler, f"Dear {handler}")
        return Addressing("constituency_office", f"The Office of the late {name}", "Dear Secretary")
    constituent = " ".join(constituent_name.split())
    if not constituent:
        raise ValidationError("constituent_name is required: after the by-election the reply goes to the "
                              "constituent [CORR 5.1]")
    if late_mp_letter_date is None:
        raise ValidationError("late_mp_letter_date is required for the opening paragraph [CORR 5.1]")
    when = f"{late_mp_letter_date.day} {late_mp_letter_date:%B %Y}"
    return Addressing("constituent", constituent, f"Dear {constituent}",
                      opening=f"{name} previously wrote on {when} about", copy_new_mp=False)
