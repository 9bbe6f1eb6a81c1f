"""A letter's documents in its case view: list, view, save a copy, and generate the reply.

Real services on SQLite, real PDF and Word files (read back with pypdf and
python-docx); the viewer and the save-file chooser are injected, so no native
window opens.  The clock stands at Monday 23 November 2026, 10:15 London.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mpel_app.domain.letter_records import DocumentKind
from mpel_app.ui.context import DeskContext
from mpel_app.ui.letter_dialog import LetterDialog
from mpel_app.ui.letter_documents import COLUMNS, format_size
from mpel_app.ui.task_runner import TaskRunner
from tests.support.letters_world import DRAFT, SCAN, build_letters_world
from tests.ui.accessibility import assert_accessible


@pytest.fixture
def lw(sqlite_services):
    return build_letters_world(sqlite_services)


class Viewer:
    """Stands in for the desktop's viewer: keeps what it was asked to open."""

    def __init__(self, answer=True):
        self.paths: list[Path] = []
        self.answer = answer

    def __call__(self, path: Path):
        self.paths.append(Path(path))
        return self.answer


def open_case(qtbot, services, user, letter_id, tmp_path, *, viewer=None, save_to=None) -> LetterDialog:
    dialog = LetterDialog(DeskContext(services=services, user=user, runner=TaskRunner()), letter_id,
                          opener=viewer or Viewer(), save_chooser=lambda _parent, _name: save_to)
    dialog.documents._copies_dir = tmp_path / "opened"
    qtbot.addWidget(dialog)
    dialog.resize(900, 820)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.record is not None and not dialog.busy)
    return dialog


def cell(panel, row: int, column: str) -> str:
    return panel.model.data(panel.model.index(row, COLUMNS.index(column)))


def wait_idle(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: not panel.busy)


def test_case_owner_generates_a_reply_and_reads_it_back(qtbot, sqlite_services, lw, tmp_path):
    rec = lw.drafting()
    dialog = open_case(qtbot, sqlite_services, lw.co, rec.id, tmp_path)
    panel = dialog.documents
    assert dialog.tabs.tabText(1) == "Doc&uments (1)"
    dialog.tabs.setCurrentWidget(panel)
    assert panel.model.rowCount() == 1
    assert cell(panel, 0, "Document") == "Scanned letter" and cell(panel, 0, "Size") == format_size(len(SCAN))
    assert cell(panel, 0, "Added") == "23 Nov 2026 10:15"
    assert panel.generate_button.isVisible()  # the case owner, while drafting
    assert_accessible(dialog)

    panel.generate_button.click()
    assert panel.generate_box.isVisible()
    assert panel.template_combo.currentData() == "full_reply"  # the plan's first for an MP's case letter
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("third_party"))
    assert not panel.forwardable_edit.isVisibleTo(panel)  # only the "in confidence" reply has a companion
    panel.body_edit.setPlainText(DRAFT)
    panel.signatory_name.setText("Tariq Leader")
    panel.signatory_title.setText("Team Leader, Asylum Casework Unit 1")
    assert_accessible(dialog)
    panel.make_button.click()
    qtbot.waitUntil(lambda: dialog.record is not None and len(dialog.record.documents) == 3 and not panel.busy)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)

    kinds = [panel.model.item(r).kind for r in range(3)]
    assert kinds == [DocumentKind.SCAN, DocumentKind.REPLY_PDF, DocumentKind.REPLY_DOCX]
    stem = rec.reference.replace("/", "-")
    assert [cell(panel, r, "File") for r in (1, 2)] == [f"{stem}-third_party.pdf", f"{stem}-third_party.docx"]
    assert panel.selected().kind is DocumentKind.REPLY_PDF  # the reply just made
    assert not panel.generate_box.isVisible() and "Made and kept with the letter" in panel.message.text()
    assert dialog.tabs.tabText(1) == "Doc&uments (3)"

    # The PDF as the service kept it: the reply, without the Home Office reference (third party).
    pdf = sqlite_services.letters.document(lw.co, panel.selected().id).data
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert rec.reference in text and "Ali Rezaei" in text and "Tariq Leader" in text
    assert "The application was decided on 1 March" in text
    assert "R1234567" not in text
    word = sqlite_services.letters.document(lw.co, panel.model.item(2).id).data
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "The application was decided on 1 March" in paragraphs


def test_in_confidence_reply_comes_with_its_forwardable_companion(qtbot, sqlite_services, lw, tmp_path):
    rec = lw.drafting()
    dialog = open_case(qtbot, sqlite_services, lw.co, rec.id, tmp_path)
    panel = dialog.documents
    dialog.tabs.setCurrentWidget(panel)
    panel.generate_button.click()
    panel.template_combo.setCurrentIndex(panel.template_combo.findData("in_confidence"))
    assert panel.forwardable_edit.isVisibleTo(panel)
    panel.body_edit.setPlainText("In confidence: the claim was refused on credibility grounds.")
    panel.signatory_name.setText("Tariq Leader")
    panel.signatory_title.setText("Team Leader")
    # No forwardable text yet: the service refuses, the form stays open with what was typed.
    panel.make_button.click()
    wait_idle(qtbot, panel)
    assert "forwarding needs its own text" in panel.message.text()
    assert panel.generate_box.isVisible() and panel.signatory_name.text() == "Tariq Leader"
    assert len(sqlite_services.letters.get(lw.co, rec.id).documents) == 1  # nothing kept
    panel.forwardable_edit.setPlainText("Your constituent's case has been decided; we have written to him.")
    panel.make_button.click()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 5)
    names = [panel.model.item(r).filename for r in range(5)]
    assert any(n.endswith("in_confidence.pdf") for n in names)
    assert any(n.endswith("in_confidence_forwardable.docx") for n in names)


def test_view_and_save_a_copy_of_the_scan(qtbot, sqlite_services, lw, tmp_path):
    rec = lw.drafting()
    viewer = Viewer()
    target = tmp_path / "saved" / "copy of scan.pdf"
    target.parent.mkdir()
    dialog = open_case(qtbot, sqlite_services, lw.wm, rec.id, tmp_path, viewer=viewer, save_to=target)
    panel = dialog.documents
    dialog.tabs.setCurrentWidget(panel)
    assert not panel.generate_button.isVisibleTo(panel)  # the workflow manager produces no reply
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key_Return)  # Enter views the selected document
    qtbot.waitUntil(lambda: bool(viewer.paths))
    [opened] = viewer.paths
    assert opened.parent == tmp_path / "opened" and opened.read_bytes() == SCAN
    assert opened.name.endswith(panel.selected().filename)
    assert "Opened" in panel.message.text()

    panel.save_button.click()
    wait_idle(qtbot, panel)
    assert target.read_bytes() == SCAN
    assert panel.message.text() == f"Saved a copy as {target}."

    viewer.answer = False  # no program for the file: the person is told where it is
    panel.view_button.click()
    qtbot.waitUntil(lambda: len(viewer.paths) == 2)
    assert "No program could open" in panel.message.text() and str(opened) in panel.message.text()


def test_grab_of_the_case_view_with_documents(qtbot, sqlite_services, lw, tmp_path):
    rec = lw.drafting("ministerial")
    dialog = open_case(qtbot, sqlite_services, lw.co, rec.id, tmp_path)
    panel = dialog.documents
    sqlite_services.letters.generate_reply(lw.co, rec.id, template="third_party", body=DRAFT,
                                           signatory_name="A N Minister", signatory_title="Minister of State")
    dialog.reload()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    dialog.tabs.setCurrentWidget(panel)
    panel.generate_button.click()
    QApplication.processEvents()
    dialog.grab().save("/tmp/ui_letter_documents.png")
