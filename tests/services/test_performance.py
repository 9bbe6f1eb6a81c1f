"""The league table against hand-worked cases, on SQLite and PostgreSQL.

Rows are written straight into the tables (the flow that puts them there is tested
elsewhere) with due dates worked out by hand in the comments, so a wrong calendar or a
wrong time zone in the SQL shows up as a wrong figure.  One test goes through the real
use cases instead (an e-mail whose file-needed flag changes), so the stored due date and
the report are seen to agree.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from mpel_app.db.models import DraftingUnit, Enquiry, Letter
from mpel_app.domain.errors import PermissionDenied
from mpel_app.domain.performance import Period
from mpel_app.domain.records import CallerKind, Channel, Role, SubjectDetails
from tests.support.world import LONDON, PASSCODE, PASSWORD, staff_email

UTC = timezone.utc


def london(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# (name, region, channel, file needed, received, due (hand-worked), completed or None, status, extra)
# Each line's comment is the working: day 0 is the day of receipt (the next working day when
# received at/after 18:00 London or on a closed day); due by the end of the N-th working day after.
ENQUIRIES = [
    # Christmas 2026 (England): 25 Dec Fri, 28 Dec Mon (Boxing Day's substitute), 1 Jan Fri closed.
    # Wed 23 Dec 10:00: day 0 = 23 Dec; 24, 29, 30, 31 Dec, 4 Jan -> due Mon 4 Jan; answered that day: 5 days.
    ("xmas-in-time", "LSE", "telephone", False, london("2026-12-23 10:00"), date(2027, 1, 4),
     london("2027-01-04 16:00"), "completed", {}),
    # Wed 23 Dec 18:30 (after the cut-off): day 0 = Thu 24 Dec; 29, 30, 31, 4, 5 -> due Tue 5 Jan.
    ("xmas-cut-off", "LSE", "telephone", False, london("2026-12-23 18:30"), date(2027, 1, 5),
     london("2027-01-05 17:00"), "completed", {}),
    # Thu 24 Dec 10:00: 29, 30, 31, 4, 5 -> due 5 Jan; answered Wed 6 Jan: late, 6 working days.
    ("xmas-late", "LSE", "fax", False, london("2026-12-24 10:00"), date(2027, 1, 5),
     london("2027-01-06 09:00"), "completed", {}),
    # Deleted: counts nowhere, though answered in time.
    ("deleted", "LSE", "telephone", False, london("2026-12-23 11:00"), date(2027, 1, 4),
     london("2027-01-04 12:00"), "completed", {"deleted_at": london("2027-01-07 09:00")}),
    # Reopened: was completed, is back with the region; counted as it stands: open, and overdue.
    # (Its old completion time is left in place on purpose: the status decides.)
    ("reopened", "LSE", "telephone", False, london("2026-12-29 10:00"), date(2027, 1, 6),
     london("2027-01-05 10:00"), "with_region", {}),
    # Refused at the passcode gate and answered at first contact: not regional work.
    ("refused", "LSE", "telephone", False, london("2026-12-23 12:00"), None, london("2026-12-23 12:05"),
     "refused", {}),
    ("first-contact", "LSE", "telephone", False, london("2026-12-23 12:10"), None, london("2026-12-23 12:20"),
     "answered", {}),
    # SNI, Scottish calendar: Fri 27 Nov 2026; Mon 30 Nov St Andrew's Day is closed in Scotland:
    # 1, 2, 3, 4, 7 Dec -> due Mon 7 Dec; answered at 23:30 that day (GMT): in time, 5 working days.
    ("st-andrew", "SNI", "telephone", False, london("2026-11-27 10:00"), date(2026, 12, 7),
     london("2026-12-07 23:30"), "completed", {}),
    # SNI e-mail, Tue 1 Dec 09:30: 10 working days 2..15 Dec -> due Tue 15 Dec; answered 16 Dec:
    # outside 10 days (11), inside 20.
    ("sni-email", "SNI", "email", False, london("2026-12-01 09:30"), date(2026, 12, 15),
     london("2026-12-16 11:00"), "completed", {}),
    # SNI, still open and past due on the report day (Fri 15 Jan 2027): overdue; in 2027 Scotland
    # also closes on 4 Jan (2 Jan's substitute).  Received Mon 14 Dec: 15..18, 21 Dec -> due 21 Dec.
    ("sni-open-overdue", "SNI", "telephone", False, london("2026-12-14 10:00"), date(2026, 12, 21),
     None, "with_region", {"urgent": True, "acknowledged_at": london("2026-12-14 10:20")}),
]

# Easter 2027 (England): Good Friday 26 Mar, Easter Monday 29 Mar; BST from Sun 28 Mar.
EASTER = [
    # NWE fax, file needed, Thu 25 Mar 17:30 GMT (before the cut-off): day 0 = 25 Mar; 30, 31 Mar,
    # 1, 2, 5, 6, 7, 8, 9, 12 Apr -> due Mon 12 Apr.  Answered 13 Apr 00:30 BST (12 Apr 23:30 UTC):
    # the London date is the 13th, so late (a UTC date would call it in time); 11 working days.
    ("easter-file", "NWE", "fax", True, london("2027-03-25 17:30"), date(2027, 4, 12),
     london("2027-04-13 00:30"), "completed", {}),
    # MEE, Thu 1 Apr 18:30 BST (17:30 UTC): after the London cut-off, day 0 = Fri 2 Apr;
    # 5..9 Apr -> due Fri 9 Apr; answered 9 Apr noon: in time, 5 working days (a UTC clock would say 6).
    ("easter-bst-cut-off", "MEE", "telephone", False, london("2027-04-01 18:30"), date(2027, 4, 9),
     london("2027-04-09 12:00"), "completed", {}),
    # MEE, Thu 25 Mar 10:00, still open; due (5 days: 30, 31, 1, 2, 5) Mon 5 Apr; report day 20 Apr:
    # overdue; age 25 Mar -> 20 Apr = 16 working days (bucket 11-20).
    ("easter-open", "MEE", "telephone", False, london("2027-03-25 10:00"), date(2027, 4, 5),
     None, "with_region", {}),
]


def _add_enquiries(world, rows) -> None:
    with world.services.uow() as s:
        for i, (name, region, channel, file_needed, received, due, completed, status, extra) in enumerate(rows):
            e = Enquiry(reference=f"{region}{i + 1:06d}" if status in ("with_region", "completed") else f"MPH{i:06d}",
                        channel=channel, status=status, received_at=received, created_by_id=world.agent.id,
                        passcode_failures=0, subject_name=name, file_needed=file_needed, due_date=due,
                        region_code=region if due else None, completed_at=completed,
                        urgent=extra.get("urgent", False), acknowledged_at=extra.get("acknowledged_at"),
                        deleted_at=extra.get("deleted_at"), deleted_by_id=world.admin.id if "deleted_at" in extra else None)
            s.add(e)


def _row(rows, key):
    return next(r for r in rows if r.key == key)


def test_christmas_and_st_andrews_day_hand_worked(world, clock):
    _add_enquiries(world, ENQUIRIES)
    clock.set(london("2027-01-15 10:00"))
    table = world.services.performance.league_table(world.leader, Period(date(2026, 11, 1), date(2026, 12, 31)))
    lse = _row(table.regions, "LSE")
    # received: in time, cut-off, late, reopened (deleted, refused, first contact not counted)
    assert (lse.received, lse.answered, lse.answered_within_target, lse.open_overdue, lse.open) == (4, 3, 2, 1, 1)
    assert lse.percent_within_target == pytest.approx(66.7)
    assert lse.average_working_days == pytest.approx((5 + 5 + 6) / 3, abs=0.05)
    assert lse.oldest_open == london("2026-12-29 10:00").astimezone(UTC)
    # the reopened item: 29 Dec -> 15 Jan = 30, 31 Dec, 4..8, 11..15 Jan = 12 working days
    assert lse.ageing == (0, 0, 1, 0)
    sni = _row(table.regions, "SNI")
    assert (sni.received, sni.answered, sni.answered_within_target, sni.open_overdue) == (3, 2, 1, 1)
    assert sni.percent_within_target == 50.0
    assert sni.average_working_days == pytest.approx((5 + 11) / 2)
    assert sni.extra_percent("email_90") == 0.0 and sni.extra_percent("email_100") == 100.0
    # The urgent one was acknowledged and never escalated: in time.
    assert sni.extra_percent("urgent") == 100.0
    # Scotland: 14 Dec -> 15 Jan: 15..18, 21..24, 29..31 Dec (25, 28 closed), 5..8, 11..15 Jan (1, 4 closed) = 20
    assert sni.ageing == (0, 0, 1, 0)
    # Best first: LSE 66.7 % above SNI 50 %.
    assert [r.key for r in table.regions] == ["LSE", "SNI"]


def test_easter_and_summer_time_hand_worked(world, clock):
    _add_enquiries(world, EASTER)
    clock.set(london("2027-04-20 10:00"))
    table = world.services.performance.league_table(world.leader, Period(date(2027, 3, 1), date(2027, 4, 30)))
    nwe = _row(table.regions, "NWE")
    assert (nwe.received, nwe.answered, nwe.answered_within_target, nwe.percent_within_target) == (1, 1, 0, 0.0)
    assert nwe.average_working_days == 11.0
    mee = _row(table.regions, "MEE")
    assert (mee.received, mee.answered, mee.answered_within_target, mee.open_overdue) == (2, 1, 1, 1)
    assert mee.average_working_days == 5.0
    assert mee.ageing == (0, 0, 1, 0)
    assert [r.key for r in table.regions] == ["MEE", "NWE"]


def test_period_is_the_london_date_of_receipt(world, clock):
    """Received 31 Mar 2027 23:30 BST = 22:30 UTC: a March item in London, though still the 31st in UTC;
    received 1 Apr 00:30 BST = 31 Mar 23:30 UTC: an April item."""
    rows = [("march", "LSE", "telephone", False, london("2027-03-31 23:30"), date(2027, 4, 8), None, "with_region", {}),
            ("april", "LSE", "telephone", False, london("2027-04-01 00:30"), date(2027, 4, 8), None, "with_region", {})]
    _add_enquiries(world, rows)
    clock.set(london("2027-04-06 10:00"))
    perf = world.services.performance
    march = _row(perf.league_table(world.leader, Period(date(2027, 3, 1), date(2027, 3, 31))).regions, "LSE")
    april = _row(perf.league_table(world.leader, Period(date(2027, 4, 1), date(2027, 4, 30))).regions, "LSE")
    assert (march.received, april.received) == (1, 1)
    # Due 8 Apr, not yet passed on 6 Apr: not overdue; answered: nothing, so no percentage.
    assert (march.open_overdue, march.percent_within_target) == (0, None)


def test_email_file_needed_change_through_the_use_cases(world, clock):
    """An e-mail is due in 10 working days whether or not the file is needed; the report compares the
    answer with the due date the use cases stored."""
    e = world.services.enquiries
    clock.set(london("2026-11-23 10:00"))  # Monday
    rec = e.send_to_region(world.leader, _further_action(world, Channel.EMAIL))
    # 24..27 Nov, 30 Nov, 1..4, 7 Dec: 10 working days -> Mon 7 Dec (not 5: 30 Nov)
    assert rec.due_date == date(2026, 12, 7)
    rec = e.set_file_needed(world.am_lse, rec.id, True)
    assert rec.due_date == date(2026, 12, 7)
    phone = e.send_to_region(world.leader, _further_action(world, Channel.TELEPHONE))
    assert phone.due_date == date(2026, 11, 30)
    phone = e.set_file_needed(world.am_lse, phone.id, True)
    assert phone.due_date == date(2026, 12, 7)  # the file-needed change moves a telephone enquiry's date
    clock.set(london("2026-12-07 17:00"))
    e.complete_with_response(world.am_lse, rec.id, "Answered by e-mail.")
    clock.set(london("2026-12-08 09:30"))
    e.complete_with_response(world.am_lse, phone.id, "Rang the office.")
    table = world.services.performance.league_table(world.leader, Period(date(2026, 11, 1), date(2026, 11, 30)))
    lse = _row(table.regions, "LSE")
    assert (lse.received, lse.answered, lse.answered_within_target) == (2, 2, 1)
    assert lse.extra_percent("email_90") == 100.0
    assert lse.average_working_days == pytest.approx((10 + 11) / 2)


def _further_action(world, channel: Channel) -> int:
    e = world.services.enquiries
    rec = e.start(world.agent, channel)
    rec = e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER,
                       caller_name="Sam Caseworker")
    rec = e.verify_passcode(world.agent, rec.id, PASSCODE)
    rec = e.update_details(world.agent, rec.id, subject=SubjectDetails(name="Ann Example"),
                           question="Has the fresh claim been accepted?", answer="", written_confirmation=False)
    return e.mark_further_action(world.agent, rec.id).id


def _unit(world, code: str, nation: str = "ENG") -> None:
    with world.services.uow() as s:
        s.add(DraftingUnit(code=code, name=f"Unit {code}", nation=nation, head_email=staff_email(f"Head {code}")))


LETTERS = [
    # (unit, received, state, dispatched)  reply due: 20 working days from day 0.
    # Mon 7 Dec 2026 10:00 (England): 8..11, 14..18, 21..24 Dec (13), 29..31 Dec (16; 25 and 28 Dec
    # closed), 4..7 Jan (20; 1 Jan closed) -> due Thu 7 Jan.
    ("ASY", london("2026-12-07 10:00"), "dispatched", london("2027-01-07 15:00")),  # in time, 20 days
    # 18:00 is at the cut-off: day 0 = Tue 8 Dec -> due Fri 8 Jan; in time (7 Jan without the cut-off rule).
    ("ASY", london("2026-12-07 18:00"), "dispatched", london("2027-01-08 15:00")),
    ("ASY", london("2026-12-07 11:00"), "dispatched", london("2027-01-08 09:00")),  # due 7 Jan: late, 21 days
    ("ASY", london("2026-12-08 11:00"), "drafting", None),  # due 8 Jan; open on 15 Jan: overdue
    ("ASY", london("2026-12-08 12:00"), "cancelled", None),  # counts nowhere
    # SCT unit (Scotland also closes Mon 4 Jan, 2 Jan's substitute): Mon 7 Dec -> due Fri 8 Jan;
    # dispatched 8 Jan: in time (on England's calendar it would be a day late).
    ("SCO", london("2026-12-07 10:00"), "dispatched", london("2027-01-08 12:00")),
    (None, london("2026-12-30 10:00"), "registered", None),  # with MPCS; due 28 Jan: open, not overdue
]


def _add_letters(world, rows) -> None:
    with world.services.uow() as s:
        for i, (unit, received, state, dispatched, *ophso) in enumerate(rows, start=1):
            s.add(Letter(cts_reference=f"B{i:05d}/26", kind="official", sequence=i, year=2026, state=state,
                         received_at=received, registered_at=received, registered_by_id=world.admin.id,
                         member_id=world.mp.id, member_letter_date=received.date(), unit_code=unit,
                         dispatched_at=dispatched, ophso=bool(ophso), ophso_deadline=ophso[0] if ophso else None))


def test_letters_per_unit_hand_worked(world, clock):
    _unit(world, "ASY")
    _unit(world, "SCO", "SCT")
    _add_letters(world, LETTERS)
    clock.set(london("2027-01-15 10:00"))
    table = world.services.performance.league_table(world.admin, Period(date(2026, 12, 1), date(2026, 12, 31)))
    asy = _row(table.units, "ASY")
    assert (asy.received, asy.answered, asy.answered_within_target, asy.open_overdue) == (4, 3, 2, 1)
    assert asy.average_working_days == pytest.approx((20 + 20 + 21) / 3, abs=0.05)
    assert asy.ageing == (0, 0, 0, 1)  # 8 Dec -> 8 Jan is 20 working days, -> 15 Jan 25: over 20
    sco = _row(table.units, "SCO")
    assert (sco.received, sco.answered, sco.answered_within_target) == (1, 1, 1)
    mpcs = _row(table.units, "MPCS")
    assert (mpcs.received, mpcs.open, mpcs.open_overdue, mpcs.percent_within_target) == (1, 1, 0, None)
    assert [r.key for r in table.units] == ["SCO", "ASY", "MPCS"]
    data = table.as_json()
    assert data["units"][1] == {**data["units"][1], "unit": "ASY", "received": 4, "answered": 3,
                                "answered_within_target": 2, "percent_within_target": 66.7, "open_overdue": 1}


@pytest.mark.parametrize("roles, allowed", [
    ({Role.MPEL_TEAM_LEADER}, True), ({Role.UNIT_TEAM_LEADER}, True), ({Role.DUTY_MANAGER}, True),
    ({Role.ADMINISTRATOR}, True), ({Role.CALL_AGENT}, False), ({Role.ACCOUNT_MANAGER}, False),
    ({Role.CASE_OWNER}, False), ({Role.MPCS_ALLOCATOR}, False),
])
def test_who_may_see_the_figures(world, roles, allowed):
    user = world.services.users.create_user(world.admin, username="someone", full_name="Some One", password=PASSWORD,
                                            roles=roles, region_code="LSE" if Role.ACCOUNT_MANAGER in roles else None,
                                            demo=True)
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    if allowed:
        assert world.services.performance.league_table(user, period).regions == ()
    else:
        with pytest.raises(PermissionDenied):
            world.services.performance.league_table(user, period)


def test_trend_and_quarterly_return(world, clock):
    """Per step and per quarter, from the same aggregates: the December letters above, and two
    letters received in Q1 2027 and dispatched late (one only by its OPHSO deadline)."""
    _unit(world, "ASY")
    _unit(world, "SCO", "SCT")
    # Mon 4 Jan 2027 10:00: 20 working days -> Mon 1 Feb; dispatched 2 Feb: late, within 20 it is not.
    _add_letters(world, LETTERS + [
        ("ASY", london("2027-01-04 10:00"), "dispatched", london("2027-02-02 10:00")),
        # OPHSO, registered Mon 11 Jan: its own deadline Mon 18 Jan; dispatched Wed 20 Jan: late by it,
        # though within 20 working days.
        ("ASY", london("2027-01-11 10:00"), "dispatched", london("2027-01-20 10:00"), date(2027, 1, 18))])
    clock.set(london("2027-04-15 10:00"))
    perf = world.services.performance
    lines = perf.quarterly_return(world.admin, Period(date(2026, 11, 1), date(2027, 2, 28)))
    assert [(q.quarter.label, q.letters_received, q.target_days, q.percent_within_target, q.percent_within_20)
            for q in lines] == [("Q4 2026", 6, 20, 75.0, 75.0), ("Q1 2027", 2, 20, 0.0, 50.0)]
    points = perf.trend(world.admin, Period(date(2026, 12, 1), date(2026, 12, 31)))
    # Weeks: w/c 7 Dec holds every December letter of ASY but the cancelled one and the late MPCS one.
    asy = {p.step.label: (p.answered, p.within) for p in points if p.key == "ASY"}
    assert asy == {"w/c 07 Dec": (3, 2)}
    assert {p.key for p in points} == {"ASY", "SCO", "MPCS"}


def test_a_later_figure_is_added_by_one_function(world, monkeypatch):
    """Telephony's "calls answered within 30 s" will be one function in EXTRA_FIGURES; until then the
    figure is absent from the table, not zero."""
    from sqlalchemy import text

    from mpel_app.domain.performance import MoreFigure
    from mpel_app.services import performance

    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    assert "calls" not in world.services.performance.league_table(world.leader, period).as_json()

    def calls(conn, p, lo, hi):
        assert (p, lo, hi) == (period, *period.utc_bounds())
        return MoreFigure("calls", "Calls", {"offered": conn.execute(text("SELECT 0")).scalar()}, ("None offered.",))

    monkeypatch.setattr(performance, "EXTRA_FIGURES", [calls])
    assert world.services.performance.league_table(world.leader, period).as_json()["calls"] == {"offered": 0}


def test_the_calls_answered_within_30_seconds_are_in_the_league_table(world):
    """Issue 9's stored calls give the league table its calls figure (the one in EXTRA_FIGURES)."""
    from datetime import timedelta

    from mpel_app.telephony.events import ANSWER, CANCEL, HANGUP, NEW_CALL, NORMAL_CLEARING, CtiEvent
    from tests.support.world import MONDAY_MORNING

    def call(call_id, wait, answered):
        common = dict(call_id=call_id, from_number="020 7219 3000", queue="mpel")
        world.services.calls.record(CtiEvent(event=NEW_CALL, at=MONDAY_MORNING, **common))
        if answered:
            world.services.calls.record(CtiEvent(event=ANSWER, at=MONDAY_MORNING + timedelta(seconds=wait),
                                                 users=("PJSIP/2001",), **common))
        ended = wait + 60 if answered else wait  # an abandoned caller waited ``wait`` seconds, then hung up
        world.services.calls.record(CtiEvent(event=HANGUP, at=MONDAY_MORNING + timedelta(seconds=ended),
                                             cause=NORMAL_CLEARING if answered else CANCEL, **common))

    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    for n, (wait, answered) in enumerate([(30, True), (31, True), (3, False), (45, False)]):
        call(f"c{n}", wait, answered)
    table = world.services.performance.league_table(world.leader, period)
    figure = table.as_json()["calls"]
    assert figure == {"offered": 4, "answered": 2, "answered_within_threshold": 1, "abandoned": 2,
                      "abandoned_short": 1, "service_level": 1 / 3}
    # What a person reads (screen, PDF, text): sentences, not a Python dict.
    (more,) = table.more
    assert more.title == "Telephone calls answered within 30 seconds"
    assert more.lines[:2] == ("Service level: 33.3 % (aim: every call answered within 30 s).",
                              "4 calls offered; 2 answered (50.0 %), 1 of them within 30 s; 2 abandoned, "
                              "1 of those within 5 s.")
    from mpel_app.reports.performance_pdf import league_pdf
    from mpel_app.reports.performance_text import league_text
    from tests.reports.test_letters import pdf_text

    for shown in (league_text(table), pdf_text(league_pdf(table))):
        flat = " ".join(shown.split())
        assert "Service level: 33.3 %" in flat and "{" not in flat
    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    assert "calls" not in world.services.performance.league_table(world.leader, december).as_json()


def test_letter_stage_targets_hand_worked(world, clock):
    """Allocation within 2 working days (and misallocations), drafting within 12, signing within 4 of
    reaching the signatory (the 18:00 cut-off applies there too), per unit."""
    from mpel_app.db.models import LetterRejection

    _unit(world, "ASY")
    with world.services.uow() as s:
        def letter(i, received, state, allocated, qa=None, signatory=None, dispatched=None):
            s.add(Letter(id=i, cts_reference=f"B{i:05d}/26", kind="official", sequence=i, year=2026, state=state,
                         received_at=received, registered_at=received, registered_by_id=world.admin.id,
                         member_id=world.mp.id, member_letter_date=received.date(), unit_code="ASY",
                         allocated_at=allocated, submitted_to_qa_at=qa, reached_signatory_at=signatory,
                         dispatched_at=dispatched))
        # Mon 7 Dec: allocate by Wed 9 Dec (2); draft by Wed 23 Dec (8..11, 14..18, 21..23 = 12).
        # Signatory Wed 30 Dec 17:00: sign by 31 Dec, 4, 5, 6 Jan -> Wed 6 Jan.  All in time.
        letter(1, london("2026-12-07 10:00"), "dispatched", london("2026-12-09 15:00"), london("2026-12-22 10:00"),
               london("2026-12-30 17:00"), london("2027-01-06 15:00"))
        # Allocated Thu 10 Dec: late, and rejected once by a unit; drafted Thu 24 Dec: late; signatory
        # Wed 30 Dec 18:30 counts from Thu 31 Dec -> sign by Thu 7 Jan: dispatched 7 Jan, in time.
        letter(2, london("2026-12-07 10:00"), "dispatched", london("2026-12-10 09:00"), london("2026-12-24 10:00"),
               london("2026-12-30 18:30"), london("2027-01-07 10:00"))
        # Allocated the day it came; not drafted yet.
        letter(3, london("2026-12-08 10:00"), "drafting", london("2026-12-08 14:00"))
        s.flush()
        s.add(LetterRejection(letter_id=2, unit_code="ASY", reason="Not ours", at=london("2026-12-09 10:00"),
                              by_id=world.admin.id))
    clock.set(london("2027-01-15 10:00"))
    asy = _row(world.services.performance.league_table(world.admin, Period(date(2026, 12, 1), date(2026, 12, 31))).units,
               "ASY")
    assert dict((k, (part, whole)) for k, part, whole in asy.extra) == {
        "allocation": (2, 3), "misallocation": (1, 3), "draft": (1, 2), "signing": (2, 2)}
    from mpel_app.reports.performance_table import unit_extra_cells
    assert [c.text for c in unit_extra_cells(asy)] == [
        "66.7 % (below target)", "33.3 % (below target)", "50.0 % (below target)", "100.0 %"]
