"""The "Why is it due then?" key (F8) on a list: one call puts it on a view that lists due dates.

Queues, the duty board, Find, the letters workstack and the record all use
the same key and the same dialog (``ui.due_dialog``), so an agent learns it
once.  A view hands over how to read its selection; the key says so when
nothing is selected, and F1 lists it with the view's other keys.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .context import DeskContext
from .due_dialog import explain_due, explain_letter_due
from .widgets import screen_shortcut

WHY_DUE_KEY = "F8"


def add_why_due_key(view: QWidget, ctx: DeskContext, selected_id: Callable[[], int | None], message, *,
                    letters: bool = False, what: str = "the selected case") -> QAction:
    """F8 on ``view``: explain the due date of the item whose id ``selected_id()`` gives.

    ``message`` is the view's MessageLabel; ``letters`` says the ids are letters' (CTS) rather than
    enquiries'.
    """
    explain = explain_letter_due if letters else explain_due

    def triggered() -> None:
        item_id = selected_id()
        if item_id is None:
            message.show_error("Select one in the list first: F8 says why it is due when it is.")
            return
        explain(view, ctx, item_id, message.show_info)

    action = screen_shortcut(view, WHY_DUE_KEY, triggered, f"Why is it due then? ({what})")
    view.why_due_action = action  # for the tests
    return action
