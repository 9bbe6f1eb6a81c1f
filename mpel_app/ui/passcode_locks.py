"""Administration → Locked offices: MP offices whose passcode is locked after repeated wrong passcodes.

Six wrong passcodes for one office within 24 hours, over any calls, lock its passcode
(domain.office_passcode).  The MPEL team leader or an administrator sees them flagged here and, having
spoken to the office, clears the lock (or sets a new passcode on the Members tab, which clears it too).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..domain.records import MemberRecord
from .admin_view import admin_table, fill_table, mark_alarm
from .context import DeskContext
from .widgets import MessageLabel, button, error_text


class PasscodeLocksTab(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._locked: list[MemberRecord] = []
        intro = QLabel("Offices whose passcode is locked after six wrong passcodes within 24 hours. "
                       "Speak to the office before clearing the lock, or set a new passcode on the Members tab.")
        intro.setWordWrap(True)
        self.table = admin_table(["Member", "Constituency", "Region", "Office telephone"], "Locked offices")
        # How many, always in view; ``message`` is for what the person just did, which a refresh must not hide.
        self.summary = QLabel("")
        self.summary.setAccessibleName("Locked offices: summary")
        self.clear_button = button("C&lear the lock", "Let the selected office's passcode be used again")
        self.clear_button.clicked.connect(self.clear_lock)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.clear_button, alignment=Qt.AlignLeft)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        services, user = self._ctx.services, self._ctx.user
        self._ctx.runner.submit(lambda: services.members.locked_offices(user), self._show,
                                lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _show(self, locked: list[MemberRecord]) -> None:
        self._locked = locked
        fill_table(self.table, [[m.display_name, m.constituency, m.region_code, m.office_phone] for m in locked])
        for row in range(self.table.rowCount()):
            mark_alarm(self.table.item(row, 0))
        self.clear_button.setEnabled(bool(locked))
        count = len(locked)
        self.summary.setText("No office's passcode is locked." if not count else
                             f"{count} office{'s' if count != 1 else ''} locked.")

    def clear_lock(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._locked):
            self.message.show_error("Select an office first.")
            return
        member = self._locked[row]
        services, user = self._ctx.services, self._ctx.user

        def done(_):
            self.message.show_ok(f"The passcode of {member.display_name}'s office may be used again.")
            self.refresh()

        self._ctx.runner.submit(lambda: services.members.clear_passcode_lock(user, member.id), done,
                                lambda exc: self.message.show_error(error_text(exc)), owner=self)
