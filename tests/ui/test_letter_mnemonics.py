"""The case view of a letter gives each control a person can see its own Alt+letter (issue 15): its tabs, the
action buttons and their form, the Documents tab and every Special handling section, whoever opens it, and the
letters work from the keyboard.  Walked with its own reading of Qt's mnemonics, not the guard's."""
from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QPushButton, QTabBar, QWidget

from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letter_sections.meeting import MeetingSection
from mpel_app.ui.letter_sections.offline import OfflineSection
from mpel_app.ui.widgets import holds_focus
from tests.support.letters_world import build_letters_world
from tests.ui.test_letter_special_handling import opened  # the case view, loaded, on Special handling


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def alt_letter(text: str) -> str | None:
    """The letter Qt gives Alt for this text: the character after a single '&' ('&&' is an ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def visible_letters(root: QWidget) -> dict[str, list[str]]:
    """Alt letter → the visible controls that hold it: buttons, labels with a buddy, group boxes, tabs."""
    found: dict[str, list[str]] = defaultdict(list)
    for w in root.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QTabBar):
            texts = [w.tabText(i) for i in range(w.count()) if w.isTabVisible(i)]
        elif isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            texts = [w.text()]
        elif isinstance(w, QGroupBox):
            texts = [w.title()]
        else:
            continue
        for text in texts:
            letter = alt_letter(text)
            if letter:
                found[letter].append(text)
    return found


def clashes(root: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in visible_letters(root).items() if len(v) > 1}


def no_clashes(qtbot, root: QWidget) -> None:
    """Once the window has settled (the guard runs on the next turn of the event loop), no letter is doubled."""
    try:
        qtbot.waitUntil(lambda: not clashes(root), timeout=3000)
    except qtbot.TimeoutError:
        assert clashes(root) == {}


def assert_unique_everywhere(qtbot, dialog: LetterDialog) -> int:
    """On every tab, and with each action's form open on the Special handling tab: no two visible controls
    share a letter.  Returns how many views were walked."""
    walked = 0
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        no_clashes(qtbot, dialog)
        walked += 1
    dialog.tabs.setCurrentWidget(dialog.steps)
    for action in list(dialog.action_buttons):
        dialog.choose(action)
        qtbot.waitUntil(lambda: not dialog.form_box.isHidden())
        no_clashes(qtbot, dialog)
        walked += 1
    # The texts themselves give each control its own letter: the guard had nothing to move.
    assert dialog.mnemonics.reassigned == set(), "\n".join(map(repr, sorted(dialog.mnemonics.reassigned)))
    return walked


def test_the_case_owner_sees_one_letter_per_control_on_a_letter_with_many_special_cases(qtbot, lw):
    rec = lw.drafting(category="policy", meeting_requested=True, welsh_requested=True, letter_in_welsh=True)
    dialog = opened(qtbot, lw, lw.co, rec.id)
    shown = [s for s in dialog.steps.sections.values() if not s.isHidden()]
    assert len(shown) >= 6  # facts, meeting, Welsh, contributions, delay, expediting, interim reply ...
    controls = [w for w in dialog.findChildren(QWidget) if w.isVisible() and (
        isinstance(w, QPushButton) or (isinstance(w, QLabel) and w.buddy() is not None))]
    assert len(controls) > 26  # more controls than letters: some must move or go, none may be doubled
    assert assert_unique_everywhere(qtbot, dialog) >= 4


@pytest.mark.parametrize("who", ["wm", "scw", "mpcs"])
def test_each_role_sees_one_letter_per_control(qtbot, lw, who):
    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt@homeoffice.example.gov.uk")
    offline = lw.register()
    letters.allocate(lw.mpcs, offline.id, "CRT")
    rec = lw.in_qa(category="allegation", foi=True)
    user = getattr(lw, who)
    for letter in (rec, offline):
        dialog = opened(qtbot, lw, user, letter.id)
        assert_unique_everywhere(qtbot, dialog)
        dialog.close()


def test_the_special_handling_letters_work_from_the_keyboard(qtbot, lw):
    rec = lw.drafting(category="policy", meeting_requested=True)
    dialog = opened(qtbot, lw, lw.co, rec.id)
    dialog.tabs.setCurrentIndex(0)
    qtbot.keyClick(dialog, Qt.Key_H, Qt.AltModifier)  # Special &handling
    assert dialog.tabs.currentWidget() is dialog.steps
    no_clashes(qtbot, dialog)
    meeting = dialog.steps.section(MeetingSection)
    label = next(lab for lab in meeting.findChildren(QLabel) if lab.buddy() is meeting.note)
    letter = alt_letter(label.text())
    assert letter, f"{label.text()!r} lost its letter"
    qtbot.keyClick(dialog, getattr(Qt, f"Key_{letter.upper()}"), Qt.AltModifier)
    assert holds_focus(meeting.note)
    meeting.note.setPlainText("The Member proposes January.")
    go = alt_letter(meeting.go.text())
    qtbot.keyClick(dialog, getattr(Qt, f"Key_{go.upper()}"), Qt.AltModifier)  # presses it (after its animation)
    qtbot.waitUntil(lambda: "Referred" in meeting.message.text())
    qtbot.waitUntil(lambda: meeting.status.text().startswith("Referred to the Private Office on"))
    assert not meeting.go.isEnabled()  # stored on the letter: not sent twice


def test_mpcs_checks_in_by_keyboard_on_an_offline_letter(qtbot, lw):
    letters = lw.services.letters
    letters.set_unit_offline(lw.admin, "CRT", "crt@homeoffice.example.gov.uk")
    rec = lw.register("ministerial")
    letters.allocate(lw.mpcs, rec.id, "CRT")
    dialog = opened(qtbot, lw, lw.mpcs, rec.id)
    dialog.tabs.setCurrentIndex(0)
    qtbot.keyClick(dialog, Qt.Key_H, Qt.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.steps
    no_clashes(qtbot, dialog)
    sec = dialog.steps.section(OfflineSection)
    assert "Word document (.docx)" in sec.path.placeholderText()
    label = next(lab for lab in sec.findChildren(QLabel) if lab.buddy() is sec.path)
    qtbot.keyClick(dialog, getattr(Qt, f"Key_{alt_letter(label.text()).upper()}"), Qt.AltModifier)
    assert holds_focus(sec.path)
