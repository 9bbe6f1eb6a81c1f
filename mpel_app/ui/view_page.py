"""A tab page of the main window: one view, in a scroll area, so the window fits a small screen.

A 1366×768 laptop with a taskbar leaves about 700 pixels of height, less again at 200 % text.  Left
to themselves the views' minimum sizes add up to a window taller than that (the New call screen
needed 749 px, 837 px with the member suggestions showing), and the footer buttons fell off the
screen.  In a page the view keeps its full size when there is room and scrolls when there is not;
the window's own minimum no longer depends on its tallest view.

Keyboard users must not lose the field they are typing in below the fold: whenever focus moves
to a widget of the view (Tab, an Alt+letter, a view putting the cursor somewhere), the page
scrolls it into sight.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QScrollArea, QWidget

FOCUS_MARGIN = 24  # pixels kept around a focused field, so its label and neighbours show too


class ViewPage(QScrollArea):
    """A tab's page; ``view`` None until the window builds the view, when the tab is first shown."""

    def __init__(self, view: QWidget | None, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.view: QWidget | None = None
        self.setWidgetResizable(True)  # the view fills the page whenever the page is big enough
        self.setFrameShape(QFrame.NoFrame)
        self.setFocusPolicy(Qt.NoFocus)
        self.setAccessibleName(title)
        if view is not None:
            self.set_view(view)
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def set_view(self, view: QWidget) -> None:
        self.view = view
        self.setWidget(view)
        self.setFocusProxy(view)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if (new is not None and self.view is not None and new is not self.view and self.view.isAncestorOf(new)
                and new.isVisible()):
            self.ensureWidgetVisible(new, FOCUS_MARGIN, FOCUS_MARGIN)
