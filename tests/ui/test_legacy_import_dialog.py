"""Administration → Import legacy database: the dry run's report, the import's progress and result,
through the real services on SQLite and the real mdbtools reader; grabbed to PNG for a person to look at."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QGroupBox, QLineEdit
from sqlalchemy import func, select

from mpel_app.db.models import Enquiry
from mpel_app.ui.admin_view import AdminView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.task_runner import TaskRunner
from tests.support.legacy import FILES, CountingReader, unpack
from tests.support.world import build_world
from tests.ui.accessibility import assert_accessible

SHOTS = Path(os.environ.get("MPEL_SHOTS", "")) if os.environ.get("MPEL_SHOTS") else None


def _grab(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()  # the layout catches up with the text just set
        widget.grab().save(str(SHOTS / f"{name}.png"))


def _enquiries(services) -> int:
    with services.uow.read() as s:
        return s.scalar(select(func.count()).select_from(Enquiry))


def test_dry_run_then_import_from_the_administration_screen(qtbot, sqlite_services, tmp_path):
    world = build_world(sqlite_services)
    path = unpack(FILES[0], tmp_path)
    view = AdminView(DeskContext(services=sqlite_services, user=world.admin, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    view.legacy._file_chooser = lambda parent: path
    dialog = view.legacy.open_dialog()
    assert_accessible(dialog)
    dialog.choose_button.click()
    assert dialog.path.text() == str(path)

    dialog.dry_run_button.click()
    assert dialog.busy and not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert "Dry run done: 3,000 records would be imported" in dialog.message.text()
    assert "Nothing was written" in dialog.message.text()
    text = dialog.summary.toPlainText()
    assert "Hotline references: 2,931 valid as stored, 2,975 valid" in text
    assert "Dry run: nothing was written." in text
    assert dialog.decisions.rowCount() == len([d for d in dialog.report["decisions"] if d["look_at"]]) > 0
    ids = {dialog.decisions.item(r, 0).text() for r in range(dialog.decisions.rowCount())}
    assert {"2618", "525", "1844"} <= ids
    assert _enquiries(sqlite_services) == 0
    _grab(dialog, "legacy-dry-run")

    seen: list[int] = []
    indexing: list[tuple[str, str]] = []

    def during(stage: str, done: int, total: int) -> None:
        if stage == "importing" and 0 < done < total and not seen:
            seen.append(dialog.progress.value())
            _grab(dialog, "legacy-progress")
        if stage == "indexing" and 0 < done < total and not indexing:  # a first import: indexes built after
            indexing.append((dialog.progress.text(), dialog.message.text()))
            _grab(dialog, "legacy-indexing")

    dialog._signal.changed.connect(during)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert seen and 0 < seen[0] < 3000 and dialog.progress.maximum() == 3000
    assert "Imported 3,000 records (0 already here, 0 not imported)." in dialog.message.text()
    assert _enquiries(sqlite_services) == 3000
    assert indexing and indexing[0][0].startswith("Search indexes: ")
    assert "building the search indexes again" in indexing[0][1] and "Desks using this database wait" in indexing[0][1]
    assert "Search indexes built again after the rows: " in dialog.summary.toPlainText()
    _grab(dialog, "legacy-result")

    dialog.import_button.click()  # again: nothing twice
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert "Imported 0 records (3,000 already here, 0 not imported)." in dialog.message.text()
    assert _enquiries(sqlite_services) == 3000


def test_records_not_in_id_order_are_read_again_and_the_dialog_says_so(qtbot, sqlite_services, tmp_path):
    """The one pass meets a record out of Access ID order: the bar goes back to 'reading' (no total) while
    the table is surveyed, then counts the records written, and the import ends as usual."""
    world = build_world(sqlite_services)
    path = unpack(FILES[0], tmp_path)
    reader = CountingReader(path, shuffled=True)
    sqlite_services.legacy._open = lambda _: reader
    view = AdminView(DeskContext(services=sqlite_services, user=world.admin, runner=TaskRunner()))
    qtbot.addWidget(view)
    dialog = view.legacy.open_dialog()
    dialog.path.setText(str(path))
    stages: list[tuple[str, int, int, str]] = []
    dialog._signal.changed.connect(lambda stage, done, total: stages.append(
        (stage, dialog.progress.minimum(), dialog.progress.maximum(), dialog.message.text())))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
    assert reader.reads == 3
    kinds = [s[0] for s in stages]
    assert kinds.index("importing") < kinds.index("reading") < len(kinds) - 1 - kinds[::-1].index("importing")
    assert stages[kinds.index("reading")] == ("reading", 0, 0, "Importing: reading the Access database…")
    assert "Imported 3,000 records (0 already here, 0 not imported)." in dialog.message.text()
    assert _enquiries(sqlite_services) == 3000


def test_a_bad_file_is_told_in_the_dialog(qtbot, sqlite_services, tmp_path):
    world = build_world(sqlite_services)
    bad = tmp_path / "notes.mdb"
    bad.write_text("not a database", encoding="utf-8")
    view = AdminView(DeskContext(services=sqlite_services, user=world.admin, runner=TaskRunner()))
    qtbot.addWidget(view)
    dialog = view.legacy.open_dialog()
    dialog.path.setText(str(bad))
    dialog.dry_run_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)
    assert "is not a Microsoft Access database" in dialog.message.text()
    assert dialog.import_button.isEnabled()
    _grab(dialog, "legacy-bad-file")


def test_the_tab_is_for_administrators_only(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    runner = TaskRunner()
    view = AdminView(DeskContext(services=sqlite_services, user=world.leader, runner=runner))
    qtbot.addWidget(view)
    assert not hasattr(view, "legacy")
    qtbot.waitUntil(lambda: not runner.busy)  # the rota tab's own loading, before the view goes


def test_an_imported_record_window_shows_its_legacy_origin(qtbot, sqlite_services, tmp_path):
    from mpel_app.db.models import LegacyRecord
    from mpel_app.ui.record_dialog import RecordDialog

    world = build_world(sqlite_services)
    sqlite_services.legacy.import_file(world.admin, unpack(FILES[1], tmp_path), dry_run=False)
    with sqlite_services.uow.read() as s:
        enquiry_id = s.scalar(select(LegacyRecord.enquiry_id).where(LegacyRecord.access_id == 2312))
    dialog = RecordDialog(DeskContext(services=sqlite_services, user=world.admin, runner=TaskRunner()), enquiry_id,
                          opener=lambda path: None, print_dir=tmp_path)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 1100)
    dialog.show()
    qtbot.waitUntil(lambda: any(w.title() == "Legacy Access database" for w in dialog.findChildren(QGroupBox)),
                    timeout=30_000)
    texts = " ".join(w.text() for w in dialog.findChildren(QLineEdit))
    assert "mpel-legacy.accdb, Access ID 2312" in texts and "Harjit Rigby" in texts
    assert_accessible(dialog)
    _grab(dialog, "legacy-record")


def test_import_from_the_administration_screen_on_an_administrators_own_login(qtbot, pg_cluster, clock, tmp_path):
    """Shared PostgreSQL with per-person logins: the desk is signed in to the database as the administrator,
    not as its owner (tests/services/test_legacy_import_person_login.py has the figures)."""
    from tests.db.test_pg_boundary import _dropping_logins
    from tests.services.test_legacy_import_person_login import _database, _desk_as

    path = unpack(FILES[0], tmp_path)
    with _dropping_logins(pg_cluster), _database(pg_cluster, clock, "mpel_legacy_gui",
                                                 per_person_logins=True) as (url, shared, world):
        with _desk_as(url, "admin", clock) as desk:
            view = AdminView(DeskContext(services=desk, user=world.admin, runner=TaskRunner()))
            qtbot.addWidget(view)
            view.legacy._file_chooser = lambda parent: path
            dialog = view.legacy.open_dialog()
            dialog.choose_button.click()
            dialog.import_button.click()
            qtbot.waitUntil(lambda: not dialog.busy, timeout=120_000)
            assert "Imported 3,000 records (0 already here, 0 not imported)." in dialog.message.text()
            dialog.close()
            view.close()
        assert _enquiries(shared) == 3000
