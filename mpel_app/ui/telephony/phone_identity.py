"""Administration → Users → Phone…: an administrator records how the PBX names a person's phone.

The interface(s) as Asterisk names them (``PJSIP/2001``), the extension and
the queues they work: a call ringing there then shows on their desk's
ringing strip, and the statistics name them as the agent who answered.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...domain.phone_identity import PhoneIdentity
from ...domain.records import UserRecord
from ..context import DeskContext
from ..widgets import MessageLabel, button, dialog_buttons, error_text, heading, labelled


class PhoneIdentityDialog(QDialog):
    def __init__(self, ctx: DeskContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.user = user
        self.saved: PhoneIdentity | None = None
        self._closed = False
        self.finished.connect(lambda _r: setattr(self, "_closed", True))
        self.setWindowTitle("Phone")
        intro = QLabel(f"{user.full_name} ({user.username}). Write the phone as the PBX names it. Leave all "
                       "three empty if this person takes no calls.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.interfaces = labelled(form, "&Interface(s):", QLineEdit())
        self.interfaces.setPlaceholderText("e.g. PJSIP/2001 (several: separate with commas)")
        self.extension = labelled(form, "&Extension:", QLineEdit())
        self.extension.setPlaceholderText("e.g. 2001")
        self.queues = labelled(form, "&Queues worked:", QLineEdit())
        self.queues.setPlaceholderText("e.g. mpel, mpel-urgent")
        self.message = MessageLabel(keep_space=True)
        self.save_button = button("&Save")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button("Cancel")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Phone", 2))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.save_button, self.cancel_button))
        self.setMinimumWidth(520)
        self._set_busy(True)
        calls, actor = ctx.services.calls, ctx.user
        ctx.runner.submit(lambda: calls.identity(actor, user.id), self._loaded, self._failed, owner=self)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.interfaces, self.extension, self.queues, self.save_button):
            widget.setEnabled(not busy)

    def _loaded(self, identity: PhoneIdentity) -> None:
        self.interfaces.setText(", ".join(identity.interfaces))
        self.extension.setText(identity.extension)
        self.queues.setText(", ".join(identity.queues))
        self._set_busy(False)
        self.interfaces.setFocus()

    def save(self) -> None:
        calls, actor, user_id = self._ctx.services.calls, self._ctx.user, self.user.id
        values = dict(interfaces=self.interfaces.text(), extension=self.extension.text(), queues=self.queues.text())
        self._set_busy(True)
        self.message.show_info("Saving…")
        self._ctx.runner.submit(lambda: calls.set_identity(actor, user_id, **values), self._saved, self._failed,
                                owner=self)

    def _saved(self, identity: PhoneIdentity) -> None:
        if self._closed:
            return
        self.saved = identity
        self.accept()

    def _failed(self, exc: Exception) -> None:
        if self._closed:
            return
        self._set_busy(False)
        self.message.show_error(error_text(exc))
        self.interfaces.setFocus()
