"""The disclosure rule: who may hear what about the applicant's case (domain-rules §5, [CORR] 3.2)."""
from __future__ import annotations

import pytest

from mpel_app.domain.disclosure import Level, advise, check_answer, level
from mpel_app.domain.errors import ValidationError
from mpel_app.domain.records import Disclosure


@pytest.mark.parametrize("checks, expected", [
    (Disclosure(), Level.NONE),
    (Disclosure(constituency_mp=True), Level.NONE),  # identity not yet confirmed
    (Disclosure(constituency_mp=True, identity_confirmed=True), Level.FULL),
    (Disclosure(authorised_representative=True, identity_confirmed=True), Level.FULL),
    (Disclosure(third_party=True), Level.LIMITED),
    (Disclosure(third_party=True, identity_confirmed=True), Level.LIMITED),
    (Disclosure(third_party=True, constituency_mp=True, identity_confirmed=True), Level.NONE),  # both ticked
])
def test_level(checks, expected):
    assert level(checks) is expected


def test_a_third_party_never_hears_the_address_or_the_reasons_for_a_refusal():
    advice = advise(Disclosure(third_party=True))
    assert "the applicant's address" in advice.may_not and "the reasons for a refusal" in advice.may_not
    assert "timescales for the region's action" in advice.may_not


def test_personal_information_needs_the_mp_or_representative_with_identity_confirmed():
    check_answer(Disclosure())  # nothing personal given: nothing to refuse
    check_answer(Disclosure(constituency_mp=True, identity_confirmed=True, personal_information=True))
    with pytest.raises(ValidationError, match="only to the constituency MP's office or an authorised representative"):
        check_answer(Disclosure(constituency_mp=True, personal_information=True))
    with pytest.raises(ValidationError, match="only limited facts"):
        check_answer(Disclosure(third_party=True, personal_information=True))
    check_answer(Disclosure(third_party=True, personal_information=True, limited_facts_only=True))
