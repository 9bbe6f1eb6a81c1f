"""'Why is it due then?' (F8) wherever due dates are listed: letters' deadlines, the duty board and Find.

One key and one dialog (ui.why_due, ui.due_dialog), each explanation from the one rule in domain/.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from mpel_app.domain.targets import day_text
from mpel_app.ui.duty_view import DutyView
from mpel_app.ui.find_view import FindView
from mpel_app.ui.letters_view import LettersView
from mpel_app.ui.shortcuts_help import action_rows
from mpel_app.ui.widgets import holds_focus
from tests.support.desk import desk_context, shown
from tests.support.letters_world import build_letters_world
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_guidance_ui import further_action_case
from tests.ui.test_urgent_ui import duty_manager, load, urgent_item

LONDON = ZoneInfo("Europe/London")


def press_f8(qtbot, view, table) -> None:
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key_F8)
    qtbot.waitUntil(lambda: getattr(view, "due_dialog", None) is not None)


def test_f8_explains_a_letters_stage_deadline_and_its_reply_deadline(qtbot, sqlite_services):
    lw = build_letters_world(sqlite_services)
    rec = lw.accepted()  # with the workflow manager: the stage deadline is "Draft to QA"
    view = shown(qtbot, LettersView(desk_context(sqlite_services, lw.wm)), (1280, 600))
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    item = view.model.item(0)
    press_f8(qtbot, view, view.table)
    dialog = view.due_dialog
    text = dialog.text.toPlainText()
    assert dialog.windowTitle() == f"Why is {rec.reference} due then?"
    assert text.startswith(f"Draft to QA: by the end of {day_text(item.stage_deadline)}\n"
                           "Received Mon 23 Nov 2026 at 10:15 (UK time).")
    assert "the draft goes to QA no fewer than 4 working days before the unit deadline [ASY]" in text
    assert f"Reply due: by the end of {day_text(item.reply_deadline)}" in text
    assert "Target: 20 working days: the reply reaches the MP [CORR 1.2]." in text
    assert text.endswith(f"Due by the end (23:59) of {day_text(item.reply_deadline)}.")
    assert "the selected letter's deadlines" in " ".join(a.text() for a in view.actions())
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_why_due_letter.png")


def test_f8_on_the_duty_board(qtbot, sqlite_services, clock):
    world = build_world(sqlite_services)
    rec, _plan = urgent_item(world, clock, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON), removal_in=None,
                             compassionate=True)
    board = shown(qtbot, DutyView(desk_context(sqlite_services, duty_manager(sqlite_services, world))), (1400, 700))
    load(qtbot, board, 1)
    due = sqlite_services.enquiries.get(world.agent, rec.id).due_date
    press_f8(qtbot, board, board.table)
    text = board.due_dialog.text.toPlainText()
    board.grab().save("/tmp/ui_why_due_duty.png")
    assert text.startswith("Received Mon 23 Nov 2026 at 11:00 (UK time).")
    assert text.endswith(f"Due by the end (23:59) of {day_text(due)}.")


def test_f8_on_find_results_and_nothing_selected(qtbot, sqlite_services, text_scale):
    world = build_world(sqlite_services)
    rec = further_action_case(sqlite_services, world)
    view = shown(qtbot, FindView(desk_context(sqlite_services, world.leader)), (1280, 600))
    qtbot.waitExposed(view)
    view.activateWindow()
    view.search_box.setFocus()
    qtbot.waitUntil(lambda: view.isActiveWindow() and holds_focus(view.search_box))
    qtbot.keyClick(view.search_box, Qt.Key_F8)  # nothing found yet, nothing selected
    assert "Select one in the list first" in view.message.text()
    view.search(text=rec.reference)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.table.setFocus()
    view.table.selectRow(0)
    qtbot.keyClick(view.table, Qt.Key_F8)  # with the team leader: no region, so no due date yet
    qtbot.waitUntil(lambda: "no due date" in view.message.text())
    sqlite_services.enquiries.send_to_region(world.leader, rec.id, "LSE")
    view.refresh()
    qtbot.waitUntil(lambda: view.model.data(view.model.index(0, view.model.columnCount() - 1)) == "Mon 30 Nov")
    press_f8(qtbot, view, view.table)
    assert view.due_dialog.text.toPlainText().endswith("Due by the end (23:59) of Mon 30 Nov 2026.")
    view.grab().save(f"/tmp/ui_why_due_find_{text_scale}x.png")
    view.due_dialog.grab().save(f"/tmp/ui_why_due_find_dialog_{text_scale}x.png")
    assert ("F8", "Why is it due then? (the selected case)") in [
        (row.keys, row.text) for row in action_rows("Find", view.actions())]


def test_f8_in_a_letters_case_view(qtbot, sqlite_services):
    from mpel_app.ui.letter_dialog import LetterDialog
    lw = build_letters_world(sqlite_services)
    rec = lw.register()  # with MPCS: the stage deadline is the allocation's
    dialog = shown(qtbot, LetterDialog(desk_context(sqlite_services, lw.mpcs), rec.id, opener=lambda _p: True))
    qtbot.waitUntil(lambda: dialog.record is not None)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key_F8)
    qtbot.waitUntil(lambda: getattr(dialog, "due_dialog", None) is not None)
    text = dialog.due_dialog.text.toPlainText()
    assert text.startswith("Allocation by MPCS: by the end of Wed 25 Nov 2026\n")
    assert "Target: 2 working days: MPCS allocates the letter [CORR 1.2]." in text
    assert "Reply due: by the end of" in text
