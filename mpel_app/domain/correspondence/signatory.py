"""Who signs the reply [CORR 1.8], [CORR 2.3]; MPCS decides it when allocating.

Official replies are signed by an official, recommended SEO or above.

Ministerial letters may be answered by the Chief Executive or her deputy
(Cabinet Office guidelines on an Executive Agency's day-to-day operations)
unless a Minister must sign, which is when:

- the MP is a Privy Counsellor (Rt Hon) writing to a Minister;
- the letter is about Government policy (not merely the Agency's
  implementation of it, which the Chief Executive may answer);
- the MP asks the Minister to use discretion or to intervene personally;
- a Minister was involved in the case before.

Which Minister: the one written to, except that the Home Secretary replies
only to MPs on the published list; a letter to him from anyone else that
needs a Minister goes to the responsible junior Minister.  *Decision*: a
listed MP writing directly to the Home Secretary always gets the Home
Secretary, because the list says whose letters he answers himself.  A listed
MP who wrote to a junior Minister gets that junior Minister.

A Home Office Minister writing as a constituency MP is answered by the
designated second Minister, never by themselves [CORR 2.3]; *Decision*: this
always needs a Minister, as the case must be decided at that level.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..errors import ValidationError
from .states import LetterKind

HOME_SECRETARY = "Home Secretary"
CHIEF_EXECUTIVE = "Chief Executive (or her deputy)"
OFFICIAL = "an official at SEO or above"


class SignatoryKind(StrEnum):
    MINISTER = "minister"
    CHIEF_EXECUTIVE = "chief_executive"
    OFFICIAL = "official"


@dataclass(frozen=True)
class SignatoryFacts:
    """What MPCS knows when deciding who signs."""

    kind: LetterKind
    minister_written_to: str = ""  # HOME_SECRETARY or the junior Minister's name; "" if to an official
    privy_counsellor: bool = False
    government_policy: bool = False
    discretion_or_intervention: bool = False
    previous_ministerial_involvement: bool = False
    # Read from the list an administrator keeps (issue 14), filled in by the service that registers the letter.
    on_home_secretary_list: bool = False
    responsible_minister: str = ""  # the junior Minister answering for the subject
    writer_is_home_office_minister: bool = False
    writer_name: str = ""
    designated_second_minister: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", LetterKind(self.kind))


@dataclass(frozen=True)
class Signatory:
    kind: SignatoryKind
    who: str
    reason: str


def _is_home_secretary(name: str) -> bool:
    return " ".join(name.split()).casefold() == HOME_SECRETARY.casefold()


def _minister_triggers(facts: SignatoryFacts) -> list[str]:
    found = []
    if facts.privy_counsellor and facts.minister_written_to.strip():
        found.append("the MP is a Privy Counsellor writing to a Minister")
    if facts.government_policy:
        found.append("the letter is about Government policy")
    if facts.discretion_or_intervention:
        found.append("the MP asks the Minister to use discretion or intervene")
    if facts.previous_ministerial_involvement:
        found.append("a Minister was involved in the case before")
    return found


def select_signatory(facts: SignatoryFacts) -> Signatory:
    """The signatory of the reply and why (see the module doc); ValidationError if facts are missing."""
    if facts.kind is LetterKind.OFFICIAL:
        return Signatory(SignatoryKind.OFFICIAL, OFFICIAL,
                         "an Official reply is signed by an official, not below SEO [CORR 1.8]")
    written_to = " ".join(facts.minister_written_to.split())
    if facts.writer_is_home_office_minister:
        second = " ".join(facts.designated_second_minister.split())
        if not second:
            raise ValidationError("designated_second_minister is required: a Home Office Minister's "
                                  "constituency case goes to the designated second Minister [CORR 2.3]")
        if facts.writer_name and second.casefold() == " ".join(facts.writer_name.split()).casefold():
            raise ValidationError("designated_second_minister: the Minister raising the case must never "
                                  "decide it [CORR 2.3]")
        return Signatory(SignatoryKind.MINISTER, second,
                         "a Home Office Minister wrote as a constituency MP: the designated second Minister "
                         "replies, never the Minister raising the case [CORR 2.3]")
    if not written_to:
        raise ValidationError("minister_written_to is required for a Ministerial letter")
    to_home_secretary = _is_home_secretary(written_to)
    if to_home_secretary and facts.on_home_secretary_list:
        return Signatory(SignatoryKind.MINISTER, HOME_SECRETARY,
                         "the MP is on the Home Secretary's published list and wrote to him [CORR 1.8]")
    triggers = _minister_triggers(facts)
    if not triggers:
        return Signatory(SignatoryKind.CHIEF_EXECUTIVE, CHIEF_EXECUTIVE,
                         "day-to-day operations of the Agency: the Minister authorises the Chief Executive "
                         "or her deputy to reply [CORR 1.8]")
    reason = "; ".join(triggers)
    if not to_home_secretary:
        listed = " (the MP is on the Home Secretary's list but wrote to a junior Minister)" \
            if facts.on_home_secretary_list else ""
        return Signatory(SignatoryKind.MINISTER, written_to, f"{reason}{listed} [CORR 1.8]")
    junior = " ".join(facts.responsible_minister.split())
    if not junior:
        raise ValidationError("responsible_minister is required: the Home Secretary replies only to MPs on "
                              "his published list, so name the junior Minister who will [CORR 1.8]")
    return Signatory(SignatoryKind.MINISTER, junior,
                     f"{reason}; the MP is not on the Home Secretary's list, so the responsible junior "
                     "Minister replies [CORR 1.8]")
