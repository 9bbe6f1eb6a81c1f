"""Letter deadlines against real bank-holiday calendars: the two-day rule, targets, lateness, retention.

Dates here were counted by hand on the 2026/27 gov.uk calendars (England &
Wales: 25 and 28 Dec 2026, 1 Jan 2027; Scotland adds 30 Nov 2026, 2 Jan 2027 → 4 Jan).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from mpel_app.domain.calendar import LONDON, WorkingCalendar
from mpel_app.domain.correspondence import (
    LetterState as S,
    deadline_status,
    decision_deadline,
    is_six_months_past_target,
    lateness_prompts,
    letter_deadlines,
    needs_escalation,
    priority,
    purge_due,
    purge_from,
    should_enforce,
    signing_deadline,
    stage_deadline,
    working_days_elapsed,
)
from mpel_app.domain.correspondence.deadlines import add_months
from mpel_app.domain.records import QueueStatus

ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")
D = date.fromisoformat


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# -- the two-day rule ---------------------------------------------------------------

@pytest.mark.parametrize(("allocated", "cal", "deadline"), [
    ("2026-11-23 10:00", ENG, "2026-11-25"),  # Mon -> Wed
    ("2026-11-26 10:00", ENG, "2026-11-30"),  # Thu -> Mon
    ("2026-11-23 17:59", ENG, "2026-11-25"),
    ("2026-11-23 18:00", ENG, "2026-11-26"),  # after 18:00 counts from Tuesday
    ("2026-11-21 11:00", ENG, "2026-11-25"),  # Saturday counts from Monday
    ("2026-12-24 10:00", ENG, "2026-12-30"),  # Christmas Eve: 25 and 28 Dec are bank holidays
    ("2026-12-23 10:00", ENG, "2026-12-29"),
    ("2026-12-31 10:00", ENG, "2027-01-05"),  # New Year's Day
    ("2026-04-02 10:00", ENG, "2026-04-08"),  # Good Friday and Easter Monday
    ("2026-11-27 10:00", ENG, "2026-12-01"),
    ("2026-11-27 10:00", SCT, "2026-12-02"),  # St Andrew's Day, Scotland only
])
def test_decision_deadline(allocated, cal, deadline):
    assert decision_deadline(london(allocated), cal) == D(deadline)


def test_the_lead_s_example_date_is_not_the_deadline():
    # The brief suggested Tue 29 Dec for an allocation on Thu 24 Dec 2026; counting
    # as domain-rules §3 says (day 0 = allocation day) it is the 2nd working day after: Wed 30 Dec.
    assert ENG.working_days_between(D("2026-12-24"), D("2026-12-29")) == 1
    assert decision_deadline(london("2026-12-24 09:30"), ENG) == D("2026-12-30")


@pytest.mark.parametrize(("now", "enforce"), [
    ("2026-12-29 12:00", False),
    ("2026-12-30 23:59:59", False),
    ("2026-12-30 23:59:59.999999", False),
    ("2026-12-31 00:00", True),
    ("2027-01-04 09:00", True),
])
def test_should_enforce_at_the_end_of_the_second_working_day(now, enforce):
    assert should_enforce(london("2026-12-24 10:00"), london(now), ENG) is enforce


@pytest.mark.parametrize(("now_utc", "enforce"), [
    ("2026-07-01 22:59:59", False),  # 23:59:59 BST on Wed 1 July
    ("2026-07-01 23:00:00", True),  # 00:00 BST on Thu 2 July
])
def test_should_enforce_uses_london_time_in_summer(now_utc, enforce):
    allocated = utc("2026-06-29 09:00")  # Mon 10:00 BST -> due end of Wed 1 July
    assert decision_deadline(allocated, ENG) == D("2026-07-01")
    assert should_enforce(allocated, utc(now_utc), ENG) is enforce


def test_should_enforce_refuses_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        should_enforce(london("2026-12-24 10:00"), datetime(2026, 12, 31), ENG)


@pytest.mark.parametrize(("units", "escalate"), [
    ([], False),
    (["Asylum Team North"], False),
    (["Asylum Team North", " asylum team  NORTH"], False),  # one unit rejecting twice
    (["Asylum Team North", ""], False),
    (["Asylum Team North", "Legacy Directorate"], True),
    (["A", "B", "C"], True),
])
def test_escalation_after_two_different_units_reject(units, escalate):
    assert needs_escalation(units) is escalate


# -- targets ----------------------------------------------------------------------------

@pytest.mark.parametrize(("received", "cal", "expected"), [
    ("2026-11-23 10:00", ENG, {"allocation": "2026-11-25", "draft": "2026-12-09", "reply": "2026-12-21",
                               "unit": "2026-12-15", "submit_to_qa": "2026-12-09"}),
    # Across Christmas and New Year.
    ("2026-12-14 10:00", ENG, {"allocation": "2026-12-16", "draft": "2027-01-04", "reply": "2027-01-14",
                               "unit": "2027-01-08", "submit_to_qa": "2027-01-04"}),
    # Scotland loses 30 Nov and 4 Jan too.
    ("2026-11-23 10:00", SCT, {"allocation": "2026-11-25", "draft": "2026-12-10", "reply": "2026-12-22",
                               "unit": "2026-12-16", "submit_to_qa": "2026-12-10"}),
    # Friday after 18:00 counts from Monday.
    ("2026-11-20 18:30", ENG, {"allocation": "2026-11-25", "draft": "2026-12-09", "reply": "2026-12-21",
                               "unit": "2026-12-15", "submit_to_qa": "2026-12-09"}),
])
@pytest.mark.parametrize("kind", ["ministerial", "official"])
def test_letter_deadlines(received, cal, expected, kind):
    assert letter_deadlines(london(received), kind, cal) == {k: D(v) for k, v in expected.items()}


def test_unit_deadline_and_qa_are_four_working_days_apart():
    got = letter_deadlines(london("2026-12-14 10:00"), "official", ENG)
    assert ENG.working_days_between(got["unit"], got["reply"]) == 4
    assert ENG.working_days_between(got["submit_to_qa"], got["unit"]) == 4


def test_letter_deadlines_with_allocation_and_signatory():
    got = letter_deadlines(london("2026-12-21 10:00"), "ministerial", ENG,
                           allocated_at=london("2026-12-24 10:00"), reached_signatory_at=london("2026-12-24 11:00"))
    assert got["decision"] == D("2026-12-30")
    assert got["signing"] == D("2027-01-04")  # 29, 30, 31 Dec; 1 Jan is a holiday; Mon 4 Jan


def test_ophso_has_a_five_working_day_deadline_and_caps_every_stage():
    got = letter_deadlines(london("2026-11-23 10:00"), "official", ENG, ophso=True)
    assert got["ophso"] == D("2026-11-30")
    assert got == {"allocation": D("2026-11-25"), "draft": D("2026-11-30"), "reply": D("2026-11-30"),
                   "unit": D("2026-11-30"), "submit_to_qa": D("2026-11-30"), "ophso": D("2026-11-30")}


def test_letter_deadlines_refuse_an_unknown_kind():
    with pytest.raises(ValueError):
        letter_deadlines(london("2026-11-23 10:00"), "treat official", ENG)


@pytest.mark.parametrize(("reached", "due"), [
    ("2026-11-23 10:00", "2026-11-27"),
    ("2026-11-27 18:01", "2026-12-04"),  # Friday evening counts from Monday
    ("2026-12-24 10:00", "2027-01-04"),
])
def test_signing_deadline(reached, due):
    assert signing_deadline(london(reached), ENG) == D(due)


# -- lateness ---------------------------------------------------------------------------------

RECEIVED = london("2026-11-23 10:00")  # reply target 21 Dec 2026


@pytest.mark.parametrize(("now", "kind", "codes"), [
    ("2026-12-21", "official", []),
    ("2027-01-21", "official", []),  # exactly a month past target: not yet "more than"
    ("2027-01-22", "official", ["contact_mp_office"]),
    ("2027-06-22", "official", ["contact_mp_office"]),  # six months: only Ministerial letters
    ("2027-01-22", "ministerial", ["contact_mp_office"]),
    ("2027-06-21", "ministerial", ["contact_mp_office"]),
    ("2027-06-22", "ministerial", ["contact_mp_office", "ask_if_reply_wanted"]),
])
def test_lateness_prompts(now, kind, codes):
    prompts = lateness_prompts(RECEIVED, D(now), kind, ENG)
    assert [p.code for p in prompts] == codes
    assert [p.may_reject_for_cancelling for p in prompts] == [c == "ask_if_reply_wanted" for c in codes]


def test_lateness_prompts_take_aware_datetimes_in_london_time():
    # 23:30 UTC on 21 Jan 2027 is still 21 Jan in London (GMT): no prompt yet.
    assert lateness_prompts(RECEIVED, utc("2027-01-21 23:30"), "official", ENG) == []
    assert lateness_prompts(RECEIVED, utc("2027-01-22 00:00"), "official", ENG)[0].text.startswith(
        "More than a month past target: contact the MP's office")


def test_six_months_flag_matches_the_prompt():
    assert is_six_months_past_target(RECEIVED, D("2027-06-21"), ENG) is False
    assert is_six_months_past_target(RECEIVED, D("2027-06-22"), ENG) is True


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2027-01-31", 1, "2027-02-28"),
    ("2028-01-31", 1, "2028-02-29"),
    ("2026-08-31", 6, "2027-02-28"),
    ("2026-12-21", 1, "2027-01-21"),
    ("2026-12-21", 6, "2027-06-21"),
])
def test_add_months(start, months, expected):
    assert add_months(D(start), months) == D(expected)


# -- status, stage deadlines, priority ------------------------------------------------------

@pytest.mark.parametrize(("today", "done", "status"), [
    ("2026-12-07", False, QueueStatus.ON_TIME),  # Mon, due Wed
    ("2026-12-08", False, QueueStatus.DUE_SOON),  # the working day before
    ("2026-12-09", False, QueueStatus.DUE_SOON),  # due today
    ("2026-12-10", False, QueueStatus.OVERDUE),
    ("2026-12-10", True, QueueStatus.ON_TIME),
])
def test_deadline_status(today, done, status):
    assert deadline_status(D("2026-12-09"), D(today), ENG, done=done) is status


def test_a_monday_deadline_is_due_soon_on_friday():
    assert deadline_status(D("2026-11-30"), D("2026-11-27"), ENG) is QueueStatus.DUE_SOON


DEADLINES = {"allocation": D("2026-11-25"), "draft": D("2026-12-09"), "reply": D("2026-12-21"),
             "unit": D("2026-12-15"), "submit_to_qa": D("2026-12-09")}


@pytest.mark.parametrize(("state", "expected"), [
    (S.REGISTERED, "2026-11-25"), (S.REJECTED_TO_MPCS, "2026-11-25"), (S.ESCALATED, "2026-11-25"),
    (S.ALLOCATED, "2026-11-25"),  # no decision date given: the allocation target
    (S.ACCEPTED, "2026-12-09"), (S.DRAFTING, "2026-12-09"), (S.REALLOCATION_REQUESTED, "2026-12-09"),
    (S.IN_QA, "2026-12-15"), (S.WITH_TEAM_LEADER, "2026-12-15"),
    (S.WITH_PRIVATE_OFFICE, "2026-12-21"), (S.SIGNED, "2026-12-21"),
    (S.DISPATCHED, None), (S.CANCELLED, None),
])
def test_stage_deadline(state, expected):
    assert stage_deadline(state, DEADLINES) == (None if expected is None else D(expected))


def test_stage_deadline_prefers_the_decision_and_signing_dates():
    more = DEADLINES | {"decision": D("2026-11-27"), "signing": D("2026-12-18")}
    assert stage_deadline(S.ALLOCATED, more) == D("2026-11-27")
    assert stage_deadline(S.WITH_PRIVATE_OFFICE, more) == D("2026-12-18")


def test_an_official_reply_with_its_team_leader_is_due_for_signing_not_at_the_unit_deadline():
    # Issue 14: the team leader signs an Official reply, so once it reached them the stage's next deadline is
    # signing's 4 working days (11 Dec here), not the later unit deadline the workstack used to show.
    reached = DEADLINES | {"unit": D("2026-12-31"), "signing": D("2026-12-11")}
    assert stage_deadline(S.WITH_TEAM_LEADER, reached) == D("2026-12-11")
    assert stage_deadline(S.IN_QA, reached) == D("2026-12-31")  # not yet with the signatory


@pytest.mark.parametrize(("urgent", "kind", "days", "score"), [
    (False, "official", 0, 0),
    (False, "official", 7, 7),
    (False, "ministerial", 0, 5),
    (False, "ministerial", 7, 12),
    (True, "official", 0, 1000),
    (True, "ministerial", 3, 1008),
    (False, "official", 5000, 994),  # capped below any urgent case
])
def test_priority_formula(urgent, kind, days, score):
    assert priority(urgent, kind, days) == score


def test_priority_orders_urgent_then_ministerial_then_age():
    assert priority(True, "official", 0) > priority(False, "ministerial", 10_000)
    assert priority(False, "ministerial", 3) > priority(False, "official", 3)
    assert priority(False, "official", 9) > priority(False, "ministerial", 3)
    with pytest.raises(ValueError):
        priority(False, "official", -1)


def test_working_days_elapsed():
    assert working_days_elapsed(london("2026-11-23 10:00"), D("2026-11-23"), ENG) == 0
    assert working_days_elapsed(london("2026-11-23 10:00"), D("2026-11-27"), ENG) == 4
    assert working_days_elapsed(london("2026-12-24 10:00"), london("2026-12-29 12:00"), ENG) == 1


# -- retention -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("created", "today", "due"), [
    (D("2024-03-15"), D("2026-12-31"), False),
    (D("2024-03-15"), D("2027-01-01"), True),
    (D("2024-01-01"), D("2026-12-31"), False),
    (D("2024-12-31"), D("2027-01-01"), True),
    (D("2025-01-01"), D("2027-01-01"), False),
    # 22:30 UTC on 31 Dec 2024 is still 2024 in London, whatever zone it was given in.
    (datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), D("2027-01-01"), True),
    (utc("2025-01-01 00:30"), D("2027-12-31"), False),
])
def test_purge_due(created, today, due):
    assert purge_due(created, today) is due


def test_purge_from_is_the_first_of_january_of_the_third_year_after():
    assert purge_from(D("2024-06-30")) == D("2027-01-01")
    with pytest.raises(ValueError, match="timezone-aware"):
        purge_from(datetime(2024, 6, 30))
