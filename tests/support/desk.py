"""The desk's screens in UI tests: opening them for a user, reading and filling them, as several test modules do.

* ``desk_context``: a signed-in user's context, with a real TaskRunner.
* ``shown``: a widget shown for qtbot (and closed after the test).
* ``open_call_view``: the call screen, shown, with the focus where an agent starts.
* ``row_text``: the texts of a table widget's row.
* ``fill_form``: a form's fields set by name, whatever kind of field each is.
* ``choose_member``: a Member picked in a ``MemberPicker`` by typing and Enter.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit,
                               QTableWidget, QWidget)

from mpel_app.app import Services
from mpel_app.domain.records import Channel, UserRecord
from mpel_app.ui.call_view import CallView
from mpel_app.ui.context import DeskContext
from mpel_app.ui.member_picker import MemberPicker
from mpel_app.ui.task_runner import TaskRunner

W = TypeVar("W", bound=QWidget)


def desk_context(services: Services, user: UserRecord) -> DeskContext:
    return DeskContext(services=services, user=user, runner=TaskRunner())


def shown(qtbot, widget: W, size: tuple[int, int] | None = None) -> W:
    qtbot.addWidget(widget)
    if size is not None:
        widget.resize(*size)
    widget.show()
    return widget


def open_call_view(qtbot, services: Services, user: UserRecord) -> CallView:
    """The call screen, active, with the focus on the telephone channel: where every call starts."""
    view = shown(qtbot, CallView(desk_context(services, user)), (1200, 800))
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.header.channel_buttons[Channel.TELEPHONE])
    return view


def row_text(table: QTableWidget, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def fill_form(fields: Mapping[str, QWidget], **values: object) -> None:
    """Set each named field: text in a line or text box (or an editable list's text), a tick, a date."""
    for name, value in values.items():
        field = fields[name]
        if isinstance(field, QAbstractButton):
            field.setChecked(bool(value))
        elif isinstance(field, QDateEdit):
            field.setDate(value if isinstance(value, QDate) else QDate(value))
        elif isinstance(field, QPlainTextEdit):
            field.setPlainText(str(value))
        elif isinstance(field, QComboBox):
            field.setEditText(str(value))
        elif isinstance(field, QLineEdit):
            field.setText(str(value))
        else:
            raise TypeError(f"{name}: cannot fill a {type(field).__name__}")


def choose_member(qtbot, picker: MemberPicker, typed: str) -> None:
    """Type part of the name or constituency and press Enter, as a person would."""
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, typed)
    qtbot.keyClick(picker.edit, Qt.Key_Return)  # before the matches arrive: the first is picked when they do
    qtbot.waitUntil(lambda: picker.member is not None)
