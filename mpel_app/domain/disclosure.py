"""What a call agent may say to this caller about the applicant's case, and whether the answer recorded was allowed.

The one rule for disclosure by telephone (domain-rules §5; [MPEL] "The
applicant or his representative"; [CORR] 2.1, 3.1–3.2):

* **Full**: the caller is the applicant's constituency MP's office, or an
  authorised representative (an MP writing on the applicant's behalf, even
  outside their constituency), *and* their identity is confirmed beyond
  reasonable doubt: case information may be given.
* **Limited**: a third party (a relative or sponsor the MP writes for): only
  limited facts about the immigration case (what is happening, when a
  decision is likely, whether one was made and when), only if they support
  the case, the relationship is evidenced and there is no sign of harm;
  never the applicant's address, never the reasons for a refusal, nothing
  the applicant would not want told (a criminal record, an adverse
  history), and no Home Office reference.
* **None**: otherwise: nothing personal; general information only.

Never, to anyone: timescales for regional action [MPEL].

``advise`` says it to the agent as they tick; ``check_answer`` is what the
service enforces when a call is completed as answered.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .errors import ValidationError
from .records import Disclosure


class Level(Enum):
    NONE = "none"
    LIMITED = "limited"
    FULL = "full"


@dataclass(frozen=True)
class Advice:
    level: Level
    heading: str
    may: tuple[str, ...]
    may_not: tuple[str, ...]


NEVER = ("timescales for the region's action",)
GENERAL_ONLY = ("general information: how the process works, forms, where to write", )
LIMITED_MAY = ("limited facts about the case: what is happening, when a decision is likely, whether a decision "
               "was made and when", )
LIMITED_MAY_NOT = ("the applicant's address", "the reasons for a refusal",
                   "anything the applicant would not want told (a criminal record, an adverse immigration history)",
                   "the Home Office reference")


def level(checks: Disclosure) -> Level:
    """How much may be disclosed to the caller the checks describe."""
    if checks.third_party and (checks.constituency_mp or checks.authorised_representative):
        return Level.NONE  # contradictory ticks: nothing until the agent says which it is
    if checks.third_party:
        return Level.LIMITED
    if (checks.constituency_mp or checks.authorised_representative) and checks.identity_confirmed:
        return Level.FULL
    return Level.NONE


def advise(checks: Disclosure) -> Advice:
    """What the agent may and may not say, as the checks stand."""
    if checks.third_party and (checks.constituency_mp or checks.authorised_representative):
        return Advice(Level.NONE, "Tick either the constituency MP / authorised representative, or third party: "
                      "not both.", GENERAL_ONLY, ("anything about the applicant's case", *NEVER))
    found = level(checks)
    if found is Level.FULL:
        return Advice(found, "You may discuss the applicant's case.",
                      ("case information: status, decisions and their reasons", ), NEVER)
    if found is Level.LIMITED:
        return Advice(found, "Third party: limited facts only, if they support the case, the relationship is "
                      "evidenced and there is no sign of harm.", LIMITED_MAY, (*LIMITED_MAY_NOT, *NEVER))
    missing = ("confirm the caller's identity beyond reasonable doubt" if checks.constituency_mp
               or checks.authorised_representative else
               "check the caller is the constituency MP's office or an authorised representative")
    return Advice(found, f"No personal information yet: {missing}.", GENERAL_ONLY,
                  ("anything about the applicant or their case", *NEVER))


def check_answer(checks: Disclosure) -> None:
    """Refuse an answer recorded as given that the caller was not entitled to (ValidationError)."""
    if not checks.personal_information:
        return
    found = level(checks)
    if found is Level.FULL:
        return
    if found is Level.LIMITED:
        if not checks.limited_facts_only:
            raise ValidationError("a third party may be given only limited facts about the case, never the "
                                  "applicant's address nor the reasons for a refusal: tick \"Only limited facts "
                                  "given\" if that is what was said, or pass the case on")
        return
    raise ValidationError("personal information may be given only to the constituency MP's office or an "
                          "authorised representative whose identity is confirmed beyond reasonable doubt: "
                          "untick \"The answer gave information about the case\" if it did not, or pass the "
                          "case on")
