"""Shared building blocks of ui/widgets.py: the two-answer question (``ask``) and the list table model."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mpel_app.ui.widgets import ListTableModel, ask


def _answer_with(seen: list, then) -> None:
    """When the question shows, note its default button's text, then answer it with ``then(box)``."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.defaultButton().text())
        then(box)
    QTimer.singleShot(0, answer)


def _click(text: str):
    return lambda box: next(b for b in box.buttons() if b.text() == text).click()


def _escape(box: QMessageBox) -> None:
    QTest.keyClick(box, Qt.Key_Escape)


def test_ask_keeps_the_safe_answer_on_escape_and_enter(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    _answer_with(seen, _escape)
    assert ask(parent, "Start a new call?", "Really?", yes="Start a new call", no="Keep this call") is False
    _answer_with(seen, lambda box: QTest.keyClick(box, Qt.Key_Return))
    assert ask(parent, "Start a new call?", "Really?", yes="Start a new call", no="Keep this call") is False
    _answer_with(seen, _click("Start a new call"))
    assert ask(parent, "Start a new call?", "Really?", yes="Start a new call", no="Keep this call") is True
    assert seen == ["Keep this call"] * 3


def test_ask_with_yes_the_default(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: list[str] = []
    kwargs = dict(yes="Restore", no="Discard", default_yes=True, no_role=QMessageBox.DestructiveRole)
    _answer_with(seen, _escape)
    assert ask(parent, "Recover unsaved call?", "Restore it?", **kwargs) is True
    _answer_with(seen, _click("Discard"))
    assert ask(parent, "Recover unsaved call?", "Restore it?", **kwargs) is False
    assert seen == ["Restore"] * 2


@dataclass(frozen=True)
class _Row:
    id: int
    name: str


class _Model(ListTableModel):
    columns = ("Id", "Name")


def test_list_table_model_rows_headers_and_lookup():
    model = _Model()
    model.set_items([_Row(7, "Jane"), _Row(9, "Angus")])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert [model.headerData(c, Qt.Horizontal) for c in range(3)] == ["Id", "Name", None]
    assert (model.row_of(9), model.row_of(8)) == (1, -1)
    assert (model.item(1), model.item(2), model.item(-1)) == (_Row(9, "Angus"), None, None)
    assert model.rowCount(model.index(0, 0)) == 0  # a flat list: no row has children
    items = model.items()
    items.clear()  # a copy: the model keeps its rows
    assert model.rowCount() == 2


class _CountingModel(ListTableModel):
    columns = ("Reference", "Name")

    def __init__(self):
        super().__init__()
        self.rows_asked: set[int] = set()

    def data(self, index, role=Qt.DisplayRole):
        self.rows_asked.add(index.row())
        if role == Qt.DisplayRole:
            return f"row {index.row()}" if index.column() == 0 else "x" * (index.row() % 7)
        return None


def test_fitting_a_long_list_reads_the_rows_on_screen_and_a_hundred_more_not_every_row(qtbot):
    from mpel_app.ui.widgets import FIT_ROWS, record_table

    model = _CountingModel()
    model.set_items(range(5_000))
    table = record_table(model, "Long list")
    qtbot.addWidget(table)
    table.resize(600, 300)
    table.show()
    model.rows_asked.clear()
    table.resizeColumnsToContents()
    # A quarter of a second of the desk's start went on Qt asking every cell of a queue page.
    assert 0 < len(model.rows_asked) <= FIT_ROWS + 50
    assert table.columnWidth(0) > 0
