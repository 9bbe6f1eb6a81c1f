"""Administration → "Members" (issue 14): keep the list of Members true, in one tab.

The one place Members are kept (issue 14; it replaced "Members and passcodes"):
sections over one list of every Member, active or not:

- the list (find by name or constituency; inactive Members shown greyed and
  labelled, their passcode only as "set" or "none": never shown);
- ``MemberEditSection``: change the selected Member's details, set their
  office's passcode (typed hidden, never shown), or deactivate them (they left
  the House: their records keep their name, the desk no longer offers them)
  and bring them back;
- ``MemberAddSection`` (``ui.admin_member_add``): add one Member by hand;
- ``MemberImportSection``: check a CSV file of Members (a dry run: what would
  be added, changed field by field, deactivated, and every problem with its
  line), then import it when it is clean.

The MPEL team leader and administrators (Action.MANAGE_MEMBERS); the services
check again.  The file chooser is a parameter so tests can hand it a file.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from ..domain.calendar import REGION_CODES
from ..domain.records import MemberRecord
from ..reports.member_import_text import change_lines, headline
from ..services.members import MEMBER_KINDS
from .admin_member_add import MemberAddSection
from .admin_view import ALARM_STYLE, admin_table, fill_table, fit_columns, mark_alarm
from .context import DeskContext
from .csv_import_section import CsvImportSection, FileChooser
from .widgets import GROUP_STYLE, MessageLabel, button, error_text, in_row, labelled

GREY = "#555555"


def choose_members_file(parent: QWidget) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, "Import the list of Members", str(Path.home()),
                                                "CSV files (*.csv *.txt);;All files (*)")
    return Path(name) if name else None


class MemberEditSection(QGroupBox):
    """The selected Member's details: save changes, deactivate or bring back."""

    def __init__(self, ctx: DeskContext, changed: Callable[[MemberRecord, str], None],
                 failed: Callable[[Exception], None], parent: QWidget | None = None):
        super().__init__("Selected Member", parent)
        self._ctx, self._changed, self._failed = ctx, changed, failed
        self.member: MemberRecord | None = None
        form = QFormLayout(self)
        self.name = labelled(form, "&Name:", QLineEdit())
        self.kind = labelled(form, "&House:", QComboBox())
        self.kind.addItems(list(MEMBER_KINDS))
        self.constituency = labelled(form, "Constit&uency:", QLineEdit())
        self.region = labelled(form, "Re&gion:", QComboBox())
        self.region.addItems(list(REGION_CODES))
        self.party = labelled(form, "&Party:", QLineEdit())
        self.phone = labelled(form, "Office &telephone:", QLineEdit())
        self.fax = labelled(form, "Office fa&x:", QLineEdit())
        self.email = labelled(form, "Office e-&mail:", QLineEdit())
        self.privy = labelled(form, "Privy &Council (Rt Hon):", QCheckBox())
        self.state = QLabel()
        self.state.setWordWrap(True)
        form.addRow("", self.state)
        self.save_button = button("&Save changes", "Save the selected Member's details")
        self.save_button.clicked.connect(self.save)
        self.active_button = button("&Deactivate", "The Member left the House: no longer offered at the desk")
        self.active_button.clicked.connect(self.toggle_active)
        form.addRow("", in_row(self.save_button, self.active_button, stretch=None))
        # The office's passcode: typed hidden, sent once, never shown (the list says only "set" or "none").
        self.passcode = labelled(form, "Ne&w passcode:", QLineEdit())
        self.passcode.setEchoMode(QLineEdit.Password)
        self.set_passcode_button = button("Set passc&ode", "Change the selected Member's office passcode")
        self.set_passcode_button.clicked.connect(self.set_passcode)
        form.addRow("", in_row(self.set_passcode_button, stretch=None))
        self.show_member(None)

    def show_member(self, member: MemberRecord | None) -> None:
        self.member = member
        m = member
        self.name.setText(m.name if m else "")
        self.kind.setCurrentText(m.kind if m else "MP")
        self.constituency.setText(m.constituency if m else "")
        self.region.setCurrentText(m.region_code if m else REGION_CODES[0])
        self.party.setText(m.party if m else "")
        self.phone.setText(m.office_phone if m else "")
        self.fax.setText(m.office_fax if m else "")
        self.email.setText(m.office_email if m else "")
        self.privy.setChecked(bool(m and m.privy_counsellor))
        for widget in (self.name, self.kind, self.constituency, self.region, self.party, self.phone, self.fax,
                       self.email, self.privy, self.save_button, self.active_button, self.passcode,
                       self.set_passcode_button):
            widget.setEnabled(m is not None)
        if m is None:
            self.state.setText("Select a Member in the list to change their details.")
            self.state.setStyleSheet(f"color: {GREY};")
        elif m.active:
            self.state.setText(f"Active: offered at the desk. Passcode {'set' if m.passcode_set else 'none yet'}.")
            self.state.setStyleSheet("color: #1b5e20;")
        else:
            self.state.setText("Inactive: not offered at the desk; their records still name them.")
            self.state.setStyleSheet(ALARM_STYLE)
        self.state.setAccessibleName(self.state.text())
        self.active_button.setText("Bring &back" if m and not m.active else "&Deactivate")
        self.active_button.setAccessibleName(self.active_button.text().replace("&", ""))

    def save(self) -> None:
        m = self.member
        if m is None:
            return
        values = dict(name=self.name.text(), kind=self.kind.currentText(), constituency=self.constituency.text(),
                      region_code=self.region.currentText(), party=self.party.text(), office_phone=self.phone.text(),
                      office_fax=self.fax.text(), office_email=self.email.text(),
                      privy_counsellor=self.privy.isChecked())
        members, actor = self._ctx.services.members, self._ctx.user
        self._ctx.runner.submit(lambda: members.update(actor, m.id, **values),
                                lambda rec: self._changed(rec, f"{rec.display_name} saved."), self._failed)

    def set_passcode(self) -> None:
        m, passcode = self.member, self.passcode.text()
        if m is None:
            return
        members, actor = self._ctx.services.members, self._ctx.user

        def done(_none) -> None:
            self.passcode.clear()
            self._changed(m, f"Passcode changed for {m.display_name}.")

        self._ctx.runner.submit(lambda: members.set_passcode(actor, m.id, passcode), done, self._failed)

    def toggle_active(self) -> None:
        m = self.member
        if m is None:
            return
        members, actor, active = self._ctx.services.members, self._ctx.user, not m.active
        done = ("{} is active again: offered at the desk." if active else
                "{} deactivated: no longer offered at the desk; their records keep their name.")
        self._ctx.runner.submit(lambda: members.set_active(actor, m.id, active),
                                lambda rec: self._changed(rec, done.format(rec.display_name)), self._failed)


class MemberImportSection(CsvImportSection):
    """Check a CSV file of Members (dry run), read the report, then import it."""

    def __init__(self, ctx: DeskContext, imported: Callable[[], None], parent: QWidget | None = None, *,
                 file_chooser: FileChooser | None = None):
        service = ctx.services.member_list
        super().__init__(
            ctx, "Import the list of Members (CSV)",
            "Columns: name, constituency, office telephone, office fax, office e-mail, Privy Council, party, House, "
            "and region for a new Member. Check the file first: nothing changes until you import it. Passcodes are "
            "kept.", "the list of Members",
            lambda actor, text, dry_run, source: service.import_csv(actor, text, dry_run=dry_run, source=source),
            headline, change_lines, imported, parent, file_chooser=file_chooser or choose_members_file,
            done_text="Imported. The audit trail lists each change.")


class MemberListTab(QWidget):
    """Every Member, active or not: edit, deactivate, bring back; import the list from CSV."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, file_chooser: FileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._members: list[MemberRecord] = []
        self._keep: int | None = None
        form = QFormLayout()
        self.search = labelled(form, "Fi&nd:", QLineEdit())
        self.search.setPlaceholderText("Name or constituency; Enter lists them (inactive Members too)")
        self.search.returnPressed.connect(self.refresh)
        self.table = admin_table(["Member", "House", "Constituency", "Region", "Party", "Office telephone",
                                  "Office e-mail", "Passcode", "Status"], "Members, active and inactive")
        self.table.itemSelectionChanged.connect(self._selected)
        self.message = MessageLabel()
        self.edit = MemberEditSection(ctx, self._changed, self._failed)
        self.importer = MemberImportSection(ctx, self.refresh, file_chooser=file_chooser)
        self.new_member = MemberAddSection(ctx, self._added, self._failed)
        left = QVBoxLayout()
        left.addWidget(self.edit)
        left.addWidget(self.new_member)
        left.addStretch(1)
        below = QHBoxLayout()
        below.addLayout(left, 2)
        below.addWidget(self.importer, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.message)
        layout.addLayout(below, 3)
        self.setStyleSheet(GROUP_STYLE)

    def refresh(self) -> None:
        members, actor, text = self._ctx.services.members, self._ctx.user, self.search.text()
        self._ctx.runner.submit(lambda: members.list_all(actor, text, limit=1000), self._show, self._failed)

    def _show(self, members: list[MemberRecord]) -> None:
        keep = self._keep if self._keep is not None else getattr(self.edit.member, "id", None)
        self._keep = None
        self._members = members
        fill_table(self.table, [[m.display_name, m.kind, m.constituency, m.region_code, m.party or "",
                                 m.office_phone, m.office_email, "set" if m.passcode_set else "none",
                                 "Active" if m.active else "Inactive"] for m in members])
        for row, m in enumerate(members):
            if not m.active:
                for column in range(self.table.columnCount()):
                    self.table.item(row, column).setForeground(QBrush(QColor(GREY)))
            if m.passcode_locked:
                mark_alarm(self.table.item(row, 7))
                self.table.item(row, 7).setText("LOCKED")
        fit_columns(self.table)
        row = next((r for r, m in enumerate(members) if m.id == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selected()

    def selected(self) -> MemberRecord | None:
        row = self.table.currentRow()
        return self._members[row] if 0 <= row < len(self._members) and self.table.selectedItems() else None

    def _selected(self) -> None:
        member = self.selected()
        if member != self.edit.member:
            self.edit.show_member(member)

    def _changed(self, member: MemberRecord, text: str) -> None:
        self.message.show_ok(text)
        self._keep = member.id
        self.edit.show_member(member)
        self.refresh()

    def _added(self, member: MemberRecord, text: str) -> None:
        """A Member added by hand: found and selected in the list."""
        self.search.setText(member.name)
        self._changed(member, text)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
