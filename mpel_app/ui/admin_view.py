"""Administration: user accounts, members and their passcodes, and one-off closure days.

Shown to administrators (users, closures) and MPEL team leaders (members and
passcodes); the services check the same permissions again.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.calendar import LONDON, NATIONS, REGION_CODES
from ..domain.permissions import Action
from ..domain.records import Role
from ..services.members import MEMBER_KINDS
from ..services.users import GRADES
from .context import DeskContext
from .widgets import MessageLabel, button, labelled


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    table.setAccessibleName(name)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()


class NewUserDialog(QDialog):
    """Collects a new user's details; the service validates them."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New user")
        form = QFormLayout()
        self.username = labelled(form, "&Username:", QLineEdit())
        self.full_name = labelled(form, "&Full name:", QLineEdit())
        self.password = labelled(form, "&Password:", QLineEdit())
        self.password.setEchoMode(QLineEdit.Password)
        self.region = labelled(form, "&Region:", QComboBox())
        self.region.addItem("None (not regional)", None)
        for code in REGION_CODES:
            self.region.addItem(code, code)
        self.grade = labelled(form, "&Grade:", QComboBox())
        self.grade.addItem("None", None)
        for grade in GRADES:
            self.grade.addItem(grade, grade)
        self.roles = QListWidget()
        for role in Role:
            item = QListWidgetItem(role.label)
            item.setData(Qt.UserRole, role)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            self.roles.addItem(item)
        labelled(form, "R&oles (space ticks):", self.roles)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Create user")
        buttons.button(QDialogButtonBox.Ok).setAccessibleName("Create user")
        buttons.button(QDialogButtonBox.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict:
        roles = {self.roles.item(i).data(Qt.UserRole) for i in range(self.roles.count())
                 if self.roles.item(i).checkState() == Qt.Checked}
        return {"username": self.username.text(), "full_name": self.full_name.text(),
                "password": self.password.text(), "roles": roles,
                "region_code": self.region.currentData(), "grade": self.grade.currentData()}


class UsersTab(QWidget):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.table = _table(["Username", "Full name", "Roles", "Region", "Grade"], "Users")
        self.add_button = button("&New user…")
        self.add_button.clicked.connect(self.new_user)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch()
        layout.addLayout(row)
        layout.addWidget(self.message)
        self._users = []

    def refresh(self) -> None:
        self._ctx.runner.submit(lambda: self._ctx.services.users.list_users(self._ctx.user), self._show_users,
                                lambda exc: self.message.show_error(str(exc)))

    def _show_users(self, users) -> None:
        self._users = users
        _fill(self.table, [[u.username, u.full_name, ", ".join(sorted(r.label for r in u.roles)),
                            u.region_code or "", u.grade or ""] for u in users])

    def new_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() != QDialog.Accepted:
            return
        values = dialog.values()
        self.create(**values)

    def create(self, **values) -> None:
        def done(user) -> None:
            self.message.show_ok(f"User {user.username} created.")
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.users.create_user(self._ctx.user, **values), done,
                                lambda exc: self.message.show_error(str(exc)))


class MembersTab(QWidget):
    """Find a member, add one, or change an office's passcode (never shown once set)."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._members = []
        search_form = QFormLayout()
        self.search = labelled(search_form, "&Find member:", QLineEdit())
        self.search.setPlaceholderText("Name or constituency")
        self.search.returnPressed.connect(self.refresh)
        self.table = _table(["Member", "Constituency", "Region", "Office telephone", "Office fax"], "Members")
        passcode_form = QFormLayout()
        self.passcode = labelled(passcode_form, "New &passcode for the selected member:", QLineEdit())
        self.passcode.setEchoMode(QLineEdit.Password)
        self.set_passcode_button = button("&Set passcode")
        self.set_passcode_button.clicked.connect(self.set_passcode)
        add_form = QFormLayout()
        self.new_name = labelled(add_form, "&Name:", QLineEdit())
        self.new_kind = labelled(add_form, "&Kind:", QComboBox())
        self.new_kind.addItems(list(MEMBER_KINDS))
        self.new_constituency = labelled(add_form, "&Constituency:", QLineEdit())
        self.new_region = labelled(add_form, "&Region:", QComboBox())
        self.new_region.addItems(list(REGION_CODES))
        self.new_phone = labelled(add_form, "Office &telephone:", QLineEdit())
        self.new_passcode = labelled(add_form, "Pa&sscode:", QLineEdit())
        self.new_passcode.setEchoMode(QLineEdit.Password)
        self.new_pc = labelled(add_form, "Privy &Counsellor (Rt Hon):", QCheckBox())
        self.add_button = button("&Add member")
        self.add_button.clicked.connect(self.add_member)
        self.message = MessageLabel()

        layout = QVBoxLayout(self)
        layout.addLayout(search_form)
        layout.addWidget(self.table, 2)
        layout.addLayout(passcode_form)
        layout.addWidget(self.set_passcode_button, alignment=Qt.AlignLeft)
        heading = QLabel("<b>Add a member</b>")
        layout.addWidget(heading)
        layout.addLayout(add_form)
        layout.addWidget(self.add_button, alignment=Qt.AlignLeft)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        text = self.search.text()
        self._ctx.runner.submit(lambda: self._ctx.services.members.search(text, limit=200), self._show_members,
                                lambda exc: self.message.show_error(str(exc)))

    def _show_members(self, members) -> None:
        self._members = members
        _fill(self.table, [[m.display_name, m.constituency, m.region_code, m.office_phone, m.office_fax]
                           for m in members])

    def set_passcode(self) -> None:
        row = self.table.currentRow()
        if row < 0 or row >= len(self._members):
            self.message.show_error("Select a member first.")
            return
        member, passcode = self._members[row], self.passcode.text()

        def done(_):
            self.passcode.clear()
            self.message.show_ok(f"Passcode changed for {member.display_name}.")

        self._ctx.runner.submit(lambda: self._ctx.services.members.set_passcode(self._ctx.user, member.id, passcode),
                                done, lambda exc: self.message.show_error(str(exc)))

    def add_member(self) -> None:
        values = dict(name=self.new_name.text(), kind=self.new_kind.currentText(),
                      constituency=self.new_constituency.text(), region_code=self.new_region.currentText(),
                      office_phone=self.new_phone.text(), passcode=self.new_passcode.text() or None,
                      privy_counsellor=self.new_pc.isChecked())

        def done(member):
            for field in (self.new_name, self.new_constituency, self.new_phone, self.new_passcode):
                field.clear()
            self.message.show_ok(f"{member.display_name} added.")
            self.search.setText(member.name)
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.members.add(self._ctx.user, **values), done,
                                lambda exc: self.message.show_error(str(exc)))


class ClosuresTab(QWidget):
    """One-off closure days on top of the bank holidays: they move every due date."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.table = _table(["Date", "Nation", "Reason"], "Closure days")
        form = QFormLayout()
        self.day = labelled(form, "&Date:", QDateEdit())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        today = ctx.services.clock.now().astimezone(LONDON).date()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.nation = labelled(form, "&Nation:", QComboBox())
        self.nation.addItem("All nations", "ALL")
        for nation, name in zip(NATIONS, ("England & Wales", "Scotland", "Northern Ireland")):
            self.nation.addItem(name, nation)
        self.reason = labelled(form, "&Reason:", QLineEdit())
        self.add_button = button("&Add closure day")
        self.add_button.clicked.connect(self.add_closure)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(self.add_button, alignment=Qt.AlignLeft)
        layout.addWidget(self.message)

    def refresh(self) -> None:
        self._ctx.runner.submit(self._ctx.services.reference.closures, self._show_closures,
                                lambda exc: self.message.show_error(str(exc)))

    def _show_closures(self, closures) -> None:
        _fill(self.table, [[f"{day:%a %d %b %Y}", nation, reason] for day, nation, reason in closures])

    def add_closure(self) -> None:
        qd = self.day.date()
        day, nation, reason = date(qd.year(), qd.month(), qd.day()), self.nation.currentData(), self.reason.text()

        def done(_):
            self.reason.clear()
            self.message.show_ok(f"{day:%A %d %B %Y} added as a closure day.")
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.reference.add_closure(self._ctx.user, day, nation, reason),
                                done, lambda exc: self.message.show_error(str(exc)))


class AdminView(QWidget):
    title = "Administration"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration")
        self._tabs: list[QWidget] = []
        if perm.allowed(ctx.user, Action.MANAGE_USERS):
            self.users = UsersTab(ctx)
            self._add(self.users, "&Users")
        if perm.allowed(ctx.user, Action.MANAGE_MEMBERS):
            self.members = MembersTab(ctx)
            self._add(self.members, "&Members and passcodes")
        if perm.allowed(ctx.user, Action.MANAGE_CLOSURES):
            self.closures = ClosuresTab(ctx)
            self._add(self.closures, "&Closure days")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _add(self, tab: QWidget, label: str) -> None:
        self._tabs.append(tab)
        self.tabs.addTab(tab, label)

    @staticmethod
    def wanted_by(ctx: DeskContext) -> bool:
        return any(perm.allowed(ctx.user, a) for a in (Action.MANAGE_USERS, Action.MANAGE_MEMBERS,
                                                        Action.MANAGE_CLOSURES))

    def refresh(self) -> None:
        for tab in self._tabs:
            tab.refresh()
