"""Views of a subject's personal data are audited, and the audit trail is searched by oversight only
(SQLite and PostgreSQL): one row per view naming the viewer and the fields shown, never their values;
nothing personal from a locked record; the oversight search, its filters and what it withholds."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from mpel_app.db.models import AuditLog
from mpel_app.domain.errors import NotFound, PermissionDenied, ValidationError
from mpel_app.domain.records import CallerKind, Channel, Disclosure, Role, SubjectDetails
from mpel_app.services.audit import (AUDIT_ENTITY, EXPORTED, VIEWED, VIEWED_IN_AUDIT, WITHHELD, AuditFilter)
from tests.support.letters_world import build_letters_world
from tests.support.world import LONDON, OTHER_PASSCODE, PASSCODE, PASSWORD

NAME = "Zoë Núñez-García"
SUBJECT = SubjectDetails(name=NAME, date_of_birth=date(1981, 3, 4), nationality="Colombian",
                         ho_reference="N1234567", cts_reference="")
QUESTION = "Has the fresh claim been accepted?"
ANSWER = "Under consideration."
OVERSIGHT = {Role.MPEL_TEAM_LEADER, Role.UNIT_TEAM_LEADER, Role.ADMINISTRATOR}


def detailed_call(world, *, answer: str = ANSWER):
    e, agent = world.services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER, caller_name="Sam Clerk")
    e.verify_passcode(agent, rec.id, PASSCODE)
    e.record_disclosure(agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    return e.update_details(agent, rec.id, subject=SUBJECT, question=QUESTION, answer=answer,
                            written_confirmation=False)


def rows(services, **where) -> list[AuditLog]:
    with services.uow.read() as s:
        stmt = select(AuditLog).order_by(AuditLog.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(AuditLog, key) == value)
        found = list(s.scalars(stmt))
        s.expunge_all()
    return found


def count(services) -> int:
    with services.uow.read() as s:
        return s.scalar(select(func.count()).select_from(AuditLog))


# ----------------------------------------------------------------- enquiries

def test_opening_an_enquiry_writes_exactly_one_row_naming_the_viewer_and_the_fields(world):
    services, e = world.services, world.services.enquiries
    rec = detailed_call(world)
    before = count(services)

    opened = e.get(world.leader, rec.id)

    assert opened.subject.name == NAME  # the data was shown...
    assert count(services) == before + 1  # ...and exactly one row says so
    row = rows(services, action=VIEWED)[-1]
    assert (row.username, row.user_id, row.entity, row.entity_id) == ("leader", world.leader.id, "enquiry", rec.id)
    assert row.at == services.clock.now()
    changes = json.loads(row.changes)
    assert changes == {"shown": "subject's name, date of birth, nationality, Home Office reference, question, answer"}
    # The trail names what was shown, never the values themselves.
    assert NAME not in row.changes and "N1234567" not in row.changes and QUESTION not in row.changes

    e.get_by_reference(world.agent, rec.reference.lower())
    assert count(services) == before + 2
    assert rows(services, action=VIEWED)[-1].username == "agent"


def test_region_staff_opening_their_item_is_audited(world):
    e = world.services.enquiries
    rec = e.mark_further_action(world.agent, detailed_call(world).id)
    rec = e.send_to_region(world.leader, rec.id, "LSE")
    opened = e.get(world.am_lse, rec.id)
    assert opened.question == QUESTION
    views = rows(world.services, action=VIEWED, entity_id=rec.id)
    assert [v.username for v in views] == ["amlse"]


def test_a_locked_record_writes_a_row_that_shows_nothing_personal(world):
    """Details typed, then another member chosen: the record locks again while the data stays stored."""
    e = world.services.enquiries
    rec = detailed_call(world)
    e.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    before = count(world.services)

    locked = e.get(world.leader, rec.id)

    assert locked.subject is None and locked.question is None and locked.answer is None
    assert count(world.services) == before + 1
    row = rows(world.services, action=VIEWED)[-1]
    assert row.username == "leader"
    assert json.loads(row.changes) == {"shown": "no personal data", "withheld": "passcode not verified"}
    assert NAME not in row.changes and QUESTION not in row.changes

    # Verified again for the new office: what shows again is recorded with the verification.
    e.verify_passcode(world.agent, rec.id, OTHER_PASSCODE)
    verified = rows(world.services, action="passcode verified")[-1]
    assert "subject's name" in json.loads(verified.changes)["shown"]


def test_views_stay_out_of_the_records_history_and_make_nothing_stale(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    e.get(world.leader, rec.id)
    e.get(world.am_lse, rec.id)
    assert [t.action for t in e.audit_trail(world.agent, rec.id)] == [
        "logged", "caller set", "passcode verified", "disclosure checks recorded", "details updated"]
    # The agent's copy (loaded before the views) still saves: a view changes nothing.
    saved = e.update_details(world.agent, rec.id, subject=SUBJECT, question=QUESTION, answer="Decided today.",
                             written_confirmation=False, expected_version=rec.version)
    assert saved.answer == "Decided today."


def test_header_and_missing_records_write_nothing(world):
    e = world.services.enquiries
    rec = detailed_call(world)
    before = count(world.services)
    header = e.header(world.agent, rec.id)
    assert header.reference == rec.reference and header.subject is None and header.question is None
    assert count(world.services) == before
    e.delete(world.leader, rec.id, "logged twice by mistake")
    before = count(world.services)
    with pytest.raises(NotFound):
        e.get(world.leader, rec.id)
    with pytest.raises(NotFound):
        e.get_by_reference(world.leader, "MPH999999")
    assert count(world.services) == before


# ------------------------------------------------------------------- letters

def test_opening_a_letter_writes_one_row_and_a_hidden_letter_none(services):
    lw = build_letters_world(services)
    letters = services.letters
    rec = lw.register()
    before = count(services)

    seen = letters.get(lw.wm, rec.id)
    assert seen.subject_name == "Ali Rezaei"
    assert count(services) == before + 1
    row = rows(services, action=VIEWED, entity="letter")[-1]
    assert (row.username, row.entity_id) == ("wm", rec.id)
    assert json.loads(row.changes) == {"shown": "subject's name, constituent's name, Home Office reference, issue"}
    assert "Rezaei" not in row.changes

    letters.get_by_reference(lw.co, rec.reference)
    assert count(services) == before + 2

    restricted = lw.register(restricted=True, named_handlers=["wm"])
    before = count(services)
    with pytest.raises(NotFound):
        letters.get(lw.co, restricted.id)
    assert count(services) == before


def test_opening_a_letters_scan_is_audited_and_a_hidden_ones_is_not(services):
    lw = build_letters_world(services)
    rec = lw.register()
    scan = rec.documents[0]
    before = count(services)

    opened = services.letters.document(lw.wm, scan.id)
    assert opened.data.startswith(b"%PDF")
    assert count(services) == before + 1
    row = rows(services, action=VIEWED, entity="letter")[-1]
    assert (row.username, row.entity_id) == ("wm", rec.id)
    assert json.loads(row.changes) == {"document_id": scan.id, "document_kind": "scan",
                                       "shown": f"document {scan.filename}"}

    restricted = lw.register(restricted=True, named_handlers=["wm"])
    before = count(services)
    with pytest.raises(NotFound):
        services.letters.document(lw.co, restricted.documents[0].id)
    assert count(services) == before


# ------------------------------------------------------------ oversight search

def test_only_team_leaders_and_administrators_may_search_the_trail(world):
    audit = world.services.audit
    for role in Role:
        user = world.services.users.create_user(world.admin, username=f"r_{role.value}", full_name=role.label,
                                                password=PASSWORD, roles={role},
                                                region_code="LSE" if role in (Role.ACCOUNT_MANAGER,
                                                                              Role.SUPPORT_ACCOUNT_MANAGER) else None,
                                                demo=True)
        if role in OVERSIGHT:
            assert audit.search(user, AuditFilter()).lines
            continue
        for attempt in (lambda: audit.search(user, AuditFilter()), lambda: audit.choices(user),
                        lambda: audit.export(user, AuditFilter()), lambda: audit.entry(user, 1)):
            with pytest.raises(PermissionDenied):
                attempt()
    # Refused without a trace of what was asked for: no export row.
    assert not rows(world.services, action=EXPORTED)


def test_filters_find_what_they_say_newest_first(world):
    e, audit, clock = world.services.enquiries, world.services.audit, world.services.clock
    # 30 June 23:30 UTC is 00:30 on 1 July in London (BST): a London date, not a UTC one.
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc))
    summer = detailed_call(world)
    clock.set(datetime(2026, 11, 23, 10, 15, tzinfo=LONDON))
    winter = detailed_call(world, answer="Granted; letter sent to Ms Çelik")
    e.get(world.am_lse, winter.id)

    def search(**kw):
        return audit.search(world.leader, AuditFilter(**kw)).lines

    everything = search()
    # Newest first, in the order written; with the clock moving forward, that is the order of time too.
    assert [line.id for line in everything] == sorted((line.id for line in everything), reverse=True)
    calls = search(entity="enquiry")
    assert [line.at for line in calls] == sorted((line.at for line in calls), reverse=True)
    assert calls[0].at > calls[-1].at
    assert everything[0].action == VIEWED and everything[0].reference == winter.reference

    july = search(date_from=date(2026, 7, 1), date_to=date(2026, 7, 1))
    assert july and {line.reference for line in july} == {summer.reference}
    assert not search(date_from=date(2026, 6, 30), date_to=date(2026, 6, 30))
    assert {line.reference for line in search(date_from=date(2026, 11, 23), entity="enquiry")} == {winter.reference}

    by_user = search(username="amlse")
    assert [(line.username, line.action) for line in by_user] == [("amlse", VIEWED)]
    assert {line.action for line in search(action="details updated")} == {"details updated"}
    assert {line.entity for line in search(entity="user")} == {"user"}
    assert {line.reference for line in search(reference=f" {summer.reference.lower()} ")} == {summer.reference}
    assert not search(reference="MPH999999")
    # Text anywhere in the changes, accents included; the line itself shows the fields, not the values.
    found = search(text="Çelik")
    assert [line.reference for line in found] == [winter.reference]
    assert "answer" in found[0].fields and "answer" not in found[0].changes and not found[0].complete
    assert search(text="%") == ()  # a literal per cent sign, not "anything"

    page = audit.search(world.leader, AuditFilter(), limit=3)
    assert len(page.lines) == 3 and page.more
    assert [line.id for line in page.lines] == [line.id for line in everything[:3]]
    assert not audit.search(world.leader, AuditFilter(username="amlse"), limit=1).more

    with pytest.raises(ValidationError, match="after"):
        search(date_from=date(2026, 12, 1), date_to=date(2026, 11, 1))
    choices = audit.choices(world.leader)
    assert {"details updated", VIEWED} <= set(choices.actions) and "enquiry" in choices.entities
    assert ("amlse", "Lena South") in choices.usernames and choices.usernames[-1][0] == "system"


def test_text_search_does_not_match_a_locked_enquirys_withheld_values(world):
    rec = detailed_call(world)
    audit = world.services.audit
    assert [line.reference for line in audit.search(world.leader, AuditFilter(text="Colombian")).lines] \
        == [rec.reference]
    # Another Member's office on the line: the passcode must be checked again, and until it is
    # the record's values are withheld, from the search as from the list.
    world.services.enquiries.set_caller(world.agent, rec.id, member_id=world.mp_scot.id,
                                        caller_kind=CallerKind.MEMBER)
    assert not world.services.enquiries.get(world.agent, rec.id).passcode_verified
    assert audit.search(world.leader, AuditFilter(text="Colombian")).lines == ()
    assert audit.search(world.leader, AuditFilter(text="details updated")).lines  # actions still match


def test_opening_an_entry_shows_the_values_and_is_audited_against_the_record(world):
    services, audit = world.services, world.services.audit
    rec = detailed_call(world)
    details = audit.search(world.leader, AuditFilter(action="details updated")).lines[0]
    assert "subject_name" in details.fields and "subject_name" not in details.changes

    full = audit.entry(world.leader, details.id)

    assert full.complete and full.changes["subject_name"][1] == NAME
    row = rows(services, action=VIEWED_IN_AUDIT)[-1]
    assert (row.username, row.entity, row.entity_id) == ("leader", "enquiry", rec.id)
    assert json.loads(row.changes)["audit_entry"] == details.id
    assert NAME not in row.changes
    with pytest.raises(NotFound):
        audit.entry(world.leader, 999_999)

    # Locked again (another member chosen): the trail withholds the values here as everywhere.
    services.enquiries.set_caller(world.agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    assert audit.entry(world.leader, details.id).changes["subject_name"] == WITHHELD


def test_an_export_is_complete_and_audited_with_its_filters(world):
    services, audit = world.services, world.services.audit
    rec = detailed_call(world)
    page = audit.export(world.admin, AuditFilter(reference=rec.reference))
    assert page.lines and all(line.complete for line in page.lines)
    assert [line.changes["question"][1] for line in page.lines if "question" in line.changes] == [QUESTION]
    row = rows(services, action=EXPORTED)[-1]
    assert (row.username, row.entity, row.entity_id) == ("admin", AUDIT_ENTITY, None)
    assert json.loads(row.changes) == {"reference": rec.reference, "rows": len(page.lines)}


def test_a_restricted_letters_entries_exist_only_for_its_handlers(services):
    lw = build_letters_world(services)
    audit = services.audit
    leader = services.users.create_user(lw.admin, username="tl2", full_name="Tess Leader",
                                        password=PASSWORD, roles={Role.MPEL_TEAM_LEADER}, demo=True)
    restricted = lw.register(restricted=True, named_handlers=["tl"])
    normal = lw.register()
    seen_by_outsider = {line.reference for line in audit.search(leader, AuditFilter(entity="letter")).lines}
    assert normal.reference in seen_by_outsider and restricted.reference not in seen_by_outsider
    assert not audit.search(leader, AuditFilter(reference=restricted.reference)).lines
    entry_id = rows(services, entity="letter", entity_id=restricted.id)[0].id
    with pytest.raises(NotFound):
        audit.entry(leader, entry_id)
    # Its named handler (a unit team leader here) sees them.
    assert audit.search(lw.tl, AuditFilter(reference=restricted.reference)).lines

