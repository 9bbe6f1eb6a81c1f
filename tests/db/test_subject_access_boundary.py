"""Subject access through PostgreSQL's boundary (issue 17): an administrator's own login, like the data protection
officer's, finds, exports and erases a person whose enquiry is locked (its subject withheld from every desk) and
whose letter is restricted [CORR 2.5], through the audited opening of ``db/pg_subject_access``; the opening lasts
one transaction, leaves its own row in the trail, and is refused to every other role."""
from __future__ import annotations

import contextlib
from datetime import date

import psycopg
import pytest
from sqlalchemy.engine import make_url

from mpel_app.app import open_database
from mpel_app.db import pg_subject_access
from mpel_app.domain.data_rights import combine
from mpel_app.domain.records import CallerKind, Channel, Disclosure, SubjectDetails
from mpel_app.services import people as finder
from tests.db.test_data_rights_boundary import rights_world
from tests.db.test_pg_boundary import login, refused
from tests.support import people as p
from tests.support.letters_world import SCAN
from tests.support.world import PASSCODE, PASSWORD

LOCKED = SubjectDetails(name="Zara Lockwood", date_of_birth=date(1990, 3, 4), ho_reference="L1234567",
                        nationality="Syrian")
QUESTION = "Where is Zara's appeal after the tribunal in Leeds?"
# Her brother, on the family's reference, his record locked too: the reference is shared, so it stays his.
BROTHER = SubjectDetails(name="Yusuf Haddad", date_of_birth=date(1988, 8, 8), ho_reference="L1234567",
                         nationality="Syrian")
BROTHER_QUESTION = "Is the family file L1234567 decided for the brother too?"


@pytest.fixture(scope="module")
def shared(pg_cluster):
    with rights_world(pg_cluster, "mpel_sar") as (url, services, lw, person):  # Ali Rezaei, and "dpo"
        world, e = lw.base, services.enquiries
        # Her subject typed after the passcode, then the caller changed to another MP: locked again.
        rec, brother = (_locked(world, e, subject, question) for subject, question in
                        ((LOCKED, QUESTION), (BROTHER, BROTHER_QUESTION)))
        letter = services.letters.register(lw.mpcs, kind="official", member_id=world.mp.id,
                                           subject_name=LOCKED.name, issue="her appeal in Leeds",
                                           ho_reference=LOCKED.ho_reference, constituent_name="Mr Lockwood",
                                           scanned_pdf=SCAN, signatory=None)
        dbname = make_url(url).database
        with pg_cluster.connect(dbname) as su:  # the call closed; the letter restricted, no handler
            su.execute("UPDATE enquiries SET status = 'refused', completed_at = received_at WHERE id = %s",
                       (rec.id,))
            su.execute("UPDATE letters SET restricted = true, state = 'cancelled', cancelled_at = "
                       "received_at WHERE id = %s", (letter.id,))
        yield dict(url=url, dbname=dbname, services=services, lw=lw, person=person, enquiry=rec.id,
                   letter=letter.id, brother=brother.id)


def _locked(world, e, subject: SubjectDetails, question: str):
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(world.agent, rec.id, PASSCODE)
    e.record_disclosure(world.agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    e.update_details(world.agent, rec.id, subject=subject, question=question, answer="", written_confirmation=False)
    return e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)


@contextlib.contextmanager
def desk_as(shared, who: str):
    desk = open_database(make_url(shared["url"]).set(username=who).render_as_string(hide_password=False),
                         upgrade=None)
    try:
        yield desk, desk.users.authenticate(who, PASSWORD)
    finally:
        desk.close()


def _withheld(pg_cluster, shared, who: str) -> bool:
    """What ``who``'s login reads of her, outside any opening: the desk's view blanks her, the letter is hidden."""
    with login(pg_cluster, shared, who) as conn:
        subject = conn.execute("SELECT subject_name FROM enquiries WHERE id = %s", (shared["enquiry"],)).fetchone()
        letters = conn.execute("SELECT count(*) FROM letters WHERE id = %s", (shared["letter"],)).fetchone()
    return subject == ("",) and letters == (0,)


@pytest.mark.parametrize("who", ["admin", "dpo"])
def test_search_and_export_from_the_officers_own_login_are_complete(pg_cluster, shared, who):
    assert _withheld(pg_cluster, shared, "admin")  # the boundary holds for the desk
    with desk_as(shared, who) as (desk, actor):
        [by_name] = [m for m in desk.subject_access.search(actor, finder.BY_NAME, LOCKED.name, LOCKED.date_of_birth)
                     if m.date_of_birth]
        assert by_name.ids("enquiry") == [shared["enquiry"]] and by_name.name == LOCKED.name
        matches = desk.subject_access.search(actor, finder.BY_HO_REFERENCE, LOCKED.ho_reference)
        assert [(m.name, m.date_of_birth) for m in matches] == [
            (BROTHER.name, BROTHER.date_of_birth), (LOCKED.name, LOCKED.date_of_birth), (LOCKED.name, None)]
        her = combine([m for m in matches if m.name == LOCKED.name])  # her row and her (undated) letter
        assert her.ids("enquiry") == [shared["enquiry"]] and her.ids("letter") == [shared["letter"]]
        export = desk.subject_access.export(actor, her.ids("enquiry"), her.ids("letter"))
    sections = {s.title: s.items for s in export.sections}
    assert [e["question"] for e in sections["Enquiries"]] == [QUESTION]
    assert [x["issue"] for x in sections["CTS letters"]] == ["her appeal in Leeds"]
    assert [d.data for d in export.documents] == [SCAN]
    assert _withheld(pg_cluster, shared, "admin")  # opened for those transactions only


def test_the_opening_is_the_officers_lasts_one_transaction_and_is_in_the_trail(pg_cluster, shared):
    enquiry = shared["enquiry"]
    for who in ("agent", "leader", "amlse", "mpcs"):
        with login(pg_cluster, shared, who) as conn:
            refused(conn, "SELECT mpel_open_for_subject_access(ARRAY[%s], ARRAY[]::integer[])", (enquiry,))
            refused(conn, "SELECT mpel_open_subject_matches('ho', %s, NULL, ARRAY[]::text[], '')",
                    (LOCKED.ho_reference,))
            refused(conn, "SELECT * FROM mpel_private.subject_access_openings")
    with login(pg_cluster, shared, "dpo") as conn:  # the officer too reads a locked subject only when opened
        assert conn.execute("SELECT subject_name FROM enquiries WHERE id = %s", (enquiry,)).fetchone() == ("",)
    with login(pg_cluster, shared, "admin") as conn:
        refused(conn, "INSERT INTO mpel_private.subject_access_openings VALUES "
                      "(pg_current_xact_id(), 'admin', 'enquiry', %s)", (enquiry,))
        with conn.transaction():
            assert conn.execute("SELECT mpel_open_for_subject_access(ARRAY[%s], ARRAY[]::integer[])",
                                (enquiry,)).fetchone() == (1,)
            assert conn.execute("SELECT subject_name FROM enquiries WHERE id = %s", (enquiry,)).fetchone() \
                == (LOCKED.name,)
            # Still not the table itself: the subject columns are not granted, opening or not.
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute("SELECT subject_name FROM public.enquiries WHERE id = %s", (enquiry,))
        assert conn.execute("SELECT subject_name FROM enquiries WHERE id = %s", (enquiry,)).fetchone() == ("",)
    with pg_cluster.connect(shared["dbname"]) as su:
        row = su.execute("SELECT username, entity, changes FROM audit_log WHERE action = %s ORDER BY id DESC LIMIT 1",
                         (pg_subject_access.OPENED,)).fetchone()
    assert row[0] == "admin" and row[1] == "person" and str(enquiry) in row[2] and LOCKED.name not in row[2]


def test_the_administrators_login_erases_her_entirely(pg_cluster, shared):
    with desk_as(shared, "admin") as (desk, admin):
        her = combine([m for m in desk.subject_access.search(admin, finder.BY_HO_REFERENCE, LOCKED.ho_reference)
                       if m.name == LOCKED.name])
        # Holds reach her locked enquiry and her restricted letter too (each opened for its own transaction).
        assert desk.erasure.hold_person(admin, her.ids("enquiry"), her.ids("letter"), "Tribunal pending") == 2
        assert len(desk.erasure.refusals(admin, her.ids("enquiry"), her.ids("letter"))) == 2
        assert desk.erasure.lift_person_holds(admin, her.ids("enquiry"), her.ids("letter")) == 2
        assert desk.erasure.refusals(admin, her.ids("enquiry"), her.ids("letter")) == []
        desk.erasure.erase(admin, her.ids("enquiry"), her.ids("letter"))
    # Every table and column (his letter's scan, the same test file, is Ali Rezaei's: not read).  The family's
    # reference is her brother's too, and his record is locked: it is still counted as shared, and stays his.
    with pg_cluster.connect(shared["dbname"]) as su:
        assert su.execute("SELECT ho_reference, question FROM enquiries WHERE id = %s",
                          (shared["brother"],)).fetchone() == (BROTHER.ho_reference, BROTHER_QUESTION)
        assert su.execute("SELECT ho_reference FROM enquiries WHERE id = %s", (shared["enquiry"],)).fetchone() == ("",)
        assert su.execute("SELECT count(*) FROM audit_log WHERE entity = 'enquiry' AND entity_id = %s AND changes "
                          "LIKE %s", (shared["brother"], f"%{BROTHER.ho_reference}%")).fetchone()[0] > 0
    assert p.scan(shared["services"].engine, [LOCKED.name, "appeal in Leeds", "Lockwood"],
                  dates=(LOCKED.date_of_birth,), blobs=(p.SCAN_MARK,),
                  skip=lambda table, row: table == "letter_documents" and row["letter_id"] != shared["letter"]) == []


def test_the_administrators_retention_run_removes_a_locked_records_name_index(pg_cluster, shared):
    """The run opens the records it anonymises: a locked record's name-index rows, hidden from the login,
    go with its values (they stayed behind before)."""
    lw = shared["lw"]
    old = _locked(lw.base, lw.services.enquiries, SubjectDetails(name="Olga Oldfield", date_of_birth=date(1950, 1, 1)),
                  "Closed long ago.")
    with pg_cluster.connect(shared["dbname"]) as su:
        su.execute("UPDATE enquiries SET status = 'refused', completed_at = '2023-06-01T10:00Z' WHERE id = %s",
                   (old.id,))
        assert su.execute("SELECT count(*) FROM subject_name_tokens WHERE enquiry_id = %s", (old.id,)).fetchone()[0]
    with desk_as(shared, "admin") as (desk, admin):
        assert old.id in [r.id for r in desk.retention.purge(admin).records]
    with pg_cluster.connect(shared["dbname"]) as su:
        assert su.execute("SELECT subject_name FROM enquiries WHERE id = %s", (old.id,)).fetchone() == ("",)
        assert su.execute("SELECT count(*) FROM subject_name_tokens WHERE enquiry_id = %s", (old.id,)).fetchone() == (0,)
    assert p.scan(shared["services"].engine, ["Oldfield"]) == []
