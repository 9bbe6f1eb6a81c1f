"""Find recognises the key from what is typed and takes unambiguous short forms (issue 13, finding 7)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mpel_app.domain.records import CallerKind, Channel, Disclosure, SearchKey, SubjectDetails
from mpel_app.ui.context import DeskContext
from mpel_app.ui.find_view import FindView
from mpel_app.ui.task_runner import TaskRunner
from tests.support.desk import shown
from tests.support.world import PASSCODE, build_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def view(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    e = sqlite_services.enquiries
    for number, name in enumerate(("Amina Okafor", "Bola Adeyemi", "Chidi Eze")):
        rec = e.start(world.agent, Channel.TELEPHONE)
        e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
        e.verify_passcode(world.agent, rec.id, PASSCODE)
        e.update_details(world.agent, rec.id, subject=SubjectDetails(name=name,
                                                                     ho_reference=f"S123456{number}",
                                                                     cts_reference=f"M0004{number}/26"),
                         question="Status?", answer="", written_confirmation=False)
        e.record_disclosure(world.agent, rec.id, Disclosure())
    find = shown(qtbot, FindView(DeskContext(services=sqlite_services, user=world.agent, runner=TaskRunner())),
                 (1000, 500))
    find.focus_search()
    return find


def typed_then_enter(qtbot, view, text: str) -> None:
    qtbot.keyClicks(view.search_box, text)
    with qtbot.waitSignal(view.results_shown, timeout=10_000):
        qtbot.keyClick(view.search_box, Qt.Key_Return)


def test_a_short_hotline_reference_is_recognised_and_found(qtbot, view):
    assert view.key is None and view.auto_button.isChecked()  # nothing to choose first
    qtbot.keyClicks(view.search_box, "mph2")
    assert view.recognised_label.text() == "Recognised: Hotline reference MPH000002, completed from “mph2”"
    view.grab().save("/tmp/ui_find_recognised.png")
    assert_accessible(view)
    with qtbot.waitSignal(view.results_shown, timeout=10_000):
        qtbot.keyClick(view.search_box, Qt.Key_Return)
    assert [s.reference for s in view.summaries()] == ["MPH000002"]


@pytest.mark.parametrize("typed, reference", [("s1234561", "MPH000002"), ("m41/26", "MPH000002"),
                                              ("eze", "MPH000003")])
def test_home_office_cts_and_names_are_recognised(qtbot, view, typed, reference):
    typed_then_enter(qtbot, view, typed)
    assert [s.reference for s in view.summaries()] == [reference]


def test_an_explicit_choice_still_wins(qtbot, view):
    view.set_key(SearchKey.NATIONALITY)
    assert view.recognised_label.text() == ""
    typed_then_enter(qtbot, view, "Okafor")
    assert view.summaries() == [] and "nationality" in view.count_label.text()


def test_text_that_could_be_two_references_asks_for_the_key(qtbot, view):
    qtbot.keyClicks(view.search_box, "M12345")
    qtbot.keyClick(view.search_box, Qt.Key_Return)
    assert "choose what to find by" in view.message.text()
