"""An erasure and a retention run are changes other desks hear (issue 17), on PostgreSQL (NOTIFY) and SQLite
(the audit rows read after ``data_version`` moved): a desk still showing the person reloads and stops showing
them.  Each is one audit row about many records; the announcer counts it as a change to all of them."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from mpel_app.app import open_database
from mpel_app.db.changes import ENQUIRIES, LETTERS, URGENT, entities_of
from mpel_app.domain.audit_actions import ANONYMISED_PAST_RETENTION, ERASED, PERSON, RETENTION, SEARCHED
from mpel_app.domain.data_rights import combine
from mpel_app.domain.records import SearchKey
from mpel_app.services import people as finder
from tests.db.test_changes import listen  # noqa: F401 (the fixture)
from tests.support import people as p
from tests.support.letters_world import build_letters_world
from tests.support.world import LONDON, MONDAY_MORNING


def test_the_rows_that_change_many_records_are_changes_to_all_of_them():
    assert entities_of(PERSON, ERASED, "{}", None) == {ENQUIRIES, URGENT, LETTERS}
    assert entities_of(RETENTION, ANONYMISED_PAST_RETENTION, "{}", None) == {ENQUIRIES, URGENT}
    assert entities_of(PERSON, SEARCHED, "{}", None) == set()  # a search is a read: nothing to reload


@pytest.fixture
def desks(services, db_url, clock):
    lw = build_letters_world(services)
    person = p.build_person(lw)
    other = open_database(db_url, clock=services.clock)
    yield lw, person, other
    other.close()


def test_another_desk_hears_an_erasure(desks, listen):  # noqa: F811
    lw, person, other = desks
    heard = listen(other.engine)
    him = combine(lw.services.subject_access.search(person.dpo, finder.BY_NAME, p.NAME, p.DOB))
    before = len(heard.notices)
    lw.services.erasure.erase(person.dpo, him.ids("enquiry"), him.ids("letter"))
    assert heard.wait_for(ENQUIRIES, after=before) and heard.wait_for(LETTERS, after=before)
    # What the other desk reloads no longer shows him.
    shown = other.enquiries.find(lw.base.leader, SearchKey.HO_REFERENCE, p.HO_REF)
    assert [r.subject_name for r in shown] == [p.SISTER]


def test_another_desk_hears_a_retention_run(desks, listen, clock):  # noqa: F811
    lw, _person, other = desks
    clock.set(datetime(2023, 6, 5, 10, tzinfo=LONDON))
    old = p.log_enquiry(lw, "Omid Old", date(1970, 1, 1), "Closed in 2023.", complete="Done")
    clock.set(MONDAY_MORNING)
    heard = listen(other.engine)
    before = len(heard.notices)
    assert [r.id for r in lw.services.retention.purge(lw.admin).records] == [old]
    assert heard.wait_for(ENQUIRIES, after=before)
