"""Who signs, how to reply, the special correspondents and cases, elections and deaths, grades."""
from __future__ import annotations

from datetime import date

import pytest

import mpel_app.domain.correspondence as corr
from mpel_app.domain.correspondence import (
    GRADES,
    HOME_SECRETARY,
    LetterState as S,
    ReplyChannel,
    SignatoryFacts,
    SignatoryKind,
    WritingMp,
    above,
    addressee_name,
    agency_staff_handling,
    allowed_channels,
    at_least,
    correspondent_reply,
    election_reply,
    foi_handling,
    grade_rank,
    late_mp_addressing,
    letters_to_review_on_death,
    may_handle_ophso,
    may_see_letter,
    meeting_request,
    may_link,
    multiple_mps_plan,
    parliament_dissolved,
    reply_language,
    select_signatory,
)
from mpel_app.domain.errors import ValidationError
from mpel_app.domain.records import Role

HS = HOME_SECRETARY
JUNIOR = "Minister of State for Borders"
MIN, CE, OFF = SignatoryKind.MINISTER, SignatoryKind.CHIEF_EXECUTIVE, SignatoryKind.OFFICIAL


# -- grades -------------------------------------------------------------------------

def test_the_grade_scale():
    assert GRADES == ("AO", "EO", "HEO", "SEO", "G7", "G6", "SCS")
    assert [grade_rank(g) for g in GRADES] == list(range(7))
    assert above("HEO", "EO") and not above("EO", "EO") and not above("AO", "EO")
    assert at_least("SEO", "SEO") and at_least("G7", "SEO") and not at_least("HEO", "SEO")
    with pytest.raises(ValueError, match="unknown grade"):
        grade_rank("G8")


# -- signatory [CORR 1.8], [CORR 2.3] ---------------------------------------------------

SIGNATORY_CASES = [
    # (facts, kind, who, words in the reason)
    (dict(kind="official", privy_counsellor=True, government_policy=True), OFF, "an official at SEO or above",
     "SEO"),
    (dict(kind="ministerial", minister_written_to=JUNIOR), CE, "Chief Executive (or her deputy)",
     "day-to-day operations"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, privy_counsellor=True), MIN, JUNIOR,
     "Privy Counsellor writing to a Minister"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, government_policy=True), MIN, JUNIOR,
     "Government policy"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, discretion_or_intervention=True), MIN, JUNIOR,
     "discretion or intervene"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, previous_ministerial_involvement=True), MIN, JUNIOR,
     "involved in the case before"),
    # The Home Secretary answers only MPs on his list.
    (dict(kind="ministerial", minister_written_to=HS, on_home_secretary_list=True), MIN, HS, "published list"),
    (dict(kind="ministerial", minister_written_to="home  secretary", on_home_secretary_list=True), MIN, HS,
     "published list"),
    (dict(kind="ministerial", minister_written_to=HS, government_policy=True, responsible_minister=JUNIOR), MIN,
     JUNIOR, "not on the Home Secretary's list"),
    (dict(kind="ministerial", minister_written_to=HS, responsible_minister=JUNIOR), CE,
     "Chief Executive (or her deputy)", "Chief Executive"),
    # A listed MP who wrote to a junior Minister gets the junior Minister.
    (dict(kind="ministerial", minister_written_to=JUNIOR, on_home_secretary_list=True, privy_counsellor=True),
     MIN, JUNIOR, "wrote to a junior Minister"),
    # A Home Office Minister writing as a constituency MP: the designated second Minister.
    (dict(kind="ministerial", minister_written_to=JUNIOR, writer_is_home_office_minister=True,
          writer_name="Jane Minister", designated_second_minister="John Second"), MIN, "John Second",
     "never the Minister raising the case"),
    (dict(kind="ministerial", minister_written_to=HS, on_home_secretary_list=True,
          writer_is_home_office_minister=True, writer_name="Jane Minister",
          designated_second_minister="John Second"), MIN, "John Second", "designated second Minister"),
]


@pytest.mark.parametrize(("facts", "kind", "who", "words"), SIGNATORY_CASES)
def test_select_signatory(facts, kind, who, words):
    got = select_signatory(SignatoryFacts(**facts))
    assert (got.kind, got.who) == (kind, who)
    assert words in got.reason


def test_the_reason_lists_every_ground():
    got = select_signatory(SignatoryFacts(kind="ministerial", minister_written_to=JUNIOR, privy_counsellor=True,
                                          government_policy=True, previous_ministerial_involvement=True))
    assert got.reason.count(";") == 2 and got.reason.endswith("[CORR 1.8]")


@pytest.mark.parametrize(("facts", "field"), [
    (dict(kind="ministerial"), "minister_written_to"),
    (dict(kind="ministerial", minister_written_to=HS, privy_counsellor=True), "responsible_minister"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, writer_is_home_office_minister=True),
     "designated_second_minister"),
    (dict(kind="ministerial", minister_written_to=JUNIOR, writer_is_home_office_minister=True,
          writer_name="Jane Minister", designated_second_minister=" jane  minister"),
     "designated_second_minister: the Minister raising the case must never"),
])
def test_select_signatory_needs_its_facts(facts, field):
    with pytest.raises(ValidationError, match=field):
        select_signatory(SignatoryFacts(**facts))


# -- reply channels [CORR 1.10] ------------------------------------------------------------

def test_reply_channels():
    assert allowed_channels("ministerial") == (ReplyChannel.LETTER,)
    assert allowed_channels("official") == (ReplyChannel.LETTER, ReplyChannel.EMAIL, ReplyChannel.TELEPHONE,
                                            ReplyChannel.ACCOUNT_MANAGER)
    with pytest.raises(ValueError):
        allowed_channels("urgent")


# -- special correspondents [CORR 4] ----------------------------------------------------------

@pytest.mark.parametrize(("kind", "kwargs", "substantive", "template", "copy"), [
    ("MP", dict(individual_case=True), True, None, False),
    ("MDL", dict(individual_case=True), False, "mdl", False),
    ("MDL", dict(individual_case=False), True, None, False),
    ("MDL", dict(individual_case=True, also_mp=True), True, None, False),
    ("MDL", dict(individual_case=True, devolved_minister=True), True, None, False),
    ("MEP", dict(individual_case=True), True, None, False),
    ("MEP", dict(individual_case=False), True, None, False),
    ("Peer", dict(individual_case=True), True, None, False),
    ("Peer", dict(individual_case=False, constituency_mp_already_wrote=True), True, None, False),
    ("Peer", dict(individual_case=True, constituency_mp_already_wrote=True), False, None, True),
])
def test_correspondent_reply(kind, kwargs, substantive, template, copy):
    got = correspondent_reply(kind, **kwargs)
    assert (got.substantive, got.template, got.copy_of_mp_reply) == (substantive, template, copy)
    assert "[CORR" in got.reason


def test_correspondent_reply_refuses_candidates_and_strangers():
    with pytest.raises(ValueError, match="election_reply"):
        correspondent_reply("PPC", individual_case=True)
    with pytest.raises(ValueError, match="unknown member kind"):
        correspondent_reply("Councillor", individual_case=True)


def test_several_mps_the_constituency_mp_gets_the_substantive_reply():
    plan = multiple_mps_plan([WritingMp("A Neighbour", written_on=date(2026, 3, 1)),
                              WritingMp("C Constituency", constituency_mp=True, written_on=date(2026, 3, 9)),
                              WritingMp("B Other", written_on=date(2026, 3, 2))])
    assert plan.substantive_to == ("C Constituency",)
    assert plan.copies_to == ("A Neighbour", "B Other")


def test_several_mps_without_the_constituency_mp_the_first_to_write():
    plan = multiple_mps_plan([WritingMp("Late", written_on=date(2026, 3, 9)),
                              WritingMp("Early", written_on=date(2026, 3, 1)), WritingMp("Undated")])
    assert (plan.substantive_to, plan.copies_to) == (("Early",), ("Late", "Undated"))


def test_several_mps_with_different_points_each_get_a_reply():
    plan = multiple_mps_plan([WritingMp("A", constituency_mp=True), WritingMp("B")], different_points=True)
    assert (plan.substantive_to, plan.copies_to) == (("A", "B"), ())
    assert "MPCS" in plan.note


def test_several_mps_mistakes_are_refused():
    with pytest.raises(ValidationError, match="only one can be the constituency MP"):
        multiple_mps_plan([WritingMp("A", constituency_mp=True), WritingMp("B", constituency_mp=True)])
    with pytest.raises(ValidationError, match="mps"):
        multiple_mps_plan([])


# -- Agency staff [CORR 2.5] ----------------------------------------------------------------

@pytest.mark.parametrize("access", [True, False])
def test_agency_staff_cases(access):
    got = agency_staff_handling(staff_has_system_access=access)
    assert got.substantive_reply and got.flag_to_line_manager and got.restricted
    assert got.preferential_treatment is False
    assert got.answer_off_system is access


def test_a_restricted_letter_is_seen_only_by_its_named_handlers():
    handlers = ["wm.smith", "Case.Owner"]
    assert may_see_letter("anyone", restricted=False, named_handlers=[])
    assert may_see_letter("case.owner", restricted=True, named_handlers=handlers)
    assert not may_see_letter("other.user", restricted=True, named_handlers=handlers)
    # Never the member of staff it is about, even if named by mistake.
    assert not may_see_letter("wm.smith", restricted=True, named_handlers=handlers, staff_member="WM.Smith")


# -- FOI, Welsh, meetings, OPHSO ------------------------------------------------------------

@pytest.mark.parametrize(("foi", "other", "action", "iat", "sentence"), [
    (False, True, "normal", False, False),
    (True, True, "split", True, True),
    (True, False, "reject_for_cancelling", True, False),
])
def test_foi_requests(foi, other, action, iat, sentence):
    got = foi_handling(foi_request=foi, other_aspects=other)
    assert (got.action, got.contact_information_access_team) == (action, iat)
    assert (got.reply_sentence is not None) is sentence
    assert action != "reject_for_cancelling" or "foi_only" in corr.CANCEL_GROUNDS


@pytest.mark.parametrize(("welsh", "asked", "language"), [
    (True, True, "cy"), (True, False, "en"), (False, True, "en"), (False, False, "en"),
])
def test_reply_language(welsh, asked, language):
    assert reply_language(letter_in_welsh=welsh, welsh_reply_requested=asked) == language


def test_meeting_requests():
    assert meeting_request(individual_case=True).startswith("Regarding your request to meet")
    assert "Private Office" in meeting_request(individual_case=False)


def test_ophso_needs_a_senior_caseworker():
    assert may_handle_ophso([Role.SENIOR_CASEWORKER, Role.CASE_OWNER])
    assert may_handle_ophso(["senior_caseworker"])
    assert not may_handle_ophso([Role.CASE_OWNER, Role.UNIT_TEAM_LEADER])


# -- general election [CORR 5.4] ----------------------------------------------------------------

DISSOLVED = date(2029, 5, 1)


def test_parliament_is_dissolved_from_its_dissolution_date():
    assert not parliament_dissolved(DISSOLVED, date(2029, 4, 30))
    assert parliament_dissolved(DISSOLVED, date(2029, 5, 1))
    assert not parliament_dissolved(None, date(2029, 5, 1))


@pytest.mark.parametrize(("kind", "pc", "dissolved", "name"), [
    ("MP", False, False, "Ann Other MP"),
    ("MP", True, False, "Rt Hon Ann Other MP"),
    ("MP", False, True, "Ann Other"),
    ("MP", True, True, "Rt Hon Ann Other"),
    ("Peer", False, False, "Ann Other"),
])
def test_addressee_name_omits_mp_after_dissolution(kind, pc, dissolved, name):
    assert addressee_name(" Ann  Other ", kind, privy_counsellor=pc, dissolved=dissolved) == name


@pytest.mark.parametrize(("kwargs", "substantive", "template", "sentence"), [
    (dict(written_on=date(2029, 4, 30), individual_case=True), True, None, False),
    (dict(written_on=date(2029, 5, 1), individual_case=True), False, "election_third_party", False),
    (dict(written_on=date(2029, 5, 2), individual_case=True, against_removal=True), False,
     "election_third_party", True),
    (dict(written_on=date(2029, 5, 2), individual_case=False), True, None, False),
    (dict(written_on=date(2029, 5, 2), individual_case=True, answers_request_before_dissolution=True), True,
     None, False),
    (dict(written_on=date(2029, 5, 2), individual_case=True, former_mp_previous_representations=True), True,
     None, False),
    (dict(written_on=date(2029, 5, 2), individual_case=True, outcome="returned"), True, None, False),
    (dict(written_on=date(2029, 4, 2), individual_case=True, outcome="not_returned"), False, "third_party",
     False),
    (dict(written_on=date(2029, 4, 2), individual_case=False, outcome="not_returned"), True, None, False),
])
def test_election_replies(kwargs, substantive, template, sentence):
    got = election_reply(dissolution=DISSOLVED, **kwargs)
    assert (got.substantive, got.template, got.extra_sentence is not None) == (substantive, template, sentence)


def test_election_reply_refuses_an_unknown_outcome():
    with pytest.raises(ValueError, match="outcome"):
        election_reply(written_on=DISSOLVED, dissolution=DISSOLVED, individual_case=True, outcome="won")


# -- death of an MP [CORR 5.1] ----------------------------------------------------------------------

def test_letters_to_review_on_death():
    review = letters_to_review_on_death([
        ("M00001/26", S.REGISTERED), ("M00002/26", "drafting"), ("B00003/26", S.IN_QA),
        ("M00004/26", S.WITH_PRIVATE_OFFICE), ("B00005/26", S.SIGNED), ("B00006/26", S.DISPATCHED),
        ("M00007/26", S.CANCELLED), ("M00008/26", S.FOR_CANCELLING), ("B00009/26", S.ALLOCATED),
    ])
    assert review.undrafted == ("M00001/26", "M00002/26", "B00009/26")
    assert review.awaiting_signature == ("B00003/26", "M00004/26")
    assert review.signed_not_sent == ("B00005/26",)


def test_a_late_mps_letters_before_the_by_election():
    got = late_mp_addressing("Ann Other", after_by_election=False)
    assert (got.send_to, got.addressee, got.salutation) == ("constituency_office", "The Office of the late Ann Other",
                                                            "Dear Secretary")
    interim = late_mp_addressing("Ann Other", after_by_election=False, interim_handler="Bob Neighbour MP")
    assert (interim.send_to, interim.addressee) == ("interim_handler", "Bob Neighbour MP")


def test_a_late_mps_letters_after_the_by_election_go_to_the_constituent():
    got = late_mp_addressing("Ann Other", after_by_election=True, constituent_name="Carol Constituent",
                             late_mp_letter_date=date(2026, 3, 5))
    assert (got.send_to, got.addressee, got.copy_new_mp) == ("constituent", "Carol Constituent", False)
    assert got.opening == "Ann Other previously wrote on 5 March 2026 about"
    with pytest.raises(ValidationError, match="constituent_name"):
        late_mp_addressing("Ann Other", after_by_election=True, late_mp_letter_date=date(2026, 3, 5))
    with pytest.raises(ValidationError, match="late_mp_letter_date"):
        late_mp_addressing("Ann Other", after_by_election=True, constituent_name="Carol")


def test_the_package_exports_what_it_lists():
    assert all(hasattr(corr, name) for name in corr.__all__)


@pytest.mark.parametrize("roles, state, offered", [
    ({Role.MPCS_ALLOCATOR}, S.DRAFTING, True),
    ({Role.MPCS_ALLOCATOR}, S.DISPATCHED, False),
    ({Role.MPCS_ALLOCATOR}, S.CANCELLED, False),
    ({Role.WORKFLOW_MANAGER, Role.CASE_OWNER}, S.DRAFTING, False),
])
def test_linking_is_offered_to_mpcs_until_the_letter_is_finished(roles, state, offered):
    assert may_link(roles, state) is offered
