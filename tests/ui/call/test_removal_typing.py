"""Alt+V then a habitual Tab: the date typed into the time box is named at once and kept whole (issue 13, finding 4)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.support.desk import open_call_view
from tests.support.world import build_world
from tests.ui.test_urgent_ui import focused, press, tab, type_text, verified_call


def test_a_date_typed_into_the_time_box_is_said_and_not_cut(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    press(qtbot, Qt.Key_V, Qt.AltModifier)
    qtbot.waitUntil(view.urgent.imminent_check.isChecked)
    assert focused() is view.urgent.removal_date  # Alt+V goes straight on to the date...
    tab(qtbot)  # ...but the agent's habit tabs on first
    assert focused() is view.urgent.removal_time
    type_text(qtbot, "24/11/2026")
    assert view.urgent.removal_time.text() == "24/11/2026"  # not silently cut to 24/11/20
    assert view.urgent.removal_time_hint.text() == "that is a date: it goes in Removal date; type the time here as hh:mm"
    QApplication.processEvents()  # the hint's row appears: let the layout make room before the grab
    view.grab().save("/tmp/ui_date_in_time_box.png")


def test_what_is_wrong_with_the_removal_date_is_said_while_typing(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = open_call_view(qtbot, sqlite_services, world.agent)
    verified_call(qtbot, view)
    press(qtbot, Qt.Key_V, Qt.AltModifier)
    qtbot.waitUntil(lambda: focused() is view.urgent.removal_date)
    type_text(qtbot, "24/1")
    assert view.urgent.removal_date_hint.text() == ""  # on its way to a date: nothing wrong yet
    type_text(qtbot, "3")
    assert view.urgent.removal_date_hint.text() == "there is no month 13: type dd/mm/yyyy"
