"""Print offers the system print dialog and the folder, besides the PDF viewer (issue 13, finding 9).

QPrintDialog is in PySide6-Essentials (QtPrintSupport).  The test chooses a
"printer" that writes a PDF file (as the system dialog's "Print to file"
does) and reads it back; no real print dialog opens.
"""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from tests.ui.test_find_and_record import _record, desk  # noqa: F401 (the world of three records)


def test_print_on_a_printer_and_open_the_folder(qtbot, desk, tmp_path: Path):  # noqa: F811
    world, zoe, _ = desk
    opened: list[Path] = []
    dialog = _record(qtbot, world, zoe.id, opener=opened.append, print_dir=tmp_path)
    assert not dialog.print_options.isVisible()
    with qtbot.waitSignal(dialog.printed) as printed:
        dialog.print_button.click()
    pdf = Path(printed.args[0])
    options = dialog.print_options
    assert options.isVisible() and options.printer_button.isEnabled()

    out = tmp_path / "printed-on-paper.pdf"

    def choose(parent) -> QPrinter:
        printer = QPrinter(QPrinter.HighResolution)
        printer.setOutputFormat(QPrinter.PdfFormat)
        printer.setOutputFileName(str(out))
        return printer

    options._choose = choose
    assert options.print_on_printer()
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    for expected in ("MPH000001", "Zoë Núñez", "Colombian", "Printed by Carla Agent"):
        assert expected in text
    assert dialog.message.text().startswith("Sent to ")

    assert options.open_folder()
    assert opened[-1] == pdf.parent == tmp_path
    assert QPrintDialog is not None  # the system print dialog ships in PySide6-Essentials
