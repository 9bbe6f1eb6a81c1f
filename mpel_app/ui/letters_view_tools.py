"""The Letters view's extra commands (issue 15), kept out of ``letters_view`` so that view stays small.

"Absence co&ver…" (Ctrl+Shift+V, unit staff): ``CoverDialog``; "Member's
&status…" (Ctrl+Shift+M, MPCS): ``MemberStatusDialog``.  One dialog of each
at a time, brought forward if open.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QWidget

from ..domain.records import Role
from .context import DeskContext
from .letter_cover_dialog import COVER_SHORTCUT, CoverDialog
from .member_status_dialog import STATUS_SHORTCUT, MemberStatusDialog
from .widgets import button, screen_shortcut

UNIT_STAFF = (Role.WORKFLOW_MANAGER, Role.CASE_OWNER, Role.SENIOR_CASEWORKER, Role.UNIT_TEAM_LEADER)


class LetterTools(QWidget):
    def __init__(self, ctx: DeskContext, view: QWidget):
        super().__init__(view)
        self._ctx, self._view = ctx, view
        self.dialogs: dict[type, QDialog] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.cover_button = button("Absence co&ver…", f"Cover during an absence ({COVER_SHORTCUT})", auto_default=True)
        self.cover_button.clicked.connect(self.open_cover)
        self.cover_button.setVisible(ctx.user.has(*UNIT_STAFF))
        self.status_button = button("Member's &status…", f"Election result, MDL roles ({STATUS_SHORTCUT})",
                                    auto_default=True)
        self.status_button.clicked.connect(self.open_status)
        self.status_button.setVisible(ctx.user.has(Role.MPCS_ALLOCATOR))
        row.addWidget(self.cover_button)
        row.addWidget(self.status_button)
        if ctx.user.has(*UNIT_STAFF):
            screen_shortcut(view, COVER_SHORTCUT, self.open_cover, "Cover during an absence")
        if ctx.user.has(Role.MPCS_ALLOCATOR):
            screen_shortcut(view, STATUS_SHORTCUT, self.open_status, "A Member's status")

    def open_cover(self) -> QDialog:
        return self._open(CoverDialog)

    def open_status(self) -> QDialog:
        return self._open(MemberStatusDialog)

    def _open(self, cls: type) -> QDialog:
        dialog = self.dialogs.get(cls)
        if dialog is None:
            dialog = cls(self._ctx, self._view)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda _o=None, c=cls: self.dialogs.pop(c, None))
            self.dialogs[cls] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
