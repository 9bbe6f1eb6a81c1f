"""Special correspondents and cases [CORR 2], [CORR 4], [CORR 5.2], [CORR 5.3], [ASY]: decisions, not screens.

Death of an MP and general elections are in ``elections``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..errors import ValidationError
from ..records import Role

# Templates the reports package fills (resources/): names only, the text lives there.
TEMPLATE_MDL = "mdl"
TEMPLATE_THIRD_PARTY = "third_party"
TEMPLATE_ELECTION_THIRD_PARTY = "election_third_party"


@dataclass(frozen=True)
class ReplyDecision:
    """How to answer one correspondent."""

    substantive: bool  # a full reply on the merits
    template: str | None = None  # a standard letter instead of (or as) the reply
    copy_of_mp_reply: bool = False  # send a copy of the reply the MP got, not a reply of its own
    extra_sentence: str | None = None
    reason: str = ""


def correspondent_reply(member_kind: str, *, individual_case: bool, also_mp: bool = False,
                        devolved_minister: bool = False,
                        constituency_mp_already_wrote: bool = False) -> ReplyDecision:
    """The reply an MP, MDL, MEP or Peer gets (``member_kind`` as on MemberRecord.kind).

    - MP: substantive.
    - MDL [CORR 4.1]: individual case, no reply but the MDL template; policy,
      substantive; an MDL who is also an MP or a devolved Minister gets a full
      reply either way.
    - MEP [CORR 4.2]: substantive on cases and policy.
    - Peer [CORR 4.3]: substantive; on a case where the constituency MP has
      already written, a copy of the MP's reply instead.
    Prospective Parliamentary Candidates are for ``elections.election_reply``.
    """
    kind = member_kind.strip().upper()
    if kind == "MP":
        return ReplyDecision(True, reason="an MP gets a substantive reply [CORR 2.1]")
    if kind == "MDL":
        if also_mp or devolved_minister:
            who = "also a sitting MP" if also_mp else "a Minister of a devolved legislature"
            return ReplyDecision(True, reason=f"the MDL is {who}: full substantive reply [CORR 4.1]")
        if individual_case:
            return ReplyDecision(False, template=TEMPLATE_MDL,
                                 reason="immigration is reserved to Westminster: no reply on an individual "
                                        "case, send the MDL template [CORR 4.1, 4.4]")
        return ReplyDecision(True, reason="MDLs get substantive replies on policy [CORR 4.1]")
    if kind == "MEP":
        return ReplyDecision(True, reason="MEPs get substantive replies on cases and policy [CORR 4.2]")
    if kind == "PEER":
        if individual_case and constituency_mp_already_wrote:
            return ReplyDecision(False, copy_of_mp_reply=True,
                                 reason="the constituency MP has already written: send the Peer a copy of "
                                        "the reply to the MP [CORR 4.3]")
        return ReplyDecision(True, reason="Peers get substantive replies on cases and policy [CORR 4.3]")
    if kind == "PPC":
        raise ValueError("a Prospective Parliamentary Candidate's letter: use elections.election_reply")
    raise ValueError(f"unknown member kind {member_kind!r}; expected MP, MDL, MEP or Peer")


@dataclass(frozen=True)
class WritingMp:
    name: str
    constituency_mp: bool = False
    written_on: date | None = None


@dataclass(frozen=True)
class MultipleMpPlan:
    substantive_to: tuple[str, ...]
    copies_to: tuple[str, ...]  # a copy of the reply with a short covering note
    note: str


def multiple_mps_plan(mps: Sequence[WritingMp], *, different_points: bool = False) -> MultipleMpPlan:
    """Several MPs wrote about one person: one substantive reply, copies to the rest [CORR 2.6].

    The constituency MP, where one of them is, gets the substantive reply.
    *Decision*: otherwise the MP who wrote first (the first listed when dates
    are equal or unknown).  Where they raised different points each gets a
    substantive reply, with MPCS to be asked when in doubt.
    """
    if not mps:
        raise ValidationError("mps: at least one MP must have written")
    constituency = [m for m in mps if m.constituency_mp]
    if len(constituency) > 1:
        names = ", ".join(m.name for m in constituency)
        raise ValidationError(f"mps: only one can be the constituency MP, not {names}")
    if different_points:
        return MultipleMpPlan(tuple(m.name for m in mps), (),
                              "each MP raised different points: a substantive reply to each; if in doubt "
                              "contact MPCS [CORR 2.6]")
    if constituency:
        lead, why = constituency[0], "the constituency MP gets the substantive reply [CORR 2.6]"
    else:
        dated = [(m.written_on or date.max, i) for i, m in enumerate(mps)]
        lead = mps[min(dated)[1]]
        why = "no constituency MP among them: the MP who wrote first gets the substantive reply [CORR 2.6]"
    return MultipleMpPlan((lead.name,), tuple(m.name for m in mps if m is not lead), why)


@dataclass(frozen=True)
class AgencyStaffHandling:
    substantive_reply: bool
    flag_to_line_manager: bool
    restricted: bool  # hidden from everyone but the named handlers
    answer_off_system: bool
    preferential_treatment: bool
    reason: str


def agency_staff_handling(*, staff_has_system_access: bool) -> AgencyStaffHandling:
    """An MP writing for a member of Agency staff [CORR 2.5].

    The MP still gets a substantive reply; the case is flagged to the staff
    member's line manager (a possible breach of the Civil Service Code); no
    preferential treatment.  The letter is always restricted to its named
    handlers, and answered off the normal system when the staff member could
    see it there, so they get no advance notice of the answer.
    """
    return AgencyStaffHandling(
        substantive_reply=True, flag_to_line_manager=True, restricted=True,
        answer_off_system=staff_has_system_access, preferential_treatment=False,
        reason="an MP writing for Agency staff: substantive reply, flag to the line manager, restricted to "
               "named handlers, no preferential treatment; seek MPCS guidance [CORR 2.5]")


def may_see_letter(username: str, *, restricted: bool, named_handlers: Iterable[str],
                   staff_member: str | None = None) -> bool:
    """Whether ``username`` may see a letter at all (workstacks, search, the case view).

    A restricted letter is visible only to its named handlers, and never to the
    member of staff it is about, even if named by mistake [CORR 2.5].
    """
    if not restricted:
        return True
    user = username.strip().casefold()
    if staff_member and user == staff_member.strip().casefold():
        return False
    return user in {h.strip().casefold() for h in named_handlers}


@dataclass(frozen=True)
class FoiHandling:
    action: str  # "normal", "split" or "reject_for_cancelling"
    contact_information_access_team: bool
    reply_sentence: str | None
    reason: str


FOI_SENTENCE = "Your request under the Freedom of Information Act will be answered separately."


def foi_handling(*, foi_request: bool, other_aspects: bool) -> FoiHandling:
    """An MP's Freedom of Information request [CORR 5.2].

    An ordinary request for information is not FOI.  An FOI request goes to
    the Information Access Team at once and is not answered here: with other
    aspects the letter stays and the reply says the FOI part will be answered
    separately; FOI only, the letter is rejected to MPCS for cancelling.
    """
    if not foi_request:
        return FoiHandling("normal", False, None, "no FOI request: answer as normal [CORR 5.2]")
    if other_aspects:
        return FoiHandling("split", True, FOI_SENTENCE,
                           "answer the non-FOI parts as normal and say the FOI request will be answered "
                           "separately; tell the Information Access Team now [CORR 5.2]")
    return FoiHandling("reject_for_cancelling", True, None,
                       "FOI only: tell the Information Access Team now and reject the letter to MPCS for "
                       "cancelling [CORR 5.2]")


def reply_language(*, letter_in_welsh: bool, welsh_reply_requested: bool) -> str:
    """'cy' when the constituent's or the MP's letter is in Welsh and a Welsh reply was asked for; else 'en'.

    Every other reply is in English [CORR 5.3].
    """
    return "cy" if letter_in_welsh and welsh_reply_requested else "en"


MEETING_LINE = ("Regarding your request to meet I am always happy to meet with Members of Parliament to "
                "discuss individual cases. I find it is most practical to do this on an informal basis in "
                "the lobby.")


def meeting_request(*, individual_case: bool) -> str:
    """What to do with an MP's request for a meeting [CORR 2.4]."""
    if individual_case:
        return MEETING_LINE
    return "A meeting on policy: refer it to the relevant Private Office [CORR 2.4]."


OPHSO_HANDLER = Role.SENIOR_CASEWORKER


def may_handle_ophso(roles: Iterable[Role | str]) -> bool:
    """OPHSO enquiries must be dealt with by a senior caseworker [ASY]."""
    return OPHSO_HANDLER.value in {str(r) for r in roles}
