"""A screen with one field of every kind the desk uses, for pressing shortcuts in: does the key reach the screen?

``probe(keys)`` presses each key sequence with the focus in each kind of
field and reports whether the screen's shortcut fired and whether the
field kept its contents.  Run as a module (``python -m
tests.ui.call.key_probe KEY...``) it prints the same as JSON: the key
tests run it so under a real X server (Xvfb, Qt's xcb platform), where Qt
has Linux's key bindings, which the offscreen platform does not.
"""
from __future__ import annotations

import json
import sys

from PySide6.QtCore import QDate, QTime
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QApplication, QCheckBox, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QTimeEdit,
                               QVBoxLayout, QWidget)

KINDS = ("line edit", "text box", "date box", "time box", "list", "editable list", "check box")


def fields() -> dict[str, QWidget]:
    line = QLineEdit("24/11/2026")
    box = QPlainTextEdit("Has the BRP been posted?")
    day = QDateEdit(QDate(2026, 11, 24))
    at = QTimeEdit(QTime(22, 30))
    combo = QComboBox()
    combo.addItems(["Telephone", "Fax"])
    editable = QComboBox()
    editable.setEditable(True)
    editable.setEditText("Holborn")
    tick = QCheckBox("Imminent removal")
    return dict(zip(KINDS, (line, box, day, at, combo, editable, tick)))


def contents(widget: QWidget) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, (QDateEdit, QTimeEdit)):
        return widget.dateTime().toString("yyyy-MM-dd hh:mm")
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return f"{widget.text()} {widget.isChecked()}"
    return widget.text()


def probe(keys: list[str]) -> list[dict]:
    """For each key and each kind of field: {key, kind, fired, kept}."""
    from mpel_app.ui.widgets import screen_shortcut
    results = []
    for key in keys:
        for kind in KINDS:
            screen = QWidget()
            layout = QVBoxLayout(screen)
            widgets = fields()
            for widget in widgets.values():
                layout.addWidget(widget)
            fired: list[str] = []
            screen_shortcut(screen, key, lambda _=False: fired.append(key))
            screen.show()
            QTest.qWaitForWindowExposed(screen)
            screen.activateWindow()
            widget = widgets[kind]
            widget.setFocus()
            QTest.qWait(20)
            before = contents(widget)
            combo = QKeySequence(key)[0]
            QTest.keyClick(QApplication.focusWidget() or widget, combo.key(), combo.keyboardModifiers())
            QTest.qWait(20)
            results.append({"key": key, "kind": kind, "fired": fired == [key], "kept": contents(widget) == before})
            screen.close()
            screen.deleteLater()
    return results


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    print(json.dumps({"platform": app.platformName(), "results": probe(sys.argv[1:])}))
