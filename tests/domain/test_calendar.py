"""Working calendars against the published gov.uk bank holidays, and due dates."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from mpel_app.domain.calendar import (
    LONDON,
    REGION_CODES,
    REGION_NAMES,
    REGION_NATION,
    WorkingCalendar,
    region_calendar,
)

D = date.fromisoformat

# Published lists (gov.uk/bank-holidays), substitute days in place of weekend dates.
PUBLISHED = {
    "ENG": {
        2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
               "2025-08-25", "2025-12-25", "2025-12-26"],
        2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
               "2026-08-31", "2026-12-25", "2026-12-28"],
        2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
               "2027-08-30", "2027-12-27", "2027-12-28"],
    },
    "SCT": {
        2025: ["2025-01-01", "2025-01-02", "2025-04-18", "2025-05-05", "2025-05-26",
               "2025-08-04", "2025-12-01", "2025-12-25", "2025-12-26"],
        2026: ["2026-01-01", "2026-01-02", "2026-04-03", "2026-05-04", "2026-05-25",
               "2026-06-15", "2026-08-03", "2026-11-30", "2026-12-25", "2026-12-28"],
        2027: ["2027-01-01", "2027-01-04", "2027-03-26", "2027-05-03", "2027-05-31",
               "2027-08-02", "2027-11-30", "2027-12-27", "2027-12-28"],
    },
    "NIR": {
        2025: ["2025-01-01", "2025-03-17", "2025-04-18", "2025-04-21", "2025-05-05",
               "2025-05-26", "2025-07-14", "2025-08-25", "2025-12-25", "2025-12-26"],
        2026: ["2026-01-01", "2026-03-17", "2026-04-03", "2026-04-06", "2026-05-04",
               "2026-05-25", "2026-07-13", "2026-08-31", "2026-12-25", "2026-12-28"],
        2027: ["2027-01-01", "2027-03-17", "2027-03-26", "2027-03-29", "2027-05-03",
               "2027-05-31", "2027-07-12", "2027-08-30", "2027-12-27", "2027-12-28"],
    },
}
CASES = [(n, y) for n in PUBLISHED for y in PUBLISHED[n]]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")


@pytest.mark.parametrize(("nation", "year"), CASES)
def test_bank_holidays_match_published_list(nation, year):
    expected = {D(s) for s in PUBLISHED[nation][year]}
    assert all(d.weekday() < 5 for d in expected), "expected data has a weekend date"
    assert set(WorkingCalendar(nation).bank_holidays(year)) == expected


@pytest.mark.parametrize(("nation", "year"), CASES)
def test_bank_holidays_are_not_working_days(nation, year):
    cal = WorkingCalendar(nation)
    for s in PUBLISHED[nation][year]:
        assert not cal.is_working_day(D(s)), s


@pytest.mark.parametrize(("nation", "year"), CASES)
def test_every_other_weekday_is_a_working_day(nation, year):
    cal = WorkingCalendar(nation)
    closed = {D(s) for s in PUBLISHED[nation][year]}
    day = date(year, 1, 1)
    while day.year == year:
        assert cal.is_working_day(day) == (day.weekday() < 5 and day not in closed), day
        day += timedelta(days=1)


def test_bank_holidays_omit_weekend_date_and_name_the_substitute():
    hols = ENG.bank_holidays(2026)
    assert date(2026, 12, 26) not in hols  # Saturday
    assert "Boxing Day" in hols[date(2026, 12, 28)]
    assert list(hols) == sorted(hols)


def test_any_year_is_available():
    assert not ENG.is_working_day(date(2031, 12, 25))
    assert ENG.is_working_day(date(1999, 12, 29))


def test_weekends_are_not_working_days():
    assert not ENG.is_working_day(date(2026, 3, 7))  # Saturday
    assert not ENG.is_working_day(date(2026, 3, 8))  # Sunday
    assert ENG.is_working_day(date(2026, 3, 9))  # Monday


def test_next_working_day_skips_christmas():
    assert ENG.next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)
    assert ENG.next_working_day(date(2026, 3, 2)) == date(2026, 3, 3)  # strictly after


def test_add_working_days_forwards_and_back():
    assert ENG.add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    assert ENG.add_working_days(date(2027, 1, 4), -5) == date(2026, 12, 23)
    assert ENG.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_working_days_between():
    assert ENG.working_days_between(date(2026, 12, 23), date(2027, 1, 4)) == 5
    assert ENG.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri -> Mon
    assert ENG.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert ENG.working_days_between(date(2026, 3, 10), date(2026, 3, 9)) == 0


# --- due dates -------------------------------------------------------------


@pytest.mark.parametrize(("days", "due"), [(0, "2026-03-02"), (1, "2026-03-03"),
                                           (5, "2026-03-09"), (10, "2026-03-16")])
def test_day_of_receipt_is_day_zero(days, due):
    assert ENG.due_date(utc("2026-03-02 10:00"), days) == D(due)  # Monday


def test_cut_off_at_six_pm_local():
    assert ENG.due_date(utc("2026-03-04 17:59:59"), 5) == date(2026, 3, 11)  # Wed -> Wed
    assert ENG.due_date(utc("2026-03-04 18:00:00"), 5) == date(2026, 3, 12)  # Thu day 0 -> Thu
    assert ENG.effective_receipt(utc("2026-03-04 18:00:00")) == datetime(2026, 3, 5, 9, tzinfo=LONDON)


def test_working_day_receipt_keeps_its_time():
    got = ENG.effective_receipt(utc("2026-03-04 07:15"))
    assert got == datetime(2026, 3, 4, 7, 15, tzinfo=LONDON)
    assert got.tzinfo == LONDON


def test_saturday_receipt_counts_from_monday():
    assert ENG.effective_receipt(utc("2026-03-07 10:00")) == datetime(2026, 3, 9, 9, tzinfo=LONDON)
    assert ENG.due_date(utc("2026-03-07 10:00"), 5) == date(2026, 3, 16)


def test_bank_holiday_receipt_differs_by_nation():
    easter_monday = utc("2026-04-06 10:00")  # 11:00 BST; not a holiday in Scotland
    assert ENG.due_date(easter_monday, 5) == date(2026, 4, 14)
    assert region_calendar("SNI").due_date(easter_monday, 5) == date(2026, 4, 13)


def test_late_on_eve_of_bank_holiday_weekend():
    # Thursday 18:30 BST before Good Friday: day 0 is Tuesday after Easter Monday.
    assert ENG.effective_receipt(utc("2026-04-02 17:30")) == datetime(2026, 4, 7, 9, tzinfo=LONDON)
    assert ENG.due_date(utc("2026-04-02 17:30"), 5) == date(2026, 4, 14)
    # Friday 19:00 BST before the spring bank holiday.
    assert ENG.due_date(utc("2026-05-22 18:00"), 5) == date(2026, 6, 2)


def test_spanning_christmas():
    assert ENG.due_date(utc("2026-12-23 10:00"), 5) == date(2027, 1, 4)
    # 4 Jan 2027 is Scotland's substitute for 2 Jan.
    assert SCT.due_date(utc("2026-12-23 10:00"), 5) == date(2027, 1, 5)
    # Christmas 2027 falls at a weekend: 27 and 28 Dec are substitutes.
    assert ENG.due_date(utc("2027-12-23 10:00"), 3) == date(2027, 12, 30)


def test_bst_and_gmt():
    summer = utc("2026-07-15 17:30")  # 18:30 BST: after the cut-off
    assert ENG.due_date(summer, 0) == date(2026, 7, 16)
    winter = utc("2026-01-14 17:30")  # 17:30 GMT: before it
    assert ENG.due_date(winter, 0) == date(2026, 1, 14)


def test_other_time_zones_are_converted():
    new_york = datetime(2026, 1, 14, 12, 30, tzinfo=LONDON).astimezone(
        timezone(timedelta(hours=-5)))
    assert ENG.effective_receipt(new_york) == datetime(2026, 1, 14, 12, 30, tzinfo=LONDON)


def test_naive_datetime_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        ENG.effective_receipt(datetime(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        ENG.due_date(datetime(2026, 3, 2, 10), 5)


def test_negative_days_rejected():
    with pytest.raises(ValueError, match="0 or more"):
        ENG.due_date(utc("2026-03-02 10:00"), -1)


@pytest.mark.parametrize(("received", "lse", "sni"), [
    ("2026-11-27 10:00", "2026-11-30", "2026-12-01"),  # St Andrew's Day, Mon 30 Nov
    ("2025-12-31 10:00", "2026-01-02", "2026-01-05"),  # Scotland's 2 January
    ("2026-06-12 10:00", "2026-06-15", "2026-06-16"),  # one-off Scottish holiday
])
def test_sni_and_lse_differ_on_scottish_holidays(received, lse, sni):
    assert region_calendar("LSE").due_date(utc(received), 1) == D(lse)
    assert region_calendar("SNI").due_date(utc(received), 1) == D(sni)


def test_extra_closure_honoured():
    cal = ENG.with_closures({date(2026, 3, 3)})
    assert not cal.is_working_day(date(2026, 3, 3))
    assert cal.due_date(utc("2026-03-02 10:00"), 1) == date(2026, 3, 4)
    assert cal.effective_receipt(utc("2026-03-03 10:00")) == datetime(2026, 3, 4, 9, tzinfo=LONDON)
    assert ENG.is_working_day(date(2026, 3, 3))  # original untouched
    assert cal.with_closures({date(2026, 3, 5)}).closures == {date(2026, 3, 3), date(2026, 3, 5)}


def test_due_deadline_is_end_of_day_local():
    deadline = ENG.due_deadline(utc("2026-07-15 10:00"), 1)
    assert deadline == datetime.combine(date(2026, 7, 16), time(23, 59, 59), tzinfo=LONDON)
    assert deadline.utcoffset() == timedelta(hours=1)
    assert ENG.due_deadline(utc("2026-01-14 10:00"), 0).utcoffset() == timedelta(0)


# --- regions ---------------------------------------------------------------


@pytest.mark.parametrize(("code", "nation"), [
    ("SNI", "SCT"), ("sni", "SCT"), ("MPH", "ENG"), ("mph", "ENG"), ("LSE", "ENG"),
    ("MEE", "ENG"), ("NEY", "ENG"), ("WSW", "ENG"), ("NWE", "ENG"),
    ("ENG", "ENG"), ("sct", "SCT"), ("NIR", "NIR"),
])
def test_region_calendar_nation(code, nation):
    assert region_calendar(code).nation == nation


def test_region_calendar_closures():
    assert region_calendar("LSE", [date(2026, 3, 3)]).closures == {date(2026, 3, 3)}


def test_unknown_region_rejected():
    with pytest.raises(ValueError, match="unknown region code 'XYZ'.*LSE.*SNI"):
        region_calendar("XYZ")
    with pytest.raises(ValueError, match="unknown nation"):
        WorkingCalendar("WLS")


def test_region_tables_agree():
    assert set(REGION_NAMES) == set(REGION_CODES)
    assert set(REGION_NATION) == {*REGION_CODES, "MPH"}


def test_calendars_compare_by_value():
    assert WorkingCalendar("eng") == ENG
    assert hash(WorkingCalendar("ENG", [date(2026, 3, 3)])) == hash(ENG.with_closures([date(2026, 3, 3)]))
    assert ENG != SCT
