"""Erasure that keeps the statistics (issue 17), on SQLite and PostgreSQL.

Ali Rezaei is erased: afterwards no table (every text, date and bytes column of every table the
database has, read by introspection, PostgreSQL's trigger-kept name tables included) holds his name,
date of birth, Home Office reference, case text or scanned letter, while his sister's record keeps the
family's reference, and the league table for the period is the same before and after.
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.data_rights import combine
from mpel_app.domain.errors import PermissionDenied, ValidationError
from mpel_app.domain.performance import Period
from mpel_app.services import people as finder
from mpel_app.services.erasure import ErasureRefused
from tests.support import people as p
from tests.support.letters_world import build_letters_world

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def lw(services):
    return build_letters_world(services)


@pytest.fixture
def person(lw):
    return p.build_person(lw)


def _match(services, by=finder.BY_NAME, text=p.NAME, dob=p.DOB):
    with services.uow.read() as s:
        return finder.find(s, by, text, dob)


def test_erasure_leaves_no_trace_and_the_league_table_unchanged(lw, person):
    services = lw.services
    before = p.league(services, lw.base.leader, PERIOD)
    assert any(r.received for r in before[0]) and before[1]  # the enquiries and the letter are counted
    assert p.scan(services.engine, [p.NAME, p.QUESTION[:20]])  # the scan does find him before
    assert p.scan(services.engine, [], blobs=(p.SCAN_MARK,))

    # The officer's own search (audited with the name and date of birth typed) finds him.
    # His dated enquiry and his (undated) letter are two rows; the officer chooses both.
    match = combine(services.subject_access.search(person.dpo, finder.BY_NAME, p.NAME, p.DOB))
    assert match.ids("enquiry") == [person.enquiry_id] and match.ids("letter") == [person.letter_id]
    report = services.erasure.erase(person.dpo, match.ids("enquiry"), match.ids("letter"))
    assert sorted(report.references) == sorted([person.enquiry_ref, person.letter_ref]) and report.audit_rows

    hits = p.scan(services.engine, p.erased_values(), dates=(p.DOB,), blobs=(p.SCAN_MARK,),
                  skip=p.sisters(person))
    assert hits == []
    if services.engine.dialect.name == "sqlite":  # the FTS5 index's segments: merged, his token gone from the file
        with services.engine.connect() as conn:
            blobs = [bytes(b) for (b,) in conn.exec_driver_sql("SELECT block FROM subject_name_fts_data")]
        assert blobs and not any(b"ali" in b for b in blobs)
    # The sister keeps her name and the family's reference; her name-search tokens stay.
    with services.uow.read() as s:
        [sister] = finder.find(s, finder.BY_NAME, p.SISTER, p.SISTER_DOB)
    assert sister.ho_references == [p.HO_REF] and sister.ids("enquiry") == [person.sister_enquiry_id]
    # Nor do the family's reference and the sister's name leave the rest of the trail.
    assert p.scan(services.engine, [p.SISTER])
    assert p.league(services, lw.base.leader, PERIOD) == before
    # The erasure is in the trail, with the references and without the values.
    with services.uow.read() as s:
        [(changes, username)] = s.execute(select(AuditLog.changes, AuditLog.username)
                                          .where(AuditLog.action == "erased")).all()
    assert person.enquiry_ref in changes and username == "dpo"


def test_refused_while_open_under_hold_or_within_minimum(lw, person, clock):
    services = lw.services
    open_sister = _match(services, text=p.SISTER, dob=p.SISTER_DOB)[0]
    with pytest.raises(ErasureRefused, match="still open"):
        services.erasure.erase(person.dpo, open_sister.ids("enquiry"), [])
    match = combine(_match(services))
    hold = services.erasure.place_hold(person.dpo, "letter", person.letter_id, "Judicial review pending")
    with pytest.raises(ErasureRefused, match="legal hold"):
        services.erasure.erase(person.dpo, match.ids("enquiry"), match.ids("letter"))
    services.erasure.lift_hold(person.dpo, hold)
    services.erasure.set_minimum_days(lw.admin, 30)
    assert any("minimum retention" in r for r in
               services.erasure.refusals(person.dpo, match.ids("enquiry"), match.ids("letter")))
    with pytest.raises(ErasureRefused, match="minimum retention"):
        services.erasure.erase(person.dpo, match.ids("enquiry"), match.ids("letter"))
    services.erasure.set_minimum_days(lw.admin, 0)
    services.erasure.erase(person.dpo, match.ids("enquiry"), match.ids("letter"))


def test_only_the_officer_and_administrators_erase(lw, person):
    services = lw.services
    match = combine(_match(services))
    for who in (lw.base.leader, lw.base.agent, lw.tl):
        with pytest.raises(PermissionDenied):
            services.erasure.erase(who, match.ids("enquiry"), match.ids("letter"))
        with pytest.raises(PermissionDenied):
            services.erasure.place_hold(who, "letter", person.letter_id, "because")
    assert p.scan(services.engine, [p.NAME])  # nothing went


def test_two_people_sharing_a_reference_are_kept_apart(lw, person):
    services = lw.services
    matches = _match(services, by=finder.BY_HO_REFERENCE, text=p.HO_REF.lower(), dob=None)
    assert sorted(m.name for m in matches) == [p.NAME, p.NAME, p.SISTER]  # his letter, undated, stands alone
    brother = combine([m for m in matches if m.name == p.NAME])
    assert set(brother.ids("enquiry")) == {person.enquiry_id} and brother.ids("letter") == [person.letter_id]
    with pytest.raises(ValidationError, match="more than one person"):
        services.erasure.erase(person.dpo, [person.enquiry_id, person.sister_enquiry_id], [])
