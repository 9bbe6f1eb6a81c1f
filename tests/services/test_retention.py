"""Retention for call records (issue 17), on SQLite and PostgreSQL: ``mpel purge-records`` dry run and run
over records on both sides of the limit (default: two years plus the current year after closing)."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from mpel_app import cli_purge_records
from mpel_app.db.models import AnonymisedRecord, Enquiry, LegacyRecord, LegacySource
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.domain.performance import Period
from tests.support import people as p
from tests.support.letters_world import build_letters_world
from tests.support.world import LONDON, MONDAY_MORNING, PASSWORD


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def setup(services, clock, db_url):
    lw = build_letters_world(services)
    made = {}
    clock.set(at(2023, 6, 5, 10))
    made["old"] = p.log_enquiry(lw, "Omid Old", date(1970, 1, 1), "Closed in 2023: past the limit.", complete="Done")
    made["open"] = p.log_enquiry(lw, "Olga Open", date(1971, 1, 1), "Still with the region since 2023.")
    made["held"] = p.log_enquiry(lw, "Hugo Held", date(1972, 1, 1), "Closed in 2023 but held.", complete="Done")
    made["legacy"] = p.log_enquiry(lw, "Lee Legacy", date(1973, 1, 1), "Imported from Access.", complete="Done")
    clock.set(at(2024, 2, 5, 10))
    made["recent"] = p.log_enquiry(lw, "Rita Recent", date(1974, 1, 1), "Closed in 2024: kept.", complete="Done")
    clock.set(MONDAY_MORNING)
    services.erasure.place_hold(lw.admin, "enquiry", made["held"], "Litigation")
    with services.uow() as s:
        source = LegacySource(identity="x" * 64, file_name="mpel.mdb", first_imported_at=clock.now())
        s.add(source)
        s.flush()
        s.add(LegacyRecord(enquiry_id=made["legacy"], source_id=source.id, access_id=7,
                           reference_as_stored="MPH000004"))
    return lw, made, db_url


def _run(url, *args):
    out, err = io.StringIO(), io.StringIO()
    code = cli_purge_records.main(["--database", url, "--as", "admin", *args], password=lambda _: PASSWORD,
                                  out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _subject(services, enquiry_id):
    with services.uow.read() as s:
        return s.get(Enquiry, enquiry_id).subject_name


def test_dry_run_then_run_anonymises_only_what_is_past_the_limit(setup):
    lw, made, url = setup
    services = lw.services
    period = Period(date(2023, 6, 1), date(2024, 2, 29))
    before = p.league(services, lw.base.leader, period)
    code, out, err = _run(url, "--dry-run")
    assert code == 0, err
    refs = {name: services.enquiries.header(lw.admin, i).reference for name, i in made.items()}
    assert "closed before 01 January 2024" in out and "2 due" in out and "Dry run" in out
    assert refs["old"] in out and refs["legacy"] in out and "legacy import" in out
    assert refs["recent"] not in out and refs["open"] not in out and refs["held"] not in out
    assert _subject(services, made["old"]) == "Omid Old"  # a dry run changes nothing

    code, out, err = _run(url)
    assert code == 0 and "2 anonymised" in out, err
    assert _subject(services, made["old"]) == "" and _subject(services, made["legacy"]) == ""
    for kept in ("open", "held", "recent"):
        assert _subject(services, made[kept]) != ""
    assert p.scan(services.engine, ["Omid Old", "past the limit", "Lee Legacy"]) == []
    assert p.scan(services.engine, ["Rita Recent"])
    assert p.league(services, lw.base.leader, period) == before
    with services.uow.read() as s:
        grounds = {(r.entity_id, r.ground) for r in s.scalars(select(AnonymisedRecord))}
    assert grounds == {(made["old"], "retention"), (made["legacy"], "retention")}
    code, out, _ = _run(url)  # a second run finds nothing more
    assert code == 0 and "0 anonymised" in out


def test_the_administrator_sets_the_years_and_no_one_else_runs_it(setup):
    lw, made, url = setup
    services = lw.services
    services.retention.set_years(lw.admin, 1)  # closed before 1 January 2025: the 2024 record too
    assert {r.id for r in services.retention.due(lw.admin).records} == {made["old"], made["legacy"], made["recent"]}
    with pytest.raises(ValidationError):
        services.retention.set_years(lw.admin, 0)
    for who in (lw.base.leader, lw.base.agent):
        with pytest.raises(PermissionDenied):
            services.retention.purge(who)
    services.users.create_user(lw.admin, username="agent2", full_name="Al Agent", password=PASSWORD,
                               roles={p.Role.CALL_AGENT}, demo=True)
    out, err = io.StringIO(), io.StringIO()
    code = cli_purge_records.main(["--database", url, "--as", "agent2"], password=lambda _: PASSWORD, out=out, err=err)
    assert code == 1 and "may not" in err.getvalue()


def test_mpel_entry_runs_purge_records_with_the_global_database_option(setup, monkeypatch, capsys):
    from mpel_app import __main__ as entry
    _lw, _made, url = setup
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": PASSWORD)
    assert entry.main(["--database", url, "purge-records", "--as", "admin", "--dry-run"]) == 0
    assert "2 due" in capsys.readouterr().out


def test_the_cut_off_is_the_first_instant_of_1_january_in_london(services, clock):
    """Closed in the last second of 2023 or the first of 2024: two years plus the current year later, the
    first is due from 1 January 2026 00:00 London and the second a year after, never a second early."""
    lw = build_letters_world(services)
    clock.set(at(2023, 12, 31, 23, 59, 59))
    last = p.log_enquiry(lw, "Lara Last", date(1975, 1, 1), "Closed in the last second of 2023.", complete="Done")
    clock.set(at(2024, 1, 1, 0, 0, 0))
    first = p.log_enquiry(lw, "Fred First", date(1976, 1, 1), "Closed in the first second of 2024.", complete="Done")

    def due_at(*when) -> set[int]:
        clock.set(at(*when))
        return {r.id for r in services.retention.due(lw.admin).records} & {last, first}

    assert due_at(2025, 12, 31, 23, 59, 59) == set()
    assert due_at(2026, 1, 1, 0, 0, 0) == {last}
    assert due_at(2026, 12, 31, 23, 59, 59) == {last}
    assert due_at(2027, 1, 1, 0, 0, 0) == {last, first}
    clock.set(at(2026, 6, 1, 12))
    report = services.retention.purge(lw.admin)
    assert [r.id for r in report.records if r.id in (last, first)] == [last]
    assert _subject(services, last) == "" and _subject(services, first) == "Fred First"
