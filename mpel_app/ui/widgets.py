"""Small building blocks every screen of the desk shares: labelled fields, buttons, inline messages.

* ``labelled(form, "&Name:", edit)`` adds a form row whose label is the
  field's buddy (Alt+N moves there) and whose text, as a screen reader should
  say it, is the field's accessible name (WCAG 2.5.3, label in name);
  ``buddy_label`` does the same for a label outside a form.
* ``button``, ``named``: buttons, check boxes and radios named after their text.
* ``MessageLabel``: an inline message in a label screen readers announce
  (accessible role: alert), rather than a pop-up to dismiss.
* ``error_text``: the sentence a person reads for a failure.
* ``text_box``, ``in_row``: a free-text box Tab leaves, and widgets side by
  side as one form field.
* ``heading``, ``dialog_buttons``: a dialog's title line, and its default
  button beside the one that closes it; ``ask``: a question with two named
  answers, the safe one the default.
* ``choose_save_path``: where to save a file (a ``SaveChooser``; views take
  one as a parameter, so tests open no native dialog).
* ``record_table`` over a ``ListTableModel``: a read-only list of records.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QAction, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAccessibleWidget, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QLabel, QMessageBox, QPlainTextEdit,
                               QPushButton, QTableView, QWidget)

from ..domain.errors import MpelError

log = logging.getLogger(__name__)

ERROR_STYLE = "color: #b00020; font-weight: bold;"
OK_STYLE = "color: #1b5e20; font-weight: bold;"
INFO_STYLE = "color: #333333;"
GROUP_STYLE = "QGroupBox { font-weight: bold; } QGroupBox * { font-weight: normal; }"


# ----------------------------------------------------------------- labels

def plain_label(text: str) -> str:
    """A label's visible text as a screen reader should say it: no '&' mnemonic, colon or ellipsis."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip().rstrip(":").rstrip("…").strip()


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A label whose mnemonic moves the focus to ``widget``, which is named after it."""
    label = QLabel(text)
    label.setBuddy(widget)
    widget.setAccessibleName(plain_label(text))
    return label


def labelled(form: QFormLayout, text: str, widget: QWidget, field: QWidget | None = None) -> QWidget:
    """Add a labelled form row and return the field the label names.

    ``field`` is the focusable widget when ``widget`` is a container around it
    (say, a line edit with a button beside it); by default it is ``widget``.
    """
    field = field or widget
    form.addRow(buddy_label(text, field), widget)
    return field


def in_row(*widgets: QWidget, stretch: int | None = 0) -> QWidget:
    """Widgets side by side, without margins, as one widget (a form field, say).

    The widget at index ``stretch`` takes the spare width; with ``stretch=None``
    they keep their natural widths, to the left.
    """
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        row.addWidget(widget, 1 if index == stretch else 0)
    if stretch is None:
        row.addStretch(1)
    return box


# ---------------------------------------------------------------- controls

def named(widget: QAbstractButton) -> QAbstractButton:
    """A check box, radio or button whose accessible name is its visible text."""
    widget.setAccessibleName(plain_label(widget.text()))
    return widget


def button(text: str, tooltip: str = "", *, auto_default: bool | None = None) -> QPushButton:
    """A push button named after its text.

    ``auto_default=True``: Enter on the focused button presses it, as Space
    does (in views, where Qt leaves it off; dialogs have it on already).
    ``False``: Enter goes to the dialog's default button even from this one.
    """
    b = named(QPushButton(text))
    if tooltip:
        b.setToolTip(tooltip)
    if auto_default is not None:
        b.setAutoDefault(auto_default)
    return b


def text_box(lines: int = 3, max_lines: int | None = None) -> QPlainTextEdit:
    """Free text, ``lines`` high (at most ``max_lines``); Tab moves on rather than typing a tab."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    if max_lines:
        box.setMaximumHeight(box.fontMetrics().lineSpacing() * max_lines + 12)
    return box


# ---------------------------------------------------------------- messages

def error_text(exc: BaseException, *, full_stop: bool = True) -> str:
    """A sentence for a person: MpelError messages are written for people; anything else is a fault, logged.

    ``full_stop=False`` leaves a service's message without the full stop the
    sentence would otherwise get (the call and queue screens show them so).
    """
    if isinstance(exc, MpelError):
        text = str(exc).strip() or exc.__class__.__name__
    else:
        log.error("unexpected error", exc_info=exc)
        text = f"something went wrong ({exc.__class__.__name__}: {exc}); the details are in the log."
    text = text[0].upper() + text[1:]
    return text if not full_stop or text.endswith((".", "!", "?")) else text + "."


class MessageLabel(QLabel):
    """An inline message that screen readers announce (accessible role: alert).

    Its accessible name is the message itself, so a screen reader reads the
    message rather than "label"; empty, it is named ``name``. Empty, it also
    takes no room, unless ``keep_space`` (for a form row or a row of buttons
    that should not move when a message comes and goes).
    """

    def __init__(self, name: str = "Message", parent: QWidget | None = None, *, keep_space: bool = False):
        super().__init__(parent)
        _install_alert_role()
        self._name = name
        self._keep_space = keep_space
        self.setAccessibleName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.PlainText)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse)
        if not keep_space:
            self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, ERROR_STYLE)

    def show_ok(self, text: str) -> None:
        """Something the person asked for has been done."""
        self._show(text, OK_STYLE)

    def show_info(self, text: str) -> None:
        """Where things are: "Checking your password…", "MPH000123 started: …"."""
        self._show(text, INFO_STYLE)

    def clear(self) -> None:  # noqa: D102 (QLabel.clear, plus hiding)
        super().clear()
        self.setAccessibleName(self._name)
        if not self._keep_space:
            self.hide()

    def _show(self, text: str, style: str) -> None:
        self.setStyleSheet(style)
        self.setText(text)
        self.setAccessibleName(text)
        if not self._keep_space:
            self.show()
        QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))


_alert_role_installed = False


def _alert_factory(_key: str, obj: Any) -> QAccessibleWidget | None:
    if isinstance(obj, MessageLabel):
        return QAccessibleWidget(obj, QAccessible.Role.AlertMessage)
    return None


def _install_alert_role() -> None:
    global _alert_role_installed
    if not _alert_role_installed:
        QAccessible.installFactory(_alert_factory)
        _alert_role_installed = True


# ----------------------------------------------------------------- dialogs

def heading(text: str, size_delta: int = 4) -> QLabel:
    """A bold label ``size_delta`` points larger than the body text."""
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    label.setFont(font)
    return label


def keys_hint(text: str) -> QLabel:
    """The grey line of a view's keyboard shortcuts, at its foot.

    It wraps rather than setting the view's minimum width: one line of shortcuts at 200 % text is
    wider than a 1366-pixel screen.
    """
    label = QLabel(text)
    label.setAccessibleName("Keyboard shortcuts")
    label.setStyleSheet("color: #555;")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return label


def dialog_buttons(dialog: QDialog, default: QPushButton, reject: QPushButton) -> QDialogButtonBox:
    """``default`` (Enter, from any field) and ``reject`` (closes, as Esc does) in the platform's order.

    The caller connects ``default`` to its action; ``reject`` is never pressed
    by an Enter meant for the default.
    """
    default.setDefault(True)
    reject.setAutoDefault(False)
    reject.clicked.connect(dialog.reject)
    box = QDialogButtonBox()
    box.addButton(default, QDialogButtonBox.AcceptRole)
    box.addButton(reject, QDialogButtonBox.RejectRole)
    return box


def ask(parent: QWidget, title: str, text: str, *, yes: str, no: str, default_yes: bool = False,
        no_role: QMessageBox.ButtonRole = QMessageBox.RejectRole) -> bool:
    """Ask a question with two named answers; True for ``yes``.

    The default answer (``no`` unless ``default_yes``) is the safe one: Enter
    and Esc both give it, and so does closing the box.
    """
    box = QMessageBox(QMessageBox.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.AcceptRole)
    no_button = box.addButton(no, no_role)
    safe = yes_button if default_yes else no_button
    box.setDefaultButton(safe)
    box.setEscapeButton(safe)
    box.exec()
    if default_yes:
        return box.clickedButton() is not no_button
    return box.clickedButton() is yes_button


SaveChooser = Callable[[QWidget, str], "Path | None"]


def choose_save_path(parent: QWidget, suggested: str, *, title: str, file_filter: str) -> Path | None:
    """Ask where to save a file, offering ``suggested`` in the person's Documents folder; None if they cancel.

    ``file_filter`` is the kind of file, as Qt writes it (``"CSV file (*.csv)"``);
    "All files" is offered after it.
    """
    start = Path.home() / "Documents"
    start = start if start.is_dir() else Path.home()
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(start / suggested),
                                                f"{file_filter};;All files (*)")
    return Path(name) if name else None


def screen_shortcut(widget: QWidget, keys: list[str] | str, slot, text: str = "") -> QAction:
    """A keyboard shortcut that works only while this screen (or a child) has focus:
    other views have their own keys.  ``text`` says what it does: F1 lists it so."""
    action = QAction(text, widget)
    action.setShortcuts([QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys)])
    action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
    action.triggered.connect(slot)
    widget.addAction(action)
    return action


def holds_focus(*widgets: QWidget) -> bool:
    """Whether one of ``widgets`` is where the keyboard is in its window: focused now, or to be
    focused again when the window is next active.

    ``hasFocus()`` is false whenever the window is not the active one (another window came up
    for a moment, or the window manager has not activated it yet), so a result arriving then
    would wrongly be treated as "the person was elsewhere"."""
    window = widgets[0].window() if widgets else None
    focused = window.focusWidget() if window is not None else None
    return focused is not None and any(focused is w for w in widgets)


def tab_chain(*widgets: QWidget) -> None:
    """Tab moves through the widgets in the order given (reading order)."""
    for first, second in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(first, second)


# Rows looked at (beyond those on screen) when a list's columns are fitted to their contents.
# Qt's default is 1,000: fitting a full queue page asked the model for every cell of every row in
# every role, a quarter of a second of the desk's start (issue 16).  A wider value further down
# is elided; its tooltip and the record show it whole.
FIT_ROWS = 100


def record_table(model, name: str) -> QTableView:
    """A read-only list of records: whole rows, one at a time; Tab leaves it, arrows move in it."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setHighlightSections(False)
    table.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
    table.setAlternatingRowColors(True)
    return table


class ListTableModel(QAbstractTableModel):
    """A read-only table over a list of records, one a row, under the headings ``columns``.

    A subclass sets ``columns`` and says what each cell shows (``data``);
    ``row_of`` finds a record by its ``id``.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list = []

    def set_items(self, items: Iterable) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list:
        return list(self._items)

    def item(self, row: int):
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        return next((r for r, i in enumerate(self._items) if i.id == item_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section]
        return None


class RecordTableMixin:
    """Selection helpers for a view with `self.table` over `self.model` (items with .reference).

    The view provides `_current_changed(current, previous)`, which loads the selected item.
    """

    def selected(self):
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select_reference(self, reference: str) -> bool:
        row = next((r for r, i in enumerate(self.model.items()) if i.reference == reference), -1)
        if row >= 0:
            self._select_row(row)
        return row >= 0

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        # A reset model does not report the row as changed when it is the same row: load anyway.
        self._current_changed(index, QModelIndex())
