"""The call screen's footer: the message line, the buttons that finish a call, and the keys that do the same.

While the call is urgent only "Send urgent call note" finishes it (the note
must go at once), and the button turns red to say so.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..reflow import FlowLayout
from ..widgets import MessageLabel, button
from .keys import COMPLETE, FURTHER_ACTION, SAVE, SEND_URGENT, keys_hint, plan_keys_hint


class CallFooter(QWidget):
    """Message, Save / Complete / Further Action / Send urgent, Open the last call, and the key hints."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.save_button = button("Save details", f"Save the details without finishing the call ({SAVE.label})",
                                  auto_default=True)
        self.complete_button = button("Complete — answered at first contact", COMPLETE.label, auto_default=True)
        self.further_action_button = button("Further Action Case", self._further_tip(), auto_default=True)
        self.send_urgent_button = button("Send urgent call note", "Send the call note to the region now and "
                                         f"see whom to telephone ({SEND_URGENT.label})", auto_default=True)
        bold = QFont(self.send_urgent_button.font())
        bold.setBold(True)
        # Room for the bold red style it takes when the call is urgent.
        self.send_urgent_button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(
            self.send_urgent_button.text()) + 32)
        self.open_last_button = button("Open the last call", auto_default=True)
        self.open_last_button.setVisible(False)
        self.message = MessageLabel(keep_space=True)
        self.message.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.keys_hint = QLabel(keys_hint())
        self.keys_hint.setAccessibleName("Keyboard shortcuts")
        self.keys_hint.setStyleSheet("color: #555;")

        self.keys_hint.setWordWrap(True)
        self.keys_hint.setAlignment(Qt.AlignRight)
        # The buttons wrap onto a second row rather than push the screen wider (200 % text, WCAG 1.4.10);
        # the message has its own line above them, as wide as the screen.
        buttons = FlowLayout(align_right=True)
        for b in (self.open_last_button, self.save_button, self.complete_button, self.further_action_button,
                  self.send_urgent_button):
            buttons.addWidget(b)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.message)
        outer.addLayout(buttons)
        outer.addWidget(self.keys_hint)

    def tab_order(self) -> list:
        return [self.open_last_button, self.save_button, self.complete_button, self.further_action_button,
                self.send_urgent_button]

    @staticmethod
    def _further_tip() -> str:
        return f"Pass to the MPEL team leader ({FURTHER_ACTION.label})"

    def set_buttons(self, verified: bool, urgent: bool) -> None:
        """While the preview says urgent, only the urgent send finishes the call."""
        for finish in (self.complete_button, self.further_action_button):
            finish.setEnabled(verified and not urgent)
            finish.setToolTip(f"This call is urgent: send the urgent call note ({SEND_URGENT.label})"
                              if urgent and verified
                              else (COMPLETE.label if finish is self.complete_button else self._further_tip()))
        self.send_urgent_button.setEnabled(verified)
        self.send_urgent_button.setStyleSheet(
            "QPushButton:enabled { background: #b00020; color: white; font-weight: bold; padding: 4px 10px; }"
            if urgent and verified else "")

    def show_finish_buttons(self, visible: bool) -> None:
        for b in (self.save_button, self.complete_button, self.further_action_button, self.send_urgent_button):
            b.setVisible(visible)
        self.keys_hint.setText(keys_hint() if visible else plan_keys_hint())

    def offer_last(self, reference: str) -> None:
        self.open_last_button.setText(f"Open {reference}")
        self.open_last_button.setAccessibleName(f"Open {reference}")
        self.open_last_button.setVisible(True)
