"""Two people edit one record: the second save is refused in the record window, which says who changed what,
keeps what was typed, and reloads without losing it. Real services on SQLite, driven by keyboard and clicks."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.records import CallerKind, Channel, EnquiryStatus, SubjectDetails
from mpel_app.ui.context import DeskContext
from mpel_app.ui.record_dialog import DetailsDialog, RecordDialog
from mpel_app.ui.task_runner import TaskRunner
from tests.support.desk import open_call_view
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_call_view import enter_passcode, pick_member, press, start_call, tab, type_text

QUESTION = "Has the further leave application been decided?"


@pytest.fixture
def case(sqlite_services, clock):
    """A Further Action Case (still editable), logged by the agent at 10:15."""
    world = build_world(sqlite_services)
    e, agent = world.services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(agent, rec.id, PASSCODE)
    e.update_details(agent, rec.id, subject=SubjectDetails(name="Ali Rezaei", nationality="Iranian"),
                     question=QUESTION, answer="", written_confirmation=False)
    rec = e.mark_further_action(agent, rec.id)
    clock.advance(minutes=5)
    return world, rec


def _agent_saves(world, rec, *, question: str) -> None:
    """The agent, at another desk, saves the details from the version everyone loaded."""
    e = world.services.enquiries
    seen = e.get(world.agent, rec.id)
    e.update_details(world.agent, seen.id, subject=seen.subject, question=question, answer=seen.answer or "",
                     written_confirmation=seen.written_confirmation, expected_version=seen.version)


def _editor(qtbot, world, rec) -> tuple[RecordDialog, DetailsDialog]:
    ctx = DeskContext(services=world.services, user=world.leader, runner=TaskRunner())
    dialog = RecordDialog(ctx, rec.id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded):
        dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.edit_button.isEnabled()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_E, Qt.AltModifier)
    qtbot.waitUntil(lambda: dialog.edit_dialog is not None and dialog.edit_dialog.isActiveWindow())
    editor = dialog.edit_dialog
    assert QApplication.focusWidget() is editor.fields["subject_name"]
    return dialog, editor


def _save_refused(qtbot, editor: DetailsDialog) -> None:
    with qtbot.waitSignal(editor.conflict_shown):
        qtbot.keyClick(editor, Qt.Key_S, Qt.ControlModifier)


def test_second_save_is_refused_with_the_first_change_and_reload_keeps_the_typing(qtbot, case):
    world, rec = case
    dialog, editor = _editor(qtbot, world, rec)
    answer = editor.fields["answer"]
    answer.setFocus()
    qtbot.keyClicks(answer, "Told the office a decision is due within 10 working days")

    _agent_saves(world, rec, question="Has the application of 3 March been decided?")
    _save_refused(qtbot, editor)

    text = editor.message.text()
    assert text.startswith(f"Not saved: {rec.reference} was changed by someone else since you opened it.")
    assert ("23 Nov 2026 10:20 · Carla Agent (agent) · details updated: Question: "
            f"{QUESTION} → Has the application of 3 March been decided?") in text
    assert editor.message.accessibleName() == text  # announced, not only shown
    # Nothing of the second save reached the database; the typing is still on screen.
    now = world.services.enquiries.get(world.admin, rec.id)
    assert (now.question, now.answer) == ("Has the application of 3 March been decided?", "")
    assert answer.toPlainText() == "Told the office a decision is due within 10 working days"
    assert not editor.save_button.isEnabled()
    assert editor.reload_button.isVisible() and editor.reload_button.hasFocus()
    assert_accessible(editor)
    editor.grab().save("/tmp/ui_conflict_refused.png")

    with qtbot.waitSignal(editor.reloaded):
        qtbot.keyClick(editor.reload_button, Qt.Key_Space)
    assert editor.fields["question"].toPlainText() == "Has the application of 3 March been decided?"
    assert answer.toPlainText() == "Told the office a decision is due within 10 working days"
    assert editor.message.text().splitlines()[:2] == [
        f"Reloaded {rec.reference}. Their change is in the form: Question.", "Your text is kept in: Answer given."]
    assert editor.save_button.isEnabled() and answer.hasFocus()
    QApplication.processEvents()  # let the layout grow to the longer message before the screen grab
    editor.grab().save("/tmp/ui_conflict_reloaded.png")

    with qtbot.waitSignal(dialog.details_saved):
        qtbot.keyClick(editor, Qt.Key_S, Qt.ControlModifier)
    saved = world.services.enquiries.get(world.admin, rec.id)
    assert (saved.question, saved.answer) == ("Has the application of 3 March been decided?",
                                              "Told the office a decision is due within 10 working days")
    qtbot.waitUntil(lambda: dialog.record is not None and dialog.record.version == saved.version)
    assert dialog.value("Answer given") == saved.answer
    assert f"{rec.reference} saved." == dialog.message.text()


def test_both_changed_the_same_field_keeps_mine_and_shows_theirs(qtbot, case):
    world, rec = case
    _, editor = _editor(qtbot, world, rec)
    question = editor.fields["question"]
    question.setPlainText("Leader's wording of the question")
    _agent_saves(world, rec, question="Agent's wording of the question")
    _save_refused(qtbot, editor)

    with qtbot.waitSignal(editor.reloaded):
        editor.reload_button.click()
    assert question.toPlainText() == "Leader's wording of the question"
    assert ("You both changed Question: yours is in the form; theirs is: “Agent's wording of the question”"
            in editor.message.text())
    assert question.hasFocus()
    QApplication.processEvents()
    editor.grab().save("/tmp/ui_conflict_clash.png")
    assert world.services.enquiries.get(world.admin, rec.id).question == "Agent's wording of the question"


def test_reload_of_a_record_no_longer_editable_keeps_the_text_to_copy(qtbot, case):
    world, rec = case
    _, editor = _editor(qtbot, world, rec)
    editor.fields["answer"].setPlainText("My careful answer")
    world.services.enquiries.leader_answer(world.admin, rec.id, "Answered by the administrator")
    _save_refused(qtbot, editor)
    assert "Carla" not in editor.message.text() and "Ada Administrator (admin)" in editor.message.text()
    assert "Status: Further Action Case → Answered" in editor.message.text()

    with qtbot.waitSignal(editor.reloaded):
        editor.reload_button.click()
    assert "can no longer be edited here: it is now answered" in editor.message.text()
    assert editor.fields["answer"].toPlainText() == "My careful answer"
    assert not editor.save_button.isEnabled()
    assert world.services.enquiries.get(world.admin, rec.id).status is EnquiryStatus.ANSWERED


def test_call_screen_refused_save_reloads_their_change_and_keeps_the_agents_typing(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    start_call(qtbot, view)
    pick_member(qtbot, view, "smith")
    tab(qtbot)
    enter_passcode(qtbot, view, PASSCODE)
    type_text(qtbot, "Ali Rezaei")  # the subject's name: the focus is there once verified
    view.case.answer.setPlainText("Told the office to expect a letter")
    seen = view.record
    # The team leader corrects the question from the record window meanwhile.
    e = sqlite_services.enquiries
    e.update_details(world.leader, seen.id, subject=seen.subject, question="Leader's question", answer="",
                     written_confirmation=False, expected_version=seen.version)

    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "Reloaded" in view.message.text())
    text = view.message.text()
    assert text.startswith(f"Not saved: {seen.reference} was changed by someone else since you opened it:")
    assert "Tom Leader (leader)" in text and "question: (blank) → 'Leader's question'" in text
    assert "Their change is in the form: Question." in text
    assert "Your text is kept in: Subject name, Answer given." in text
    assert view.case.question.toPlainText() == "Leader's question"
    assert (view.case.subject_name.text(), view.case.answer.toPlainText()) == ("Ali Rezaei", "Told the office to expect a letter")
    assert e.get(world.agent, seen.id).subject.name == ""  # nothing of the refused save was written
    QApplication.processEvents()
    view.grab().save("/tmp/ui_conflict_call_view_refused.png")

    press(qtbot, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "saved at" in view.message.text())
    saved = e.get(world.agent, seen.id)
    assert (saved.subject.name, saved.question, saved.answer) == (
        "Ali Rezaei", "Leader's question", "Told the office to expect a letter")
    view.grab().save("/tmp/ui_conflict_call_view.png")
