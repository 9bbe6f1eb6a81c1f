"""Administration → Import legacy database: choose the Access file, see the dry run's report, import it
with a progress bar, see the result.

The dry run and the import run through the TaskRunner, off the UI thread;
the service reports progress from the worker thread through a Qt signal,
which Qt delivers to the progress bar on the UI thread.  The report's text
is the CLI's (reports/legacy_summary); the decisions a person should look at
are listed in a table with their Access IDs.  The file chooser is a
parameter so tests can hand the dialog a file.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QFormLayout, QLabel, QLineEdit, QProgressBar,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from ..reports.legacy_summary import look_at, summary
from .admin_view import admin_table, fill_table, fit_columns
from .context import DeskContext
from .widgets import MessageLabel, button, error_text, heading, in_row, labelled

FileChooser = Callable[[QWidget], "Path | None"]


def choose_access_file(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, "Choose the Access database", "",
                                          "Access databases (*.mdb *.accdb);;All files (*)")
    return Path(name) if name else None


class _Progress(QObject):
    """Emitted from the worker thread; connected on the UI thread, so Qt queues each update to it."""

    changed = Signal(str, int, int)


class LegacyImportDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, file_chooser: FileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose = file_chooser or choose_access_file
        self.busy = False
        self._dry_run = True
        self.report: dict | None = None
        self.setWindowTitle("Import legacy database")
        intro = QLabel("Bring the MP Enquiry Line's Access database (.mdb or .accdb) into MPEL Desk. Run a dry run "
                       "first: it reads the file and reports what would be imported and every decision, and "
                       "writes nothing. The import writes everything in one go, or nothing; importing the same "
                       "database again adds nothing twice.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("e.g. S:\\MPEL\\MPEL database.mdb")
        self.choose_button = button("C&hoose file…", "Choose the Access database file")
        self.choose_button.clicked.connect(self.choose)
        labelled(form, "Access &database file:", in_row(self.path, self.choose_button), self.path)
        self.dry_run_button = button("&Dry run", "Read the file and report; write nothing")
        self.dry_run_button.clicked.connect(lambda: self.start(dry_run=True))
        self.import_button = button("&Import", "Import the records into MPEL Desk, all in one go")
        self.import_button.clicked.connect(lambda: self.start(dry_run=False))
        self.close_button = button("Close")
        self.close_button.clicked.connect(self.reject)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Import progress")
        self.progress.setTextVisible(True)
        self.progress.setValue(0)
        self.message = MessageLabel(keep_space=True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName("Report")
        self.summary.setMinimumHeight(170)
        report_label = QLabel("Report:")
        report_label.setBuddy(self.summary)
        look = QLabel("Decisions to look at:")
        self.decisions = admin_table(["Access ID", "Field", "As stored", "Decided"], "Decisions to look at")
        look.setBuddy(self.decisions)
        self._signal = _Progress(self)
        self._signal.changed.connect(self._show_progress)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Import legacy database", 2))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(in_row(self.dry_run_button, self.import_button, stretch=None))
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(report_label)
        layout.addWidget(self.summary)
        layout.addWidget(look)
        layout.addWidget(self.decisions, 1)
        layout.addWidget(in_row(self.close_button, stretch=None))
        self.resize(860, 720)
        self.path.setFocus()

    def choose(self) -> None:
        chosen = self._choose(self)
        if chosen:
            self.path.setText(str(chosen))

    def start(self, *, dry_run: bool) -> None:
        if self.busy:
            return
        path = self.path.text().strip()
        if not path:
            self.message.show_error("Choose the Access database file first.")
            self.path.setFocus()
            return
        actor, service, signal = self._ctx.user, self._ctx.services.legacy, self._signal
        self._set_busy(True)
        self._dry_run = dry_run
        self.summary.clear()
        self.decisions.setRowCount(0)
        self._show_reading()

        def work() -> dict:
            return service.import_file(actor, Path(path), dry_run=dry_run,
                                       progress=lambda stage, done, total: signal.changed.emit(stage, done, total))

        self._ctx.runner.submit(work, self._done, self._failed, owner=self)

    def _show_reading(self) -> None:
        self.progress.setRange(0, 0)  # no total yet
        self.message.show_info("Dry run: reading the Access database…" if self._dry_run else
                               "Importing: reading the Access database…")

    def _show_progress(self, stage: str, done: int, total: int) -> None:
        if stage == "reading":  # the whole table read first (its records not in Access ID order)
            self._show_reading()
            return
        if stage == "indexing":
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)
            self.progress.setFormat(f"Search indexes: {done} of {total} (%p%)")
            self.message.show_info("Importing: all call records written; building the search indexes again. "
                                   "Desks using this database wait until it is done.")
            return
        if stage == "importing" and total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.progress.setFormat(f"{done:,} of {total:,} call records (%p%)")
            self.message.show_info(f"Dry run: {done:,} of {total:,} call records checked…" if self._dry_run else
                                   f"Importing: {done:,} of {total:,} call records written. Nothing is kept "
                                   "unless all of them are.")

    def _done(self, report: dict) -> None:
        self._set_busy(False)
        self.report = report
        total = report["read"].get("tblCallRecord", 0)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(self.progress.maximum())
        self.progress.setFormat(f"{total:,} of {total:,} call records (%p%)")
        e = report["enquiries"]
        if report["dry_run"]:
            self.message.show_ok(f"Dry run done: {e['imported']:,} records would be imported, "
                                 f"{e['already_present']:,} are already here. Nothing was written.")
        else:
            self.message.show_ok(f"Imported {e['imported']:,} records ({e['already_present']:,} already here, "
                                 f"{e['not_imported']:,} not imported).")
        self.summary.setPlainText("\n".join(summary(report, list_decisions=False)))
        rows = [[str(d["access_id"]), d["field"], d["as_stored"], d["decided"]] for d in look_at(report)]
        fill_table(self.decisions, rows)
        fit_columns(self.decisions)

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.message.show_error(error_text(exc))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.dry_run_button, self.import_button, self.choose_button, self.close_button):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:  # the import runs on: closing would hide whether it finished
            self.message.show_info("The import is still running; wait for it to finish.")
            return
        super().reject()


class LegacyImportTab(QWidget):
    """Administration's "Legacy database" tab: what the import does, and the button that opens it."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, file_chooser: FileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._file_chooser = file_chooser
        self.dialog: LegacyImportDialog | None = None
        text = QLabel("Import the MP Enquiry Line's Access database: every call record since 2000, found "
                      "afterwards by its old hotline reference, subject name, Home Office or CTS reference or "
                      "nationality. Records still open in Access go to their region's queue.")
        text.setWordWrap(True)
        self.open_button = button("Import &legacy database…", "Dry-run and import the Access database")
        self.open_button.clicked.connect(self.open_dialog)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(in_row(self.open_button))
        layout.addStretch(1)

    def open_dialog(self) -> LegacyImportDialog:
        self.dialog = LegacyImportDialog(self._ctx, self, file_chooser=self._file_chooser)
        self.dialog.open()
        return self.dialog

    def refresh(self) -> None:
        pass
