"""Administration → "Regions" (issue 14): the regions' inboxes, team leaders' addresses and numbers.

They were placeholders loaded once from ``resources/regions.json``; an
administrator now keeps them (Action.MANAGE_REGIONS).  A region whose inbox
would not receive a note (none, malformed, a placeholder:
``domain.region_contacts``) is marked in the list, in words, and the summary
above the list names every such region.
"""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..domain.records import RegionRecord
from ..domain.region_contacts import inbox_problem_in_brief
from .admin_view import ALARM_STYLE, admin_table, fill_table, fit_columns, mark_alarm
from .context import DeskContext
from .widgets import GROUP_STYLE, MessageLabel, button, error_text, in_row, labelled

PROBLEM_COLUMN = 6


class RegionsTab(QWidget):
    """The six regions: the list with each inbox's state, and the selected region's details to change."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self._regions: list[RegionRecord] = []
        self._keep: str | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = admin_table(["Code", "Region", "Inbox address", "Team leader's e-mail", "Fax", "Telephone",
                                  "Inbox"], "Regions")
        self.table.itemSelectionChanged.connect(self._selected)
        box = QGroupBox("Selected region")
        form = QFormLayout(box)
        self.name = labelled(form, "Region &name:", QLineEdit())
        self.inbox_name = labelled(form, "Inbo&x name:", QLineEdit())
        self.inbox_address = labelled(form, "&Inbox address:", QLineEdit())
        self.inbox_address.setPlaceholderText("Call notes and urgent e-mails go here")
        self.team_leader_email = labelled(form, "&Team leader's e-mail:", QLineEdit())
        self.team_leader_email.setPlaceholderText("Unacknowledged urgent items are escalated here")
        self.fax = labelled(form, "&Fax number:", QLineEdit())
        self.phone = labelled(form, "Tele&phone number:", QLineEdit())
        self.save_button = button("&Save region", "Save the selected region's details")
        self.save_button.clicked.connect(self.save)
        form.addRow("", in_row(self.save_button, stretch=None))
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        layout.addWidget(box)
        layout.addWidget(self.message)
        self.setStyleSheet(GROUP_STYLE)
        self._fill(None)

    def refresh(self) -> None:
        self._ctx.runner.submit(self._ctx.services.regions.regions, self._show, self._failed)

    def _show(self, regions: list[RegionRecord]) -> None:
        keep = self._keep if self._keep is not None else getattr(self.selected(), "code", None)
        self._keep = None
        self._regions = regions
        fill_table(self.table, [[r.code, r.name, r.inbox_address or "none", r.team_leader_email or "none",
                                 r.fax_number, r.phone_number, _inbox_state(r)] for r in regions])
        for row, region in enumerate(regions):
            if region.inbox_problem:
                self.table.item(row, PROBLEM_COLUMN).setToolTip(region.inbox_problem)
                mark_alarm(self.table.item(row, PROBLEM_COLUMN))
                mark_alarm(self.table.item(row, 2))
            if region.team_leader_email and inbox_problem_in_brief(region.team_leader_email):
                # Escalations of unacknowledged urgent items go there: a placeholder reaches nobody either.
                self.table.item(row, 3).setToolTip("A placeholder: escalations sent there reach nobody")
                mark_alarm(self.table.item(row, 3))
        fit_columns(self.table)
        bad = [r.code for r in regions if r.inbox_problem]
        if bad:
            self.summary.setText(f"Notes to {len(bad)} region{'s' if len(bad) != 1 else ''} would reach nobody "
                                 f"({', '.join(bad)}): give each a working inbox address.")
            self.summary.setStyleSheet(ALARM_STYLE)
        else:
            self.summary.setText("Every region has a working inbox address.")
            self.summary.setStyleSheet("color: #1b5e20; font-weight: bold;")
        self.summary.setAccessibleName(self.summary.text())
        row = next((r for r, region in enumerate(regions) if region.code == keep), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._selected()

    def selected(self) -> RegionRecord | None:
        row = self.table.currentRow()
        return self._regions[row] if 0 <= row < len(self._regions) and self.table.selectedItems() else None

    def _selected(self) -> None:
        self._fill(self.selected())

    def _fill(self, region: RegionRecord | None) -> None:
        for edit, value in ((self.name, "name"), (self.inbox_name, "inbox_name"),
                            (self.inbox_address, "inbox_address"), (self.team_leader_email, "team_leader_email"),
                            (self.fax, "fax_number"), (self.phone, "phone_number")):
            edit.setText(getattr(region, value) if region else "")
            edit.setEnabled(region is not None)
        self.save_button.setEnabled(region is not None)

    def save(self) -> None:
        region = self.selected()
        if region is None:
            self.message.show_error("Select a region first.")
            return
        values = dict(name=self.name.text(), inbox_name=self.inbox_name.text(),
                      inbox_address=self.inbox_address.text(), team_leader_email=self.team_leader_email.text(),
                      fax_number=self.fax.text(), phone_number=self.phone.text())
        regions, actor = self._ctx.services.regions, self._ctx.user

        def done(saved: RegionRecord) -> None:
            self.message.show_ok(f"{saved.name} saved.")
            self._keep = saved.code
            self.refresh()

        self._ctx.runner.submit(lambda: regions.update(actor, region.code, **values), done, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))


def _inbox_state(region: RegionRecord) -> str:
    brief = inbox_problem_in_brief(region.inbox_address)
    return f"PROBLEM: {brief}, notes reach nobody" if brief else "working"
