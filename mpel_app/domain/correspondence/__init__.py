"""MPs' letters on the Correspondence Tracking System: the lifecycle and every rule about it.

Pure rules (no Qt, no SQLAlchemy), split by subject:

- ``states``        letter kinds and lifecycle states, Private Office and system actors
- ``lifecycle``     the actions table, ``check`` and ``allowed_actions``
- ``allocation``    the two-day rule and escalation [CORR 1.4]
- ``deadlines``     targets, unit deadline, lateness prompts, status, priority
- ``signatory``     who signs [CORR 1.8], [CORR 2.3]
- ``replies``       ways of replying [CORR 1.10]
- ``special_cases`` MDLs, MEPs, Peers, several MPs, Agency staff, FOI, Welsh, meetings, OPHSO
- ``links``         letters from several MPs on one person linked in a group: the reply plan by letter
- ``elections``     general elections and the death of an MP [CORR 5.1], [CORR 5.4]
- ``retention``     purging scanned letters and replies [CORR 1.9]
- ``grades``        the grade scale, AO to SCS
"""
from __future__ import annotations

from .allocation import DECISION_WORKING_DAYS, decision_deadline, needs_escalation, should_enforce
from .deadlines import (
    ALLOCATION_DAYS,
    DRAFT_DAYS,
    OPHSO_DAYS,
    QA_LEAD_DAYS,
    REPLY_DAYS,
    SIGNING_DAYS,
    LatenessPrompt,
    deadline_status,
    is_six_months_past_target,
    lateness_prompts,
    letter_deadlines,
    ophso_deadline,
    priority,
    signing_deadline,
    stage_deadline,
    working_days_elapsed,
)
from .elections import (
    Addressing,
    DeathReview,
    addressee_name,
    election_reply,
    late_mp_addressing,
    letters_to_review_on_death,
    parliament_dissolved,
)
from .grades import GRADES, above, at_least, grade_rank, is_grade
from .lifecycle import (
    ACTIONS,
    CANCEL_GROUNDS,
    OWNER_ACTIONS,
    RETURN_ACTIONS,
    ActionRule,
    LetterAction,
    LetterFacts,
    allowed_actions,
    check,
    check_case_owner,
    count_returns,
    may_own_case,
    roles_for,
)
from .links import (
    LINKING_ROLES,
    TEMPLATE_COPY_COVERING_NOTE,
    GroupLetter,
    GroupPlan,
    LetterInGroup,
    ReplyRole,
    check_copy_dispatch,
    check_link,
    check_may_link,
    may_link,
    check_regroup,
    check_reply_template,
    check_unlink,
    group_plan,
)
from .replies import ReplyChannel, allowed_channels, check_reply_channel
from .retention import purge_due, purge_from
from .signatory import (
    CHIEF_EXECUTIVE,
    HOME_SECRETARY,
    Signatory,
    SignatoryFacts,
    SignatoryKind,
    select_signatory,
)
from .special_cases import (
    AgencyStaffHandling,
    FoiHandling,
    MultipleMpPlan,
    ReplyDecision,
    WritingMp,
    agency_staff_handling,
    correspondent_reply,
    foi_handling,
    may_handle_ophso,
    may_see_letter,
    meeting_request,
    multiple_mps_plan,
    reply_language,
)
from .states import (
    AWAITING_SIGNATURE_STATES,
    PRIVATE_OFFICE,
    SYSTEM,
    TERMINAL_STATES,
    UNDRAFTED_STATES,
    WITH_MPCS_STATES,
    LetterKind,
    LetterState,
)

__all__ = [
    "ACTIONS", "ALLOCATION_DAYS", "CHIEF_EXECUTIVE", "HOME_SECRETARY", "AWAITING_SIGNATURE_STATES", "CANCEL_GROUNDS", "DECISION_WORKING_DAYS",
    "DRAFT_DAYS", "GRADES", "LINKING_ROLES", "OPHSO_DAYS", "PRIVATE_OFFICE", "QA_LEAD_DAYS", "REPLY_DAYS",
    "OWNER_ACTIONS", "RETURN_ACTIONS", "TEMPLATE_COPY_COVERING_NOTE",
    "SIGNING_DAYS", "SYSTEM", "TERMINAL_STATES", "UNDRAFTED_STATES", "WITH_MPCS_STATES",
    "ActionRule", "Addressing", "AgencyStaffHandling", "DeathReview", "FoiHandling", "GroupLetter", "GroupPlan",
    "LatenessPrompt", "LetterInGroup", "ReplyRole",
    "LetterAction", "LetterFacts", "LetterKind", "LetterState", "MultipleMpPlan", "ReplyChannel",
    "ReplyDecision", "Signatory", "SignatoryFacts", "SignatoryKind", "WritingMp",
    "above", "addressee_name", "agency_staff_handling", "allowed_actions", "allowed_channels", "at_least",
    "check", "check_case_owner", "check_copy_dispatch", "check_link", "check_may_link", "may_link", "check_regroup",
    "check_reply_channel",
    "check_reply_template", "check_unlink", "correspondent_reply", "count_returns", "deadline_status",
    "decision_deadline", "election_reply", "foi_handling", "grade_rank", "group_plan", "is_grade",
    "is_six_months_past_target", "late_mp_addressing", "lateness_prompts", "letter_deadlines",
    "letters_to_review_on_death", "may_handle_ophso", "may_own_case", "may_see_letter", "meeting_request",
    "multiple_mps_plan", "needs_escalation", "ophso_deadline", "parliament_dissolved", "priority",
    "purge_due", "purge_from", "reply_language", "roles_for", "select_signatory", "should_enforce",
    "signing_deadline", "stage_deadline", "working_days_elapsed",
]
