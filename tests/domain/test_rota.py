"""Reading the duty rota CSV and finding evenings with no cover."""
from __future__ import annotations

from datetime import date

from mpel_app.domain.calendar import region_calendar
from mpel_app.domain.rota import RotaEntry, parse_rota_csv, uncovered_evenings

GOOD = """Date,Duty region,Duty account manager,Telephone
23/11/2026,LSE,Priya Shah,020 7946 0123
2026-11-24,Scotland & Northern Ireland,Hamish Reid,0141 496 0777
"""


def test_reads_dates_regions_by_code_or_name_and_phones():
    entries, problems = parse_rota_csv("\ufeff" + GOOD)
    assert problems == []
    assert entries == [
        RotaEntry(date(2026, 11, 23), "LSE", "Priya Shah", "+442079460123"),
        RotaEntry(date(2026, 11, 24), "SNI", "Hamish Reid", "+441414960777"),
    ]


def test_every_bad_row_is_reported_with_its_line():
    text = GOOD + """31/02/2026,LSE,Nobody,020 7946 0123
25/11/2026,XYZ,Someone,020 7946 0123
26/11/2026,MEE,,020 7946 0123
27/11/2026,MEE,Ann,not a number
23/11/2026,NWE,Twice,0161 496 0500
"""
    entries, problems = parse_rota_csv(text)
    assert [p.line for p in problems] == [4, 5, 6, 7, 8]
    assert "not a date" in problems[0].message
    assert "not a region" in problems[1].message
    assert "name is missing" in problems[2].message
    assert "telephone" in problems[3].message
    assert "already on line 2" in problems[4].message
    assert len(entries) == 2


def test_header_required_and_empty_file():
    assert "name the columns" in parse_rota_csv("23/11/2026,LSE,Ann,020 7946 0123\n")[1][0].message
    assert "empty" in parse_rota_csv("\n\n")[1][0].message


def test_uncovered_evenings_skip_weekends_and_holidays():
    cal = region_calendar("ENG")
    covered = {date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23)}
    gaps = uncovered_evenings(covered, date(2026, 12, 21), cal)
    # 14 days: 21 Dec - 3 Jan. 25-28 Dec closed (Christmas, weekend, Boxing Day substitute),
    # 1 Jan bank holiday, 2-3 Jan weekend.
    assert gaps == [date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
