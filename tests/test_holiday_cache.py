"""The desk's saved copy of bank holidays (mpel_app.holiday_cache): same answers, no holidays import."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from mpel_app import holiday_cache
from mpel_app.domain import calendar
from mpel_app.domain.calendar import WorkingCalendar


def test_a_saved_copy_gives_the_same_holidays_as_the_package(tmp_path):
    path = tmp_path / holiday_cache.FILE_NAME
    for nation in ("ENG", "SCT"):
        WorkingCalendar(nation).bank_holidays(2026)
    holiday_cache.save(path)
    saved = json.loads(path.read_text())
    assert saved["holidays"] == holiday_cache.holidays_version()
    assert saved["entries"]["SCT:2026"]["2026-01-02"] == "New Year Holiday"  # Scotland's second day
    assert "2026-01-02" not in saved["entries"]["ENG:2026"]
    assert holiday_cache.load(path) >= 2
    assert calendar.known_bank_holidays()[("SCT", 2026)] == dict(
        calendar._compute_weekday_holidays("SCT", 2026))


def _fresh_process(code: str, data_home: Path) -> str:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_desk_started_again_never_imports_the_holidays_package(tmp_path):
    code = f"""
        import sys
        from pathlib import Path
        from mpel_app import holiday_cache
        from mpel_app.domain.calendar import WorkingCalendar
        from datetime import date
        worked = holiday_cache.warm(Path({str(tmp_path / 'h.json')!r}), ["ENG", "SCT"], [2026, 2027])
        # Boxing Day 2026 is a Saturday: the substitute Monday 28 December is not a working day.
        print(worked, "holidays" in sys.modules, WorkingCalendar("ENG").is_working_day(date(2026, 12, 28)))
    """
    assert _fresh_process(code, tmp_path) == "True True False"  # first start: worked out and saved
    assert _fresh_process(code, tmp_path) == "False False False"  # next start: from the copy only


def test_a_copy_from_another_holidays_version_or_a_broken_file_is_ignored(tmp_path):
    path = tmp_path / holiday_cache.FILE_NAME
    stale = {"format": holiday_cache.FORMAT, "holidays": "0.0-old",
             "entries": {"ENG:2031": {"2031-03-03": "Invented Day"}}}
    path.write_text(json.dumps(stale))
    assert holiday_cache.load(path) == 0
    # (Other tests may have worked 2031 out for real in this process: the stale copy must not be what is known.)
    assert calendar.known_bank_holidays().get(("ENG", 2031), {}).get(date(2031, 3, 3)) != "Invented Day"
    path.write_text("{not json")
    assert holiday_cache.load(path) == 0
    path.write_text(json.dumps({**stale, "holidays": holiday_cache.holidays_version(),
                                "entries": {"ENG": {"2031-03-03": "x"}}}))
    assert holiday_cache.load(path) == 0  # a key without a year is malformed: nothing taken
    assert WorkingCalendar("ENG").is_working_day(date(2031, 3, 3))


def test_a_primed_copy_cannot_make_a_weekend_a_holiday():
    calendar.prime_bank_holidays("NIR", 2040, {date(2040, 3, 17): "St Patrick's Day",  # a Saturday
                                               date(2040, 3, 19): "St Patrick's Day (substitute day)"})
    assert list(WorkingCalendar("NIR").bank_holidays(2040)) == [date(2040, 3, 19)]
    calendar.prime_bank_holidays("NIR", 2040, calendar._compute_weekday_holidays("NIR", 2040))
