"""Administration: change what a person may do -- their roles, their region, whether they may sign in.

Issue 19 (and 14): one dialog, one save (``UserService.set_access``), which on
a per-person PostgreSQL deployment changes the person's database login in the
same transaction (its MPEL groups; NOLOGIN when deactivated).  A deactivated
person keeps every record and audit entry they made; they simply cannot sign
in until reactivated.  ``install`` adds the "Access…" button to the Users tab.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from ..domain.calendar import REGION_CODES
from ..domain.records import Role, UserRecord
from .context import DeskContext
from .user_save_dialog import UserSaveDialog
from .widgets import MessageLabel, button, dialog_buttons, heading, labelled

if TYPE_CHECKING:
    from .admin_view import UsersTab


class UserAccessDialog(UserSaveDialog):
    """Roles (ticked in a list), region and Active for the selected person; the service checks and audits."""

    def __init__(self, ctx: DeskContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(ctx, user, parent)
        self.setWindowTitle("Roles, region and sign-in")
        intro = QLabel(f"{user.full_name} ({user.username}). On a shared database with personal logins, their "
                       "database login changes with this save. A deactivated person cannot sign in; what they "
                       "recorded, and the audit trail, stay.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.roles = QListWidget()
        for role in Role:
            item = QListWidgetItem(role.label)
            item.setData(Qt.UserRole, role)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if role in user.roles else Qt.Unchecked)
            self.roles.addItem(item)
        self.roles.setCurrentRow(0)
        labelled(form, "R&oles (space ticks):", self.roles)
        self.region = labelled(form, "&Region:", QComboBox())
        self.region.addItem("None (not regional)", None)
        for code in REGION_CODES:
            self.region.addItem(code, code)
        self.region.setCurrentIndex(max(0, self.region.findData(user.region_code)))
        self.active = QCheckBox("&Active: may sign in")
        self.active.setAccessibleName("Active: may sign in")
        self.active.setChecked(user.active)
        form.addRow("", self.active)
        self.message = MessageLabel(keep_space=True)
        self.save_button = button("&Save")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button("Cancel")
        buttons = dialog_buttons(self, self.save_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Roles, region and sign-in", 2))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)
        self.roles.setFocus()

    def chosen_roles(self) -> set[Role]:
        return {self.roles.item(i).data(Qt.UserRole) for i in range(self.roles.count())
                if self.roles.item(i).checkState() == Qt.Checked}

    def save(self) -> None:
        actor, user_id = self._ctx.user, self.user.id
        values = dict(roles=self.chosen_roles(), region_code=self.region.currentData(), active=self.active.isChecked())
        self.submit_save(lambda: self._ctx.services.users.set_access(actor, user_id, **values), self.roles)


def install(tab: UsersTab) -> None:
    """Add "Access…" beside the Users tab's buttons, enabled while a person is selected."""
    access = button("Roles and &access…", "Change the selected person's roles and region, or deactivate them")
    access.setObjectName("access_button")
    tab.access_button = access
    tab.access_dialog = None
    row = tab.add_button.parentWidget().layout()
    row.insertWidget(row.count() - 1, access)  # before the row's closing stretch

    def selection_changed() -> None:
        access.setEnabled(tab.selected() is not None)

    def open_dialog() -> UserAccessDialog | None:
        user = tab.selected()
        if user is None:
            return None
        dialog = UserAccessDialog(tab._ctx, user, tab)
        tab.access_dialog = dialog

        def finished(result: int) -> None:
            if tab.access_dialog is dialog:
                tab.access_dialog = None
            if result == QDialog.Accepted and dialog.changed is not None:
                tab.message.show_ok(f"Roles, region and sign-in of {user.full_name} ({user.username}) saved.")
                tab._select_after = user.id
                tab.refresh()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    tab.open_access = open_dialog
    access.clicked.connect(open_dialog)
    tab.table.itemSelectionChanged.connect(selection_changed)
    selection_changed()
