"""Administration → "Home Secretary's list" (issue 14): the Members whose letters to him he answers himself.

The list is published on the MPCS web page [CORR 1.8]; an administrator keeps
it here (Action.MANAGE_HOME_SECRETARY_LIST) and the signatory rule reads it when
MPCS registers a Ministerial letter, so nobody ticks it letter by letter.
After a reshuffle the whole list is imported from a CSV file
(``ui.csv_import_section``: check the file, read the report, then import).
The file chooser is a parameter so tests can hand it a file.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFileDialog, QFormLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

from ..domain.records import MemberRecord
from ..reports.home_secretary_import_text import change_lines, headline
from .context import DeskContext
from .csv_import_section import CsvImportSection, FileChooser
from .member_picker import MemberPicker
from .models import member_line
from .widgets import GROUP_STYLE, MessageLabel, buddy_label, button, error_text, in_row, labelled


def choose_list_file(parent: QWidget) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, "Import the Home Secretary's list", str(Path.home()),
                                                "CSV files (*.csv *.txt);;All files (*)")
    return Path(name) if name else None


class HomeSecretaryListTab(QWidget):
    """The list, a Member picker to add one, Remove for the one selected, and the list's CSV import."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, file_chooser: FileChooser | None = None):
        super().__init__(parent)
        self._ctx = ctx
        service = ctx.services.home_secretary_list
        self.importer = CsvImportSection(
            ctx, "Import the list (CSV)",
            "The whole list as published on the MPCS web page: a Name column, and a Constituency column where two "
            "Members share a name. Members on the list but not in the file come off it. Check the file first: "
            "nothing changes until you import it.", "the Home Secretary's list",
            lambda actor, text, dry_run, source: service.import_csv(actor, text, dry_run=dry_run, source=source),
            headline, change_lines, self.refresh, file_chooser=file_chooser or choose_list_file,
            done_text="Imported. The audit trail lists each Member added or taken off.")
        intro = QLabel("The Home Secretary replies himself only to letters written to him by the Members on this "
                       "list (typically Cabinet and Shadow Cabinet colleagues); a listed Member who writes to a "
                       "junior Minister gets that Minister's reply. MPCS's signatory choice reads this list.")
        intro.setWordWrap(True)
        self.members = QListWidget()
        self.members.currentItemChanged.connect(lambda *_: self._enable())
        form = QFormLayout()
        self.picker = MemberPicker(ctx)
        labelled(form, "&Member to add:", self.picker, self.picker.edit)
        self.picker.member_changed.connect(lambda _m: self._enable())
        self.add_button = button("&Add to the list")
        self.add_button.clicked.connect(self.add)
        self.remove_button = button("&Remove from the list", "Remove the Member selected in the list")
        self.remove_button.clicked.connect(self.remove)
        self.message = MessageLabel()
        left = QVBoxLayout()
        left.addWidget(intro)
        self.list_label = buddy_label("Members on the &list:", self.members)
        left.addWidget(self.list_label)
        left.addWidget(self.members, 1)
        left.addLayout(form)
        left.addWidget(in_row(self.add_button, self.remove_button, stretch=None))
        left.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(self.importer, 1)
        self.setStyleSheet(GROUP_STYLE)
        self._enable()

    def refresh(self) -> None:
        self._ctx.runner.submit(self._ctx.services.home_secretary_list.members, self._show, self._failed)

    def _show(self, members: list[MemberRecord]) -> None:
        self.members.clear()
        for m in members:
            item = QListWidgetItem(member_line(m) + ("" if m.active else " (inactive)"))
            item.setData(Qt.UserRole, m.id)
            self.members.addItem(item)
        if not members:
            empty = QListWidgetItem("Nobody yet: add the Members named on the MPCS web page's list.")
            empty.setFlags(Qt.NoItemFlags)
            self.members.addItem(empty)
        self.list_label.setText(f"Members on the &list ({len(members)}):")
        self.members.setAccessibleName(f"Members on the list ({len(members)})")
        self._enable()

    def _enable(self) -> None:
        item = self.members.currentItem()
        self.remove_button.setEnabled(item is not None and item.data(Qt.UserRole) is not None)
        self.add_button.setEnabled(self.picker.member is not None)

    def add(self) -> None:
        member = self.picker.member
        if member is None:
            self.message.show_error("Choose the Member to add first.")
            return
        service, actor = self._ctx.services.home_secretary_list, self._ctx.user
        self._change(lambda: service.add(actor, member.id), "{} added to the Home Secretary's list.")

    def remove(self) -> None:
        item = self.members.currentItem()
        member_id = item.data(Qt.UserRole) if item is not None else None
        if member_id is None:
            self.message.show_error("Select the Member to remove in the list first.")
            return
        service, actor = self._ctx.services.home_secretary_list, self._ctx.user
        self._change(lambda: service.remove(actor, member_id), "{} removed from the Home Secretary's list.")

    def _change(self, work, text: str) -> None:
        def done(member: MemberRecord) -> None:
            self.message.show_ok(text.format(member_line(member)))
            self.picker.clear()
            self.refresh()

        self._ctx.runner.submit(work, done, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))
