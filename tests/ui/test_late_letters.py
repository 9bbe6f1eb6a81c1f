"""The "Late letters" list, from the letters view, through the real services on SQLite [CORR 1.5].

The clock stands at Monday 23 November 2026, 10:15 London.  Letters are made
late by registering them with an old ``received_at`` (the service takes up to
a year back).
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mpel_app.ui.late_letters import COLUMNS, LateLettersDialog
from mpel_app.ui.letters_view import LettersView
from tests.support.desk import desk_context, shown
from tests.support.letters_world import build_letters_world, london
from tests.ui.accessibility import assert_accessible

DAYS = COLUMNS.index("Days past target")


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


@pytest.fixture
def late(lw):
    """Four open letters: two of ASY1's late, one of EUR's late, and a recent one of ASY1's that is not."""
    return dict(
        # Received Tue 1 Sep 2026: the reply target (20 working days) is Tue 29 Sep; a month past it by now.
        official=lw.accepted(received_at=london(2026, 9, 1, 10, 0)),
        # Received Mon 1 Dec 2025: more than six months past target, and Ministerial.
        ministerial=lw.accepted("ministerial", received_at=london(2025, 12, 1, 10, 0)),
        eur=lw.accepted(unit="EUR", received_at=london(2026, 8, 3, 10, 0)),
        recent=lw.accepted(received_at=london(2026, 10, 20, 10, 0)),
    )


def open_view(qtbot, services, user) -> LettersView:
    view = shown(qtbot, LettersView(desk_context(services, user)), (1400, 600))
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    return view


def rows(dialog: LateLettersDialog) -> list[list[str]]:
    m = dialog.model
    return [[m.data(m.index(r, c)) for c in range(len(COLUMNS))] for r in range(m.rowCount())]


def test_a_unit_sees_its_late_letters_most_overdue_first_and_enter_opens_one(qtbot, sqlite_services, lw, late):
    view = open_view(qtbot, sqlite_services, lw.wm)
    assert view.late_button.isVisible() and not view.deceased_button.isVisible()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier)
    dialog = view.late_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    got = rows(dialog)
    # ASY1's two late letters only (not EUR's, not the recent one), the six-months-late Ministerial first.
    assert [r[0] for r in got] == [late["ministerial"].reference, late["official"].reference]
    ministerial, official = got
    assert ministerial[1:3] == ["Ministerial", "ASY1"]
    assert ministerial[-1] == "Contact the MP's office; Ask if a reply is still wanted"
    assert official[1:3] == ["Official", "ASY1"] and official[-1] == "Contact the MP's office"
    assert official[COLUMNS.index("Reply target")] == "Tue 29 Sep 2026"
    assert official[DAYS] == "55"  # 29 September to 23 November
    assert int(ministerial[DAYS]) > 180
    assert dialog.summary_label.text() == "2 late letters — 1 to ask whether a reply is still wanted"
    # The first (most overdue) is selected, its prompts spelt out in full.
    assert "ask the MP whether a reply is still wanted" in dialog.detail.text()
    assert "reject the letter to MPCS for cancelling" in dialog.detail.text()
    assert_accessible(dialog)
    dialog.grab().save("/tmp/late_letters.png")

    # Down to the Official letter and Enter: the view opens it.
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key_Down)
    assert dialog.selected().summary.id == late["official"].id
    assert "contact the MP's office" in dialog.detail.text() and "six months" not in dialog.detail.text()
    qtbot.keyClick(dialog.table, Qt.Key_Return)
    qtbot.waitUntil(lambda: late["official"].id in view.dialogs)
    assert list(view.dialogs) == [late["official"].id]  # once, not twice
    # A double-click opens the other.
    m = dialog.model
    dialog.table.doubleClicked.emit(m.index(0, 0))
    assert late["ministerial"].id in view.dialogs
    for d in list(view.dialogs.values()):
        d.close()


def test_mpcs_sees_every_units_late_letters_and_another_unit_only_its_own(qtbot, sqlite_services, lw, late):
    dialog = shown(qtbot, LateLettersDialog(desk_context(sqlite_services, lw.mpcs)))
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0)
    assert [r[0] for r in rows(dialog)] == [late[k].reference for k in ("ministerial", "eur", "official")]

    eur = shown(qtbot, LateLettersDialog(desk_context(sqlite_services, lw.wm_eur)))
    qtbot.waitUntil(lambda: eur.model.rowCount() > 0)
    assert [(r[0], r[2]) for r in rows(eur)] == [(late["eur"].reference, "EUR")]


def test_no_late_letter_says_so_and_f5_reloads(qtbot, sqlite_services, lw, clock):
    rec = lw.accepted(received_at=london(2026, 10, 20, 10, 0))
    dialog = shown(qtbot, LateLettersDialog(desk_context(sqlite_services, lw.wm)))
    qtbot.waitUntil(lambda: dialog.summary_label.text() == "0 late letters")
    assert dialog.model.rowCount() == 0
    assert dialog.detail.text() == "No letter is late." and not dialog.open_button.isEnabled()
    clock.set(london(2027, 1, 5, 9, 0))  # well over a month past its target now
    with qtbot.waitSignal(dialog.loaded):
        qtbot.keyClick(dialog.table, Qt.Key_F5)
    assert [r[0] for r in rows(dialog)] == [rec.reference] and dialog.open_button.isEnabled()
