"""Section 4 of the call screen, urgent calls: imminent removal (with its date and time) or compelling / compassionate.

A live countdown says whether the removal is within 72 hours of the call,
and where the call note will go at this time of day; the routing rule is
``domain.urgency``'s, the service decides when the note is sent.  The
date and time say what is wrong with them as they are typed.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QLineEdit, QVBoxLayout

from ...domain.errors import ValidationError
from ...domain.records import EnquiryRecord, RegionRecord
from ...domain.urgency import UrgentRouting, note_region_code, route_urgent_call
from ...reports.record_sections import format_weekday_date
from ..note_warning import NoteWarning
from ..widgets import ERROR_STYLE, error_text, in_row, labelled, named
from .state import CallState
from .typed import clock_problem, countdown_text, day_problem, london, parse_clock, parse_day

ROUTE_TEXT = {
    "region": "Urgent: on sending, the call note goes to the region's inbox at once; then telephone the "
              "regional team.",
    "duty_region": "Urgent, received 16:00–17:00: on sending, the call note goes to tonight's duty region; then "
                   "telephone the duty account manager.",
    "oscu": "Urgent, out of hours: on sending, the call note goes to the region for the morning; refer the "
            "case to OSCU's out-of-hours service by telephone.",
}
OK_HINT = "color: #1b5e20;"


class UrgentSection(QGroupBox):
    """The urgent flags, the removal date and time, the countdown and where the note will go."""

    changed = Signal()  # the preview changed: whether the call is urgent may have too

    def __init__(self, send_key_text: str, parent=None, *, ctx=None):
        super().__init__("4  Urgent? Imminent removal or compassionate case", parent)
        self._send_key = send_key_text
        self._duty_region: str | None = None  # tonight's duty region on the rota, if any
        self._route: UrgentRouting | None = None
        self._enabled = False
        # Alt+V and Alt+L are free here: Verify is disabled and "Close call as refused" hidden once the
        # passcode is verified, which is the only time these boxes are enabled.
        self.imminent_check = named(QCheckBox("Imminent remo&val"))
        self.imminent_check.toggled.connect(self._imminent_toggled)
        self.removal_date = QLineEdit()
        self.removal_date.setPlaceholderText("dd/mm/yyyy")
        self.removal_time = QLineEdit()
        self.removal_time.setPlaceholderText("hh:mm, 24-hour")
        for edit in (self.removal_date, self.removal_time):
            # Long enough for a whole date in either box: a date typed into the time box is named, not cut.
            edit.setMaxLength(16)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("hh:mm, 24-hour") + 24)
        self.removal_date_hint = QLabel()
        self.removal_date_hint.setAccessibleName("Removal date check")
        self.removal_time_hint = QLabel()
        self.removal_time_hint.setAccessibleName("Removal time check")
        self.removal_time_hint.setWordWrap(True)
        self.compassionate_check = named(QCheckBox("Compe&lling / compassionate"))
        self.countdown_label = QLabel()
        self.countdown_label.setAccessibleName("Removal countdown")
        self.countdown_label.setWordWrap(True)
        self.countdown_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.route_label = QLabel()
        self.route_label.setAccessibleName("Where the call note goes")
        self.route_label.setWordWrap(True)
        self.route_label.setStyleSheet("color: #333;")
        # Room kept for the longest text, so the form does not jump as the agent types.
        lines = self.countdown_label.fontMetrics().lineSpacing()
        self.countdown_label.setMinimumHeight(lines * 2 + 4)
        self.removal_time_hint.setMinimumHeight(lines * 2 + 4)
        self.route_label.setMinimumHeight(lines * 3 + 4)
        # Where the note goes cannot receive it, or this desk sends no mail: said before it is sent (issue 14).
        self.note_warning = NoteWarning(ctx, "Call note warning")

        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(self.imminent_check)
        labelled(form, "Removal date:", in_row(self.removal_date, self.removal_date_hint, stretch=1),
                 self.removal_date)
        labelled(form, "Removal time (UK):", self.removal_time)
        form.addRow(self.compassionate_check)
        outer.addLayout(form)
        # Outside the form: a form row does not grow for a wrapped label, and these wrap.
        outer.addWidget(self.removal_time_hint)
        outer.addWidget(self.countdown_label)
        outer.addWidget(self.route_label)
        outer.addWidget(self.note_warning)

    # ------------------------------------------------------------ for the view

    def tab_order(self) -> list:
        return [self.imminent_check, self.removal_date, self.removal_time, self.compassionate_check]

    def text_fields(self) -> dict:
        return {"removal_date": self.removal_date, "removal_time": self.removal_time}

    def flag_fields(self) -> dict:
        return {"imminent": self.imminent_check, "compassionate": self.compassionate_check}

    @property
    def route(self) -> UrgentRouting | None:
        """The routing the preview worked out, or None while nothing (valid) is ticked."""
        return self._route

    @property
    def urgent(self) -> bool:
        return self._route is not None and self._route.urgent

    def set_regions(self, regions: list[RegionRecord]) -> None:
        """The regions' records as last read, for the warning about where the note goes."""
        self.note_warning.set_regions(regions)

    def set_duty_region(self, code: str | None) -> None:
        """Tonight's duty region on the rota (None: nobody on it), where a call of the duty hour goes."""
        self._duty_region = code

    def set_state(self, state: CallState) -> None:
        self._enabled = state.verified
        self.setEnabled(state.verified)
        self.removal_date.setEnabled(state.verified and self.imminent_check.isChecked())
        self.removal_time.setEnabled(state.verified and self.imminent_check.isChecked())

    def values(self) -> tuple[datetime | None, bool]:
        """(removal time, compassionate) as typed; ValueError says what is missing or wrong."""
        compassionate = self.compassionate_check.isChecked()
        if not self.imminent_check.isChecked():
            return None, compassionate
        day = parse_day(self.removal_date.text(), "Removal date")
        at = parse_clock(self.removal_time.text(), "Removal time")
        if day is None or at is None:
            raise ValueError("Imminent removal: type the removal date (dd/mm/yyyy) and time (hh:mm), or untick "
                             "the box")
        return london(day, at), compassionate

    def focus_removal(self) -> None:
        """Focus the removal field that needs the agent: the date until it is a date, then the time."""
        if self.imminent_check.isChecked():
            try:
                parse_day(self.removal_date.text(), "Removal date")
                target = self.removal_time if self.removal_date.text().strip() else self.removal_date
            except ValueError:
                target = self.removal_date
            target.setFocus()

    def reset(self) -> None:
        for box in (self.imminent_check, self.compassionate_check):
            box.setChecked(False)
        self.removal_date.clear()
        self.removal_time.clear()

    def update_preview(self, rec: EnquiryRecord | None, now: datetime) -> None:
        """Recompute the hints, the countdown and the routing preview for the call ``rec`` at ``now``."""
        self._route = None
        self.note_warning.show_for(None)
        self._show_field_hints()
        imminent, compassionate = self.imminent_check.isChecked(), self.compassionate_check.isChecked()
        if rec is None or not (imminent or compassionate):
            self._countdown("Not urgent. Tick a box if removal is within 72 hours or the case is compelling "
                            "or compassionate.", "color: #555;")
            self.route_label.clear()
            return
        try:
            removal_at, compassionate = self.values()
        except ValueError as exc:
            partial = imminent and not (self.removal_date.text().strip() and self.removal_time.text().strip())
            self._countdown("Type the removal date and time (UK time)." if partial else str(exc),
                            "color: #5c3b00; font-weight: bold;" if partial else ERROR_STYLE)
            self.route_label.clear()
            return
        try:
            route = route_urgent_call(rec.received_at, removal_at=removal_at, compassionate=compassionate)
        except ValueError as exc:
            self._countdown(error_text(ValidationError(str(exc))), ERROR_STYLE)
            self.route_label.clear()
            return
        self._route = route
        lines = []
        if removal_at is not None:
            lines.append(countdown_text(removal_at, now, route))
        if compassionate:
            lines.append("Compelling / compassionate: urgent, for the member's own region.")
        style = ("color: #9b0000; font-weight: bold;" if route.imminent_removal else
                 "color: #5c3b00; font-weight: bold;" if route.urgent else "color: #333; font-weight: bold;")
        self._countdown("\n".join(lines), style)
        if route.urgent:
            self.route_label.setText(ROUTE_TEXT[route.destination] + f" Send it with {self._send_key}.")
            self.note_warning.show_for(note_region_code(
                route.destination, duty_region=self._duty_region, region_code=rec.region_code,
                member_region=rec.member.region_code if rec.member else None))
        else:
            self.route_label.setText("Not urgent: finish the call as usual; the removal date is saved with it.")

    # ---------------------------------------------------------------- typing

    def _show_field_hints(self) -> None:
        date_text = self.removal_date.text()
        date_hint, date_style = day_problem(date_text), ERROR_STYLE
        if not date_hint:
            try:
                day = parse_day(date_text, "Removal date")
                date_hint, date_style = (format_weekday_date(day), OK_HINT) if day else ("", OK_HINT)
            except ValueError:
                date_hint = "not a date yet: dd/mm/yyyy" if len(date_text.strip()) >= 8 else ""
        self.removal_date_hint.setText(date_hint)
        self.removal_date_hint.setStyleSheet(date_style)
        time_hint = clock_problem(self.removal_time.text())
        self.removal_time_hint.setText(time_hint)
        self.removal_time_hint.setAccessibleName(time_hint or "Removal time check")
        self.removal_time_hint.setStyleSheet(ERROR_STYLE)
        self.removal_time_hint.setVisible(bool(time_hint))

    def _countdown(self, text: str, style: str) -> None:
        self.countdown_label.setText(text)
        self.countdown_label.setAccessibleName(text or "Removal countdown")
        self.countdown_label.setStyleSheet(style)

    def _imminent_toggled(self, checked: bool) -> None:
        self.removal_date.setEnabled(checked and self._enabled)
        self.removal_time.setEnabled(checked and self._enabled)
        if checked and self.imminent_check.hasFocus():
            self.removal_date.setFocus()  # Alt+V then straight on with the date
