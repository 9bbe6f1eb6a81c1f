"""One call record: every field in plain groups, its audit trail, Print, Delete and Edit details.

The record and its trail load in the background; so does printing. Nothing
here decides what may be seen: a record whose passcode was never verified
arrives from the service without personal data (``subject is None``), and
this dialog only says so. Delete is offered to those the permission table
allows, and the service checks again. What each group says (labels, values,
the withheld rule) comes from ``reports.record_sections``, as on the printout.

"Edit details…" (Alt+E) opens ``ui.record_edit.DetailsDialog`` and Delete…
``ui.record_delete.DeleteDialog``; the trail reads as ``ui.audit_text`` words
it.  F8 explains the due date (``ui.due_dialog``).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QScrollArea, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from .. import paths
from ..domain import permissions as perm
from ..domain.permissions import Action
from ..domain.records import AuditEntry, EnquiryRecord
from ..reports.call_record import save_call_record
from ..reports.record_sections import Section, is_withheld, record_sections
from .audit_text import describe_changes
from .context import DeskContext
from .enquiry_edits import editable
from .models import STATUS_LABELS, format_received
from .due_dialog import explain_due
from .print_options import PrintOptions, record_document
from .record_delete import DeleteDialog
from .record_edit import DetailsDialog
from .viewer import Opener, default_opener, open_in_viewer, remove_old_copies
from .telephony.enquiry_calls import EnquiryCallsSection
from .widgets import ERROR_STYLE, MessageLabel, button, error_text, heading, labelled, tab_chain

# Read-only values look like text, not like boxes to type in, but still take
# the keyboard focus (so screen-reader users can tab through them) and show
# clearly where it is (WCAG 2.4.7).
_STYLE = """
QLineEdit[readOnly="true"], QPlainTextEdit[readOnly="true"] {
    background: palette(base); border: 1px solid #d0d4d9; border-radius: 3px; padding: 2px 4px;
}
QLineEdit[readOnly="true"]:focus, QPlainTextEdit[readOnly="true"]:focus { border: 2px solid #1d3f6e; }
QGroupBox { font-weight: bold; margin-top: 10px; }
QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #1d3f6e; }
"""

# Where each of record_sections' groups goes in the window's grid: (row, column, columns spanned).
_PLACES = {"Member and caller": (0, 0, 1), "Subject": (0, 1, 1), "Disclosure checks": (1, 0, 1),
           "Regional action": (1, 1, 1), "Enquiry": (2, 0, 2), "Legacy Access database": (3, 0, 2)}
_READING_ORDER = ("Member and caller", "Disclosure checks", "Subject", "Regional action", "Enquiry",
                  "Legacy Access database")

class RecordDialog(QDialog):
    """Shows one enquiry. ``opener`` opens a printed PDF (injectable so tests launch no viewer)."""

    loaded = Signal()
    printed = Signal(str)  # path of the PDF
    deleted = Signal(int)  # enquiry id
    details_saved = Signal(int)  # enquiry id

    def __init__(self, ctx: DeskContext, enquiry_id: int, parent: QWidget | None = None, *,
                 opener: Opener | None = None, print_dir: Path | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.enquiry_id = enquiry_id
        self._opener = opener or default_opener
        self._print_dir = print_dir
        self.record: EnquiryRecord | None = None
        self.trail: list[AuditEntry] = []
        self._region_name: str | None = None
        self.fields: dict[str, QWidget] = {}
        self.delete_dialog: DeleteDialog | None = None
        self.edit_dialog: DetailsDialog | None = None
        self.setWindowTitle("Call record — MPEL Desk")
        self.setStyleSheet(_STYLE)
        self.resize(980, 760)

        self.reference = heading("Loading…", 8)
        self.reference.setStyleSheet("color: #1d3f6e;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.banner = QLabel()
        self.banner.setStyleSheet("background: #fbe9e7; color: #b3261e; font-weight: bold; padding: 6px;")
        self.banner.hide()
        self.message = MessageLabel()

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Record and audit trail")
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.NoFrame)
        self.tabs.addTab(self._scroll, "Re&cord")
        self.audit_table = QTableWidget(0, 4)
        self.audit_table.setHorizontalHeaderLabels(["Time (London)", "User", "Action", "Changes"])
        self.audit_table.setAccessibleName("Audit trail")
        self.audit_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.audit_table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.audit_table.setWordWrap(True)
        self.audit_table.setTabKeyNavigation(False)
        self.audit_table.verticalHeader().setVisible(False)
        self.audit_table.horizontalHeader().setStretchLastSection(True)
        self.audit_table.setAlternatingRowColors(True)
        self.tabs.addTab(self.audit_table, "&Audit trail")
        self.calls_section = EnquiryCallsSection(ctx)  # issue 9: the calls, with their wait and talk time
        self.tabs.addTab(self.calls_section, "Te&lephone calls")

        self.print_button = button("&Print…", "Print the record as a PDF (Ctrl+P)", auto_default=False)
        self.print_button.clicked.connect(self.print_record)
        self.print_options = PrintOptions(self._opener, self.message)  # the system print dialog, the folder
        self.delete_button: QPushButton | None = None
        self.close_button = button("Close", "Close this record (Esc)", auto_default=False)
        self.close_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        self.edit_button: QPushButton | None = None
        if perm.allowed(ctx.user, Action.LOG_ENQUIRY):
            self.edit_button = button("&Edit details…", "Correct the subject, question and answer",
                                      auto_default=False)
            self.edit_button.clicked.connect(self.ask_edit)
            row.addWidget(self.edit_button)
        if perm.allowed(ctx.user, Action.DELETE_ENQUIRY):
            self.delete_button = button("&Delete…", "Delete this record, giving a reason", auto_default=False)
            self.delete_button.clicked.connect(self.ask_delete)
            row.addWidget(self.delete_button)
        row.addStretch()
        row.addWidget(self.close_button)
        QShortcut(QKeySequence.Print, self, self.print_record)
        # "Why is it due then?", as in the queues: the due date explained from the one rule.
        QShortcut(QKeySequence("F8"), self, lambda: explain_due(self, self._ctx, self.enquiry_id, self.message.show_info))

        layout = QVBoxLayout(self)
        layout.addWidget(self.reference)
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        layout.addWidget(self.message)
        layout.addWidget(self.print_options)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)
        self._set_actions_enabled(False)
        self.load()

    # ------------------------------------------------------------------ load

    def load(self) -> None:
        services, user, enquiry_id = self._ctx.services, self._ctx.user, self.enquiry_id

        def work():
            record = services.enquiries.get(user, enquiry_id)
            trail = services.enquiries.audit_trail(user, enquiry_id)
            names = {r.code: r.name for r in services.reference.regions()}
            return record, trail, names.get(record.region_code or "")

        self._ctx.runner.submit(work, self._show, self._load_failed)
        self.calls_section.load(enquiry_id)

    def _load_failed(self, exc: Exception) -> None:
        self.reference.setText("Record not available")
        self.message.show_error(error_text(exc))

    def _show(self, result: tuple[EnquiryRecord, list[AuditEntry], str | None]) -> None:
        record, trail, region_name = result
        self.record, self.trail, self._region_name = record, trail, region_name
        self.setWindowTitle(f"{record.reference} — Call record — MPEL Desk")
        self.reference.setText(record.reference)
        self.reference.setAccessibleName(f"Record {record.reference}")
        self.summary.setText(
            f"<b>{STATUS_LABELS.get(record.status, record.status)}</b> · {record.channel.value.capitalize()} · "
            f"received {format_received(record.received_at)} · logged by {record.created_by}"
            + (f" · completed {format_received(record.completed_at)}" if record.completed_at else ""))
        banners = []
        if record.urgent:
            banners.append("URGENT")
        if record.deleted:
            banners.append("This record has been deleted")
        self.banner.setText(" · ".join(banners))
        self.banner.setVisible(bool(banners))
        self._build_fields(record, region_name)
        self._fill_audit(trail, record)
        self._set_actions_enabled(True)
        self.loaded.emit()

    def _build_fields(self, record: EnquiryRecord, region_name: str | None) -> None:
        page = QWidget()
        grid = QGridLayout(page)
        self.fields = {}
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        groups = {section.title: self._group(section)
                  for section in record_sections(record, region_name, printed=False)}
        for title, (row, column, columns) in _PLACES.items():
            if title in groups:  # the legacy section only on imported records
                grid.addWidget(groups[title], row, column, 1, columns)
        grid.setRowStretch(4, 1)
        self._scroll.setWidget(page)
        # Tab order follows reading order: left column, right column, then the enquiry.
        order = [w for title in _READING_ORDER if title in groups for w in groups[title].findChildren(QWidget)
                 if w.focusPolicy() != Qt.NoFocus]
        tab_chain(*order, self.print_button)

    def _group(self, section: Section) -> QGroupBox:
        box = QGroupBox(section.title)
        if section.note:
            layout = QVBoxLayout(box)
            label = QLabel(section.note)
            label.setStyleSheet(ERROR_STYLE + " padding: 4px;" if section.withheld else "color: #555; padding: 4px;")
            label.setAccessibleName(f"{section.title}: {section.note}")
            layout.addWidget(label)
            layout.addStretch()
            return box
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignRight)
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        for row in section.rows:
            if row.long:
                widget = QPlainTextEdit(row.value)
                widget.setTabChangesFocus(True)
                widget.setLineWrapMode(QPlainTextEdit.WidgetWidth)
                widget.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
                # Tall enough for most write-ups without scrolling; longer ones scroll.
                lines = max(2, min(10, sum(1 + len(line) // 80 for line in row.value.splitlines() or [""])))
                widget.setFixedHeight(widget.fontMetrics().lineSpacing() * (lines + 1) + 12)
            else:
                widget = QLineEdit(row.value)
                widget.setCursorPosition(0)
            widget.setReadOnly(True)
            labelled(form, f"{row.label}:", widget)
            self.fields[row.label] = widget
        return box

    def _fill_audit(self, trail: list[AuditEntry], record: EnquiryRecord) -> None:
        members = {record.member.id: record.member.display_name} if record.member else {}
        withhold = is_withheld(record)
        self.audit_table.setRowCount(len(trail))
        for row, entry in enumerate(trail):
            changes = describe_changes(entry.changes, members=members, withhold=withhold)
            for col, text in enumerate((format_received(entry.at), entry.username, entry.action, changes)):
                self.audit_table.setItem(row, col, QTableWidgetItem(text))
        self.audit_table.resizeColumnsToContents()
        self.audit_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.audit_table.resizeRowsToContents()

    # ------------------------------------------------------------- accessors

    def value(self, label: str) -> str:
        """The text shown for a field (tests and screen grabs)."""
        widget = self.fields[label]
        return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()

    def _set_actions_enabled(self, enabled: bool) -> None:
        self.print_button.setEnabled(enabled)
        if self.edit_button is not None:
            self.edit_button.setEnabled(enabled and editable(self.record))
            self.edit_button.setToolTip(
                "Correct the subject, question and answer" if editable(self.record) else
                "Only a record still open or waiting for the team leader, with its passcode verified, can be edited")
        if self.delete_button is not None:
            self.delete_button.setEnabled(enabled and not (self.record and self.record.deleted))

    # ------------------------------------------------------------------ print

    def print_record(self) -> None:
        record = self.record
        if record is None or not self.print_button.isEnabled():
            return
        trail, region_name = list(self.trail), self._region_name
        user, services = self._ctx.user, self._ctx.services
        clock = services.clock
        folder = self._print_dir or paths.user_data() / "printouts"

        def work() -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            remove_old_copies(folder, "*.pdf")  # printouts carry personal data
            now = clock.now()
            target = folder / f"{record.reference}-{now:%Y%m%d-%H%M%S}.pdf"
            services.enquiries.record_printed(user, record.id)
            return save_call_record(target, record, audit=trail, printed_by=user.full_name,
                                    printed_at=now, region_name=region_name)

        self.print_button.setEnabled(False)
        self.message.show_info(f"Preparing {record.reference} for printing…")
        self._ctx.runner.submit(work, self._printed, self._print_failed)

    def _printed(self, path: Path) -> None:
        self.print_button.setEnabled(True)
        record, region, who = self.record, self._region_name, self._ctx.user.full_name
        self.print_options.offer(path, lambda: record_document(record, region, who))
        if not open_in_viewer(self._opener, path):
            self.message.show_error(f"Saved as {path}, but no PDF viewer could open it. Open the file to print it.")
        else:
            self.message.show_ok(f"Opened in your PDF viewer to print. Saved as {path}.")
        self.printed.emit(str(path))

    def _print_failed(self, exc: Exception) -> None:
        self.print_button.setEnabled(True)
        self.message.show_error(f"Could not print: {error_text(exc)}")

    # ------------------------------------------------------------------- edit

    def ask_edit(self) -> None:
        """Edit the details as this window shows them: the save is checked against this version."""
        if self.edit_button is None or not editable(self.record):
            return
        dialog = DetailsDialog(self._ctx, self.record, self)
        dialog.saved.connect(self._details_saved)
        # After a refused save, the window behind shows the record as it is now, trail included.
        dialog.reloaded.connect(self.load)
        self.edit_dialog = dialog
        dialog.open()

    def _details_saved(self, record: EnquiryRecord) -> None:
        self.message.show_ok(f"{record.reference} saved.")
        self.details_saved.emit(record.id)
        self.load()

    # ----------------------------------------------------------------- delete

    def ask_delete(self) -> None:
        record = self.record
        if record is None or self.delete_button is None:
            return
        dialog = DeleteDialog(record.reference, self)
        dialog.confirmed.connect(self._delete)
        self.delete_dialog = dialog
        dialog.open()

    def _delete(self, reason: str) -> None:
        services, user, enquiry_id = self._ctx.services, self._ctx.user, self.enquiry_id
        self._ctx.runner.submit(lambda: services.enquiries.delete(user, enquiry_id, reason),
                                self._deleted, self.delete_dialog.failed if self.delete_dialog else None)

    def _deleted(self, record: EnquiryRecord) -> None:
        if self.delete_dialog is not None:
            self.delete_dialog.accept()
        self.deleted.emit(record.id)
        self.accept()
