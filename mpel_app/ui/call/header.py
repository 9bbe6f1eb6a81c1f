"""The call screen's header: the channel, "New call", and the call's reference shown large to read out.

Enter on a channel radio starts the call (``start_requested``); so does the
"New call" button (Alt+N).  A hotline reference is never spent on a stray
key: an Enter that is the first key the desk gets after it opens (the
sign-in's Enter pressed twice, a bounce) only says how to start a call,
and an auto-repeated Enter (a key held down) starts nothing.  Any other
key, a click, or a call finished at this desk shows the agent is there.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QButtonGroup, QFrame, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout

from ...domain.records import Channel, EnquiryRecord
from ..models import STATUS_LABELS, format_received
from ..widgets import button, named

NO_CALL_TEXT = "No call open: choose the channel, then press Enter (or Alt+N) to start one."


class CallHeader(QFrame):
    """Channel, New call, and the reference of the call being logged."""

    start_requested = Signal()
    stray_enter = Signal()  # an Enter that did not start a call: the view says how to


    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("callHeader")
        self.setStyleSheet("#callHeader { background: #eef3f8; border: 1px solid #c9d6e3; border-radius: 4px; }")
        self._armed = False  # the agent has shown they are at the desk since it opened
        self.channel_group = QButtonGroup(self)
        self.channel_buttons: dict[Channel, QRadioButton] = {}
        for channel, text in ((Channel.TELEPHONE, "&Telephone"), (Channel.FAX, "Fa&x"), (Channel.EMAIL, "&Email")):
            radio = named(QRadioButton(text))
            radio.installEventFilter(self)  # Enter on a channel starts the call
            self.channel_group.addButton(radio)
            self.channel_buttons[channel] = radio
        self.channel_buttons[Channel.TELEPHONE].setChecked(True)
        self.new_call_button = button("&New call", "Start a new call and issue its reference (Alt+N)",
                                      auto_default=True)
        self.new_call_button.clicked.connect(self.start_requested)

        self.reference_label = QLabel()
        self.reference_label.setAccessibleName("Call reference: no call open")  # then the reference (_say)
        font = QFont(self.font())
        font.setPointSize(max(22, font.pointSize() * 2))
        font.setBold(True)
        font.setLetterSpacing(QFont.AbsoluteSpacing, 1.5)
        self.reference_label.setFont(font)
        self.reference_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.reference_label.setVisible(False)
        self.call_info_label = QLabel(NO_CALL_TEXT)
        self.call_info_label.setAccessibleName(f"Call details: {NO_CALL_TEXT}")
        self.call_info_label.setWordWrap(True)

        header = QHBoxLayout(self)
        header.setContentsMargins(12, 8, 12, 8)
        channel_box = QVBoxLayout()
        channel_title = QLabel("Channel")
        channel_title.setStyleSheet("color: #444;")
        channel_box.addWidget(channel_title)
        radios = QHBoxLayout()
        for radio in self.channel_buttons.values():
            radios.addWidget(radio)
        radios.addWidget(self.new_call_button)
        channel_box.addLayout(radios)
        header.addLayout(channel_box)
        header.addSpacing(24)
        header.addWidget(self.reference_label)
        header.addSpacing(16)
        header.addWidget(self.call_info_label, 1)

    def tab_order(self) -> list:
        return [*self.channel_buttons.values(), self.new_call_button]

    def channel(self) -> Channel:
        return next(c for c, radio in self.channel_buttons.items() if radio.isChecked())

    def focus_channel(self) -> None:
        self.channel_buttons[self.channel()].setFocus()

    def show_record(self, rec: EnquiryRecord) -> None:
        self.reference_label.setText(rec.reference)
        self.reference_label.setVisible(True)
        status = STATUS_LABELS.get(rec.status, rec.status.value)
        details = (f"Received {format_received(rec.received_at)}\n"
                   f"{rec.channel.value.capitalize()}  ·  {status}  ·  logged by {rec.created_by}")
        self.call_info_label.setText(details)
        self._say(rec.reference, details)

    def show_no_call(self) -> None:
        self.reference_label.clear()
        self.reference_label.setVisible(False)
        self.call_info_label.setText(NO_CALL_TEXT)
        self._say(None, NO_CALL_TEXT)

    def _say(self, reference: str | None, details: str) -> None:
        """What a screen reader hears: the value itself, not only "Call reference".

        A fixed accessible name would be read instead of the label's text, so the name carries the
        reference, and the description spells it out character by character, as the agent reads it
        to the caller (a screen reader would say "MPH" and then a number in the hundreds of thousands).
        """
        if reference:
            self.reference_label.setAccessibleName(f"Call reference {reference}")
            self.reference_label.setAccessibleDescription("Spelt out: " + " ".join(reference))
        else:
            self.reference_label.setAccessibleName("Call reference: no call open")
            self.reference_label.setAccessibleDescription("")
        said = " ".join(details.replace("\n", ", ").replace("  ·  ", ", ").split())
        self.call_info_label.setAccessibleName(f"Call details: {said}")
        self.call_info_label.setAccessibleDescription(said)

    def arm(self) -> None:
        """The agent is at the desk (they just finished a call here): Enter on a channel starts the next."""
        self._armed = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj not in self.channel_buttons.values():
            return super().eventFilter(obj, event)
        kind = event.type()
        keyed = kind in (QEvent.KeyPress, QEvent.ShortcutOverride)
        plain_enter = keyed and event.key() in (Qt.Key_Return, Qt.Key_Enter) \
            and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier)
        if plain_enter and kind == QEvent.ShortcutOverride:
            return super().eventFilter(obj, event)  # the Enter's own announcement: not a sign of a person
        if plain_enter:
            if event.isAutoRepeat():
                return True  # a held key is not a decision
            if not self._armed:
                self._armed = True
                self.stray_enter.emit()
                return True
            # Alt+letter "clicks" a radio only after a short animation; Enter straight
            # after it must still mean the channel that has the focus.
            obj.setChecked(True)
            self.start_requested.emit()
            return True
        if keyed or kind == QEvent.MouseButtonPress:
            self._armed = True  # Alt+E, an arrow, Tab, a click: a person choosing
        return super().eventFilter(obj, event)
