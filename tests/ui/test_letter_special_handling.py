"""The case view's "Special handling" tab (issue 15): each special case done from the keyboard-usable sections,
through the real services on SQLite, and what they produce read back (the outbox, the .docx, the state)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from mpel_app.db.models import OutboxMessage
from mpel_app.domain.correspondence.special_cases import MEETING_LINE
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letter_sections.allegation import AllegationSection
from mpel_app.ui.letter_sections.disclosure import DisclosureSection
from mpel_app.ui.letter_sections.drafting_help import ContributionsSection, DelaySection
from mpel_app.ui.letter_sections.facts import LetterFactsSection
from mpel_app.ui.letter_sections.meeting import MeetingSection
from mpel_app.ui.letter_sections.offline import OfflineSection
from mpel_app.ui.letter_sections.ophso import OphsoSection
from mpel_app.ui.letter_sections.removal import BarrierSection, ExpediteSection, InterimSection
from mpel_app.ui.letter_sections.welsh import WelshSection
from tests.support.desk import desk_context
from tests.support.letters_world import DRAFT, build_letters_world
from tests.ui.accessibility import assert_accessible

PDF = b"%PDF-1.4\n% a reply\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GRABS = Path("/tmp/letters2-grabs")


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def opened(qtbot, lw, user, letter_id) -> LetterDialog:
    dialog = LetterDialog(desk_context(lw.services, user), letter_id, opener=lambda _p: True,
                          save_chooser=lambda _parent, _name: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.busy and dialog.steps.case is not None
                    and dialog.steps.case.record.version == dialog.record.version)
    dialog.tabs.setCurrentWidget(dialog.steps)
    return dialog


def section(dialog, cls):
    found = dialog.steps.section(cls)
    assert not found.isHidden(), f"{cls.__name__} not shown"
    return found


def press(qtbot, dialog, sec, go=None) -> None:
    """Press the section's button and wait for its answer and, on success, for the letter to be read again."""
    before = dialog.steps.case
    (go or sec.go).click()
    qtbot.waitUntil(lambda: not sec.busy)
    assert not sec.message.styleSheet().startswith("color: #b00020"), sec.message.text()
    qtbot.waitUntil(lambda: dialog.steps.case is not before)


def outbox(lw, kind):
    with lw.services.uow.read() as s:
        rows = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))
        s.expunge_all()
        return rows


def grab(widget, name):
    GRABS.mkdir(exist_ok=True)
    widget.grab().save(str(GRABS / f"{name}.png"))


def test_the_case_owner_marks_foi_and_a_meeting_and_chooses_the_offered_line_in_the_reply(qtbot, lw):
    rec = lw.drafting("ministerial")
    dialog = opened(qtbot, lw, lw.co, rec.id)
    assert_accessible(dialog.steps)
    facts = section(dialog, LetterFactsSection)
    facts.marks["foi"].setChecked(True)
    facts.marks["meeting_requested"].setChecked(True)
    press(qtbot, dialog, facts)
    [iat] = outbox(lw, "letter_foi")
    assert rec.reference in iat.subject
    assert dialog.steps.case.plan.offered == (MEETING_LINE,)
    grab(dialog, "special-handling-case-owner")
    docs = dialog.documents
    docs.open_generate_form()
    assert not docs.offered_box.isHidden() and docs.offered_box.isChecked()  # ticked: a Minister signs
    docs.body_edit.setPlainText(DRAFT)
    docs.signatory_name.setText("A N Minister")
    docs.signatory_title.setText("Minister of State")
    docs.make_button.click()
    qtbot.waitUntil(lambda: not docs.busy)
    reply = lw.services.letters.get(lw.co, rec.id)
    data = [d for d in reply.documents if d.kind is DocumentKind.REPLY_DOCX][-1]
    text = " ".join(p.text for p in Document(io.BytesIO(lw.services.letters.document(lw.co, data.id).data))
                    .paragraphs)
    assert MEETING_LINE in text and "Freedom of Information" in text


def test_an_allegation_is_passed_on_and_a_family_members_conditions_recorded_from_their_sections(qtbot, lw):
    rec = lw.drafting(category="allegation")
    dialog = opened(qtbot, lw, lw.co, rec.id)
    assert dialog.steps.section(DisclosureSection).isHidden()
    sec = section(dialog, AllegationSection)
    sec.unit_name.setText("Immigration Intelligence")
    sec.unit_email.setText("intel@homeoffice.example.gov.uk")
    press(qtbot, dialog, sec)
    [mail] = outbox(lw, "letter_allegation")
    assert mail.to_address == "intel@homeoffice.example.gov.uk"
    assert "Immigration Intelligence" in sec.passed.text()

    family = lw.drafting(category="family_sponsor")
    dialog = opened(qtbot, lw, lw.co, family.id)
    sec = section(dialog, DisclosureSection)
    for box in sec.conditions.values():
        box.setChecked(True)
    press(qtbot, dialog, sec)
    assert dialog.steps.case.plan.unmet_conditions == ()
    assert "full_reply" in dialog.steps.case.plan.templates


def test_a_policy_meeting_is_referred_to_the_private_office_from_its_section(qtbot, lw):
    rec = lw.drafting(category="policy", meeting_requested=True)
    dialog = opened(qtbot, lw, lw.co, rec.id)
    sec = section(dialog, MeetingSection)
    sec.note.setPlainText("Suggests a date in January.")
    press(qtbot, dialog, sec)
    [mail] = outbox(lw, "letter_meeting_request")
    assert mail.to_address == lw.po.email and "January" in mail.body_text
    assert not any("Private Office" in n for n in dialog.steps.case.plan.notes)


def test_the_senior_caseworker_makes_the_ophso_apologies_from_the_case_view(qtbot, lw):
    rec = lw.register(ophso=True)
    lw.services.letters.allocate(lw.mpcs, rec.id, "ASY1")
    lw.services.letters.accept(lw.wm, rec.id, barrier_to_removal=True)
    assert opened(qtbot, lw, lw.co, rec.id).steps.section(OphsoSection).isHidden()  # a case owner: not theirs
    dialog = opened(qtbot, lw, lw.scw, rec.id)
    sec = section(dialog, OphsoSection)
    sec.error.setPlainText("Our decision of 2 March went to an old address.")
    sec.representative.setText("Ms Jo Solicitor")
    sec.consulted.setText("UKBA Briefing and Complaints Unit")
    grab(dialog, "special-handling-ophso")
    press(qtbot, dialog, sec)
    apologies = [d for d in dialog.record.documents if d.kind is DocumentKind.APOLOGY]
    assert len(apologies) == 4
    docx = next(d for d in apologies if d.filename.endswith("representative.docx"))
    text = " ".join(p.text for p in Document(io.BytesIO(lw.services.letters.document(lw.scw, docx.id).data))
                    .paragraphs)
    assert "Dear Ms Jo Solicitor" in text and "went to an old address" in text


def test_mpcs_checks_in_an_offline_units_reply_from_its_section_and_the_letter_moves_on(qtbot, lw, tmp_path):
    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt@homeoffice.example.gov.uk")
    rec = lw.register()
    letters.allocate(lw.mpcs, rec.id, "CRT")
    dialog = opened(qtbot, lw, lw.mpcs, rec.id)
    assert "check_in_offline" not in {a.value for a in dialog.action_buttons}  # done in its section
    sec = section(dialog, OfflineSection)
    (tmp_path / "signed.pdf").write_bytes(PDF)
    sec.path.setText(str(tmp_path / "signed.pdf"))
    sec.approved_by.setText("Carl Criminal, SEO")
    press(qtbot, dialog, sec)
    assert dialog.record.state.value == "dispatched"
    assert dialog.steps.section(OfflineSection).isHidden()


def test_mpcs_checks_in_a_ministerial_draft_in_word_from_its_section_and_a_pdf_is_refused(qtbot, lw, tmp_path):
    from tests.services.test_letter_offline_word import FIRST, drafted, offline_mail

    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt@homeoffice.example.gov.uk")
    rec = lw.register("ministerial")
    letters.allocate(lw.mpcs, rec.id, "CRT")
    _, template = offline_mail(lw, rec.id)
    dialog = opened(qtbot, lw, lw.mpcs, rec.id)
    sec = section(dialog, OfflineSection)
    assert "approved draft as a Word document (.docx)" in sec.path.placeholderText()
    (tmp_path / "approved.pdf").write_bytes(PDF)
    sec.path.setText(str(tmp_path / "approved.pdf"))
    sec.approved_by.setText("Carl Criminal, G7")
    sec.go.click()
    qtbot.waitUntil(lambda: not sec.busy)
    assert "Word (.docx)" in sec.message.text() and "this file is a PDF" in sec.message.text()
    (tmp_path / "approved.docx").write_bytes(drafted(template, FIRST))
    sec.path.setText(str(tmp_path / "approved.docx"))
    press(qtbot, dialog, sec)
    assert dialog.record.state.value == "with_private_office" and dialog.record.draft == FIRST
    assert any(d.filename == "approved.docx" for d in dialog.record.documents)


def test_contributions_a_delay_warning_and_the_unit_notes_from_their_sections(qtbot, lw):
    rec = lw.drafting()
    dialog = opened(qtbot, lw, lw.co, rec.id)
    sec = section(dialog, ContributionsSection)
    sec.who.setText("Pat Policy")
    sec.email.setText("pat.policy@homeoffice.example.gov.uk")
    sec.question.setPlainText("The current policy on family reunion, please.")
    press(qtbot, dialog, sec)
    assert "Pat Policy" in sec.listing.text() and sec.received.isEnabled()
    sec.answer.setPlainText("Family reunion policy: ...")
    press(qtbot, dialog, sec, sec.received)
    assert "received" in sec.listing.text()
    delay = section(dialog, DelaySection)
    delay.reason.setPlainText("Waiting for the file from storage.")
    press(qtbot, dialog, delay)
    assert len(outbox(lw, "letter_delay")) >= 1
    note = section(dialog, ExpediteSection)
    note.intervention.setText("The Member asked for a quick decision")
    note.reason.setText("Serious illness in the family")
    note.decisions.setPlainText("Interview brought forward to 1 December")
    press(qtbot, dialog, note)
    interim = section(dialog, InterimSection)
    interim.advice.setText("Mona at MPCS, 23 November")
    interim.summary.setPlainText("We are looking into it and will reply in full.")
    press(qtbot, dialog, interim)
    actions = [t.action for t in lw.services.letters.history(lw.mpcs, rec.id)]
    assert {"contribution commissioned", "contribution received", "warning of delay sent",
            "case expedited on the Member's letter", "interim reply sent on MPCS's advice"} <= set(actions)

    wm = opened(qtbot, lw, lw.wm, rec.id)
    barrier = section(wm, BarrierSection)
    barrier.supports.setChecked(True)
    barrier.reason.setText("The Member supports the removal on Friday")
    barrier.removal_on.setDate(barrier.removal_on.date().addDays(4))
    press(qtbot, wm, barrier)
    assert wm.record.barrier_to_removal is False


def test_a_welsh_reply_goes_for_translation_and_comes_back_from_its_section(qtbot, lw, tmp_path):
    rec = lw.drafting(welsh_requested=True, letter_in_welsh=True)
    letters = lw.services.letters
    letters.generate_reply(lw.co, rec.id, template="full_reply", body=DRAFT, signatory_name="Tariq Leader",
                           signatory_title="Team Leader")
    dialog = opened(qtbot, lw, lw.co, rec.id)
    sec = section(dialog, WelshSection)
    assert not sec.received.isEnabled()
    sec.translator.setText("cyfieithu@homeoffice.example.gov.uk")
    press(qtbot, dialog, sec)
    assert outbox(lw, "letter_translation")[0].to_address == "cyfieithu@homeoffice.example.gov.uk"
    (tmp_path / "ateb.pdf").write_bytes(PDF)
    sec.path.setText(str(tmp_path / "ateb.pdf"))
    assert sec.received.isEnabled()
    press(qtbot, dialog, sec, sec.received)
    assert any(d.kind is DocumentKind.TRANSLATION for d in dialog.record.documents)
    assert "back" in sec.status.text()


def test_the_letters_view_opens_absence_cover_and_a_members_status_from_the_keyboard(qtbot, lw):
    from PySide6.QtCore import QDate

    from mpel_app.ui.letters_view import LettersView
    from tests.support.desk import choose_member

    wm_view = LettersView(desk_context(lw.services, lw.wm))
    qtbot.addWidget(wm_view)
    wm_view.show()
    assert not wm_view.tools.cover_button.isHidden() and wm_view.tools.status_button.isHidden()
    cover = wm_view.tools.open_cover()
    qtbot.waitUntil(lambda: cover.delegate.count() > 0)
    assert_accessible(cover)
    cover.absent.setCurrentIndex(cover.absent.findData(lw.co.id))
    cover.delegate.setCurrentIndex(cover.delegate.findData(lw.co2.id))
    cover.ends.setDate(QDate(2026, 11, 27))
    cover.set_button.click()
    qtbot.waitUntil(lambda: "covers" in cover.message.text() or "color: #b00020" in cover.message.styleSheet())
    assert [c.absent for c in lw.services.letters.covers_for(lw.co2)] == [lw.co.username]
    grab(cover, "absence-cover")

    view = LettersView(desk_context(lw.services, lw.mpcs))
    qtbot.addWidget(view)
    view.show()
    status = view.tools.open_status()
    assert_accessible(status)
    choose_member(qtbot, status.picker, "holborn")
    qtbot.waitUntil(lambda: status.record_button.isEnabled())
    status.outcome.setCurrentIndex(status.outcome.findData("not_returned"))
    status.record_button.click()
    qtbot.waitUntil(lambda: status.message.text().startswith("Recorded"))
    assert lw.services.letters.member_status(lw.mp.id)["election_outcome"] == "not_returned"
    grab(status, "member-status")


def test_an_administrator_marks_a_unit_off_line_and_back_on_cts_in_administration(qtbot, lw):
    from mpel_app.ui.admin_offline_units import OfflineUnitsSection

    sec = OfflineUnitsSection(desk_context(lw.services, lw.admin))
    qtbot.addWidget(sec)
    sec.show()
    qtbot.waitUntil(lambda: sec.unit.count() == 3)
    assert_accessible(sec)
    sec.unit.setCurrentIndex(sec.unit.findData("CRT"))
    sec.email.setText("crt.casework@homeoffice.example.gov.uk")
    sec.mark_button.click()
    qtbot.waitUntil(lambda: "CRT →" in sec.listing.text())
    assert lw.services.letters.offline_units() == {"CRT": "crt.casework@homeoffice.example.gov.uk"}
    assert sec.back_button.isEnabled()
    grab(sec, "offline-units")
    sec.back_button.click()
    qtbot.waitUntil(lambda: sec.listing.text() == "Every unit works on CTS.")
    assert lw.services.letters.offline_units() == {}
