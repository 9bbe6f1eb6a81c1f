"""Completing a call as answered enforces the disclosure checks in the service (issue 13, finding 5).

Before, ``complete_first_contact`` recorded the checks and decided nothing.
Now an answer recorded as giving information about the case is refused
unless the caller was the constituency MP's office or an authorised
representative with identity confirmed; to a third party only limited
facts may have been given.  Both backends.
"""
from __future__ import annotations

import pytest

from mpel_app.domain.errors import ValidationError
from mpel_app.domain.records import Disclosure, EnquiryStatus
from tests.services.test_enquiry_flow import SUBJECT, detailed_call


def answered(world, checks: Disclosure):
    e = world.services.enquiries
    rec = detailed_call(world)
    e.update_details(world.agent, rec.id, subject=SUBJECT, question="Has the decision been made?",
                     answer="Yes: refused on 2 November.", written_confirmation=False)
    e.record_disclosure(world.agent, rec.id, checks)
    return rec


def test_case_information_to_an_unconfirmed_caller_is_refused_and_nothing_changes(world):
    e = world.services.enquiries
    rec = answered(world, Disclosure(constituency_mp=True, personal_information=True))
    with pytest.raises(ValidationError, match="only to the constituency MP's office or an authorised representative"):
        e.complete_first_contact(world.agent, rec.id)
    assert e.get(world.agent, rec.id).status is EnquiryStatus.OPEN


def test_case_information_to_the_constituency_mp_with_identity_confirmed_completes(world):
    e = world.services.enquiries
    rec = answered(world, Disclosure(constituency_mp=True, identity_confirmed=True, personal_information=True))
    done = e.complete_first_contact(world.agent, rec.id)
    assert done.status is EnquiryStatus.ANSWERED
    assert done.disclosure.personal_information and not done.disclosure.limited_facts_only


def test_a_third_party_gets_limited_facts_only(world):
    e = world.services.enquiries
    rec = answered(world, Disclosure(third_party=True, personal_information=True))
    with pytest.raises(ValidationError, match="only limited facts about the case, never the applicant's address"):
        e.complete_first_contact(world.agent, rec.id)
    e.record_disclosure(world.agent, rec.id, Disclosure(third_party=True, personal_information=True,
                                                        limited_facts_only=True))
    assert e.complete_first_contact(world.agent, rec.id).disclosure.limited_facts_only
