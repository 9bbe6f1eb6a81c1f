"""CTS letters on the desk: the workstacks and the case view, through the real services on SQLite.

An Official letter goes from registration to dispatch through five users, each
working it in their own ``LetterDialog`` (MPCS registers and allocates through
the service; the rest is clicked).  The clock stands at Monday 23 November
2026, 10:15 London.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.correspondence import LetterAction as A
from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.records import QueueStatus, Role
from mpel_app.ui.context import DeskContext
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letters_view import COLUMNS, LettersView
from mpel_app.ui.task_runner import TaskRunner
from tests.support.letters_world import DRAFT, NOTE, build_letters_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def ctx_for(services, user) -> DeskContext:
    return DeskContext(services=services, user=user, runner=TaskRunner())


def open_dialog(qtbot, services, user, letter_id) -> LetterDialog:
    dialog = LetterDialog(ctx_for(services, user), letter_id)
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
    view = LettersView(ctx_for(services, user))
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
    dialog = open_dialog(qtbot, sqlite_services, lw.scw, rec.id)
    dialog.action_buttons[A.QA_RETURN].click()
    QApplication.processEvents()
    dialog.grab().save("/tmp/ui_letters_case.png")
    co = open_dialog(qtbot, sqlite_services, lw.co, lw.drafting().id)
    co.action_buttons[A.SAVE_BACKGROUND_NOTE].click()
    QApplication.processEvents()
    co.grab().save("/tmp/ui_letters_case_owner.png")
