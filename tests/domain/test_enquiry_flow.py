"""Every step from every status: allowed exactly where the flow says, refused with a clear message elsewhere."""
from __future__ import annotations

import re

import pytest

from mpel_app.domain.enquiry_flow import Step, next_status, steps_from
from mpel_app.domain.errors import InvalidTransition
from mpel_app.domain.records import EnquiryStatus as S

EXPECTED = {
    (S.OPEN, Step.COMPLETE_FIRST_CONTACT): S.ANSWERED,
    (S.OPEN, Step.FURTHER_ACTION): S.FURTHER_ACTION,
    (S.OPEN, Step.REFUSE): S.REFUSED,
    (S.FURTHER_ACTION, Step.ANSWER_BY_LEADER): S.ANSWERED,
    (S.FURTHER_ACTION, Step.SEND_TO_REGION): S.WITH_REGION,
    (S.OPEN, Step.SEND_URGENT): S.WITH_REGION,
    (S.FURTHER_ACTION, Step.SEND_URGENT): S.WITH_REGION,
    (S.WITH_REGION, Step.RECORD_RESPONSE): S.COMPLETED,
    (S.WITH_REGION, Step.CHANGE_REGION): S.WITH_REGION,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("step", list(Step))
def test_every_step_from_every_status(status, step):
    if (status, step) in EXPECTED:
        assert next_status(status, step) is EXPECTED[(status, step)]
    else:
        with pytest.raises(InvalidTransition, match=re.escape(f"cannot {step.value}: the enquiry is")):
            next_status(status, step)


def test_finished_records_allow_nothing():
    for status in (S.REFUSED, S.ANSWERED, S.COMPLETED):
        assert steps_from(status) == []
