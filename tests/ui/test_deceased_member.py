"""MPCS's "Deceased Member" dialog, from the letters view, through the real services on SQLite [CORR 5.1].

Jane Smith MP has letters at every stage; Angus MacLeod has one too, which
must not appear under her name.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mpel_app.ui.deceased_member import COLUMNS, SIGNED, UNDRAFTED, UNSIGNED, DeceasedMemberDialog
from mpel_app.ui.letters_view import LettersView
from tests.support.desk import choose_member, desk_context, shown
from tests.support.letters_world import build_letters_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def rows(dialog: DeceasedMemberDialog) -> list[tuple[str, ...]]:
    m = dialog.model
    return [tuple(m.data(m.index(r, c)) for c in range(len(COLUMNS))) for r in range(m.rowCount())]


def test_mpcs_lists_a_late_members_letters_and_how_to_address_the_replies(qtbot, sqlite_services, lw):
    letters = sqlite_services.letters
    registered = lw.register()
    drafting = lw.drafting()
    with_tl = lw.with_team_leader()
    signed = letters.sign(lw.tl, lw.with_team_leader().id)
    sent = letters.dispatch(lw.tl, letters.sign(lw.tl, lw.with_team_leader().id).id, reply_channel="letter")
    other_member = lw.register(member_id=lw.base.mp_scot.id)

    view = shown(qtbot, LettersView(desk_context(sqlite_services, lw.mpcs)), (1400, 600))
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    assert view.deceased_button.isVisible()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_D, Qt.ControlModifier | Qt.ShiftModifier)
    dialog = view.deceased_dialog
    assert dialog is not None and dialog.picker.member is None
    assert not dialog.guidance.isVisible()
    # "Show letters" before a Member is chosen says what to do.
    dialog.show_button.click()
    assert "Choose the Member first" in dialog.message.text()

    with qtbot.waitSignal(dialog.loaded):
        choose_member(qtbot, dialog.picker, "holborn")  # choosing her lists her letters
    got = rows(dialog)
    assert [r[:2] for r in got] == [(registered.reference, UNDRAFTED), (drafting.reference, UNDRAFTED),
                                    (with_tl.reference, UNSIGNED), (signed.reference, SIGNED)]
    references = {r[0] for r in got}
    assert sent.reference not in references and other_member.reference not in references
    assert dialog.summary_label.text() == ("Jane Smith MP: 4 letters to re-address — 2 not yet drafted, "
                                           "1 awaiting signature, 1 signed but not sent")
    guidance = dialog.guidance.text()
    assert dialog.guidance.isVisible()
    assert "“The Office of the late Jane Smith”, beginning “Dear Secretary”" in guidance
    assert "Jane Smith previously wrote on [date of the letter] about…" in guidance
    assert "Do not copy in the new MP" in guidance
    assert_accessible(dialog)
    dialog.grab().save("/tmp/deceased_member.png")

    # Another Member: her list goes as soon as the text changes, and his comes when he is chosen.
    dialog.picker.edit.selectAll()
    qtbot.keyClick(dialog.picker.edit, Qt.Key_Backspace)
    assert dialog.model.rowCount() == 0 and not dialog.guidance.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.loaded):
        choose_member(qtbot, dialog.picker, "glasgow")
    assert [r[:2] for r in rows(dialog)] == [(other_member.reference, UNDRAFTED)]
    assert "“The Office of the late Angus MacLeod”" in dialog.guidance.text()


def test_a_member_with_nothing_outstanding_says_so(qtbot, sqlite_services, lw):
    dialog = shown(qtbot, DeceasedMemberDialog(desk_context(sqlite_services, lw.mpcs)))
    with qtbot.waitSignal(dialog.loaded):
        choose_member(qtbot, dialog.picker, "glasgow")
    assert dialog.model.rowCount() == 0
    assert dialog.summary_label.text() == ("Rt Hon Angus MacLeod MP: no letter is waiting to be drafted, "
                                           "signed or sent.")
    assert_accessible(dialog)


def test_only_mpcs_gets_the_dialog(qtbot, sqlite_services, lw):
    view = shown(qtbot, LettersView(desk_context(sqlite_services, lw.wm)))
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    assert not view.deceased_button.isVisibleTo(view)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_D, Qt.ControlModifier | Qt.ShiftModifier)
    assert view.deceased_dialog is None
    assert view.open_deceased_member() is None
    assert view.message.text() == "Only MPCS allocators review a late Member's letters."


def test_mpcs_records_the_death_and_the_units_are_told(qtbot, sqlite_services, lw):
    from datetime import date

    from PySide6.QtCore import QDate

    drafting = lw.drafting()
    dialog = DeceasedMemberDialog(desk_context(sqlite_services, lw.mpcs))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not dialog.death.isEnabled()  # nothing to record until a Member is chosen
    with qtbot.waitSignal(dialog.loaded):
        choose_member(qtbot, dialog.picker, "holborn")
    assert dialog.death.isEnabled()
    dialog.death.died_on.setDate(QDate(2026, 11, 20))
    dialog.death.interim_handler.setText("Ann Neighbour")
    assert not dialog.death.by_election_on.isEnabled()
    with qtbot.waitSignal(dialog.loaded):  # recorded, then the list reloads
        dialog.death.record_button.click()
    assert "have been told" in dialog.death.message.text()
    assert sqlite_services.letters.member_status(lw.mp.id)["died_on"] == date(2026, 11, 20)
    assert sqlite_services.letters.member_status(lw.mp.id)["interim_handler"] == "Ann Neighbour"
    assert [m.subject for m in sqlite_services.outbox.messages_for(lw.mpcs, "member", lw.mp.id)] == [
        "Death of Jane Smith: 1 letter(s) to review"]
    assert drafting.reference in [r[0] for r in rows(dialog)]
    # A date in the future is refused, under the section.
    dialog.death.died_on.setDate(QDate(2027, 1, 1))
    dialog.death.record_button.click()
    qtbot.waitUntil(lambda: "future" in dialog.death.message.text())
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_deceased_record.png")
