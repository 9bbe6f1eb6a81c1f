"""Administration: user accounts, members and their passcodes, one-off closure days, the duty rota,
CTS drafting units and a general election (the last two in ``admin_units``).

Shown to administrators (users, closures, units), MPEL team leaders (Members,
their passcodes and their CSV import: ``admin_member_list``), the duty manager and the MPEL team leader (the evening duty
rota) and MPCS (the general election); the services check the same
permissions again.

The "Users" tab lists which accounts are locked after repeated failed
sign-ins, unlocks them and resets a forgotten password (``password_dialog``),
and records each person's e-mail address (``ChangeEmailDialog``): the desk
writes to it, e.g. to tell a line manager of an MP's letter about a member of
their staff [CORR 2.5].

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
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog,
                               QDialogButtonBox, QFileDialog, QFormLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from ..csv_files import read_csv_text
from ..domain import permissions as perm
from ..domain.calendar import LONDON, NATIONS, REGION_CODES
from ..domain.errors import ValidationError
from ..domain.permissions import Action
from ..domain.records import MAX_FAILED_SIGN_INS, RegionRecord, Role, RotaRecord, UserRecord
from ..reports.record_sections import format_weekday_date
from ..services.rota import RotaImport
from ..services.users import GRADES
from . import admin_user_access
from .context import DeskContext
from .password_dialog import ResetPasswordDialog
from .telephony.phone_identity import PhoneIdentityDialog
from .user_save_dialog import UserSaveDialog
from .view_access import administers
from .widgets import MessageLabel, button, dialog_buttons, error_text, heading, in_row, labelled

# How far ahead the rota tab lists evenings.
ROTA_DAYS = 30
# Largest rota file read: the spreadsheet is a few hundred rows, not megabytes.
MAX_CSV_BYTES = 2_000_000

ALARM_COLOUR = "#9b0000"
ALARM_STYLE = f"color: {ALARM_COLOUR}; font-weight: bold;"
# The tabs' own names for the nations whose bank holidays a calendar follows.
NATION_NAMES = dict(zip(NATIONS, ("England & Wales", "Scotland", "Northern Ireland")))

RotaFileChooser = Callable[[QWidget], "Path | None"]


def admin_table(headers: list[str], name: str) -> QTableWidget:
    """A read-only table of whole rows, one selected at a time (every Administration tab has one)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setVisible(False)
    table.setAccessibleName(name)
    return table


def mark_alarm(item: QTableWidgetItem) -> None:
    """Dark red on pale red, bold: a cell that needs someone to act (always with words saying why)."""
    item.setForeground(QBrush(QColor(ALARM_COLOUR)))
    item.setBackground(QBrush(QColor("#fde2e2")))
    font = QFont(item.font())
    font.setBold(True)
    item.setFont(font)


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    fit_columns(table)


def fit_columns(table: QTableWidget) -> None:
    """Size the columns to their contents, all but the last: that one stretches to the table's edge."""
    for column in range(table.columnCount() - 1):
        table.resizeColumnToContents(column)


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
        self.email = labelled(form, "&E-mail:", QLineEdit())
        self.email.setPlaceholderText("Optional, e.g. jo.bloggs@homeoffice.gov.uk")
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
        self.setMinimumWidth(500)

    def values(self) -> dict:
        roles = {self.roles.item(i).data(Qt.UserRole) for i in range(self.roles.count())
                 if self.roles.item(i).checkState() == Qt.Checked}
        return {"username": self.username.text(), "full_name": self.full_name.text(),
                "password": self.password.text(), "email": self.email.text(), "roles": roles,
                "region_code": self.region.currentData(), "grade": self.grade.currentData()}


class ChangeEmailDialog(UserSaveDialog):
    """An administrator records, changes or (left empty) removes the selected person's e-mail address."""

    def __init__(self, ctx: DeskContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(ctx, user, parent)
        self.setWindowTitle("Change e-mail address")
        intro = QLabel(f"{user.full_name} ({user.username}). The desk writes to this address, e.g. to tell a "
                       "line manager of an MP's letter about a member of their staff. Leave it empty to remove it.")
        intro.setWordWrap(True)
        form = QFormLayout()
        self.email = labelled(form, "&E-mail address:", QLineEdit(user.email))
        self.email.setPlaceholderText("e.g. firstname.lastname@homeoffice.gov.uk")
        self.email.selectAll()
        self.message = MessageLabel(keep_space=True)
        self.save_button = button("&Save")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = button("Cancel")
        buttons = dialog_buttons(self, self.save_button, self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Change e-mail address", 2))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.email.setFocus()

    def save(self) -> None:
        actor, user_id, email = self._ctx.user, self.user.id, self.email.text()
        self.submit_save(lambda: self._ctx.services.users.set_email(actor, user_id, email), self.email)


EMAIL_COLUMN = 2  # in the Users table


class UsersTab(QWidget):
    """Accounts: create one, see which are locked, unlock, reset a password, record an e-mail address."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.locked_label = QLabel()
        self.locked_label.setWordWrap(True)
        self.locked_label.setAccessibleName("Locked accounts")
        self.table = admin_table(["Username", "Full name", "E-mail", "Roles", "Region", "Grade", "Sign-in"],
                                 "Users")
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = button("&New user…")
        self.add_button.clicked.connect(self.new_user)
        self.unlock_button = button("Un&lock", "Let the selected account sign in again after repeated failed "
                                    "sign-ins")
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button = button("Reset &password…", "Give the selected person a new password (also unlocks)")
        self.reset_button.clicked.connect(self.reset_password)
        self.reset_dialog: ResetPasswordDialog | None = None
        self.email_button = button("C&hange e-mail…", "Record or change the selected person's e-mail address")
        self.email_button.clicked.connect(self.change_email)
        self.email_dialog: ChangeEmailDialog | None = None
        self.phone_button = button("Ph&one…", "Record how the phone system names the selected person's phone")
        self.phone_button.clicked.connect(self.change_phone)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.locked_label)
        layout.addWidget(self.table)
        layout.addWidget(in_row(self.add_button, self.unlock_button, self.reset_button, self.email_button,
                                self.phone_button, stretch=None))
        layout.addWidget(self.message)
        self._users: list[UserRecord] = []
        self._select_after: int | None = None
        self._selection_changed()
        admin_user_access.install(self)  # roles, region, deactivation (issue 19)

    def refresh(self) -> None:
        self._ctx.runner.submit(lambda: self._ctx.services.users.list_users(self._ctx.user), self._show_users,
                                lambda exc: self.message.show_error(error_text(exc)))

    def _show_users(self, users: list[UserRecord]) -> None:
        keep = self._select_after if self._select_after is not None else getattr(self.selected(), "id", None)
        self._select_after = None
        self._users = users
        fill_table(self.table, [[u.username, u.full_name, u.email or "none",
                                 ", ".join(sorted(r.label for r in u.roles)), u.region_code or "", u.grade or "",
                                 _sign_in_text(u)] for u in users])
        for row, user in enumerate(users):
            if not user.email:  # the word "none", greyed: not an address
                self.table.item(row, EMAIL_COLUMN).setForeground(QBrush(QColor("#555555")))
            if user.locked:
                for column in range(self.table.columnCount()):
                    mark_alarm(self.table.item(row, column))
        fit_columns(self.table)  # again: bold text is wider
        locked = [u.username for u in users if u.locked]
        if locked:
            n = len(locked)
            self.locked_label.setText(f"{n} account{'s' if n != 1 else ''} locked after {MAX_FAILED_SIGN_INS} "
                                      f"failed sign-ins: {', '.join(locked)}. Select one, then Unlock or Reset "
                                      "password.")
            self.locked_label.setStyleSheet(ALARM_STYLE)
        else:
            self.locked_label.setText("No account is locked.")
            self.locked_label.setStyleSheet("color: #1b5e20;")
        self.locked_label.setAccessibleName(self.locked_label.text())
        row = next((r for r, u in enumerate(users) if u.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selection_changed()

    def selected(self) -> UserRecord | None:
        row = self.table.currentRow()
        return self._users[row] if 0 <= row < len(self._users) and self.table.selectedItems() else None

    def _selection_changed(self) -> None:
        user = self.selected()
        self.unlock_button.setEnabled(user is not None and user.locked)
        # One's own password is changed with the current one (File menu), never reset.
        self.reset_button.setEnabled(user is not None and user.id != self._ctx.user.id)
        self.email_button.setEnabled(user is not None)
        self.phone_button.setEnabled(user is not None)

    def new_user(self) -> None:
        dialog = NewUserDialog(self)
        if dialog.exec() != QDialog.Accepted:
            return
        values = dialog.values()
        self.create(**values)

    def create(self, **values) -> None:
        def done(user) -> None:
            self.message.show_ok(f"User {user.username} created.")
            self._select_after = user.id
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.users.create_user(self._ctx.user, **values), done,
                                lambda exc: self.message.show_error(error_text(exc)))

    def unlock(self) -> None:
        user = self.selected()
        if user is None:
            self.message.show_error("Select the locked account first.")
            return

        def done(_) -> None:
            self.message.show_ok(f"{user.full_name} ({user.username}) can sign in again.")
            self._select_after = user.id
            self.refresh()

        self._ctx.runner.submit(lambda: self._ctx.services.users.unlock(self._ctx.user, user.id), done,
                                lambda exc: self.message.show_error(error_text(exc)))

    def reset_password(self) -> ResetPasswordDialog | None:
        user = self.selected()
        if user is None:
            self.message.show_error("Select the person whose password to reset first.")
            return None
        dialog = ResetPasswordDialog(self._ctx, user, self)
        self.reset_dialog = dialog

        def finished(result: int) -> None:
            if self.reset_dialog is dialog:
                self.reset_dialog = None
            if result == QDialog.Accepted and dialog.reset is not None:
                unlocked = " The account is unlocked." if user.locked else ""
                self.message.show_ok(f"New password set for {user.full_name} ({user.username}).{unlocked}")
                self._select_after = user.id
                self.refresh()

        dialog.delete_when_closed = True
        dialog.finished.connect(finished)
        dialog.open()
        return dialog


    def change_email(self) -> ChangeEmailDialog | None:
        user = self.selected()
        if user is None:
            self.message.show_error("Select the person whose e-mail address to change first.")
            return None
        dialog = ChangeEmailDialog(self._ctx, user, self)
        self.email_dialog = dialog

        def finished(result: int) -> None:
            if self.email_dialog is dialog:
                self.email_dialog = None
            if result == QDialog.Accepted and dialog.changed is not None:
                email = dialog.changed.email
                self.message.show_ok(f"E-mail address of {user.full_name} ({user.username}) "
                                     + (f"set to {email}." if email else "removed."))
                self._select_after = user.id
                self.refresh()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog


    def change_phone(self) -> PhoneIdentityDialog | None:
        """The phone identity (issue 9): the dialog is non-modal, so tests and keyboards can drive it."""
        user = self.selected()
        if user is None:
            return None
        dialog = PhoneIdentityDialog(self._ctx, user, self)
        dialog.accepted.connect(lambda: self.message.show_ok(f"Phone for {user.username} saved."))
        dialog.open()
        return dialog


def _sign_in_text(user: UserRecord) -> str:
    if not user.active:
        return "Inactive"
    return f"LOCKED after {MAX_FAILED_SIGN_INS} failed sign-ins" if user.locked else "Can sign in"


class ClosuresTab(QWidget):
    """One-off closure days on top of the bank holidays: they move every due date."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.table = admin_table(["Date", "Nation", "Reason"], "Closure days")
        form = QFormLayout()
        self.day = labelled(form, "&Date:", QDateEdit())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        today = ctx.services.clock.now().astimezone(LONDON).date()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.nation = labelled(form, "&Nation:", QComboBox())
        self.nation.addItem("All nations", "ALL")
        for nation, name in NATION_NAMES.items():
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
        fill_table(self.table, [[f"{day:%a %d %b %Y}", nation, reason] for day, nation, reason in closures])

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
    return read_csv_text(path, MAX_CSV_BYTES, "the rota")


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
        self.table = admin_table(["Evening", "Duty region", "Duty account manager", "Telephone"],
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
                    mark_alarm(item)  # with the words "NO COVER": not colour alone
                elif entry is None:
                    item.setForeground(QBrush(QColor("#555555")))
                self.table.setItem(row, column, item)
        fit_columns(self.table)
        if page.gaps_soon:
            days = ", ".join(format_weekday_date(d, year=False) for d in page.gaps_soon)
            n = len(page.gaps_soon)
            self.gaps_label.setText(f"No cover for {n} working evening{'s' if n != 1 else ''} in the next 14 days: "
                                    f"{days}")
            self.gaps_label.setStyleSheet(ALARM_STYLE)
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
                 rota_file_chooser: RotaFileChooser | None = None, member_file_chooser: RotaFileChooser | None = None,
                 list_file_chooser: RotaFileChooser | None = None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration")
        self._tabs: list[QWidget] = []
        if perm.allowed(ctx.user, Action.MANAGE_USERS):
            self.users = UsersTab(ctx)
            self._add(self.users, "&Users")
        if perm.allowed(ctx.user, Action.MANAGE_CLOSURES):
            self.closures = ClosuresTab(ctx)
            self._add(self.closures, "&Closure days")
        if perm.allowed(ctx.user, Action.MANAGE_ROTA):
            self.rota = RotaTab(ctx, file_chooser=rota_file_chooser)
            self._add(self.rota, "Duty &rota")
        # Imported here: admin_units builds on this module's table helpers.
        from .admin_units import ElectionTab, UnitsTab

        if perm.allowed(ctx.user, Action.MANAGE_UNITS):
            self.units = UnitsTab(ctx)
            self._add(self.units, "Drafting un&its")
        if perm.allowed(ctx.user, Action.SET_DISSOLUTION):
            self.election = ElectionTab(ctx)
            self._add(self.election, "General &election")
        from .passcode_locks import PasscodeLocksTab  # here for the same reason

        if perm.allowed(ctx.user, Action.MANAGE_MEMBERS):
            self.passcode_locks = PasscodeLocksTab(ctx)
            self._add(self.passcode_locks, "Locked &offices")
        self._add_reference_data_tabs(ctx, member_file_chooser, list_file_chooser)
        if perm.allowed(ctx.user, Action.IMPORT_LEGACY):
            from .legacy_import_dialog import LegacyImportTab  # builds on this module's table helpers

            self.legacy = LegacyImportTab(ctx)
            self._add(self.legacy, "Le&gacy database")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _add_reference_data_tabs(self, ctx: DeskContext, member_file_chooser, list_file_chooser) -> None:
        """Issue 14: Members edited and imported, the regions' contacts, the Home Secretary's list."""
        from .admin_home_secretary import HomeSecretaryListTab  # these build on this module's helpers
        from .admin_member_list import MemberListTab
        from .admin_regions import RegionsTab

        if perm.allowed(ctx.user, Action.MANAGE_MEMBERS):
            self.member_list = MemberListTab(ctx, file_chooser=member_file_chooser)
            # The one place Members are kept: find, edit, passcode, deactivate, add, import.
            self._add(self.member_list, "&Members")
        if perm.allowed(ctx.user, Action.MANAGE_REGIONS):
            self.regions = RegionsTab(ctx)
            self._add(self.regions, "Regio&ns")
        if perm.allowed(ctx.user, Action.MANAGE_HOME_SECRETARY_LIST):
            self.home_secretary_list = HomeSecretaryListTab(ctx, file_chooser=list_file_chooser)
            self._add(self.home_secretary_list, "Home &Secretary's list")

    def _add(self, tab: QWidget, label: str) -> None:
        self._tabs.append(tab)
        self.tabs.addTab(tab, label)

    @staticmethod
    def wanted_by(ctx: DeskContext) -> bool:
        return administers(ctx.user)

    def refresh(self) -> None:
        for tab in self._tabs:
            tab.refresh()
