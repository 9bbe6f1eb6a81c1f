"""Layouts that reflow instead of scrolling sideways (WCAG 2.2 1.4.10, Reflow; issue 12's 200 % text).

* ``FlowLayout``: widgets in a row, wrapping onto the next row when the row is
  full (a row of buttons at 200 % text on a 1366-pixel laptop);
* ``ReflowColumns``: two columns side by side while both fit at their minimum
  width, one above the other when not (the call screen's sections).

Both report as their minimum width the widest single part, not the sum, so
a scroll page never needs a horizontal scroll bar for them.
"""
from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QLayout, QLayoutItem, QSizePolicy, QWidget

QWIDGETSIZE_MAX = (1 << 24) - 1


class FlowLayout(QLayout):
    """Items left to right (or right-aligned), wrapping into as many rows as the width needs."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6, align_right: bool = False):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._right = align_right
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        shown = [i for i in self._items if not i.isEmpty()]
        width = sum(i.sizeHint().width() for i in shown) + self._spacing * max(len(shown) - 1, 0)
        height = max((i.sizeHint().height() for i in shown), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint().expandedTo(item.minimumSize())
            hint.setWidth(min(hint.width(), area.width()))
            extra = hint.width() + (self._spacing if rows[-1] else 0)
            if rows[-1] and used + extra > area.width():
                rows.append([])
                used, extra = 0, hint.width()
            rows[-1].append((item, hint))
            used += extra
        y = area.y()
        for row in rows:
            if not row:
                continue
            height = max(h.height() for _i, h in row)
            width = sum(h.width() for _i, h in row) + self._spacing * (len(row) - 1)
            x = area.x() + (area.width() - width if self._right else 0)
            for item, hint in row:
                if move:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                x += hint.width() + self._spacing
            y += height + self._spacing
        return y - self._spacing - area.y() + m.top() + m.bottom() if y > area.y() else m.top() + m.bottom()


class ReflowColumns(QWidget):
    """Two columns side by side when both fit at their minimum width, else the first above the second.

    ``first_max`` caps the first column's width side by side (the caller and passcode do not need
    half a wide screen); stacked, each column takes the whole width.  ``reflowed(side_by_side)`` is
    emitted after each change, for a view that reorders its parts to keep the reading order.
    """

    reflowed = Signal(bool)

    def __init__(self, first: QWidget, second: QWidget, *, stretch: tuple[int, int] = (1, 1),
                 first_max: int = QWIDGETSIZE_MAX, parent: QWidget | None = None):
        super().__init__(parent)
        self.first, self.second, self._first_max = first, second, first_max
        self._box = QBoxLayout(QBoxLayout.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.addWidget(first, stretch[0])
        self._box.addWidget(second, stretch[1])
        first.setMaximumWidth(first_max)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)

    @property
    def side_by_side(self) -> bool:
        return self._box.direction() == QBoxLayout.LeftToRight

    def _needed(self) -> int:
        """The width both columns need side by side."""
        return (self.first.minimumSizeHint().expandedTo(self.first.minimumSize()).width()
                + self.second.minimumSizeHint().expandedTo(self.second.minimumSize()).width()
                + self._box.spacing())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        first, second = self.first.minimumSizeHint(), self.second.minimumSizeHint()
        width = max(first.width(), second.width(), self.first.minimumWidth(), self.second.minimumWidth())
        if self.side_by_side:
            return QSize(width, max(first.height(), second.height()))
        return QSize(width, first.height() + second.height() + self._box.spacing())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._reflow(event.size().width())

    def _reflow(self, width: int) -> None:
        side = width >= self._needed()
        if side == self.side_by_side:
            return
        self._box.setDirection(QBoxLayout.LeftToRight if side else QBoxLayout.TopToBottom)
        self.first.setMaximumWidth(self._first_max if side else QWIDGETSIZE_MAX)
        self.updateGeometry()  # the height changes: the scroll page must learn it
        self.reflowed.emit(side)


def flow_row(*widgets: QWidget) -> QWidget:
    """Buttons side by side as one widget, wrapping onto more rows when the width runs out."""
    box = QWidget()
    row = FlowLayout(box)
    for widget in widgets:
        row.addWidget(widget)
    return box
