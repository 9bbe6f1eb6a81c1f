"""Keyboard shortcuts declared once: a view lists its ``Shortcut``s, and both its actions and the F1 list come from them.

``install(widget, shortcut, slot)`` makes the screen's QAction from a
declaration (working while the screen or a child has the focus);
``help_rows`` gives F1 the keys of every view from the same declarations,
so the list cannot leave a key out or name an old one.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .widgets import screen_shortcut


@dataclass(frozen=True)
class Shortcut:
    """One command's keys (the first is the one shown) and what it does, as F1 says it."""

    keys: tuple[str, ...]
    text: str

    @property
    def label(self) -> str:
        """The key as a person reads it: ``Ctrl+Enter`` (Qt's ``Return`` is the main Enter key)."""
        return self.keys[-1] if len(self.keys) > 1 and "Return" in self.keys[0] else self.keys[0]


def install(widget: QWidget, shortcut: Shortcut, slot) -> QAction:
    """The screen's action for ``shortcut``, calling ``slot``."""
    return screen_shortcut(widget, list(shortcut.keys), slot, shortcut.text)


def help_rows(title: str, shortcuts: Iterable[Shortcut]) -> list[tuple[str, str]]:
    """F1's rows for one view: (key, what it does, with the view's name)."""
    return [(s.label, f"{s.text} ({title})") for s in shortcuts]
