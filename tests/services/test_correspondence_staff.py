"""An MP writing on behalf of a member of Agency staff [CORR 2.5], through the services on SQLite and PostgreSQL:
the line manager must be named (by user id or username) and is told at their own e-mail address through the
outbox in the registering transaction (the CTS reference and the Civil Service Code, never the case or an
answer); a line manager with no e-mail address is refused; the letter stays invisible to everyone but its named
handlers in every list, search, workstack and "get next case", linked letters included."""
from __future__ import annotations

from email import message_from_bytes
from email.policy import default

import pytest

from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.errors import NotFound, PermissionDenied, ValidationError
from mpel_app.domain.records import Role
from mpel_app.services.letters.staff import FLAGGED, SUBJECT
from tests.support.letters_world import HO_REF, NOTE, PASSWORD, build_letters_world, london
from tests.support.world import staff_email

QUESTION = "Why was the visa for my wife refused when I work for the Agency?"
ISSUE = "the refusal of his wife's visa"


LENA_EMAIL = "lena.manager@homeoffice.example.gov.uk"


@pytest.fixture
def lw(services):
    return build_letters_world(services)


def _user(lw, username, full_name, roles, unit=None, email=""):
    rec = lw.services.users.create_user(lw.admin, username=username, full_name=full_name, password=PASSWORD,
                                        roles=roles, grade="EO", email=email, demo=True)
    if unit:
        lw.services.units.add_member(lw.admin, unit, rec.id)
    return rec


@pytest.fixture
def kim(lw):
    """The member of staff the MP wrote for: a case owner in the very unit that will answer."""
    return _user(lw, "kim", "Kim Tanaka", {Role.CASE_OWNER}, "ASY1")


@pytest.fixture
def lena(lw):
    """Kim's line manager, with her e-mail address on the desk."""
    return _user(lw, "lena", "Lena Manager", {Role.UNIT_TEAM_LEADER}, "EUR", email=staff_email("Lena Manager"))


def _staff_letter(lw, kim, lena, **kw):
    values = dict(staff_member=kim.username.upper(), line_manager_id=lena.id, named_handlers=["wm", "co2", "scw", "tl"],
                  subject_name="Aiko Tanaka", issue=ISSUE, question=QUESTION)
    values.update(kw)
    return lw.register(**values)


def test_a_line_manager_must_be_named_for_a_letter_about_agency_staff_and_only_then(lw, kim, lena):
    with pytest.raises(ValidationError, match="line_manager: name the member of staff's line manager"):
        lw.register(staff_member="kim")
    with pytest.raises(ValidationError, match="line_manager: name a line manager only for a letter about a member "
                                              "of Agency staff"):
        lw.register(line_manager_id=lena.id)
    with pytest.raises(ValidationError, match="cannot be flagged to themselves"):
        lw.register(staff_member="kim", line_manager_id=kim.id)
    with pytest.raises(ValidationError, match="line_manager: choose an active user"):
        lw.register(staff_member="kim", line_manager_id=999_999)
    # By username, as MPCS types it: the same rules, and never two different people.
    with pytest.raises(ValidationError, match="line_manager: name a line manager only for a letter about a member "
                                              "of Agency staff"):
        lw.register(line_manager="lena")
    with pytest.raises(ValidationError, match="line_manager: there is no active user 'nobody'"):
        lw.register(staff_member="kim", line_manager="nobody")
    with pytest.raises(ValidationError, match="line_manager contains control characters"):
        lw.register(staff_member="kim", line_manager="le\x00na")
    with pytest.raises(ValidationError, match="cannot be flagged to themselves"):
        lw.register(staff_member="kim", line_manager=" KIM ")
    with pytest.raises(ValidationError, match="line_manager_id names tl but line_manager names lena; name the line "
                                              "manager once"):
        lw.register(staff_member="kim", line_manager_id=lw.tl.id, line_manager="lena")
    with pytest.raises(ValidationError, match="line_manager must be text"):
        lw.register(staff_member="kim", line_manager=lena.id)
    # None of those was registered: the counter is untouched.
    assert _staff_letter(lw, kim, lena).reference == "B00001/26"
    # Named both ways, the same person: told once.
    both = _staff_letter(lw, kim, lena, line_manager=" Lena ")
    assert both.line_manager == "lena" and len(lw.services.outbox.messages_for(lw.mpcs, "letter", both.id)) == 1


def test_the_line_manager_can_be_named_by_username(lw, kim, lena):
    rec = _staff_letter(lw, kim, lena, line_manager_id=None, line_manager="LENA")
    assert (rec.line_manager, rec.line_manager_name) == ("lena", "Lena Manager")
    [item] = lw.services.outbox.messages_for(lw.mpcs, "letter", rec.id)
    assert (item.to_address, item.to_name) == (LENA_EMAIL, "Lena Manager")


def test_the_line_manager_is_told_through_the_outbox_with_the_reference_and_nothing_of_the_case(lw, kim, lena,
                                                                                                  clock):
    letters, outbox = lw.services.letters, lw.services.outbox
    rec = _staff_letter(lw, kim, lena)
    assert rec.restricted and rec.staff_member == "kim"
    assert (rec.line_manager, rec.line_manager_name, rec.line_manager_flagged_at) == ("lena", "Lena Manager",
                                                                                      clock.now())
    # Told, but not a named handler: the line manager cannot open the letter.
    assert rec.named_handlers == ("co2", "mpcs", "scw", "tl", "wm")
    with pytest.raises(NotFound):
        letters.get(lena, rec.id)
    [item] = outbox.messages_for(lw.mpcs, "letter", rec.id)
    assert (item.to_address, item.to_name, item.kind) == (LENA_EMAIL, "Lena Manager", "letter_line_manager")
    # The subject shows in the desk's outbox list: neither the reference nor a name.
    assert item.subject == SUBJECT and rec.reference not in item.subject and "Kim" not in item.subject
    _, eml = outbox.export_document(lw.mpcs, item.id)
    body = message_from_bytes(eml, policy=default).get_body(("plain",)).get_content()
    body = " ".join(body.split())
    for expected in ("Dear Lena Manager", "Jane Smith MP has written to us on behalf of Kim Tanaka, a member of your "
                     "staff", rec.reference, "received 23 November 2026", "Civil Service Code"):
        assert expected in body, expected
    for never in (QUESTION, ISSUE, "Aiko", HO_REF, "visa"):
        assert never not in body, never
    [entry] = [t for t in letters.history(lw.mpcs, rec.id) if t.action == FLAGGED]
    assert entry.changes["line_manager"] == "lena" and entry.changes["to"] == LENA_EMAIL
    assert entry.changes["outbox_id"] == item.id

    # Drafted and sent to QA: nothing more goes to the line manager, so no draft or answer ever can.
    letters.allocate(lw.mpcs, rec.id, "ASY1")
    letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    letters.allocate_to_case_owner(lw.wm, rec.id, lw.co2.id)
    letters.save_background_note(lw.co2, rec.id, **NOTE)
    assert letters.submit_to_qa(lw.co2, rec.id, draft="The visa was refused for want of funds.").letter.state \
        is S.IN_QA
    assert [m.id for m in outbox.messages_for(lw.mpcs, "letter", rec.id)] == [item.id]


def test_the_message_and_the_letter_are_saved_together_or_not_at_all(lw, kim, lena):
    letters, outbox = lw.services.letters, lw.services.outbox
    # The constituency MP's letter about the same person, as restricted, with the same handlers.
    jane = lw.register(restricted=True, named_handlers=["wm", "co2", "scw", "tl"])
    # The flag is written first, then the link is refused (two constituency MPs): the message goes too.
    with pytest.raises(ValidationError, match="constituency_mp"):
        _staff_letter(lw, kim, lena, member_id=lw.base.mp_scot.id, link_to_reference=jane.reference)
    assert outbox.list_undelivered(lw.mpcs) == []
    assert letters.search(lw.mpcs, "Aiko") == []
    assert lw.register().reference == "B00002/26"  # only Jane's letter used a number


def test_a_line_manager_with_no_e_mail_address_is_refused_until_an_administrator_adds_one(lw, kim, lena):
    letters, outbox, users = lw.services.letters, lw.services.outbox, lw.services.users
    users.set_email(lw.admin, lena.id, "")
    # MPCS cannot tell the line manager, so nothing is registered; the message says who can put it right.
    for named in (dict(line_manager_id=lena.id), dict(line_manager_id=None, line_manager="lena")):
        with pytest.raises(ValidationError, match=r"line_manager: Lena Manager \(lena\) has no e-mail address on "
                                                  r"the desk, so cannot be told of the letter; ask an administrator "
                                                  r"to add it"):
            _staff_letter(lw, kim, lena, **named)
    assert outbox.list_undelivered(lw.mpcs) == [] and letters.search(lw.mpcs, "Aiko") == []
    # MPCS may not add it itself: e-mail addresses are an administrator's to record.
    with pytest.raises(PermissionDenied):
        users.set_email(lw.mpcs, lena.id, LENA_EMAIL)
    users.set_email(lw.admin, lena.id, "Lena.Manager@ukba.example.gov.uk")
    rec = _staff_letter(lw, kim, lena)
    assert rec.reference == "B00001/26"  # the refusals used no number
    [item] = outbox.messages_for(lw.mpcs, "letter", rec.id)
    assert item.to_address == "Lena.Manager@ukba.example.gov.uk"


def test_a_restricted_letter_is_invisible_to_all_but_its_named_handlers_everywhere(lw, kim, lena):
    letters = lw.services.letters
    other_mpcs = _user(lw, "mpcs2", "Mo Second", {Role.MPCS_ALLOCATOR})
    # Received three months ago, so it is late too; with a second MP's letter, linked.
    rec = _staff_letter(lw, kim, lena, received_at=london(2026, 8, 3, 10, 0))
    twin = _staff_letter(lw, kim, lena, member_id=lw.base.mp_scot.id, constituency_mp=False,
                         received_at=london(2026, 8, 4, 10, 0), link_to_reference=rec.reference)
    for r in (rec, twin):
        letters.allocate(lw.mpcs, r.id, "ASY1")
        letters.accept(lw.wm, r.id, barrier_to_removal=True)
    outsiders = [lw.co, kim, lena, other_mpcs, lw.admin, lw.base.agent, lw.po]
    for who in outsiders:
        for r in (rec, twin):
            with pytest.raises(NotFound):
                letters.get(who, r.id)
            with pytest.raises(NotFound):
                letters.get_by_reference(who, r.reference)
            with pytest.raises(NotFound):
                letters.history(who, r.id)
            with pytest.raises(NotFound):
                letters.document(who, r.documents[0].id)
            assert letters.search(who, r.reference) == []
        for text in ("Aiko", HO_REF):
            assert letters.search(who, text) == [], (who.username, text)
        for role in who.roles:
            if role in (Role.MPCS_ALLOCATOR, Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER,
                        Role.UNIT_TEAM_LEADER):
                assert letters.workstack(who, role) == [], (who.username, role)
        assert letters.late_letters(who) == []
        # Nor through the outbox: the line manager's message (it names the member of staff) is not there
        # for them, not even as a count in the banner.
        outbox = lw.services.outbox
        assert outbox.list_undelivered(who) == [] and outbox.pending_summary(who).undelivered == 0
        for r in (rec, twin):
            assert outbox.messages_for(who, "letter", r.id) == []
        handlers_see = outbox.list_undelivered(lw.mpcs)
        assert len(handlers_see) == 2  # one line-manager message a letter, there for the handler
        for message in handlers_see:
            for look in (outbox.get, outbox.export_document):
                with pytest.raises(NotFound):
                    look(who, message.id)
            with pytest.raises((NotFound, PermissionDenied)):
                outbox.mark_sent_by_hand(who, message.id, "Handed over in person at 14:20")
        for member in (lw.base.mp, lw.base.mp_scot):
            assert letters.letters_of_deceased_member(who, member.id).undrafted == ()
    # Two case owners of the unit (the member of staff among them) ask for the next case: nothing to take.
    assert letters.get_next_case(lw.co) is None and letters.get_next_case(kim) is None
    # The named handlers see them everywhere, each with the other in its group.
    assert {i.id for i in letters.search(lw.wm, "Aiko")} == {rec.id, twin.id}
    assert {i.id for i in letters.workstack(lw.wm, Role.WORKFLOW_MANAGER)} == {rec.id, twin.id}
    assert {i.summary.id for i in letters.late_letters(lw.mpcs)} == {rec.id, twin.id}
    assert letters.letters_of_deceased_member(lw.wm, lw.base.mp.id).undrafted == (rec.reference,)
    assert [x.reference for x in letters.get(lw.tl, rec.id).linked_letters] == [twin.reference]
    # A case owner who is a named handler gets the oldest first.
    assert letters.get_next_case(lw.co2).id == rec.id
