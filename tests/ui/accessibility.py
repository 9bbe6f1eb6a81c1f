"""Checks that a screen can be used with a screen reader: every control a person uses is named.

``assert_accessible(widget)`` walks the visible input widgets, buttons and
views under ``widget`` and fails, listing every offender at once, when

* a control has no accessible name, or
* a control with a buddy QLabel has an accessible name different from the
  label's text (without the '&' mnemonic marker, a trailing ':' or '…'), or
* a button or check box has an accessible name different from its own text.

A screen reader reads the accessible name; a sighted keyboard user reads the
label. WCAG 2.5.3 (label in name) asks that the two agree.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractButton, QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit,
                               QListView, QPlainTextEdit, QPushButton, QRadioButton, QTableView,
                               QTextEdit, QWidget)

CHECKED_TYPES = (QLineEdit, QComboBox, QPushButton, QCheckBox, QRadioButton, QDateEdit, QPlainTextEdit,
                 QTextEdit, QTableView, QListView)


def plain(text: str) -> str:
    """Visible label text as it should be spoken: no mnemonic '&', no trailing ':' or ellipsis."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
    for suffix in (":", "…", "..."):
        if text.endswith(suffix):
            text = text[: -len(suffix)].rstrip()
    return text


def _is_part_of_another_control(widget: QWidget) -> bool:
    # A QComboBox's line edit, a QDateEdit's inner edit, a spin box's edit and
    # the like are named through their owner, which is checked itself.
    parent = widget.parentWidget()
    return isinstance(parent, (QComboBox, QDateEdit)) or widget.objectName() == "qt_spinbox_lineedit"


def accessibility_problems(root: QWidget) -> list[str]:
    buddies: dict[int, QLabel] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            buddies[id(buddy)] = label
    problems: list[str] = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CHECKED_TYPES) or not widget.isVisibleTo(root):
            continue
        if _is_part_of_another_control(widget):
            continue
        kind = type(widget).__name__
        name = widget.accessibleName()
        described = f"{kind} {widget.objectName() or ''}".strip()
        if isinstance(widget, QAbstractButton):
            described += f" '{widget.text()}'"
        if not name.strip():
            problems.append(f"{described}: no accessible name")
            continue
        label = buddies.get(id(widget))
        if label is not None and name != plain(label.text()):
            problems.append(f"{described}: accessible name {name!r} but its label reads {plain(label.text())!r}")
        if isinstance(widget, (QPushButton, QCheckBox, QRadioButton)) and widget.text() \
                and name != plain(widget.text()):
            problems.append(f"{described}: accessible name {name!r} but it shows {plain(widget.text())!r}")
    return problems


def assert_accessible(root: QWidget) -> None:
    problems = accessibility_problems(root)
    assert not problems, "accessibility problems:\n  " + "\n  ".join(problems)
