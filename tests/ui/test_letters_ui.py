"""CTS letters on the desk: the workstacks and the case view, through the real services on SQLite.

An Official letter goes from registration to dispatch through five users, each
working it in their own ``LetterDialog`` (MPCS registers and allocates through
the service; the rest is clicked).  A Ministerial letter goes the whole way on
screen, through the Private Office: registered in MPCS's "Register letter"
dialog, allocated, drafted (with its reply generated from a template),
cleared, signed for the Minister and dispatched, by six users.  The clock
stands at Monday 23 November 2026, 10:15 London.
"""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.correspondence import LetterAction as A
from mpel_app.domain.correspondence import LetterKind
from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.domain.records import QueueStatus, Role
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letters_view import COLUMNS, LettersView
from tests.support.desk import choose_member, desk_context, fill_form
from tests.support.letters_world import DRAFT, NOTE, SCAN, build_letters_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def open_dialog(qtbot, services, user, letter_id) -> LetterDialog:
    dialog = LetterDialog(desk_context(services, user), letter_id, opener=lambda _path: True,
                          save_chooser=lambda _parent, _name: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.busy)
    return dialog


def act(qtbot, dialog: LetterDialog, action: A, fill=None, state: S | None = None) -> None:
    """Press the action's button, fill its form, confirm, and wait for the letter to be read again."""
    assert action in dialog.action_buttons, (action, dialog.record.allowed_actions)
    before = dialog.record.version
    dialog.action_buttons[action].click()
    assert dialog.action is action and dialog.form_box.isVisible()
    if fill:
        fill(dialog.fields)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: (not dialog.busy and dialog.record.version != before)
                    or dialog.message.styleSheet().startswith("color: #b00020"))
    assert dialog.record.version != before, dialog.message.text()
    if state is not None:
        assert dialog.record.state is state


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_official_letter_from_registration_to_dispatch_through_five_users(qtbot, sqlite_services, lw):
    letters = sqlite_services.letters
    rec = lw.register("official")
    letters.allocate(lw.mpcs, rec.id, "ASY1")

    # 1. The workflow manager accepts it for the unit and gives it to a case owner.
    wm = open_dialog(qtbot, sqlite_services, lw.wm, rec.id)
    assert set(wm.action_buttons) == set(wm.record.allowed_actions)
    assert_accessible(wm)
    act(qtbot, wm, A.ACCEPT, lambda f: choose(f["barrier_to_removal"], True), S.ACCEPTED)
    act(qtbot, wm, A.ALLOCATE_TO_CASE_OWNER, lambda f: choose(f["case_owner"], lw.co.id), S.DRAFTING)
    assert wm.record.case_owner == lw.co.username

    # 2. The case owner writes the background note and submits the draft to QA.
    co = open_dialog(qtbot, sqlite_services, lw.co, rec.id)
    assert set(co.action_buttons) == {A.REQUEST_REALLOCATION, A.SAVE_BACKGROUND_NOTE, A.SUBMIT_TO_QA}

    def note(f):
        f["background"].setPlainText(NOTE["background"])
        f["drafting_officer_name"].setText(NOTE["drafting_officer_name"])
        f["drafting_officer_location"].setText(NOTE["drafting_officer_location"])
        f["drafting_officer_phone"].setText(NOTE["drafting_officer_phone"])

    act(qtbot, co, A.SAVE_BACKGROUND_NOTE, note, S.DRAFTING)
    assert co.record.background_note.complete
    assert_accessible(co)
    act(qtbot, co, A.SUBMIT_TO_QA, lambda f: f["draft"].setPlainText(DRAFT), S.IN_QA)

    # 3. The senior caseworker passes QA.
    scw = open_dialog(qtbot, sqlite_services, lw.scw, rec.id)
    assert "Thank you for your letter" in scw.detail.toPlainText()
    act(qtbot, scw, A.QA_PASS, None, S.WITH_TEAM_LEADER)

    # 4. The team leader signs the Official reply and records its dispatch.
    tl = open_dialog(qtbot, sqlite_services, lw.tl, rec.id)
    act(qtbot, tl, A.SIGN, None, S.SIGNED)
    act(qtbot, tl, A.DISPATCH, lambda f: choose(f["reply_channel"], "letter"), S.DISPATCHED)
    assert tl.action_buttons == {} and tl.no_actions.isVisibleTo(tl)

    final = letters.get(lw.tl, rec.id)
    assert final.state is S.DISPATCHED and final.reply_channel == "letter" and final.signed_by == "Tariq Leader"
    users = {t.username for t in letters.history(lw.tl, rec.id)}
    assert users == {"mpcs", "wm", "owner", "scw", "tl"}


def test_ministerial_letter_from_the_register_dialog_to_dispatch_through_private_office(qtbot, sqlite_services, lw,
                                                                                     tmp_path):
    scan = tmp_path / "JS-4471.pdf"
    scan.write_bytes(SCAN)

    # 1. MPCS registers it in the "Register letter" dialog, opened from the workstack (Ctrl+Shift+N).
    view = LettersView(desk_context(sqlite_services, lw.mpcs), file_chooser=lambda _parent: scan)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    register = view.register_dialog
    assert register is not None
    qtbot.waitUntil(lambda: register.fields["allocate_to"].count() > 1)
    f = register.fields
    f["kind"].setCurrentIndex(f["kind"].findData("ministerial"))
    choose_member(qtbot, register.member_picker, "jane")
    fill_form(f, subject="Ali Rezaei", constituent="Mrs Leila Rezaei", ho_reference="R1234567",
              issue="his asylum claim", minister_written_to="Minister for Immigration",
              discretion_or_intervention=True)
    register.browse_button.click()
    register.register_button.click()
    qtbot.waitUntil(lambda: not register.busy and register.last is not None)
    rec = register.last
    assert rec.kind is LetterKind.MINISTERIAL and rec.state is S.REGISTERED and rec.reference.startswith("M")
    assert rec.signatory.who == "Minister for Immigration"
    qtbot.waitUntil(lambda: view.model.row_of(rec.id) >= 0)

    # 2. ... and allocates it to a drafting unit from its case view.
    opened = []
    view.dialog_opened.connect(opened.append)
    register.open_button.click()
    qtbot.waitUntil(lambda: bool(opened) and opened[0].record is not None and not opened[0].busy)
    mpcs = opened[0]
    act(qtbot, mpcs, A.ALLOCATE, lambda fields: choose(fields["unit"], "ASY1"), S.ALLOCATED)

    # 3. The workflow manager accepts it (barrier to removal entered) and gives it to a case owner.
    wm = open_dialog(qtbot, sqlite_services, lw.wm, rec.id)
    act(qtbot, wm, A.ACCEPT, lambda fields: choose(fields["barrier_to_removal"], True), S.ACCEPTED)
    act(qtbot, wm, A.ALLOCATE_TO_CASE_OWNER, lambda fields: choose(fields["case_owner"], lw.co.id), S.DRAFTING)

    # 4. The case owner writes the note, makes the reply from the template, and submits the draft to QA.
    co = open_dialog(qtbot, sqlite_services, lw.co, rec.id)

    def note(fields):
        for name, value in NOTE.items():
            fields[name].setPlainText(value) if name == "background" else fields[name].setText(value)

    act(qtbot, co, A.SAVE_BACKGROUND_NOTE, note, S.DRAFTING)
    docs = co.documents
    co.tabs.setCurrentWidget(docs)
    docs.generate_button.click()
    assert docs.signatory_title.text() == "Minister for Immigration"  # who signs, from registration
    docs.body_edit.setPlainText(DRAFT)
    docs.signatory_name.setText("Rt Hon A N Minister MP")
    docs.make_button.click()
    qtbot.waitUntil(lambda: docs.model.rowCount() == 3 and not docs.busy)
    reply = docs.selected()
    assert reply.kind is DocumentKind.REPLY_PDF
    pdf = sqlite_services.letters.document(lw.co, reply.id).data
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Home Office" in text and rec.reference in text and "Rt Hon A N Minister MP" in text
    act(qtbot, co, A.SUBMIT_TO_QA, lambda fields: fields["draft"].setPlainText(DRAFT), S.IN_QA)

    # 5. The senior caseworker (a grade above the drafter) passes QA.
    scw = open_dialog(qtbot, sqlite_services, lw.scw, rec.id)
    act(qtbot, scw, A.QA_PASS, None, S.WITH_TEAM_LEADER)

    # 6. The team leader (G7: Ministerial drafts are cleared at G7 or above) sends it to Private Office.
    tl = open_dialog(qtbot, sqlite_services, lw.tl, rec.id)
    assert A.SIGN not in tl.action_buttons  # a Minister signs a Ministerial reply, not the team leader
    act(qtbot, tl, A.SEND_TO_PRIVATE_OFFICE, None, S.WITH_PRIVATE_OFFICE)

    # 7. Private Office records the Minister's signature and the dispatch, by letter (the only way).
    po = open_dialog(qtbot, sqlite_services, lw.po, rec.id)
    assert po.documents.model.rowCount() == 3  # Private Office sees the reply made
    act(qtbot, po, A.MINISTER_SIGN, lambda fields: fields["signed_by"].setText("Rt Hon A N Minister MP"),
        S.SIGNED)
    po.action_buttons[A.DISPATCH].click()
    assert [po.fields["reply_channel"].itemData(i) for i in range(po.fields["reply_channel"].count())] == ["letter"]
    po.confirm_button.click()
    qtbot.waitUntil(lambda: not po.busy and po.record.state is S.DISPATCHED)
    assert po.action_buttons == {}

    final = sqlite_services.letters.get(lw.po, rec.id)
    assert final.signed_by == "Rt Hon A N Minister MP" and final.reply_channel == "letter"
    assert final.reached_signatory_at is not None and final.dispatched_at is not None
    users = {t.username for t in sqlite_services.letters.history(lw.po, rec.id)}
    assert users == {"mpcs", "wm", "owner", "scw", "tl", "po"}


def test_refusal_is_shown_inline_and_nothing_changes(qtbot, sqlite_services, lw):
    rec = lw.register("official")
    sqlite_services.letters.allocate(lw.mpcs, rec.id, "ASY1")
    dialog = open_dialog(qtbot, sqlite_services, lw.wm, rec.id)
    dialog.action_buttons[A.ACCEPT].click()
    choose(dialog.fields["barrier_to_removal"], False)  # no reason given
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and "reason" in dialog.message.text().lower())
    assert sqlite_services.letters.get(lw.wm, rec.id).state is S.ALLOCATED


def test_a_stale_letter_is_refused(qtbot, sqlite_services, lw):
    rec = lw.drafting()
    dialog = open_dialog(qtbot, sqlite_services, lw.co, rec.id)
    sqlite_services.letters.save_background_note(lw.co, rec.id, **NOTE)  # someone else, meanwhile
    dialog.action_buttons[A.SUBMIT_TO_QA].click()
    dialog.fields["draft"].setPlainText(DRAFT)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.message.text() != "")
    assert sqlite_services.letters.get(lw.co, rec.id).state is S.DRAFTING


def make_view(qtbot, services, user) -> LettersView:
    view = LettersView(desk_context(services, user))
    qtbot.addWidget(view)
    view.resize(1280, 600)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_workstack_shows_deadlines_and_status_and_opens_the_case(qtbot, sqlite_services, lw):
    older = lw.accepted()
    urgent = lw.accepted(urgent=True)
    view = make_view(qtbot, sqlite_services, lw.wm)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2)
    assert view.role() is Role.WORKFLOW_MANAGER
    assert [view.model.item(r).id for r in range(2)] == [urgent.id, older.id]  # urgent first
    row = {c: view.model.data(view.model.index(0, i)) for i, c in enumerate(COLUMNS)}
    assert row["Section"] == "To allocate to a case owner" and row["Urgent"] == "URGENT"
    assert row["Status"] == "On time" and row["Stage deadline"] == "Wed 9 Dec" and row["Reply due"] == "Mon 21 Dec"
    assert view.model.item(0).status is QueueStatus.ON_TIME
    assert view.model.data(view.model.index(0, COLUMNS.index("Status")), Qt.BackgroundRole) is not None
    assert_accessible(view)

    opened = []
    view.dialog_opened.connect(opened.append)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Return)
    qtbot.waitUntil(lambda: bool(opened) and opened[0].record is not None)
    assert opened[0].record.id == urgent.id
    assert_accessible(opened[0])


def test_case_owner_gets_the_next_case(qtbot, sqlite_services, lw):
    rec = lw.accepted(urgent=True)
    view = make_view(qtbot, sqlite_services, lw.co)
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    assert view.next_button.isVisible()
    opened = []
    view.dialog_opened.connect(opened.append)
    view.next_button.click()
    qtbot.waitUntil(lambda: bool(opened) and opened[0].record is not None)
    assert opened[0].record.id == rec.id and opened[0].record.case_owner == lw.co.username
    qtbot.waitUntil(lambda: view.model.row_of(rec.id) >= 0)


def test_grabs_of_the_workstack_and_case_view(qtbot, sqlite_services, lw):
    rec = lw.in_qa()
    lw.accepted()
    lw.accepted(urgent=True)
    lw.drafting()
    view = make_view(qtbot, sqlite_services, lw.wm)
    qtbot.waitUntil(lambda: view.model.rowCount() >= 2)
    view.grab().save("/tmp/ui_letters_workstack.png")
    lw.register("ministerial", urgent=True)
    lw.register("official")
    mpcs = make_view(qtbot, sqlite_services, lw.mpcs)
    qtbot.waitUntil(lambda: mpcs.model.rowCount() == 2)
    mpcs.grab().save("/tmp/ui_letters_workstack_mpcs.png")
    dialog = open_dialog(qtbot, sqlite_services, lw.scw, rec.id)
    dialog.action_buttons[A.QA_RETURN].click()
    QApplication.processEvents()
    dialog.grab().save("/tmp/ui_letters_case.png")
    co = open_dialog(qtbot, sqlite_services, lw.co, lw.drafting().id)
    co.action_buttons[A.SAVE_BACKGROUND_NOTE].click()
    QApplication.processEvents()
    co.grab().save("/tmp/ui_letters_case_owner.png")
