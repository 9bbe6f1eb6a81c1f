"""Several MPs writing about one person [CORR 2.6], through the services on SQLite and PostgreSQL: MPCS links
letters at registration or later, the case view shows the group and the reply plan, the replies follow the
plan (cc on the substantive reply, a covering note for the copies), a copy goes only after the reply it
copies, and what would make a group wrong (or tell of a restricted letter) is refused."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from mpel_app.db.models import Letter
from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.correspondence import ReplyRole
from mpel_app.domain.errors import InvalidTransition, NotFound, PermissionDenied, StaleRecord, ValidationError
from mpel_app.domain.letter_records import DocumentKind, LinkedLetter
from mpel_app.domain.records import Role
from mpel_app.services.letters.groups import LINKED, UNLINKED
from tests.services.test_correspondence_concurrency import _together
from tests.support.letters_world import HO_REF, PASSWORD, build_letters_world

SIGNER = dict(signatory_name="Tariq Leader", signatory_title="Team Leader, Asylum Casework Unit 1")
JANE = "Jane Smith MP"  # lw.mp, the constituency MP in these tests
ANGUS = "Rt Hon Angus MacLeod MP"  # lw.mp_scot


@pytest.fixture
def lw(services):
    return build_letters_world(services)


@pytest.fixture
def rhys(lw):
    return lw.services.members.add(lw.admin, name="Rhys Evans", constituency="Cardiff North", region_code="LSE",
                                   demo=True)


def _groups(lw, *records) -> list[int | None]:
    """The stored group pointer of each letter."""
    with lw.services.uow.read() as s:
        return [s.scalar(select(Letter.link_group_id).where(Letter.id == r.id)) for r in records]


def _trail(lw, rec):
    return [(t.action, t.changes) for t in lw.services.letters.history(lw.mpcs, rec.id)]


def _pdf(reply, name: str) -> str:
    doc = next(d for d in reply.documents if d.kind is DocumentKind.REPLY_PDF and d.filename.endswith(name))
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.data)).pages).split())


def _mpcs2(lw):
    return lw.services.users.create_user(lw.admin, username="mpcs2", full_name="Mo Second", password=PASSWORD,
                                         roles={Role.MPCS_ALLOCATOR}, grade="EO", demo=True)


def test_a_letter_registered_with_a_link_joins_the_group_and_the_constituency_mp_gets_the_reply(lw):
    letters = lw.services.letters
    # Angus wrote first but is not the constituency MP; Jane, the constituency MP, wrote a week later.
    first = lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False, member_letter_date=date(2026, 11, 16))
    assert (first.linked_letters, first.reply_plan, first.reply_role) == ((), None, ReplyRole.SUBSTANTIVE)
    second = lw.register(link_to_reference=" b 00001 / 26 ", member_letter_date=date(2026, 11, 20))
    assert second.constituency_mp and not second.different_points
    assert second.linked_letters == (LinkedLetter(id=first.id, reference=first.reference, member_name=ANGUS,
                                                  state=S.REGISTERED, constituency_mp=False, different_points=False,
                                                  reply=ReplyRole.COPY),)
    assert (second.reply_plan.substantive_to, second.reply_plan.copies_to) == ((JANE,), (ANGUS,))
    assert "constituency MP gets the substantive reply" in second.reply_plan.note
    assert (second.reply_role, second.copy_of) == (ReplyRole.SUBSTANTIVE, None)
    first = letters.get(lw.mpcs, first.id)
    assert (first.reply_role, first.copy_of) == (ReplyRole.COPY, second.reference)
    assert [(x.reference, x.reply) for x in first.linked_letters] == [(second.reference, ReplyRole.SUBSTANTIVE)]
    # Every letter of the group points at its first letter, that letter included.
    assert _groups(lw, first, second) == [first.id, first.id]
    # Both letters' trails say so, in the registering transaction.
    action, changes = _trail(lw, second)[-1]
    assert action == LINKED and changes["linked_with"] == first.reference
    assert changes["copies"] == [first.reference] and changes["substantive_replies"] == [second.reference]
    assert [a for a, _ in _trail(lw, second)] == ["register the letter", LINKED]
    action, changes = _trail(lw, first)[-1]
    assert action == LINKED and changes["linked_with"] == second.reference
    # The case view offers MPCS the link; nobody else.
    assert first.may_link and not letters.get(lw.wm, first.id).may_link


def test_mpcs_links_after_registration_and_unlinks(lw, rhys):
    letters = lw.services.letters
    a = lw.register()  # Jane, constituency MP
    b = lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False)
    with pytest.raises(PermissionDenied, match="only an MPCS allocator"):
        letters.link_letters(lw.wm, b.id, a.reference)
    b = letters.link_letters(lw.mpcs, b.id, a.reference, expected_version=b.version)
    assert b.reply_role is ReplyRole.COPY and b.copy_of == a.reference
    with pytest.raises(StaleRecord):  # linking changed a: a screen showing the old one must reload
        letters.set_link_facts(lw.mpcs, a.id, different_points=True, expected_version=a.version)
    c = lw.register(member_id=rhys.id, constituency_mp=False)
    c = letters.link_letters(lw.mpcs, c.id, b.reference)  # any letter of the group will do
    assert _groups(lw, a, b, c) == [a.id, a.id, a.id]
    assert (c.reply_plan.substantive_to, c.reply_plan.copies_to) == ((JANE,), (ANGUS, "Rhys Evans MP"))
    assert [x.reference for x in c.linked_letters] == [a.reference, b.reference]
    assert LINKED in [t for t, _ in _trail(lw, b)] and LINKED in [t for t, _ in _trail(lw, a)]

    # Unlinking the first letter: the rest stay linked, now known by the next one.
    a = letters.unlink_letter(lw.mpcs, a.id)
    assert a.linked_letters == () and a.reply_plan is None
    assert _groups(lw, a, b, c) == [None, b.id, b.id]
    assert _trail(lw, a)[-1] == (UNLINKED, {"unlinked_from": [b.reference, c.reference]})
    assert _trail(lw, c)[-1][1]["unlinked"] == a.reference
    b = letters.get(lw.mpcs, b.id)
    # No constituency MP left: the MP who wrote first (the first registered, the dates being equal).
    assert b.reply_role is ReplyRole.SUBSTANTIVE and "wrote first" in b.reply_plan.note
    assert letters.get(lw.mpcs, c.id).copy_of == b.reference
    # A group of one is no group.
    letters.unlink_letter(lw.mpcs, b.id)
    assert _groups(lw, a, b, c) == [None, None, None]
    assert letters.get(lw.mpcs, c.id).linked_letters == ()
    with pytest.raises(InvalidTransition, match="not linked"):
        letters.unlink_letter(lw.mpcs, c.id)


def test_what_would_make_a_group_wrong_is_refused(lw, rhys):
    letters = lw.services.letters
    a = lw.register()  # B00001/26, Jane, constituency MP
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        letters.link_letters(lw.mpcs, a.id, a.reference)
    with pytest.raises(NotFound, match="other_reference: there is no letter B09999/26"):
        letters.link_letters(lw.mpcs, a.id, "B09999/26")
    # Two constituency MPs: refused, naming the one already in the group; nothing is saved.
    with pytest.raises(ValidationError, match=r"constituency_mp: Jane Smith MP \(B00001/26\) is already this "
                                              r"person's constituency MP; Rt Hon Angus MacLeod MP cannot be too"):
        lw.register(member_id=lw.base.mp_scot.id, link_to_reference=a.reference)
    assert [t for t, _ in _trail(lw, a)] == ["register the letter"]
    assert lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False).reference == "B00002/26"  # none used
    # The same Member twice is a chaser, not another MP.
    with pytest.raises(ValidationError, match="Jane Smith MP already wrote about this person"):
        lw.register(constituency_mp=False, link_to_reference=a.reference)
    # Cancelled letters cannot be linked to.
    gone = letters.cancel(lw.mpcs, lw.register(member_id=rhys.id).id, "registered twice by mistake")
    with pytest.raises(InvalidTransition, match="is cancelled"):
        letters.link_letters(lw.mpcs, a.id, gone.reference)
    # Already in a group: unlink it first.
    b = letters.link_letters(lw.mpcs, lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False).id, a.reference)
    other = lw.register(member_id=rhys.id, constituency_mp=False)
    with pytest.raises(InvalidTransition, match="already linked with B00001/26: unlink it first"):
        letters.link_letters(lw.mpcs, b.id, other.reference)
    with pytest.raises(ValidationError, match="already linked"):
        letters.link_letters(lw.mpcs, b.id, a.reference)


def test_constituency_and_different_points_can_be_corrected_and_only_an_mp_is_a_constituency_mp(lw):
    letters = lw.services.letters
    peer = lw.services.members.add(lw.admin, name="Lord Patel", kind="Peer", region_code="LSE", demo=True)
    a = lw.register(member_id=peer.id)  # registered with the default: a Peer is nobody's constituency MP
    assert not a.constituency_mp
    with pytest.raises(ValidationError, match="constituency_mp: Lord Patel is not an MP"):
        letters.set_link_facts(lw.mpcs, a.id, constituency_mp=True)
    b = letters.link_letters(lw.mpcs, lw.register(member_id=lw.base.mp_scot.id).id, a.reference)  # wrongly marked
    c = lw.register()  # Jane, the real constituency MP
    with pytest.raises(ValidationError, match="constituency_mp: Rt Hon Angus MacLeod MP"):
        letters.link_letters(lw.mpcs, c.id, a.reference)
    with pytest.raises(PermissionDenied):
        letters.set_link_facts(lw.wm, b.id, constituency_mp=False)
    b = letters.set_link_facts(lw.mpcs, b.id, constituency_mp=False, expected_version=b.version)
    action, changes = _trail(lw, b)[-1]
    assert action == "writer's facts corrected (several MPs)" and changes["constituency_mp"] == [True, False]
    c = letters.link_letters(lw.mpcs, c.id, a.reference)
    assert (c.reply_plan.substantive_to, c.reply_plan.copies_to) == ((JANE,), ("Lord Patel", ANGUS))
    # Marking a wrongly as the constituency MP would give the group two.
    with pytest.raises(ValidationError, match="cannot both be the constituency MP"):
        letters.set_link_facts(lw.mpcs, b.id, constituency_mp=True)
    # Angus raised points of his own: a substantive reply of his own; the Peer still gets a copy of Jane's.
    b = letters.set_link_facts(lw.mpcs, b.id, different_points=True)
    assert b.reply_role is ReplyRole.SUBSTANTIVE and b.copy_of is None
    assert (b.reply_plan.substantive_to, b.reply_plan.copies_to) == ((ANGUS, JANE), ("Lord Patel",))
    assert "Rt Hon Angus MacLeod MP raised points of their own" in b.reply_plan.note
    assert letters.get(lw.mpcs, a.id).copy_of == c.reference


def test_a_restricted_letter_links_only_where_nobody_can_learn_of_it(lw):
    letters = lw.services.letters
    outsider = _mpcs2(lw)  # an MPCS allocator who is not a named handler
    secret = lw.register(restricted=True, named_handlers=["wm", "scw"], subject_name="Kim Staff")
    open_letter = lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False, subject_name="Kim Staff")
    # To someone who may not see it, a restricted letter is no letter at all: the same words as a wrong reference.
    with pytest.raises(NotFound) as hidden:
        letters.link_letters(outsider, open_letter.id, secret.reference)
    with pytest.raises(NotFound) as missing:
        letters.link_letters(outsider, open_letter.id, "B09999/26")
    assert str(hidden.value).replace(secret.reference, "B09999/26") == str(missing.value)
    with pytest.raises(NotFound):
        lw.services.letters.register(outsider, kind="official", member_id=lw.base.mp_scot.id, subject_name="Kim",
                                     issue="his claim", constituency_mp=False, link_to_reference=secret.reference)
    # Its handler may not link it with an unrestricted letter, nor with one other people handle.
    with pytest.raises(ValidationError, match="only with restricted letters that have the same named handlers"):
        letters.link_letters(lw.mpcs, open_letter.id, secret.reference)
    with pytest.raises(ValidationError, match="same named handlers"):
        lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False, restricted=True, named_handlers=["wm"],
                    link_to_reference=secret.reference)
    twin = lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False, restricted=True,
                       named_handlers=["scw", "wm"], subject_name="Kim Staff", link_to_reference=secret.reference)
    assert [x.reference for x in twin.linked_letters] == [secret.reference]
    assert [x.reference for x in letters.get(lw.wm, secret.id).linked_letters] == [twin.reference]
    # The group is as invisible as its letters: in search, workstacks, by reference, through the open letter.
    assert [i.id for i in letters.search(outsider, "Kim Staff")] == [open_letter.id]
    assert {i.id for i in letters.search(lw.mpcs, "Kim Staff")} == {open_letter.id, secret.id, twin.id}
    assert [i.id for i in letters.workstack(outsider, Role.MPCS_ALLOCATOR)] == [open_letter.id]
    for rec in (secret, twin):
        with pytest.raises(NotFound):
            letters.get_by_reference(outsider, rec.reference)
    assert letters.get(outsider, open_letter.id).linked_letters == ()
    with pytest.raises(NotFound):
        letters.unlink_letter(outsider, twin.id)


def test_a_group_listing_never_tells_of_a_letter_the_user_may_not_see(lw, rhys):
    """Defence in depth: even a group that broke the rule (linked outside the service) hides what it must."""
    letters = lw.services.letters
    outsider = _mpcs2(lw)
    a = lw.register()
    b = lw.register(member_id=lw.base.mp_scot.id, constituency_mp=False, link_to_reference=a.reference)
    secret = lw.register(member_id=rhys.id, constituency_mp=False, restricted=True, named_handlers=["wm"])
    with lw.services.uow() as s:
        s.get(Letter, secret.id).link_group_id = a.id
    seen = letters.get(outsider, a.id)
    assert [x.reference for x in seen.linked_letters] == [b.reference]
    assert seen.reply_plan.copies_to == (ANGUS,) and secret.reference not in str(seen)
    assert [x.reference for x in letters.get(lw.mpcs, a.id).linked_letters] == [b.reference, secret.reference]
    assert letters.get(lw.mpcs, a.id).reply_plan.copies_to == (ANGUS, "Rhys Evans MP")


def _signed(lw, rec):
    letters = lw.services.letters
    letters.save_background_note(lw.co, rec.id, background="See the linked letter.", drafting_officer_name="Owen",
                                 drafting_officer_location="Croydon", drafting_officer_phone="020 8196 0000")
    rec = letters.submit_to_qa(lw.co, rec.id, draft="The decision was served on 1 March.").letter
    return letters.sign(lw.tl, letters.qa_pass(lw.scw, rec.id).id)


def test_replies_follow_the_plan_and_a_copy_goes_only_after_the_reply_it_copies(lw):
    letters = lw.services.letters
    lead = lw.drafting()  # Jane, the constituency MP
    copy = lw.drafting(member_id=lw.base.mp_scot.id, constituency_mp=False, link_to_reference=lead.reference)
    # The substantive reply lists the MP who gets a copy...
    reply = letters.generate_reply(lw.co, lead.id, template="third_party", body="A decision was made.", **SIGNER)
    text = _pdf(reply, "third_party.pdf")
    assert "cc" in text and ANGUS in text[text.index("Tariq Leader"):]
    assert letters.history(lw.co, lead.id)[-1].changes["cc"] == [ANGUS]
    # ...except on an "in confidence" reply, where only the reply for forwarding is copied.
    reply = letters.generate_reply(lw.co, lead.id, template="in_confidence", body="In confidence: a conviction.",
                                   forwardable_body="A decision was made.", **SIGNER)
    assert ANGUS not in _pdf(reply, "in_confidence.pdf")
    assert ANGUS in _pdf(reply, "in_confidence_forwardable.pdf")
    with pytest.raises(ValidationError, match="covering note is only for a letter that gets a copy"):
        letters.generate_reply(lw.co, lead.id, template="copy_covering_note", **SIGNER)
    # The copy's MP gets the covering note, naming whose reply goes with it, and nothing else.
    with pytest.raises(ValidationError, match=r"gets a copy of the reply to Jane Smith MP \(B00001/26\).*"
                                              r"produce the covering note"):
        letters.generate_reply(lw.co, copy.id, template="third_party", body="A decision was made.", **SIGNER)
    note = letters.generate_reply(lw.co, copy.id, template="copy_covering_note", body="", **SIGNER)
    assert {d.filename for d in note.documents} == {"B00002-26-copy_covering_note.pdf",
                                                   "B00002-26-copy_covering_note.docx"}
    text = _pdf(note, "copy_covering_note.pdf")
    assert ANGUS in text and "Dear Angus MacLeod" in text
    assert "Jane Smith MP has also written to us about Ali Rezaei" in text
    assert "Enc: copy of the reply to Jane Smith MP" in text and HO_REF not in text
    assert letters.history(lw.co, copy.id)[-1].changes["copy_of"] == JANE

    lead, copy = _signed(lw, lead), _signed(lw, copy)
    with pytest.raises(InvalidTransition, match=r"gets a copy of the reply to Jane Smith MP \(B00001/26\), which "
                                                r"has not gone yet"):
        letters.dispatch(lw.tl, copy.id, reply_channel="letter")
    lead = letters.dispatch(lw.tl, lead.id, reply_channel="letter")
    assert letters.history(lw.tl, lead.id)[-1].changes["copies_to_follow"] == [copy.reference]
    copy = letters.dispatch(lw.tl, copy.id, reply_channel="letter")
    assert copy.state is S.DISPATCHED and (copy.reply_role, copy.copy_of) == (ReplyRole.COPY, lead.reference)
    assert letters.history(lw.tl, copy.id)[-1].changes["copy_of_reply"] == lead.reference


def test_what_was_sent_stands(lw, rhys):
    letters = lw.services.letters
    # No constituency MP among the first two: the first writer's reply is the substantive one, and goes.
    first = lw.drafting(member_id=lw.base.mp_scot.id, constituency_mp=False)
    second = lw.drafting(member_id=rhys.id, constituency_mp=False, link_to_reference=first.reference)
    assert second.copy_of == first.reference
    first = letters.dispatch(lw.tl, _signed(lw, first).id, reply_channel="letter")
    # The constituency MP now writes: linking as the plan's new lead would turn a sent reply into a copy.
    with pytest.raises(InvalidTransition, match=r"B00001/26's reply has gone to Rt Hon Angus MacLeod MP as a "
                                                r"substantive reply.*What was sent stands"):
        lw.register(link_to_reference=first.reference)
    # Raising points of their own, the constituency MP gets a substantive reply; the copy still copies the first.
    late = lw.register(link_to_reference=first.reference, different_points=True)
    assert late.reply_role is ReplyRole.SUBSTANTIVE and late.reply_plan.copies_to == ("Rhys Evans MP",)
    assert letters.get(lw.mpcs, second.id).copy_of == first.reference
    second = letters.dispatch(lw.tl, _signed(lw, second).id, reply_channel="letter")
    # The copy has gone: neither it nor the reply it copied may leave the group now.
    for rec in (first, second):
        with pytest.raises(InvalidTransition, match="B00002/26's reply has gone to Rhys Evans MP as a copy"):
            letters.unlink_letter(lw.mpcs, rec.id)
    # The letter not yet answered may.
    assert letters.unlink_letter(lw.mpcs, late.id).linked_letters == ()
    # A dispatched letter cannot join a group either.
    with pytest.raises(InvalidTransition, match="cannot link B00001/26: it is dispatched"):
        letters.link_letters(lw.mpcs, first.id, lw.register(member_id=lw.base.mp.id).reference)


def test_two_desks_linking_constituency_mps_to_one_group_at_once_one_is_refused(lw, rhys):
    letters = lw.services.letters
    mpcs2 = _mpcs2(lw)
    dai = lw.services.members.add(lw.admin, name="Dai Jones", constituency="Swansea West", region_code="LSE",
                                  demo=True)
    for attempt in range(3):
        # A group already formed, so that joining it changes no row the two desks share but its locks.
        target = lw.register(member_id=rhys.id, constituency_mp=False, subject_name=f"Case {attempt}")
        lw.register(member_id=dai.id, constituency_mp=False, link_to_reference=target.reference)
        a = lw.register(member_id=lw.base.mp.id, subject_name=f"Case {attempt}")
        b = lw.register(member_id=lw.base.mp_scot.id, subject_name=f"Case {attempt}")
        results = _together(lambda: letters.link_letters(lw.mpcs, a.id, target.reference),
                            lambda: letters.link_letters(mpcs2, b.id, target.reference))
        won = [r for r in results if not isinstance(r, Exception)]
        lost = [r for r in results if isinstance(r, Exception)]
        assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], ValidationError), results
        assert "constituency_mp" in str(lost[0])
        group = letters.get(lw.mpcs, target.id)
        assert len(group.linked_letters) == 2 and won[0].reference in [x.reference for x in group.linked_letters]
        assert sum(x.constituency_mp for x in group.linked_letters) == 1
