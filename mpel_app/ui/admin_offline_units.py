"""Administration → Units: drafting units without CTS ("off-line") [ASY] (issue 15).

A unit marked off-line gets each letter allocated to it by e-mail, with the
scan and a Word draft template, at the address given here; MPCS checks its
reply in from "MPCS CTS Offline Management" on the letter's Special handling
tab.  ``set_unit_offline`` (administrators) records it; "Back on CTS" clears it.
"""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QWidget

from .context import DeskContext
from .widgets import MessageLabel, button, error_text, in_row, labelled


class OfflineUnitsSection(QGroupBox):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__("Units without CTS (off-line)", parent)
        self._ctx = ctx
        form = QFormLayout(self)
        self.listing = QLabel()
        self.listing.setWordWrap(True)
        form.addRow(self.listing)
        self.unit = labelled(form, "Off-line &unit:", QComboBox())
        self.email = labelled(form, "Its e-&mail:", QLineEdit())
        self.email.setPlaceholderText("Where its letters and draft templates are sent")
        self.mark_button = button("Mark off-&line", "Letters allocated to the unit go to it by e-mail")
        self.mark_button.clicked.connect(lambda: self._set(self.email.text()))
        self.back_button = button("Back on &CTS", "The unit works on CTS again")
        self.back_button.clicked.connect(lambda: self._set(None))
        form.addRow("", in_row(self.mark_button, self.back_button, stretch=None))
        self.message = MessageLabel("Off-line units message")
        form.addRow(self.message)
        self.unit.currentIndexChanged.connect(lambda _i: self._unit_changed())
        self.offline: dict[str, str] = {}
        self.refresh()

    def refresh(self) -> None:
        ctx = self._ctx

        def work():
            return ([u.code for u in ctx.services.units.list_units(active_only=True)],
                    ctx.services.letters.offline_units())

        def done(result) -> None:
            codes, self.offline = result
            keep = self.unit.currentData()
            self.unit.blockSignals(True)
            self.unit.clear()
            for code in codes:
                self.unit.addItem(code + (" (off-line)" if code in self.offline else ""), code)
            self.unit.setCurrentIndex(max(self.unit.findData(keep), 0))
            self.unit.blockSignals(False)
            self._unit_changed()
            text = "; ".join(f"{c} → {e}" for c, e in sorted(self.offline.items()))
            self.listing.setText(f"Off-line now: {text}." if text else "Every unit works on CTS.")
            self.listing.setAccessibleName(self.listing.text())

        ctx.runner.submit(work, done, lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def _unit_changed(self) -> None:
        code = self.unit.currentData()
        self.email.setText(self.offline.get(code, ""))
        self.back_button.setEnabled(code in self.offline)

    def _set(self, email: str | None) -> None:
        ctx, code = self._ctx, self.unit.currentData()
        if code is None:
            return

        def done(_r) -> None:
            self.message.show_ok(f"{code} is now off-line." if email is not None else f"{code} is back on CTS.")
            self.refresh()

        ctx.runner.submit(lambda: ctx.services.letters.set_unit_offline(ctx.user, code, email), done,
                          lambda exc: self.message.show_error(error_text(exc)), owner=self)
