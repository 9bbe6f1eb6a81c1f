"""F1: every keyboard shortcut of the desk, read from the window and the views themselves, searchable.

Nothing here lists a key by hand: the rows come from the QActions the main
window and each view installed (their keys and their text, set where the
shortcut is declared) and from the Alt+letter of every label and button
on each view.  A key changed or added in a view is therefore in F1 at
once, and F1 cannot name a key that no longer works.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QDialog, QHeaderView, QLabel, QLineEdit,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from .widgets import buddy_label, plain_label

# Keys that belong to no action: Qt's own behaviour in lists and windows, said once here.
GENERAL_KEYS = (("Enter", "Open the selected record (lists)"), ("Esc", "Close the open record or dialog"),
                ("Tab / Shift+Tab", "Next / previous field"), ("Ctrl+P", "Print the open record (record window)"),
                ("Ctrl+S", "Save the details (record window)"),
                ("F8", "Why is it due then? (record window)"))


@dataclass(frozen=True)
class KeyRow:
    where: str  # "Everywhere", or the view's title
    keys: str
    text: str


def _keys(action: QAction) -> str:
    shown = [s.toString(QKeySequence.NativeText) for s in action.shortcuts() if not s.isEmpty()]
    # Qt lists Return and Enter (the keypad's) separately; a person knows them as one key.
    return " or ".join(dict.fromkeys(k.replace("Return", "Enter") for k in shown))


def _said(action: QAction) -> str:
    text = plain_label(action.text()) or "(no description)"
    # The View menu's "&1 New call": in a list of keys, what it does is go there.
    numbered = re.match(r"^\d (.+)$", text)
    return f"Go to {numbered.group(1)}" if numbered else text


def action_rows(where: str, actions: list[QAction]) -> list[KeyRow]:
    return [KeyRow(where, _keys(a), _said(a)) for a in actions if a.shortcuts() and not a.shortcuts()[0].isEmpty()]


def mnemonic_rows(where: str, view: QWidget) -> list[KeyRow]:
    """Alt+letter of each labelled field and each button of ``view`` (the ones a person can see there)."""
    rows = []
    for widget in view.findChildren(QWidget):
        if isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        elif isinstance(widget, QAbstractButton):
            text = widget.text()
        else:
            continue
        marked = text.replace("&&", "")
        at = marked.find("&")
        if at < 0 or at + 1 >= len(marked):
            continue
        rows.append(KeyRow(where, f"Alt+{marked[at + 1].upper()}", plain_label(text)))
    return sorted(set(rows), key=lambda r: r.keys)


def desk_rows(window_actions: list[QAction], views: list[tuple[str, QWidget]]) -> list[KeyRow]:
    """Every shortcut: the window's (everywhere), then each view's own keys and its Alt+letters."""
    rows = action_rows("Everywhere", window_actions)
    rows += [KeyRow("Everywhere", k, t) for k, t in GENERAL_KEYS]
    for title, view in views:
        rows += action_rows(title, [a for a in view.actions() if isinstance(a, QAction)])
        rows += mnemonic_rows(title, view)
    return rows


class ShortcutsDialog(QDialog):
    """The list of keys, with a box that filters it as you type (by key, view or what it does)."""

    def __init__(self, rows: list[KeyRow], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = rows
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Type a key, a view or what you want to do")
        self.filter_edit.setClearButtonEnabled(True)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName("Shortcuts")
        self.table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(buddy_label("&Search the shortcuts:", self.filter_edit))
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        self.filter_edit.textChanged.connect(self._show)
        self._show("")
        self.resize(720, 560)
        self.filter_edit.setFocus()

    def shown(self) -> list[KeyRow]:
        return [KeyRow(*(self.table.item(r, c).text() for c in range(3))) for r in range(self.table.rowCount())]

    def _show(self, text: str) -> None:
        words = text.casefold().split()
        rows = [r for r in self.rows if all(w in f"{r.where} {r.keys} {r.text}".casefold() for w in words)]
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for c, value in enumerate((row.where, row.keys, row.text)):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)
                self.table.setItem(i, c, item)
        self.table.resizeColumnsToContents()
