"""Administration of the CTS side (issue 4): drafting units and who is in them, and a general election.

"Drafting units" (Action.MANAGE_UNITS, administrators): the units with the
nation whose bank holidays their deadlines follow, the head of unit's e-mail
(disputed allocations are e-mailed there) and whether MPCS may still allocate to them; create,
edit, deactivate or reactivate one, and add or remove its members (their
workstacks and unit-bound actions follow membership).

"General election" (Action.SET_DISSOLUTION, MPCS and administrators): record
or clear the date Parliament is dissolved [CORR 5.4], after a confirmation
saying what follows, and convert the outstanding Ministerial letters to
Official replies, listing the references converted.  Confirmations are
window-modal message boxes opened without blocking (``confirm_box``), so the
answer arrives as a signal like everything else on the desk.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFormLayout, QGroupBox, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QVBoxLayout, QWidget)

from ..domain.calendar import LONDON
from ..domain.correspondence import LetterAction, LetterFacts, LetterKind, parliament_dissolved, roles_for
from ..domain.letter_records import DraftingUnitRecord
from ..domain.records import UserRecord
from .admin_offline_units import OfflineUnitsSection
from .admin_view import ALARM_STYLE, NATION_NAMES, admin_table, fill_table
from .context import DeskContext
from .reflow import ReflowColumns, flow_row
from .widgets import GROUP_STYLE, MessageLabel, buddy_label, button, error_text, in_row, labelled

_MINISTERIAL = LetterFacts(kind=LetterKind.MINISTERIAL)


# ----------------------------------------------------------------- units

@dataclass(frozen=True)
class UnitsPage:
    units: list[DraftingUnitRecord]
    users: list[UserRecord]


class UnitsTab(QWidget):
    """CTS drafting units: the list, one unit's details and its members."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._units: list[DraftingUnitRecord] = []
        self._users: list[UserRecord] = []
        self._keep: str | None = None  # the unit to select once the list is read again
        self._shown: DraftingUnitRecord | None = None  # what the form was last filled from
        self.page: UnitsPage | None = None
        self.table = admin_table(["Code", "Name", "Nation", "Members", "Active", "Head of unit's e-mail"],
                                 "Drafting units")
        self.table.itemSelectionChanged.connect(self._unit_selected)

        details = QGroupBox("Unit")
        form = QFormLayout(details)
        self.code = labelled(form, "C&ode:", QLineEdit())
        self.code.setMaxLength(16)
        self.code.setPlaceholderText("e.g. ASY1")
        self.name = labelled(form, "N&ame:", QLineEdit())
        self.nation = labelled(form, "Na&tion (bank holidays):", QComboBox())
        for nation, name in NATION_NAMES.items():
            self.nation.addItem(name, nation)
        self.head_email = labelled(form, "&Head of unit's e-mail:", QLineEdit())
        self.head_email.setPlaceholderText("Disputed allocations are e-mailed here")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        form.addRow("", self.state_label)
        self.new_button = button("&New unit", "Clear the form to create a unit")
        self.new_button.clicked.connect(self.new_unit)
        self.save_button = button("&Save unit", "Create the unit, or save the changes to the selected one")
        self.save_button.clicked.connect(self.save)
        self.active_button = button("Deacti&vate unit")
        self.active_button.clicked.connect(self.toggle_active)
        form.addRow("", flow_row(self.new_button, self.save_button, self.active_button))

        people = QGroupBox("Members")
        people_layout = QVBoxLayout(people)
        self.members = QListWidget()
        people_layout.addWidget(buddy_label("Mem&bers of the unit:", self.members))
        people_layout.addWidget(self.members, 1)
        add_form = QFormLayout()
        self.person = labelled(add_form, "&Person to add:", QComboBox())
        self.person.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.person.setMinimumContentsLength(24)
        people_layout.addLayout(add_form)
        self.add_button = button("A&dd to unit")
        self.add_button.clicked.connect(self.add_member)
        self.remove_button = button("Remove &from unit", "Remove the member selected in the list")
        self.remove_button.clicked.connect(self.remove_member)
        people_layout.addWidget(flow_row(self.add_button, self.remove_button))

        self.message = MessageLabel()
        # The unit beside its members on a wide screen, above them at 200 % text (no sideways scrolling).
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        below = ReflowColumns(details, people, stretch=(3, 2))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(below, 3)
        self.offline = OfflineUnitsSection(ctx)  # units without CTS [ASY] (issue 15)
        layout.addWidget(self.offline)
        layout.addWidget(self.message)
        self.setStyleSheet(GROUP_STYLE)
        self.new_unit(focus=False)

    # ----------------------------------------------------------- reading

    def refresh(self) -> None:
        units, users, actor = self._ctx.services.units, self._ctx.services.users, self._ctx.user
        self._ctx.runner.submit(lambda: UnitsPage(units=units.list_units(), users=users.list_users(actor)),
                                self._show_page, self._failed)

    def _show_page(self, page: UnitsPage) -> None:
        keep = self._keep if self._keep is not None else getattr(self.selected(), "code", None)
        self._keep = None
        self.page, self._units, self._users = page, page.units, page.users
        fill_table(self.table, [[u.code, u.name, NATION_NAMES.get(u.nation, u.nation), str(len(u.members)),
                                 "Yes" if u.active else "No (deactivated)", u.head_email or "none"]
                                for u in page.units])
        row = next((r for r, u in enumerate(page.units) if u.code == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._unit_selected()

    def selected(self) -> DraftingUnitRecord | None:
        row = self.table.currentRow()
        return self._units[row] if 0 <= row < len(self._units) and self.table.selectedItems() else None

    def _unit_selected(self) -> None:
        self._show_unit(self.selected())

    def _show_unit(self, unit: DraftingUnitRecord | None, *, force: bool = False) -> None:
        """Fill the form and the members from ``unit``; None: an empty form for a new unit.

        The form is left alone when it already shows this very record: a refresh (say, on
        coming back to the view) must not throw away what is being typed.
        """
        if force or unit != self._shown:
            self._fill_form(unit)
        self._fill_members(unit)

    def _fill_form(self, unit: DraftingUnitRecord | None) -> None:
        self._shown = unit
        self.code.setReadOnly(unit is not None)  # the code is the unit's key: letters and members refer to it
        self.code.setText(unit.code if unit else "")
        self.name.setText(unit.name if unit else "")
        index = self.nation.findData(unit.nation if unit else "ENG")
        self.nation.setCurrentIndex(max(index, 0))
        self.head_email.setText(unit.head_email if unit else "")
        self.save_button.setText("&Save unit" if unit else "&Save new unit")
        self.save_button.setAccessibleName("Save unit" if unit else "Save new unit")
        self.active_button.setEnabled(unit is not None)
        self.active_button.setText("Reacti&vate unit" if unit and not unit.active else "Deacti&vate unit")
        self.active_button.setAccessibleName(self.active_button.text().replace("&", ""))
        if unit is None:
            self.state_label.setText("A new unit: give its code, name, nation and the head of unit's e-mail.")
            self.state_label.setStyleSheet("color: #555;")
        elif unit.active:
            self.state_label.setText(f"{unit.code} is active: MPCS can allocate letters to it.")
            self.state_label.setStyleSheet("color: #1b5e20;")
        else:
            self.state_label.setText(f"{unit.code} is deactivated: MPCS cannot allocate letters to it.")
            self.state_label.setStyleSheet(ALARM_STYLE)
        self.state_label.setAccessibleName(self.state_label.text())

    def _fill_members(self, unit: DraftingUnitRecord | None) -> None:
        self.members.clear()
        by_username = {u.username: u for u in self._users}
        in_unit = set(unit.members) if unit else set()
        for username in (unit.members if unit else ()):
            user = by_username.get(username)
            text = _person(user) if user else username
            if user is not None:
                roles = ", ".join(sorted(r.label for r in user.roles))
                text += f" — {roles}{f', {user.grade}' if user.grade else ''}"
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, user.id if user else None)
            self.members.addItem(item)
        if unit is not None and not unit.members:
            self.members.addItem(QListWidgetItem("Nobody yet: add the unit's workflow manager, case owners, "
                                                 "senior caseworkers and team leader."))
        self.person.clear()
        for user in sorted(self._users, key=lambda u: u.full_name.lower()):
            if user.username not in in_unit and user.active:
                self.person.addItem(_person(user), user.id)
        for widget in (self.members, self.person, self.add_button, self.remove_button):
            widget.setEnabled(unit is not None)

    # ------------------------------------------------------------ changes

    def new_unit(self, *, focus: bool = True) -> None:
        self.table.clearSelection()
        self.table.setCurrentItem(None)
        self._show_unit(None, force=True)
        if focus:
            self.code.setFocus()

    def save(self) -> None:
        unit, units, actor = self.selected(), self._ctx.services.units, self._ctx.user
        name, nation, email = self.name.text(), self.nation.currentData(), self.head_email.text()
        if unit is None:
            code = self.code.text()
            self._change(lambda: units.create_unit(actor, code=code, name=name, nation=nation, head_email=email),
                         "{code} ({name}) created: add its members on the right.")
        else:
            self._change(lambda: units.update_unit(actor, unit.code, name=name, nation=nation, head_email=email),
                         "{code} saved.")

    def toggle_active(self) -> None:
        unit = self.selected()
        if unit is None:
            self.message.show_error("Select a unit first.")
            return
        units, actor, active = self._ctx.services.units, self._ctx.user, not unit.active
        self._change(lambda: units.update_unit(actor, unit.code, active=active),
                     "{code} reactivated: MPCS can allocate letters to it again." if active else
                     "{code} deactivated: MPCS can no longer allocate letters to it; the letters it holds stay "
                     "with it.")

    def add_member(self) -> None:
        unit, user_id = self.selected(), self.person.currentData()
        if unit is None or user_id is None:
            self.message.show_error("Select a unit, then the person to add.")
            return
        who = self.person.currentText()
        units, actor = self._ctx.services.units, self._ctx.user
        self._change(lambda: units.add_member(actor, unit.code, user_id), f"{who} added to {{code}}.")

    def remove_member(self) -> None:
        unit, item = self.selected(), self.members.currentItem()
        user_id = item.data(Qt.UserRole) if item is not None else None
        if unit is None or user_id is None:
            self.message.show_error("Select the member to remove in the list first.")
            return
        who = item.text().split(" — ")[0]
        units, actor = self._ctx.services.units, self._ctx.user
        self._change(lambda: units.remove_member(actor, unit.code, user_id), f"{who} removed from {{code}}.")

    def _change(self, work: Callable[[], DraftingUnitRecord], done_text: str) -> None:
        def done(unit: DraftingUnitRecord) -> None:
            self.message.show_ok(done_text.format(code=unit.code, name=unit.name))
            self._keep = unit.code
            self.refresh()

        self._ctx.runner.submit(work, done, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))


def _person(user: UserRecord) -> str:
    return f"{user.full_name} ({user.username})"


# ------------------------------------------------------------- election

class ElectionTab(QWidget):
    """The dissolution of Parliament: record or clear its date; convert outstanding Ministerial letters."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.dissolution: date | None = None
        self.loaded = False
        self.confirm_box: QMessageBox | None = None
        # The same rule the service checks: who may convert a Ministerial letter to Official.
        self.may_convert = bool({str(r) for r in ctx.user.roles}
                                & roles_for(LetterAction.CONVERT_TO_OFFICIAL, _MINISTERIAL))

        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        explain = QLabel(
            "When Parliament is dissolved for a general election, no one is an MP until the new Parliament meets. "
            "From the dissolution date the desk leaves \"MP\" off names in letters, a case letter "
            "written after dissolution gets a polite third-party style reply, and outstanding Ministerial letters "
            "become Official replies signed by officials. Clear the date once the new Parliament meets.")
        explain.setWordWrap(True)
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        today = self._today()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.set_button = button("&Set the dissolution date…")
        self.set_button.clicked.connect(self.ask_set)
        form = QFormLayout()
        labelled(form, "Dissolution &date:", in_row(self.day, self.set_button, stretch=None), self.day)
        self.clear_button = button("C&lear the dissolution date…", "Once the new Parliament has met")
        self.clear_button.clicked.connect(self.ask_clear)
        self.convert_button = button("Con&vert outstanding Ministerial letters…",
                                     "Every Ministerial letter not yet signed becomes an Official reply")
        self.convert_button.clicked.connect(self.ask_convert)
        self.converted = QListWidget()
        self.converted.setMaximumHeight(200)
        self.converted_label = buddy_label("Letters converted to &Official:", self.converted)
        self.message = MessageLabel()

        layout = QVBoxLayout(self)
        layout.addWidget(self.state_label)
        layout.addWidget(explain)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(in_row(self.clear_button, self.convert_button, stretch=None))
        layout.addWidget(self.message)
        layout.addWidget(self.converted_label)
        layout.addWidget(self.converted)
        layout.addStretch(1)
        self._show_converted_list(False)
        self._show_state()

    def _show_converted_list(self, visible: bool) -> None:
        # An empty box under a heading reads as "something is missing": only once there is a list.
        self.converted_label.setVisible(visible)
        self.converted.setVisible(visible)

    def _today(self) -> date:
        return self._ctx.services.clock.now().astimezone(LONDON).date()

    def refresh(self) -> None:
        self._ctx.runner.submit(self._ctx.services.letters.dissolution_date, self._loaded, self._failed)

    def _loaded(self, day: date | None) -> None:
        # Only a new answer moves the date box: a refresh must not undo a date being chosen.
        if day is not None and (day != self.dissolution or not self.loaded):
            self.day.setDate(QDate(day.year, day.month, day.day))
        self.loaded = True
        self.dissolution = day
        self._show_state()

    def _show_state(self) -> None:
        day, today = self.dissolution, self._today()
        dissolved = parliament_dissolved(day, today)
        if day is None:
            text, style = "No dissolution date is recorded: Members of Parliament are MPs.", "color: #1b5e20;"
        elif dissolved:
            text, style = (f"Parliament was dissolved on {_long(day)}: no one is an MP until the new Parliament "
                           "meets.", ALARM_STYLE)
        else:
            text, style = (f"Parliament will be dissolved on {_long(day)}: until then Members of Parliament are "
                           "MPs.", "font-weight: bold;")
        self.state_label.setText(text)
        self.state_label.setStyleSheet(style)
        self.state_label.setAccessibleName(text)
        self.clear_button.setEnabled(day is not None)
        self.convert_button.setEnabled(dissolved and self.may_convert)
        if not self.may_convert:
            self.convert_button.setToolTip("MPCS allocators convert the outstanding Ministerial letters")

    # ----------------------------------------------------- confirmations

    def _confirm(self, title: str, text: str, detail: str, yes: str, on_yes: Callable[[], None]) -> QMessageBox:
        box = QMessageBox(QMessageBox.Question, title, text, QMessageBox.NoButton, self)
        box.setInformativeText(detail)
        yes_button = box.addButton(yes, QMessageBox.AcceptRole)
        yes_button.setAccessibleName(yes.replace("&", ""))
        cancel = box.addButton("Cancel", QMessageBox.RejectRole)
        cancel.setAccessibleName("Cancel")
        box.setDefaultButton(cancel)  # Enter must not dissolve Parliament by accident
        box.setEscapeButton(cancel)
        self.confirm_box = box

        def finished(_result: int) -> None:
            if self.confirm_box is box:
                self.confirm_box = None
            box.deleteLater()
            if box.clickedButton() is yes_button:
                on_yes()

        box.finished.connect(finished)
        box.open()
        return box

    def ask_set(self) -> QMessageBox:
        qd = self.day.date()
        day = date(qd.year(), qd.month(), qd.day())
        past = parliament_dissolved(day, self._today())
        if not self.may_convert:
            letters = ("Outstanding Ministerial letters become Official replies: an MPCS allocator converts them "
                       "on this tab.")
        elif past:
            letters = "The outstanding Ministerial letters are converted to Official replies now, and listed here."
        else:
            letters = "On that day, convert the outstanding Ministerial letters to Official replies on this tab."
        detail = ("From that day no one is an MP: letters leave \"MP\" off names, and case letters written after "
                  f"dissolution get a polite third-party style reply. {letters} Clear the date once the new "
                  "Parliament meets; converted letters stay Official.")
        return self._confirm("General election", f"Record that Parliament is dissolved on {_long(day)}?", detail,
                             "&Record dissolution", lambda: self.set_date(day))

    def ask_clear(self) -> QMessageBox:
        return self._confirm(
            "General election", "Clear the dissolution date?",
            "Do this once the new Parliament has met: Members returned at the election are MPs again. Letters "
            "already converted to Official replies stay Official.", "C&lear the date", lambda: self.set_date(None))

    def ask_convert(self) -> QMessageBox:
        return self._confirm(
            "General election", "Convert every outstanding Ministerial letter to an Official reply?",
            "Each Ministerial letter not yet signed becomes an Official reply, to be signed by an official. "
            "This cannot be undone.", "Con&vert letters", self.convert)

    # ------------------------------------------------------------ changes

    def set_date(self, day: date | None) -> None:
        """Record (or with None clear) the date; once it has come, convert at once if this user may."""
        letters, actor = self._ctx.services.letters, self._ctx.user
        convert = day is not None and self.may_convert and parliament_dissolved(day, self._today())

        def work() -> tuple[date | None, list[str] | None]:
            recorded = letters.set_dissolution_date(actor, day)
            return recorded, (letters.convert_outstanding_to_official(actor) if convert else None)

        def done(result: tuple[date | None, list[str] | None]) -> None:
            recorded, converted = result
            self._loaded(recorded)
            if recorded is None:
                self.message.show_ok("Dissolution date cleared: Members of Parliament are MPs again.")
                return
            text = f"Dissolution of Parliament recorded for {_long(recorded)}."
            if converted is not None:
                self._show_converted(converted, text)
            elif not self.may_convert:
                self.message.show_ok(f"{text} An MPCS allocator now converts the outstanding Ministerial letters "
                                     "to Official replies.")
            else:
                self.message.show_ok(f"{text} On that day, convert the outstanding Ministerial letters here.")

        self._ctx.runner.submit(work, done, self._failed)

    def convert(self) -> None:
        letters, actor = self._ctx.services.letters, self._ctx.user
        self._ctx.runner.submit(lambda: letters.convert_outstanding_to_official(actor),
                                lambda converted: self._show_converted(converted, ""), self._failed)

    def _show_converted(self, references: list[str], before: str) -> None:
        self.converted.clear()
        for reference in references:
            self.converted.addItem(reference)
        self._show_converted_list(bool(references))
        n = len(references)
        if n:
            text = f"{n} outstanding Ministerial letter{'s' if n != 1 else ''} converted to Official: " \
                   f"{', '.join(references)}."
        else:
            text = "No outstanding Ministerial letters to convert."
        self.message.show_ok(f"{before} {text}".strip())

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))


def _long(day: date) -> str:
    """``Thursday 30 April 2026``: a date that changes so much is best read in full."""
    return f"{day:%A} {day.day} {day:%B %Y}"
