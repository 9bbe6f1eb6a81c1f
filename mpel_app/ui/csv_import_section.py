"""A CSV import on an Administration tab: check a file (a dry run and its report), then import it.

What the list of Members and the Home Secretary's list share (issue 14): a
"Check a file…" button reads the file the person chooses and asks the service
for a dry run; the report (a headline, every problem with its line, each
change) is shown; "Import this file" is offered only for a clean report with
changes, and imports the same file for real.  The service checks the person's
right and writes the audit trail; the report's words are the ``reports``
module's, the same as the command line's.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..csv_files import read_csv_text
from ..domain.errors import ValidationError
from .admin_view import ALARM_COLOUR, ALARM_STYLE
from .context import DeskContext
from .widgets import MessageLabel, button, error_text, in_row

FileChooser = Callable[[QWidget], "Path | None"]
MAX_CSV_BYTES = 4_000_000


class CsvImportSection(QGroupBox):
    """Check a CSV file (dry run), read the report, then import it.

    ``run(actor, text, dry_run, source)`` -> a report with ``plan`` (``problems``, ``changes``),
    ``dry_run``, ``applied``, ``source``; ``headline(plan, dry_run=, applied=)`` and ``change_lines(plan)``
    word it; ``imported()`` is called once a file has been imported.
    """

    def __init__(self, ctx: DeskContext, title: str, intro: str, what: str, run: Callable,
                 headline: Callable, change_lines: Callable, imported: Callable[[], None],
                 parent: QWidget | None = None, *, file_chooser: FileChooser, done_text: str):
        super().__init__(title, parent)
        self._ctx, self._imported, self._what, self._run_import = ctx, imported, what, run
        self._headline, self._change_lines, self._done_text = headline, change_lines, done_text
        self._choose_file = file_chooser
        self._path: Path | None = None
        self.report = None
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.check_button = button("Check a &file…", "Read a CSV file and report what importing it would change")
        self.check_button.clicked.connect(self.check_file)
        self.import_button = button("&Import this file", "Make the changes listed in the report")
        self.import_button.clicked.connect(self.import_file)
        self.import_button.setEnabled(False)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import report")
        # Word-wrapped labels get too little height from a layout: room for three lines.
        self.summary.setMinimumHeight(self.summary.fontMetrics().lineSpacing() * 3 + 4)
        self.lines = QListWidget()
        self.lines.setWordWrap(True)  # a problem's whole sentence, not one cut at the edge
        self.lines.setAccessibleName("What the import changes, and the problems in the file")
        self.lines.setMinimumHeight(160)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(in_row(self.check_button, self.import_button, stretch=None))
        layout.addWidget(self.summary)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.message)

    def check_file(self) -> None:
        path = self._choose_file(self)
        if path is None:
            return
        self._run(Path(path), dry_run=True)

    def import_file(self) -> None:
        if self._path is not None and self.report is not None and not self.report.plan.problems:
            self._run(self._path, dry_run=False)

    def _run(self, path: Path, *, dry_run: bool) -> None:
        run, actor, what = self._run_import, self._ctx.user, self._what
        self.import_button.setEnabled(False)
        self.message.show_info("Checking the file…" if dry_run else "Importing…")

        def work():
            try:
                text = read_csv_text(path, MAX_CSV_BYTES, what)
            except OSError as exc:
                raise ValidationError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
            return run(actor, text, dry_run, path.name)

        self._ctx.runner.submit(work, lambda report: self._show(path, report), self._failed)

    def _show(self, path: Path, report) -> None:
        self._path, self.report = path, report
        plan = report.plan
        self.summary.setText(f"{path.name}: " + self._headline(plan, dry_run=report.dry_run, applied=report.applied))
        self.summary.setStyleSheet(ALARM_STYLE if plan.problems else "font-weight: bold;")
        self.summary.setAccessibleName(self.summary.text())
        self.lines.clear()
        for problem in plan.problems:
            text = str(problem)
            item = QListWidgetItem("Problem: " + text[:1].upper() + text[1:])
            item.setForeground(QBrush(QColor(ALARM_COLOUR)))
            self.lines.addItem(item)
        for line in self._change_lines(plan):
            self.lines.addItem(QListWidgetItem(line))
        if self.lines.count():
            self.lines.setCurrentRow(0)
        self.import_button.setEnabled(report.dry_run and not plan.problems and bool(plan.changes))
        if report.applied:
            self.message.show_ok(self._done_text)
            self._imported()
        elif plan.problems:
            self.message.show_error("Correct the file and check it again.")
        else:
            self.message.show_info("Nothing has changed yet: read the report, then Import this file."
                                   if plan.changes else "The file matches what is held: nothing to import.")

    def _failed(self, exc: Exception) -> None:
        self.import_button.setEnabled(False)
        self.message.show_error(error_text(exc))
