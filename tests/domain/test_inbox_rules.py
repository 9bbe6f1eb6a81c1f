"""The central inbox's pure rules: exact office addresses, fax gateways, cited CTS references, targets, threading."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from mpel_app.domain import email_notes
from mpel_app.domain.calendar import region_calendar
from mpel_app.domain.email_case_flow import CaseState, CaseStep, check_qa_grade, next_state
from mpel_app.domain.errors import InvalidTransition, ValidationError
from mpel_app.domain.inbox_rules import (FaxGateway, email_targets, find_cts_reference, is_fax, match_fax_office,
                                         match_office, office_address_key, offices_by_address)

LONDON = ZoneInfo("Europe/London")


def test_only_an_exact_office_address_matches():
    offices = offices_by_address([(1, "Jane.Smith.MP@parliament.uk"), (2, ""), (3, "parliament.uk")])
    assert match_office("jane.smith.mp@PARLIAMENT.uk", offices) == 1
    assert match_office(" <jane.smith.mp@parliament.uk> ", offices) == 1
    for sender in ("parliament.uk", "@parliament.uk", "smith.mp@parliament.uk", "jane.smith.mp@parliament.uk.evil",
                   "", None):
        assert match_office(sender, offices) is None
    assert office_address_key("parliament.uk") == "" and "parliament.uk" not in offices


def test_an_address_shared_by_two_offices_matches_neither():
    assert offices_by_address([(1, "office@x.example"), (2, "office@x.example")]) == {}


def test_fax_gateway_by_sender_or_subject_pattern():
    gateway = FaxGateway.from_text("fax@gw.example; other@gw.example", r"^\[FAX\]")
    assert is_fax("FAX@gw.example", "anything", gateway)
    assert is_fax("someone@x.example", "[FAX] 2 pages", gateway)
    assert not is_fax("someone@x.example", "Re: [FAX]", gateway)
    with pytest.raises(ValueError, match="regular expression"):
        FaxGateway.from_text("", "([")
    assert match_fax_office("Fax from +44 (0)20 7219 3001", {"2072193001": 7}) == 7  # the UK (0) is dropped
    assert match_fax_office("Fax from 020 7219 3001", {"2072193001": 7}) == 7


def test_cited_cts_reference_in_a_subject():
    assert str(find_cts_reference("RE: your e-mail B00012/26 about Mr X")) == "B00012/26"
    assert str(find_cts_reference("Fwd: [m12345/25]")) == "M12345/25"
    assert find_cts_reference("AB00012/26") is None and find_cts_reference("B0001/26") is None
    assert find_cts_reference(None) is None


def test_email_targets_are_10_and_20_working_days():
    received = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON)  # Friday before Christmas
    targets = email_targets(received, region_calendar("LSE"))
    # Christmas Day, Boxing Day (substitute Monday 28th) and New Year's Day are not working days in England.
    assert targets.due_90.isoformat() == "2027-01-06" and targets.due_100.isoformat() == "2027-01-20"
    assert targets.status_text(targets.due_90) == "within target"
    assert targets.status_text(targets.due_100) == "past the 10-day target"
    assert targets.status_text(targets.due_100.replace(day=21)) == "past the 20-day limit"


def test_reply_subject_and_threading():
    assert email_notes.reply_subject("Asylum claim", "B00001/26") == "Re: Asylum claim [B00001/26]"
    assert email_notes.reply_subject("RE: B00001/26", "B00001/26") == "RE: B00001/26"
    headers = email_notes.threading_headers("<c@x>", "<a@x> <b@x>")
    assert headers == {"In-Reply-To": "<c@x>", "References": "<a@x> <b@x> <c@x>"}
    assert email_notes.threading_headers("", "<a@x>") == {}
    assert email_notes.priority_headers(True)["X-Priority"] == "1" and email_notes.priority_headers(False) == {}


def test_case_flow_and_qa_grade():
    assert next_state(CaseState.ALLOCATED, CaseStep.ACCEPT) is CaseState.ACCEPTED
    assert next_state(CaseState.ACCEPTED, CaseStep.DRAFT) is CaseState.ACCEPTED
    with pytest.raises(InvalidTransition):
        next_state(CaseState.REPLIED, CaseStep.REPLY)
    check_qa_grade("HEO", "EO", same_person=False)
    for qa, drafter, same in (("EO", "EO", False), ("HEO", "EO", True), (None, "EO", False)):
        with pytest.raises(ValidationError):
            check_qa_grade(qa, drafter, same_person=same)
