"""After a record is printed to PDF: print it on a printer through the system print dialog, or open its folder.

The PDF goes to the desktop's viewer as before; this bar offers the two
other ways people print.  "Print on a printer…" opens the system print
dialog (Qt's ``QPrintDialog``, in PySide6-Essentials' QtPrintSupport) and
prints the same sections the PDF has (``reports.record_sections``) as a
document; "Open the folder" shows where the PDF was saved.  The dialog is
injectable (``choose_printer``) so tests print to a PDF file instead of a
real printer.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QWidget

from ..domain.records import EnquiryRecord
from ..reports.record_sections import record_sections
from .viewer import Opener, open_in_viewer
from .widgets import MessageLabel, button

PrinterChooser = Callable[[QWidget], "QPrinter | None"]


def system_printer(parent: QWidget) -> QPrinter | None:
    """The printer the person chooses in the system print dialog; None if they cancel."""
    printer = QPrinter(QPrinter.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the call record")
    return printer if dialog.exec() == QDialog.Accepted else None


def record_document(record: EnquiryRecord, region_name: str | None, printed_by: str) -> QTextDocument:
    """The record's sections as a printable document (what the PDF shows, without the audit trail)."""
    parts = [f"<h2>{html.escape(record.reference)} — call record, MPs' Enquiry Line</h2>"]
    for section in record_sections(record, region_name, printed=True):
        parts.append(f"<h3>{html.escape(section.title)}</h3>")
        if section.note:
            parts.append(f"<p><i>{html.escape(section.note)}</i></p>")
        rows = "".join(f"<tr><td><b>{html.escape(r.label)}</b>&nbsp;&nbsp;</td><td>{html.escape(r.value)}</td></tr>"
                       for r in section.rows)
        parts.append(f"<table>{rows}</table>")
    parts.append(f"<p>Printed by {html.escape(printed_by)}</p>")
    document = QTextDocument()
    document.setHtml("".join(parts))
    return document


class PrintOptions(QWidget):
    """"Print on a printer…" and "Open the folder", offered once a printout exists."""

    def __init__(self, opener: Opener, message: MessageLabel, parent: QWidget | None = None, *,
                 choose_printer: PrinterChooser = system_printer):
        super().__init__(parent)
        self._opener = opener
        self._message = message
        self._choose = choose_printer
        self._path: Path | None = None
        self._document: Callable[[], QTextDocument] | None = None
        self.printer_button = button("Print on a printe&r…", "Choose a printer in the system print dialog",
                                     auto_default=False)
        self.folder_button = button("Open the fol&der", "Show the folder the PDF was saved in", auto_default=False)
        self.printer_button.clicked.connect(self.print_on_printer)
        self.folder_button.clicked.connect(self.open_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.printer_button)
        row.addWidget(self.folder_button)
        row.addStretch(1)
        self.setVisible(False)

    def offer(self, path: Path, document: Callable[[], QTextDocument]) -> None:
        self._path, self._document = path, document
        self.setVisible(True)

    def print_on_printer(self) -> bool:
        if self._document is None:
            return False
        printer = self._choose(self)
        if printer is None:
            return False
        self._document().print_(printer)
        self._message.show_ok(f"Sent to {printer.printerName() or printer.outputFileName() or 'the printer'}.")
        return True

    def open_folder(self) -> bool:
        if self._path is None:
            return False
        if not open_in_viewer(self._opener, self._path.parent):
            self._message.show_error(f"The printout is in {self._path.parent}, but the folder could not be opened.")
            return False
        return True
