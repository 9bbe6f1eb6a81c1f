"""Administration: user accounts, members and their passcodes, one-off closure days and the duty rota.

Shown to administrators (users, closures), MPEL team leaders (members and
passcodes) and team leaders (the evening duty rota); the services check the
same permissions again.

The "Duty rota" tab lists the next 30 evenings with the working evenings that
have nobody on duty highlighted, sets one evening by hand, and imports the
rota from the old spreadsheet's CSV: all or nothing, every problem listed by
line.  The file chooser is a parameter so tests can hand it a file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..domain import permissions as perm
from ..domain.calendar import LONDON, NATIONS, REGION_CODES
from ..domain.errors import ValidationError
from ..domain.permissions import Action
from ..domain.records import RegionRecord, Role, RotaRecord
from ..reports.record_sections import format_weekday_date
from ..services.members import MEMBER_KINDS
from ..services.rota import RotaImport
from ..services.users import GRADES
from .context import DeskContext
from .widgets import MessageLabel, button, error_text, in_row, labelled

# How far ahead the rota tab lists evenings.
ROTA_DAYS = 30
# Largest rota file read: the spreadsheet is a few hundred rows, not megabytes.
MAX_CSV_BYTES = 2_000_000

RotaFileChooser = Callable[[QWidget], "Path | None"]


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


def choose_rota_file(parent: QWidget) -> Path | None:
    """Ask for the rota CSV (the spreadsheet saved as CSV)."""
    name, _filter = QFileDialog.getOpenFileName(parent, "Import the duty rota", str(Path.home()),
                                                "CSV files (*.csv);;All files (*)")
    return Path(name) if name else None


def read_rota_file(path: Path) -> str:
    """The file's text: UTF-8 (with or without Excel's BOM), else Windows-1252, as Excel on Windows saves it."""
    data = path.read_bytes()[: MAX_CSV_BYTES + 1]
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_CSV_BYTES // 1_000_000} MB: is it the rota?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass(frozen=True)
class RotaPage:
    first: date
    entries: list[RotaRecord]
    gaps: list[date]  # working evenings without cover in the listed period
    gaps_soon: list[date]  # the same for the next 14 days: the warning


class RotaTab(QWidget):
    """The evening duty rota: the next 30 evenings, one evening set by hand, or a CSV import."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 file_chooser: RotaFileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._choose_file = file_chooser or choose_rota_file
        self._entries: dict[date, RotaRecord] = {}
        self._days: list[date] = []
        self.page: RotaPage | None = None
        self._load_seq = 0
        self.gaps_label = QLabel()
        self.gaps_label.setAccessibleName("Evenings without cover")
        self.gaps_label.setWordWrap(True)
        self.table = _table(["Evening", "Duty region", "Duty account manager", "Telephone"],
                            "Duty rota, next 30 evenings")
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)

        form = QFormLayout()
        self.day = labelled(form, "&Date:", QDateEdit())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        today = self._today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.region = labelled(form, "Duty re&gion:", QComboBox())
        self.manager = labelled(form, "&Name of the duty account manager:", QLineEdit())
        self.phone = labelled(form, "&Telephone:", QLineEdit())
        self.phone.setPlaceholderText("e.g. 0161 496 0123")
        self.phone.returnPressed.connect(self.set_evening)
        self.set_button = button("&Set evening", "Save this evening's duty region and account manager")
        self.set_button.clicked.connect(self.set_evening)
        self.import_button = button("&Import CSV…", "Import the rota from a CSV file: date, region, duty account "
                                    "manager, telephone")
        self.import_button.clicked.connect(self.import_csv)
        self.problems = QListWidget()
        self.problems.setAccessibleName("Problems in the file")
        self.problems.setVisible(False)
        self.problems.setMaximumHeight(140)
        self.message = MessageLabel()

        layout = QVBoxLayout(self)
        layout.addWidget(self.gaps_label)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("<b>Set one evening</b> (select a row to start from it)"))
        layout.addLayout(form)
        layout.addWidget(in_row(self.set_button, self.import_button, stretch=None))
        layout.addWidget(self.message)
        layout.addWidget(self.problems)
        self._load_regions()

    def _today(self) -> date:
        return self._ctx.services.clock.now().astimezone(LONDON).date()

    def _load_regions(self) -> None:
        def done(regions: list[RegionRecord]) -> None:
            self.region.clear()
            for r in regions:
                self.region.addItem(f"{r.name} ({r.code})", r.code)

        self._ctx.runner.submit(self._ctx.services.reference.regions, done,
                                lambda exc: self.message.show_error(error_text(exc)))

    def refresh(self) -> None:
        rota, first = self._ctx.services.rota, self._today()
        self._load_seq += 1
        seq = self._load_seq

        def work() -> RotaPage:
            return RotaPage(first=first, entries=rota.entries(first, first + timedelta(days=ROTA_DAYS - 1)),
                            gaps=rota.uncovered(ROTA_DAYS), gaps_soon=rota.uncovered())

        def done(page: RotaPage) -> None:
            if seq == self._load_seq:  # overlapping loads: the last asked for read last
                self._show_page(page)

        self._ctx.runner.submit(work, done, lambda exc: self.message.show_error(error_text(exc)))

    def _show_page(self, page: RotaPage) -> None:
        self.page = page
        self._entries = {e.day: e for e in page.entries}
        self._days = [page.first + timedelta(days=n) for n in range(ROTA_DAYS)]
        gaps = set(page.gaps)
        self.table.setRowCount(len(self._days))
        bold = QFont()
        bold.setBold(True)
        for row, day in enumerate(self._days):
            entry = self._entries.get(day)
            if entry is not None:
                values = [format_weekday_date(day), f"{entry.region_name} ({entry.region_code})",
                          entry.manager_name, entry.phone]
            elif day in gaps:
                values = [format_weekday_date(day), "NO COVER", "nobody on duty", ""]
            else:
                values = [format_weekday_date(day), "not a working day", "", ""]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if entry is None and day in gaps:
                    # Dark red on pale red, bold, and the words "NO COVER": not colour alone.
                    item.setForeground(QBrush(QColor("#9b0000")))
                    item.setBackground(QBrush(QColor("#fde2e2")))
                    item.setFont(bold)
                elif entry is None:
                    item.setForeground(QBrush(QColor("#555555")))
                self.table.setItem(row, column, item)
        # Not the last column: sizing it to its contents would stop it stretching to the edge.
        for column in range(self.table.columnCount() - 1):
            self.table.resizeColumnToContents(column)
        if page.gaps_soon:
            days = ", ".join(format_weekday_date(d, year=False) for d in page.gaps_soon)
            n = len(page.gaps_soon)
            self.gaps_label.setText(f"No cover for {n} working evening{'s' if n != 1 else ''} in the next 14 days: "
                                    f"{days}")
            self.gaps_label.setStyleSheet("color: #9b0000; font-weight: bold;")
        else:
            self.gaps_label.setText("Every working evening in the next 14 days has a duty region.")
            self.gaps_label.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.gaps_label.setAccessibleName(self.gaps_label.text())

    def _row_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._days):
            return
        day = self._days[row]
        self.day.setDate(QDate(day.year, day.month, day.day))
        entry = self._entries.get(day)
        if entry is not None:
            index = self.region.findData(entry.region_code)
            if index >= 0:
                self.region.setCurrentIndex(index)
            self.manager.setText(entry.manager_name)
            self.phone.setText(entry.phone)

    def set_evening(self) -> None:
        qd = self.day.date()
        day = date(qd.year(), qd.month(), qd.day())
        region, name, phone = self.region.currentData() or "", self.manager.text(), self.phone.text()
        user = self._ctx.user

        def done(entry: RotaRecord) -> None:
            self.problems.setVisible(False)
            self.message.show_ok(f"{format_weekday_date(entry.day)}: {entry.region_name}, {entry.manager_name} "
                                 f"on {entry.phone}.")
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.rota.set_entry(user, day, region, name, phone), done,
                                lambda exc: self.message.show_error(error_text(exc)))

    def import_csv(self) -> None:
        path = self._choose_file(self)
        if path is None:
            return
        user, rota = self._ctx.user, self._ctx.services.rota

        def work() -> RotaImport:
            try:
                text = read_rota_file(Path(path))
            except OSError as exc:
                raise ValidationError(f"cannot read {Path(path).name}: {exc.strerror or exc}") from exc
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
            return rota.import_csv(user, text)

        def done(result: RotaImport) -> None:
            self.problems.clear()
            if result.problems:
                n = len(result.problems)
                self.message.show_error(f"Nothing imported: {Path(path).name} has {n} problem{'s' if n != 1 else ''}."
                                        " Correct the file and import it again.")
                for problem in result.problems:
                    text = str(problem)
                    self.problems.addItem(text[:1].upper() + text[1:])
                self.problems.setVisible(True)
                self.problems.setCurrentRow(0)
                self.problems.setFocus()
                return
            self.problems.setVisible(False)
            n = result.imported
            self.message.show_ok(f"{n} evening{'s' if n != 1 else ''} imported from {Path(path).name}.")
            self.refresh()

        def failed(exc: Exception) -> None:
            self.problems.setVisible(False)
            self.message.show_error(error_text(exc))

        self._ctx.runner.submit(work, done, failed)


class AdminView(QWidget):
    title = "Administration"

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *,
                 rota_file_chooser: RotaFileChooser | None = None):
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
        if perm.allowed(ctx.user, Action.MANAGE_ROTA):
            self.rota = RotaTab(ctx, file_chooser=rota_file_chooser)
            self._add(self.rota, "Duty &rota")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _add(self, tab: QWidget, label: str) -> None:
        self._tabs.append(tab)
        self.tabs.addTab(tab, label)

    @staticmethod
    def wanted_by(ctx: DeskContext) -> bool:
        return any(perm.allowed(ctx.user, a) for a in (Action.MANAGE_USERS, Action.MANAGE_MEMBERS,
                                                        Action.MANAGE_CLOSURES, Action.MANAGE_ROTA))

    def refresh(self) -> None:
        for tab in self._tabs:
            tab.refresh()
