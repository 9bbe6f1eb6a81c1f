"""The one filter rule every steered list uses (domain.queue_filter), and which alarm goes to whom (domain.alarms)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mpel_app.domain import alarms
from mpel_app.domain.alarms import Alarm, Tone
from mpel_app.domain.queue_filter import FilterFields, QueueFilter, QueueOrder, age_days, matches, received_before
from mpel_app.domain.records import QueueStatus, Role, UserRecord

TODAY = date(2026, 11, 23)
ITEM = FilterFields(status="Overdue", region="LSE", member="Rt Hon Zoë Núñez MP",
                    received_at=datetime(2026, 11, 16, 23, 30, tzinfo=timezone.utc),  # 16 Nov, 23:30 London (GMT)
                    texts=("MPH000123", "Kofi Mensah", "Ghanaian"))


@pytest.mark.parametrize(("f", "kept"), [
    (QueueFilter(), True),
    (QueueFilter(status="overdue"), True),  # the words, whatever their case
    (QueueFilter(status="Due soon"), False),
    (QueueFilter(region="LSE"), True),
    (QueueFilter(region="SNI"), False),
    (QueueFilter(member="zoe nunez"), True),  # accents and case folded
    (QueueFilter(member="smith"), False),
    (QueueFilter(min_age_days=7), True),  # received 16 Nov: 7 days before 23 Nov
    (QueueFilter(min_age_days=8), False),
    (QueueFilter(text="mensah mph000"), True),  # every word somewhere
    (QueueFilter(text="mensah nigerian"), False),
    (QueueFilter(status="Overdue", region="LSE", member="núñez", min_age_days=3, text="kofi"), True),
])
def test_the_filter_keeps_an_item_only_when_every_field_given_holds(f, kept):
    assert matches(ITEM, f, TODAY) is kept


def test_age_is_counted_on_london_dates():
    # 31 Oct 2026 23:30 UTC is 31 Oct in London (GMT after the clocks went back on 25 Oct) ...
    assert age_days(datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc), date(2026, 11, 1)) == 1
    # ... while 24 Oct 23:30 UTC is already 25 Oct in London (BST).
    assert age_days(datetime(2026, 10, 24, 23, 30, tzinfo=timezone.utc), date(2026, 10, 25)) == 0
    assert received_before(TODAY, 7) == date(2026, 11, 16)


def test_an_empty_filter_and_the_lists_own_order():
    assert QueueFilter().empty and QueueFilter(text="  ").empty and not QueueFilter(min_age_days=1).empty
    assert QueueOrder().default and not QueueOrder("Due").default


def _user(*roles: Role) -> UserRecord:
    return UserRecord(id=1, username="u", full_name="U", roles=frozenset(roles), region_code="LSE", grade=None,
                      active=True)


def test_each_alarm_goes_to_the_roles_that_can_act_on_it():
    agent, owner = _user(Role.CALL_AGENT), _user(Role.CASE_OWNER)
    manager, duty = _user(Role.ACCOUNT_MANAGER), _user(Role.DUTY_MANAGER)
    # Undelivered mail: whoever may retry it (the Enquiry Line, the regions), not a CTS case owner.
    assert alarms.shown_to(agent, Alarm.OUTBOX) and not alarms.shown_to(owner, Alarm.OUTBOX)
    # An escalated urgent item: whoever can acknowledge it, not the call agent who logged it.
    assert not alarms.shown_to(agent, Alarm.ESCALATION)
    assert alarms.shown_to(manager, Alarm.ESCALATION) and alarms.shown_to(duty, Alarm.ESCALATION)
    assert not alarms.shown_to(agent, Alarm.NEW_URGENT) and alarms.shown_to(owner, Alarm.NEW_LETTER)


def test_red_is_kept_for_what_needs_action_today():
    assert alarms.tone(QueueStatus.URGENT) is Tone.ACT_NOW
    assert alarms.tone(QueueStatus.OVERDUE) is Tone.LATE  # late already: said, not shouted
    assert alarms.tone(QueueStatus.DUE_SOON) is Tone.SOON and alarms.tone(QueueStatus.ON_TIME) is Tone.QUIET
    # An urgent item stays URGENT until acknowledged; then its due date speaks for it (row and detail alike).
    assert alarms.needs_action_now(True, False) and not alarms.needs_action_now(True, True)
    assert not alarms.needs_action_now(False, False)
