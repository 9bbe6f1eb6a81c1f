"""Finding a record by each of the five keys, opening it, printing it and deleting it, through the real services."""
from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from mpel_app.domain.records import CallerKind, Channel, Disclosure, SearchKey, SubjectDetails
from mpel_app.reports.call_record import WITHHELD_TEXT
from mpel_app.ui.context import DeskContext
from mpel_app.ui.find_view import FindView
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.record_dialog import RecordDialog
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSCODE, World, build_world
from tests.ui.accessibility import assert_accessible

QUESTION = "Has the further leave application been decided? The constituent is anxious about work."
ANSWER = "Under consideration; no decision yet. Written confirmation to follow."


def log_call(world: World, *, name: str, dob: date, nationality: str, ho: str, cts: str):
    e, agent = world.services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.CASEWORKER, caller_name="Peter Clerk")
    e.verify_passcode(agent, rec.id, PASSCODE)
    e.record_disclosure(agent, rec.id, Disclosure(constituency_mp=True, identity_confirmed=True))
    e.update_details(agent, rec.id, subject=SubjectDetails(name=name, date_of_birth=dob, nationality=nationality,
                                                           ho_reference=ho, cts_reference=cts),
                     question=QUESTION, answer=ANSWER, written_confirmation=True)
    return e.complete_first_contact(agent, rec.id)


def locked_call(world: World):
    """A call whose caller never gave the right passcode: nothing personal may show."""
    e, agent = world.services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    return e.verify_passcode(agent, rec.id, "0000")


@pytest.fixture
def desk(sqlite_services):
    world = build_world(sqlite_services)
    zoe = log_call(world, name="Zoë Núñez", dob=date(1984, 3, 4), nationality="Colombian", ho="B1234567",
                   cts="M12345/26")
    other = log_call(world, name="Amir Haddad", dob=date(1990, 7, 1), nationality="Syrian", ho="H7654321",
                     cts="B54321/26")
    return world, zoe, other


def _ctx(services, user) -> DeskContext:
    return DeskContext(services=services, user=user, runner=TaskRunner())


def _find_view(qtbot, world, user=None) -> FindView:
    view = FindView(_ctx(world.services, user or world.agent))
    qtbot.addWidget(view)
    view.resize(1200, 500)
    # Focus assertions need the window active; under load activation can come after the first result.
    with qtbot.waitActive(view):
        view.show()
    return view


def _record(qtbot, world, enquiry_id, user=None, **kwargs) -> RecordDialog:
    dialog = RecordDialog(_ctx(world.services, user or world.agent), enquiry_id, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded):
        dialog.show()
    return dialog


# -------------------------------------------------------------------- find

@pytest.mark.parametrize("key, text", [
    (SearchKey.REFERENCE, " mph000001 "),
    (SearchKey.HO_REFERENCE, "b1234567"),
    (SearchKey.CTS_REFERENCE, "m12345/26"),
    (SearchKey.SUBJECT_NAME, "zoe nun"),
    (SearchKey.NATIONALITY, "COLOMBIAN"),
])
def test_find_by_each_key_shows_the_record(qtbot, desk, key, text):
    world, zoe, _other = desk
    view = _find_view(qtbot, world)
    view.set_key(key)
    view.focus_search()
    qtbot.keyClicks(view.search_box, text)
    with qtbot.waitSignal(view.results_shown):
        qtbot.keyClick(view.search_box, Qt.Key_Return)
    assert [s.reference for s in view.summaries()] == [zoe.reference] == ["MPH000001"]
    assert view.count_label.text().startswith("1 record found for ")
    model = view.model
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == ["MPH000001", "23 Nov 2026 10:15", "Jane Smith", "Zoë Núñez", "Colombian", "B1234567",
                   "M12345/26", "Answered", "", ""]
    headers = [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Reference", "Received (London)", "Member", "Subject", "Nationality", "HO ref", "CTS ref",
                       "Status", "Region", "Due"]
    # The results take the focus, first row selected: a second Enter opens it.
    assert view.table.hasFocus()
    with qtbot.waitSignal(view.open_record) as opened:
        qtbot.keyClick(view.table, Qt.Key_Return)
    assert opened.args == [zoe.id]
    if key is SearchKey.SUBJECT_NAME:
        view.window().grab().save("/tmp/ui_find.png")


def test_a_hotline_reference_is_searched_as_one_whatever_the_key(qtbot, desk):
    world, _zoe, other = desk
    view = _find_view(qtbot, world)
    view.set_key(SearchKey.NATIONALITY)
    with qtbot.waitSignal(view.results_shown):
        view.search(text="mph000002")
    assert view.key is SearchKey.REFERENCE and view.key_buttons[SearchKey.REFERENCE].isChecked()
    assert [s.id for s in view.summaries()] == [other.id]


def test_double_click_opens_the_record(qtbot, desk):
    world, zoe, _ = desk
    view = _find_view(qtbot, world)
    with qtbot.waitSignal(view.results_shown):
        view.search(SearchKey.SUBJECT_NAME, "zoe")
    rect = view.table.visualRect(view.model.index(0, 0))
    with qtbot.waitSignal(view.open_record) as opened:
        # As a real double-click arrives: a press and release, then the double-click.
        qtbot.mouseClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert opened.args == [zoe.id]


def test_down_arrow_moves_from_the_search_box_to_the_results(qtbot, desk):
    world, *_ = desk
    view = _find_view(qtbot, world)
    with qtbot.waitSignal(view.results_shown):
        view.search(SearchKey.NATIONALITY, "syrian")
    view.focus_search()
    qtbot.keyClick(view.search_box, Qt.Key_Down)
    assert view.table.hasFocus() and view.table.currentIndex().row() == 0


def test_nothing_found_says_so_and_keeps_the_search_box(qtbot, desk):
    world, *_ = desk
    view = _find_view(qtbot, world)
    with qtbot.waitSignal(view.results_shown):
        view.search(SearchKey.NATIONALITY, "Martian")
    assert view.count_label.text() == "No records found for nationality “Martian”."
    assert view.search_box.hasFocus() and view.model.rowCount() == 0
    view.search_box.clear()
    view.search()
    assert view.message.text() == "Type a nationality to find."


def test_many_results_are_counted(qtbot, desk):
    world, *_ = desk
    log_call(world, name="Zoe Smith", dob=date(1970, 1, 1), nationality="Colombian", ho="", cts="")
    view = _find_view(qtbot, world)
    with qtbot.waitSignal(view.results_shown):
        view.search(SearchKey.NATIONALITY, "colombian")
    assert view.count_label.text() == "2 records found for nationality “colombian”."


# ------------------------------------------------------------------ record

def test_record_shows_fields_and_audit(qtbot, desk):
    world, zoe, _ = desk
    dialog = _record(qtbot, world, zoe.id)
    assert dialog.reference.text() == "MPH000001"
    assert "Answered" in dialog.summary.text() and "23 Nov 2026 10:15" in dialog.summary.text()
    assert dialog.value("Member") == "Jane Smith MP"
    assert dialog.value("Caller") == "Peter Clerk (caseworker)"
    assert dialog.value("Passcode verified") == "Yes"
    assert dialog.value("Constituency MP") == "Yes"
    assert dialog.value("Name") == "Zoë Núñez"
    assert dialog.value("Date of birth") == "4 March 1984"
    assert dialog.value("Home Office reference") == "B1234567"
    assert dialog.value("CTS reference") == "M12345/26"
    assert dialog.value("Question") == QUESTION and dialog.value("Answer given") == ANSWER
    assert dialog.value("Written confirmation requested") == "Yes"
    assert all(w.isReadOnly() for w in dialog.fields.values())
    table = dialog.audit_table
    rows = [[table.item(r, c).text() for c in range(4)] for r in range(table.rowCount())]
    assert [r[2] for r in rows] == ["logged", "caller set", "passcode verified", "disclosure checks recorded",
                                    "details updated", "complete at first contact",
                                    "written confirmation queued"]  # it was requested (issue 13, finding 6)
    assert all(r[0] == "23 Nov 2026 10:15" and r[1] == "agent" for r in rows)
    assert rows[-2][3] == "Status: Open → Answered"
    assert rows[-1][3].startswith("To: jane.smith.mp@parliament.example")
    assert rows[1][3] == "Member: (blank) → Jane Smith MP; Caller kind: (blank) → caseworker; " \
                         "Caller name: (blank) → Peter Clerk"
    assert "Subject name: (blank) → Zoë Núñez; Date of birth: (blank) → 4 March 1984" in rows[4][3]
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_record.png")
    dialog.tabs.setCurrentIndex(1)
    dialog.grab().save("/tmp/ui_record_audit.png")


def test_locked_enquiry_shows_withheld(qtbot, desk):
    world, *_ = desk
    locked = locked_call(world)
    dialog = _record(qtbot, world, locked.id)
    assert "Name" not in dialog.fields and "Question" not in dialog.fields and "Response" not in dialog.fields
    shown = [label.text() for label in dialog.findChildren(type(dialog.reference))]
    assert shown.count(WITHHELD_TEXT) == 2
    assert dialog.value("Passcode verified") == "No" and dialog.value("Failed passcode attempts") == "1"
    dialog.grab().save("/tmp/ui_record_withheld.png")


def test_record_locked_again_withholds_its_trail_too(qtbot, desk):
    """A new member on the call undoes the passcode check: what was recorded is hidden again, trail included."""
    world, *_ = desk
    e, agent = world.services.enquiries, world.agent
    rec = e.start(agent, Channel.TELEPHONE)
    e.set_caller(agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    e.verify_passcode(agent, rec.id, PASSCODE)
    e.update_details(agent, rec.id, subject=SubjectDetails(name="Secret Person", nationality="Ruritanian"),
                     question="About Secret Person", answer="", written_confirmation=False)
    e.set_caller(agent, rec.id, member_id=world.mp_scot.id, caller_kind=CallerKind.MEMBER)
    dialog = _record(qtbot, world, rec.id)
    assert "Name" not in dialog.fields
    table = dialog.audit_table
    trail_text = " ".join(table.item(r, c).text() for r in range(table.rowCount()) for c in range(4))
    assert "Secret" not in trail_text and "Ruritanian" not in trail_text
    assert "Subject name (withheld)" in trail_text and "Passcode verified: Yes → No" in trail_text


def test_print_produces_a_pdf_and_opens_it(qtbot, desk, tmp_path: Path):
    world, zoe, _ = desk
    opened: list[Path] = []
    stale, recent = tmp_path / "MPH000009-old.pdf", tmp_path / "MPH000010-recent.pdf"
    for old in (stale, recent):
        old.write_bytes(b"%PDF-1.4")
    os.utime(stale, (time.time() - 3 * 86400,) * 2)
    dialog = _record(qtbot, world, zoe.id, opener=opened.append, print_dir=tmp_path)
    with qtbot.waitSignal(dialog.printed) as printed:
        qtbot.keyClick(dialog, Qt.Key_P, Qt.ControlModifier)
    path = Path(printed.args[0])
    assert opened == [path] and path.parent == tmp_path and path.name.startswith("MPH000001-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    for expected in ("MPH000001", "Zoë Núñez", "Colombian", "B1234567", "Printed by Carla Agent"):
        assert expected in text
    assert "Opened in your PDF viewer" in dialog.message.text()
    assert not stale.exists() and recent.exists()  # old printouts (personal data) are cleared away


def test_print_reports_a_missing_viewer(qtbot, desk, tmp_path: Path):
    world, zoe, _ = desk
    dialog = _record(qtbot, world, zoe.id, opener=lambda path: False, print_dir=tmp_path)
    with qtbot.waitSignal(dialog.printed):
        dialog.print_button.click()
    assert "no PDF viewer could open it" in dialog.message.text()


def test_agent_may_not_delete(qtbot, desk):
    world, zoe, _ = desk
    assert _record(qtbot, world, zoe.id).delete_button is None


def test_delete_asks_for_a_reason_and_hides_the_record(qtbot, desk):
    world, zoe, other = desk
    dialog = _record(qtbot, world, zoe.id, user=world.leader)
    dialog.delete_button.click()
    confirm = dialog.delete_dialog
    qtbot.waitUntil(confirm.isVisible)
    assert_accessible(confirm)
    labels = [label.text() for label in confirm.findChildren(type(dialog.reference))]
    assert "Delete record MPH000001?" in labels
    assert not confirm.yes_button.isEnabled()
    qtbot.keyClicks(confirm.reason, "dup")
    assert not confirm.yes_button.isEnabled()  # a reason, not a keystroke
    qtbot.keyClicks(confirm.reason, "licate of MPH000002")
    confirm.grab().save("/tmp/ui_delete.png")
    with qtbot.waitSignal(dialog.deleted) as deleted:
        qtbot.keyClick(confirm.reason, Qt.Key_Return)
    assert deleted.args == [zoe.id]
    services = world.services
    assert services.enquiries.find(world.agent, SearchKey.REFERENCE, "MPH000001") == []
    trail = services.enquiries.audit_trail(world.leader, zoe.id)
    assert trail[-1].action == "deleted" and trail[-1].changes == {"reason": "duplicate of MPH000002"}
    assert trail[-1].username == "leader"
    assert [s.id for s in services.enquiries.find(world.agent, SearchKey.NATIONALITY, "syrian")] == [other.id]


def test_delete_no_keeps_the_record(qtbot, desk):
    world, zoe, _ = desk
    dialog = _record(qtbot, world, zoe.id, user=world.leader)
    dialog.delete_button.click()
    confirm = dialog.delete_dialog
    confirm.reason.setText("changed my mind")
    confirm.no_button.click()
    assert not confirm.isVisible() and dialog.isVisible()
    assert [s.id for s in world.services.enquiries.find(world.agent, SearchKey.REFERENCE, "MPH000001")] == [zoe.id]


# ----------------------------------------------------------- through the window

def test_window_opens_found_record_and_refreshes_after_delete(qtbot, desk, tmp_path: Path):
    world, zoe, _ = desk
    window = MainWindow(_ctx(world.services, world.leader), database_label="SQLite file test",
                        opener=lambda p: True, print_dir=tmp_path)
    qtbot.addWidget(window)
    window.show()
    window.find()
    with qtbot.waitSignal(window.find_view.results_shown):
        window.find_view.search(SearchKey.SUBJECT_NAME, "núñez")
    window.grab().save("/tmp/ui_main_find.png")
    window.find_view.open_selected()
    dialog = window.record_dialogs[zoe.id]
    qtbot.waitUntil(lambda: dialog.record is not None)
    assert window.open_record(zoe.id) is dialog  # opening again brings the same window forward
    dialog.delete_button.click()
    dialog.delete_dialog.reason.setText("logged against the wrong MP")
    with qtbot.waitSignal(window.find_view.results_shown):
        dialog.delete_dialog.yes_button.click()
    assert window.find_view.count_label.text() == "No records found for subject name “núñez”."
    assert window.statusBar().currentMessage() == "Record MPH000001 deleted."
    qtbot.waitUntil(lambda: zoe.id not in window.record_dialogs)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
