"""Registering a letter on the desk: the MPCS allocator's dialog, through the real services on SQLite.

The Member is found by typing (the type-ahead searches the members table),
the scan comes from a real PDF file handed over by the injected file chooser,
and the service's refusals are shown under the form with the field they are
about focused.  The clock stands at Monday 23 November 2026, 10:15 London.
"""
from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.correspondence import LetterKind
from mpel_app.domain.correspondence import LetterState as S
from mpel_app.domain.letter_records import DocumentKind
from mpel_app.domain.records import Role
from mpel_app.services import audit
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letter_register import INVALID_STYLE, REGISTER_SHORTCUT, RegisterLetterDialog
from mpel_app.ui.letters_view import LettersView
from mpel_app.ui.outbox_dialog import OutboxDialog
from tests.support.desk import choose_member, desk_context, fill_form
from tests.support.letters_world import SCAN, build_letters_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


@pytest.fixture
def scan_file(tmp_path) -> Path:
    path = tmp_path / "scan of Jane Smith letter.pdf"
    path.write_bytes(SCAN)
    return path


def open_register(qtbot, services, user, chooser=None) -> RegisterLetterDialog:
    dialog = RegisterLetterDialog(desk_context(services, user), file_chooser=chooser)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.fields["allocate_to"].count() > 1)  # the units have arrived
    return dialog


def press_register(qtbot, dialog: RegisterLetterDialog) -> None:
    dialog.register_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)


def test_mpcs_registers_a_ministerial_letter_with_its_scan_and_allocates_it_at_once(qtbot, sqlite_services, lw,
                                                                                    scan_file):
    chosen_files = []

    def chooser(parent):
        chosen_files.append(parent)
        return scan_file

    dialog = open_register(qtbot, sqlite_services, lw.mpcs, chooser)
    assert_accessible(dialog)
    assert not dialog.signatory_group.isEnabled()  # Official by default: an official signs
    dialog.fields["kind"].setCurrentIndex(dialog.fields["kind"].findData("ministerial"))
    assert dialog.signatory_group.isEnabled()

    choose_member(qtbot, dialog.member_picker, "holborn")
    assert dialog.member_picker.member.id == lw.mp.id
    assert dialog.member_picker.edit.text() == "Jane Smith MP — Holborn and St Pancras"
    f = dialog.fields
    fill_form(f, member_letter_date=QDate(2026, 11, 18), member_reference="JS/4471", subject="Ali Rezaei",
              constituent="Mrs Leila Rezaei", ho_reference="r1234567", issue="his asylum claim",
              question="When will my constituent's husband get a decision?", urgent=True, welsh=True,
              minister_written_to="Minister for Immigration")
    assert dialog.signatory_label.text().startswith("Signs: Chief Executive")  # no reason yet for a Minister
    f["government_policy"].setChecked(True)
    assert dialog.signatory_label.text().startswith("Signs: Minister for Immigration, because the letter is about "
                                                    "Government policy")
    dialog.browse_button.click()
    assert chosen_files == [dialog] and f["scan"].text() == str(scan_file)
    f["allocate_to"].setCurrentIndex(f["allocate_to"].findData("ASY1"))

    got = []
    dialog.registered.connect(got.append)
    press_register(qtbot, dialog)
    assert got, dialog.message.text()

    rec = got[0]
    assert re.fullmatch(r"M\d{5}/26", rec.reference)
    assert dialog.reference_label.isVisible() and dialog.reference_label.text() == rec.reference
    assert dialog.reference_label.font().pointSize() > dialog.message.font().pointSize() + 8  # big, to copy down
    assert dialog.message.text() == f"Ministerial letter registered as {rec.reference} and allocated to ASY1."

    stored = sqlite_services.letters.get(lw.mpcs, rec.id)
    assert stored.kind is LetterKind.MINISTERIAL and stored.state is S.ALLOCATED and stored.unit_code == "ASY1"
    assert stored.member.id == lw.mp.id and stored.member_reference == "JS/4471"
    assert stored.member_letter_date.isoformat() == "2026-11-18"
    assert (stored.subject_name, stored.constituent_name, stored.ho_reference, stored.issue) == (
        "Ali Rezaei", "Mrs Leila Rezaei", "R1234567", "his asylum claim")
    assert stored.urgent and stored.welsh_requested and not stored.ophso and not stored.foi
    assert stored.signatory.who == "Minister for Immigration"
    [scan] = stored.documents
    assert scan.kind is DocumentKind.SCAN and scan.filename == scan_file.name and scan.size == len(SCAN)
    assert sqlite_services.letters.document(lw.mpcs, scan.id).data == SCAN

    # Ready for the next letter in the pile: the kind stays, the case goes.
    assert dialog.kind() is LetterKind.MINISTERIAL and f["subject"].text() == "" and f["scan"].text() == ""
    assert dialog.member_picker.member is None and not f["urgent"].isChecked()
    assert dialog.reference_label.text() == rec.reference  # still there to copy onto the paper letter


def test_refusals_are_shown_under_the_form_with_their_field_focused(qtbot, sqlite_services, lw, tmp_path):
    dialog = open_register(qtbot, sqlite_services, lw.mpcs)
    f = dialog.fields

    def refused(field: str, *words: str) -> None:
        press_register(qtbot, dialog)
        text = dialog.message.text()
        assert dialog.message.styleSheet().startswith("color: #b00020"), text
        for word in words:
            assert word in text, text
        assert f[field].styleSheet() == INVALID_STYLE and dialog.focusWidget() is f[field], (field, text)
        assert not dialog.reference_label.isVisible()

    # No Member chosen: the dialog says so before asking the service anything.
    refused("member", "Member", "choose from the list")
    choose_member(qtbot, dialog.member_picker, "jane smith")
    # The service's words, with its field name as the form labels it.
    refused("subject", "Subject name is required")
    f["subject"].setText("Ali Rezaei")
    refused("issue", "Issue is required")
    assert f["subject"].styleSheet() == ""  # the earlier mark has gone
    f["issue"].setText("his asylum claim")
    f["ho_reference"].setText("R123 4567?")
    refused("ho_reference", "Home Office reference")
    f["ho_reference"].setText("R1234567")
    not_a_pdf = tmp_path / "letter.pdf"
    not_a_pdf.write_bytes(b"GIF89a not a pdf at all")
    f["scan"].setText(str(not_a_pdf))
    refused("scan", "not a PDF")
    f["scan"].setText(str(tmp_path / "missing.pdf"))
    refused("scan", "cannot read")
    f["scan"].clear()
    f["restricted"].setChecked(True)
    f["named_handlers"].setText("nobody-here")
    refused("named_handlers", "Named handlers: there is no active user 'nobody-here'")
    f["named_handlers"].clear()
    f["staff_member"].setText("clerk7")  # about a member of Agency staff: always restricted, line manager told
    assert f["restricted"].isChecked() and not f["restricted"].isEnabled()
    refused("line_manager", "Staff member's line manager: name the member of staff's line manager")
    f["line_manager"].setText("nobody-here")
    refused("line_manager", "Staff member's line manager: there is no active user 'nobody-here'")
    f["staff_member"].clear()
    f["line_manager"].clear()
    assert f["restricted"].isEnabled()
    f["restricted"].setChecked(False)
    f["kind"].setCurrentIndex(f["kind"].findData("ministerial"))
    refused("minister_written_to", "Minister written to is required")

    assert sqlite_services.letters.workstack(lw.mpcs, Role.MPCS_ALLOCATOR) == []  # nothing was registered


def test_a_restricted_letter_names_its_handlers(qtbot, sqlite_services, lw):
    dialog = open_register(qtbot, sqlite_services, lw.mpcs)
    f = dialog.fields
    assert not f["named_handlers"].isEnabled()
    choose_member(qtbot, dialog.member_picker, "holborn")
    f["subject"].setText("Ali Rezaei")
    f["issue"].setText("his asylum claim")
    f["restricted"].setChecked(True)
    assert f["named_handlers"].isEnabled()
    f["named_handlers"].setText("wm; tl")
    press_register(qtbot, dialog)
    rec = dialog.last
    assert rec is not None, dialog.message.text()
    assert rec.restricted and set(rec.named_handlers) == {"mpcs", "wm", "tl"}
    assert not f["restricted"].isChecked() and f["named_handlers"].text() == ""  # cleared for the next letter


def test_closing_while_registering_waits_for_the_reference(qtbot, sqlite_services, lw):
    dialog = open_register(qtbot, sqlite_services, lw.mpcs)
    choose_member(qtbot, dialog.member_picker, "holborn")
    dialog.fields["subject"].setText("Ali Rezaei")
    dialog.fields["issue"].setText("his asylum claim")
    dialog.register_button.click()
    assert dialog.busy
    dialog.reject()  # Esc or Close while the service works
    assert dialog.isVisible() and "closes once the CTS reference is shown" in dialog.message.text()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.last is not None and dialog.reference_label.text() == dialog.last.reference
    dialog.reject()
    assert not dialog.isVisible()


def test_a_letter_about_agency_staff_tells_the_line_manager_named_by_username(qtbot, sqlite_services, lw):
    """[CORR 2.5]: MPCS types the line manager's username; the letter is registered, restricted, and the line
    manager's message is in the outbox, to the address on their account.  One with no address is refused,
    saying an administrator must add it."""
    services = sqlite_services
    services.users.set_email(lw.admin, lw.base.agent.id, "")  # Carla Agent: no e-mail address on the desk
    dialog = open_register(qtbot, services, lw.mpcs)
    f = dialog.fields
    choose_member(qtbot, dialog.member_picker, "holborn")
    f["subject"].setText("Kwame Leader")
    f["issue"].setText("his wife's visa application")
    f["staff_member"].setText("tl")  # Tariq Leader, a unit team leader, asked his MP to write
    assert f["restricted"].isChecked() and f["line_manager"].isEnabled()
    f["named_handlers"].setText("wm")
    f["line_manager"].setText("agent")
    press_register(qtbot, dialog)
    text = dialog.message.text()
    assert text.startswith("Staff member's line manager: Carla Agent (agent) has no e-mail address on the desk"), text
    assert "ask an administrator to add it" in text
    assert dialog.focusWidget() is f["line_manager"] and dialog.last is None
    assert services.outbox.list_undelivered(lw.mpcs) == []
    dialog.grab().save("/tmp/ui_letter_register_staff.png")

    f["line_manager"].setText(" Leader ")  # Tom Leader, typed as it comes
    press_register(qtbot, dialog)
    rec = dialog.last
    assert rec is not None, dialog.message.text()
    assert rec.restricted and rec.staff_member == "tl" and set(rec.named_handlers) == {"mpcs", "wm"}
    assert (rec.line_manager, rec.line_manager_name) == ("leader", "Tom Leader")
    assert dialog.message.text() == (f"Official letter registered as {rec.reference}. It waits in MPCS's workstack "
                                     "to be allocated.")
    assert f["line_manager"].text() == "" and f["staff_member"].text() == ""  # cleared for the next letter

    # Read back from the outbox: to the line manager's own address, the reference, nothing of the case.
    [item] = services.outbox.messages_for(lw.mpcs, "letter", rec.id)
    assert (item.to_address, item.to_name, item.kind) == ("tom.leader@homeoffice.example.gov.uk", "Tom Leader",
                                                          "letter_line_manager")
    _name, eml = services.outbox.export_document(lw.mpcs, item.id)
    body = " ".join(message_from_bytes(eml, policy=default).get_body(("plain",)).get_content().split())
    assert "Dear Tom Leader" in body and rec.reference in body and "Civil Service Code" in body
    assert "visa" not in body and "Kwame" not in body


def test_mpcs_retries_its_own_failed_message_in_the_outbox(qtbot, sqlite_services, lw):
    """Whoever's work queues a message may retry it: MPCS, for the line manager's message it queued."""
    services = sqlite_services
    rec = lw.register(staff_member="tl", line_manager="leader", subject_name="Kwame Leader")
    [item] = services.outbox.messages_for(lw.mpcs, "letter", rec.id)
    woken = []
    dialog = OutboxDialog(desk_context(services, lw.mpcs), wake=lambda: woken.append(True))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.refresh()
    qtbot.waitUntil(lambda: len(dialog.rows) == 1)
    assert dialog.rows[0].item.id == item.id and dialog.rows[0].record == f"letter {rec.id}"
    dialog.select_row(0)
    assert dialog.retry_button.isEnabled() and dialog.mark_button.isEnabled()
    assert_accessible(dialog)
    dialog.retry_button.click()
    qtbot.waitUntil(lambda: bool(woken))
    assert dialog.message.text() == f"letter {rec.id}: sending again now."
    with services.uow.read() as s:
        assert [a.action for a in audit.trail(s, "outbox", item.id)] == ["retry requested"]
    dialog.grab().save("/tmp/ui_outbox_mpcs.png")


def test_a_second_member_writing_about_the_same_person_is_linked(qtbot, sqlite_services, lw):
    first = lw.register("official")  # Jane Smith MP, the constituency MP
    dialog = open_register(qtbot, sqlite_services, lw.mpcs)
    f = dialog.fields
    assert not f["constituency_mp"].isEnabled() and not f["different_points"].isEnabled()
    choose_member(qtbot, dialog.member_picker, "glasgow")
    f["subject"].setText("Ali Rezaei")
    f["issue"].setText("his asylum claim")
    f["link_to_reference"].setText("B99999/26")
    assert f["constituency_mp"].isEnabled() and f["constituency_mp"].isChecked()
    press_register(qtbot, dialog)
    assert "Link to CTS reference: there is no letter B99999/26" in dialog.message.text()
    assert dialog.focusWidget() is f["link_to_reference"]

    f["link_to_reference"].setText(first.reference.lower())  # as typed: the service reads it either way
    f["constituency_mp"].setChecked(False)  # Angus MacLeod writes, but is not the person's constituency MP
    press_register(qtbot, dialog)
    rec = dialog.last
    assert rec is not None, dialog.message.text()
    assert not rec.constituency_mp and not rec.different_points
    assert [o.reference for o in rec.linked_letters] == [first.reference]
    # The constituency MP gets the substantive reply; the other a copy [CORR 2.6].
    assert rec.copy_of == first.reference
    case = LetterDialog(desk_context(sqlite_services, lw.mpcs), rec.id)
    qtbot.addWidget(case)
    qtbot.waitUntil(lambda: case.record is not None)
    assert f"{first.reference} · Jane Smith MP (constituency MP)" in case.detail.toPlainText()


def test_the_member_list_follows_the_keys(qtbot, sqlite_services, lw):
    dialog = open_register(qtbot, sqlite_services, lw.mpcs)
    picker = dialog.member_picker
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, "a")  # both Members have an "a" in the name or constituency
    qtbot.waitUntil(lambda: len(picker.suggestions()) == 2)
    assert picker.member is None
    popup = picker.completer.popup()
    assert popup.isVisible() and popup.model().rowCount() == 2
    popup.setCurrentIndex(popup.model().index(1, 0))
    qtbot.keyClick(popup, Qt.Key_Return)
    qtbot.waitUntil(lambda: picker.member is not None)
    assert picker.member.id == lw.mp.id and "Holborn" in picker.edit.text()  # sorted by name: Angus, Jane
    assert dialog.fields["privy_counsellor"].isChecked() is False
    qtbot.keyClick(picker.edit, Qt.Key_Return)  # chosen: Enter moves on rather than pressing "Register"
    assert dialog.focusWidget() is dialog.fields["member_letter_date"] and dialog.last is None
    picker.edit.setFocus()
    picker.edit.end(False)
    qtbot.keyClick(picker.edit, Qt.Key_Backspace)  # editing the text un-chooses the Member
    assert picker.member is None and picker.status.text() == "No Member chosen"
    picker.clear()
    choose_member(qtbot, dialog.member_picker, "glasgow")
    assert picker.member.id == lw.base.mp_scot.id
    assert dialog.fields["privy_counsellor"].isChecked()  # Rt Hon, from the members list


def test_the_letters_view_opens_it_for_mpcs_only_by_button_and_shortcut(qtbot, sqlite_services, lw, scan_file):
    view = LettersView(desk_context(sqlite_services, lw.mpcs), file_chooser=lambda _parent: scan_file)
    qtbot.addWidget(view)
    view.resize(1280, 600)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.summary_label.text() != "")
    assert view.register_button.isVisible() and REGISTER_SHORTCUT in view.register_button.toolTip()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_N, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: view.register_dialog is not None and view.register_dialog.isVisible())
    dialog = view.register_dialog
    qtbot.waitUntil(lambda: dialog.fields["allocate_to"].count() > 1)
    view.register_button.click()
    assert view.register_dialog is dialog  # one at a time: brought forward

    choose_member(qtbot, dialog.member_picker, "holborn")
    dialog.fields["subject"].setText("Ali Rezaei")
    dialog.fields["issue"].setText("his asylum claim")
    dialog.browse_button.click()
    press_register(qtbot, dialog)
    rec = dialog.last
    assert rec is not None, dialog.message.text()
    qtbot.waitUntil(lambda: view.model.row_of(rec.id) >= 0)  # in MPCS's workstack, to allocate
    assert view.model.item(view.model.row_of(rec.id)).section == "To allocate"
    assert view.selected().id == rec.id

    opened = []
    view.dialog_opened.connect(opened.append)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: bool(opened) and opened[0].record is not None)
    assert opened[0].record.reference == rec.reference

    wm_view = LettersView(desk_context(sqlite_services, lw.wm))
    qtbot.addWidget(wm_view)
    assert not wm_view.register_button.isVisibleTo(wm_view)
    assert wm_view.open_register() is None and wm_view.register_dialog is None


def test_grab_of_the_register_dialog(qtbot, sqlite_services, lw, scan_file):
    dialog = open_register(qtbot, sqlite_services, lw.mpcs, lambda _p: scan_file)
    dialog.fields["kind"].setCurrentIndex(1)
    choose_member(qtbot, dialog.member_picker, "holborn")
    dialog.fields["subject"].setText("Ali Rezaei")
    dialog.fields["issue"].setText("his asylum claim")
    dialog.fields["minister_written_to"].setEditText("Minister for Immigration")
    dialog.fields["government_policy"].setChecked(True)
    dialog.browse_button.click()
    press_register(qtbot, dialog)
    QApplication.processEvents()
    dialog.grab().save("/tmp/ui_letter_register.png")
