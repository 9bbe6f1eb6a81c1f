"""The register dialog's "What kind of letter" section (issue 15): registered letters carry their special case,
and the reply plan follows it."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.support.letters_world import build_letters_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_letter_register import choose_member, open_register, press_register

import pytest


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


def test_mpcs_records_a_support_letter_in_welsh_asking_for_a_meeting(qtbot, sqlite_services, lw, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    dialog = open_register(qtbot, sqlite_services, lw.mpcs, lambda _p: scan)
    assert_accessible(dialog)
    section = dialog.kind_section
    assert section.values() == {}  # an ordinary case letter records nothing extra
    choose_member(qtbot, dialog.member_picker, "holborn")
    dialog.fields["subject"].setText("Ali Rezaei")
    dialog.fields["issue"].setText("his asylum claim")
    dialog.fields["welsh"].setChecked(True)
    dialog.browse_button.click()
    section.category.setCurrentIndex(section.category.findData("support"))
    section.flags["letter_in_welsh"].setChecked(True)
    section.flags["meeting_requested"].setChecked(True)
    got = []
    dialog.registered.connect(got.append)
    press_register(qtbot, dialog)
    assert got, dialog.message.text()
    plan = sqlite_services.letters.reply_plan(lw.mpcs, got[0].id)
    assert plan.templates == ("support",) and plan.language == "cy"
    # The meeting line is offered to the drafter, not forced into the reply [CORR 2.4].
    assert any("lobby" in line for line in plan.offered) and not any("lobby" in s for s in plan.sentences)
    assert section.values() == {} and section.category.currentData() == "case"  # ready for the next letter
    QApplication.processEvents()
    dialog.grab().save("/tmp/ui_letter_kind_section.png")
