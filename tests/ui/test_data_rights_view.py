"""People's data (issue 17): the officer searches, exports and erases from the keyboard; window grabs for a look.

Set ``MPEL_GRAB_DIR`` to keep the grabs (search, erasure confirmation) for looking at."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.services import people as finder
from mpel_app.ui.data_rights_view import DataRightsView
from tests.support import people as p
from tests.support.desk import desk_context, shown
from tests.support.letters_world import build_letters_world


def _grab(widget, name: str) -> None:
    folder = os.environ.get("MPEL_GRAB_DIR")
    if folder:
        widget.grab().save(str(Path(folder) / name))


def test_officer_searches_exports_and_erases(qtbot, sqlite_services, tmp_path):
    lw = build_letters_world(sqlite_services)
    person = p.build_person(lw)
    dialogs = []
    answers = iter([False, True])  # first cancel, then confirm

    def confirm(dialog):
        dialogs.append(dialog)
        _grab(dialog, "erasure-confirmation.png")
        return next(answers)

    view = shown(qtbot, DataRightsView(desk_context(sqlite_services, person.dpo), confirm=confirm,
                                       save_chooser=lambda _parent, name: tmp_path / name), (1000, 560))
    assert view.erase_button.isVisible() and not view.export_button.isEnabled()
    view.by_combo.setCurrentIndex(view.by_combo.findData(finder.BY_HO_REFERENCE))
    qtbot.keyClicks(view.text_edit, p.HO_REF)
    with qtbot.waitSignal(view.searched):
        qtbot.keyClick(view.text_edit, Qt.Key_Return)
    # Him, his letter (no date of birth: a row of its own, never attached by guess), his sister.
    assert view.model.rowCount() == 3 and view.result.text().startswith("3 rows found; 1 with no date of birth")
    assert [m.name for m in view.model.items()] == [p.NAME, p.NAME, p.SISTER]
    assert view.chosen().ids("letter") == []  # the first row only, until the officer adds his letter
    # From the keyboard: Shift+Down adds his letter; one more (his sister's) is refused, not merged.
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key_Down, Qt.ShiftModifier)
    qtbot.keyClick(view.table, Qt.Key_Down, Qt.ShiftModifier)
    assert view.chosen() is None and not view.export_button.isEnabled()
    assert "more than one person" in view.message.text()
    _grab(view, "people-search-refused.png")
    qtbot.keyClick(view.table, Qt.Key_Up, Qt.ShiftModifier)
    assert view.export_button.isEnabled() and view.message.text() == ""
    assert view.chosen().ids("enquiry") == [person.enquiry_id] and view.chosen().ids("letter") == [person.letter_id]
    _grab(view, "people-search.png")

    with qtbot.waitSignal(view.exported) as saved:
        view.export_button.click()
    with zipfile.ZipFile(saved.args[0]) as z:
        assert "subject-access.pdf" in z.namelist() and "subject-access.json" in z.namelist()

    with qtbot.waitSignal(view.dialog_opened):
        view.erase_button.click()
    dialog = dialogs[0]
    assert not dialog.erase_button.isEnabled() and dialog.refusals.isHidden()
    qtbot.keyClicks(dialog.confirm, "ali rezaei")
    assert dialog.erase_button.isEnabled() and dialog.confirm.accessibleName()
    qtbot.waitUntil(lambda: len(dialogs) == 1)
    assert p.scan(sqlite_services.engine, [p.NAME])  # cancelled: nothing erased

    with qtbot.waitSignal(view.erased):
        view.erase_button.click()
    assert "statistics are unchanged" in view.message.text()
    assert p.scan(sqlite_services.engine, [p.NAME]) == []


def test_refused_erasure_says_why_and_cannot_be_confirmed(qtbot, sqlite_services):
    lw = build_letters_world(sqlite_services)
    person = p.build_person(lw)
    dialogs = []
    view = shown(qtbot, DataRightsView(desk_context(sqlite_services, person.dpo),
                                       confirm=lambda d: dialogs.append(d) or False), (1000, 560))
    view.by_combo.setCurrentIndex(view.by_combo.findData(finder.BY_NAME))
    qtbot.keyClicks(view.text_edit, p.SISTER)
    qtbot.keyClicks(view.dob_edit, p.SISTER_DOB.strftime("%d/%m/%Y"))
    with qtbot.waitSignal(view.searched):
        view.search_button.click()
    with qtbot.waitSignal(view.dialog_opened):
        view.erase_button.click()
    dialog = dialogs[0]
    assert not dialog.refusals.isHidden() and "still open" in dialog.refusals.text()
    assert not dialog.confirm.isEnabled() and not dialog.erase_button.isEnabled()
    _grab(dialog, "erasure-refused.png")


def test_not_offered_to_others(sqlite_services):
    from mpel_app.ui.view_registry import views_for
    lw = build_letters_world(sqlite_services)
    titles = [e.title for e in views_for(desk_context(sqlite_services, lw.base.leader))]
    assert "People's data" not in titles
    assert "People's data" in [e.title for e in views_for(desk_context(sqlite_services, lw.admin))]
    assert QApplication.instance() is not None


def test_administrator_runs_retention_from_the_desk(qtbot, sqlite_services, clock):
    from datetime import date, datetime

    from tests.support.world import LONDON, MONDAY_MORNING
    lw = build_letters_world(sqlite_services)
    clock.set(datetime(2023, 6, 5, 10, tzinfo=LONDON))
    old = p.log_enquiry(lw, "Omid Old", date(1970, 1, 1), "Closed in 2023.", complete="Done")
    clock.set(MONDAY_MORNING)
    view = shown(qtbot, DataRightsView(desk_context(sqlite_services, lw.admin)), (1000, 760))
    section = view.retention
    qtbot.waitUntil(lambda: section.years.value() == 2)
    with qtbot.waitSignal(section.done):
        section.due_button.click()
    assert "1 due" in section.report.toPlainText()
    section._confirm = lambda _text: True
    with qtbot.waitSignal(section.done):
        section.run_button.click()
    assert "1 anonymised" in section.report.toPlainText()
    assert p.scan(sqlite_services.engine, ["Omid Old"]) == [] and old
    _grab(view, "people-admin-retention.png")
    assert DataRightsView(desk_context(sqlite_services, p.build_person(lw).dpo)).retention is None


def test_officer_places_and_lifts_a_legal_hold(qtbot, sqlite_services):
    lw = build_letters_world(sqlite_services)
    person = p.build_person(lw)
    view = shown(qtbot, DataRightsView(desk_context(sqlite_services, person.dpo),
                                       reason_asker=lambda _parent: "Judicial review"), (1000, 560))
    qtbot.keyClicks(view.text_edit, p.NAME)
    qtbot.keyClicks(view.dob_edit, "02/01/1980")
    with qtbot.waitSignal(view.searched):
        view.search_button.click()
    view.table.selectAll()  # his enquiry and his letter, two rows
    with qtbot.waitSignal(view.held):
        view.hold_button.click()
    assert view.message.text() == "Legal hold placed on 2 records."
    refusals = sqlite_services.erasure.refusals(person.dpo, [person.enquiry_id], [person.letter_id])
    assert len([r for r in refusals if "legal hold" in r]) == 2
    with qtbot.waitSignal(view.held):
        view.lift_button.click()
    assert view.message.text() == "2 legal holds lifted."
    assert sqlite_services.erasure.refusals(person.dpo, [person.enquiry_id], [person.letter_id]) == []


def test_results_another_desk_erased_are_marked_out_of_date_not_searched_again(qtbot, sqlite_services, sqlite_url,
                                                                                clock):
    """Issue 17 follow-up: another desk's erasure makes the results shown out of date.  The desk says so and
    disables Export and Erase on them, but does not search again by itself (a search is an audited disclosure);
    the officer's own search clears the warning."""
    from sqlalchemy import func, select

    from mpel_app.app import open_database
    from mpel_app.db.models import AuditLog
    from mpel_app.ui.context import DeskContext
    from mpel_app.ui.data_rights_view import STALE_TEXT
    from mpel_app.ui.main_window import MainWindow
    from mpel_app.ui.task_runner import TaskRunner

    lw = build_letters_world(sqlite_services)
    person = p.build_person(lw)
    desk = open_database(sqlite_url, clock=clock)  # the officer's desk: its own engine on the same file
    try:
        window = MainWindow(DeskContext(services=desk, user=person.dpo, runner=TaskRunner()))
        qtbot.addWidget(window)
        window.show()
        view = window.data_rights_view
        window.show_view(view)
        view.by_combo.setCurrentIndex(view.by_combo.findData(finder.BY_HO_REFERENCE))
        qtbot.keyClicks(view.text_edit, p.HO_REF)
        with qtbot.waitSignal(view.searched):
            view.search_button.click()
        assert view.model.rowCount() == 3 and view.export_button.isEnabled() and view.erase_button.isEnabled()
        assert view.stale_line.isHidden()

        def audit_rows() -> int:
            with sqlite_services.uow.read() as s:
                return s.scalar(select(func.count()).select_from(AuditLog))

        window.refresh_current()  # F5 neither searches again nor calls the results out of date
        assert view.stale_line.isHidden()
        # Another desk erases him.
        sqlite_services.erasure.erase(person.dpo, [person.enquiry_id], [person.letter_id])
        rows_after_erasure = audit_rows()
        qtbot.waitUntil(lambda: view.stale_line.isVisible(), timeout=15_000)
        assert view.stale_line.text() == STALE_TEXT and view.stale_line.accessibleName() == STALE_TEXT
        assert not view.export_button.isEnabled() and not view.erase_button.isEnabled()
        view.table.selectRow(2)  # choosing another row does not bring them back
        assert view.chosen() is not None and not view.export_button.isEnabled()
        assert view.model.rowCount() == 3  # the old results stay, marked, until the officer searches
        qtbot.waitUntil(lambda: not window.ctx.runner.busy)
        assert audit_rows() == rows_after_erasure  # no search was run by itself
        _grab(window, "people-results-out-of-date.png")

        with qtbot.waitSignal(view.searched):
            view.search_button.click()
        assert view.stale_line.isHidden()
        assert p.NAME not in [m.name for m in view.model.items()]  # he is gone now
        assert view.export_button.isEnabled()
        assert audit_rows() == rows_after_erasure + 1  # the officer's search, audited
        window.close()
    finally:
        desk.close()
