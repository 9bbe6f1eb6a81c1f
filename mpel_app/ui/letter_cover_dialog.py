"""Inbox cover during an absence [ASY] (issue 15): a delegate who sees and acts on the absent person's workstack.

``CoverDialog(ctx)`` offers the people of the user's drafting units: the
absent person (by default the user), the delegate and the days
(``set_cover``; the service checks who may set it).  It lists whose
workstacks the user covers today (``covers_for``).
"""
from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..domain.calendar import LONDON
from ..domain.records import Role
from .context import DeskContext
from .letter_sections.base import date_edit
from .widgets import MessageLabel, button, dialog_buttons, error_text, heading, labelled, tab_chain

COVER_SHORTCUT = "Ctrl+Shift+V"


class CoverDialog(QDialog):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle("Cover during an absence")
        today = ctx.services.clock.now().astimezone(LONDON).date()
        self.covering = QLabel("Loading…")
        self.covering.setWordWrap(True)
        form = QFormLayout()
        self.absent = labelled(form, "&Absent:", QComboBox())
        self.delegate = labelled(form, "&Delegate:", QComboBox())
        self.starts = labelled(form, "&From:", date_edit(today))
        self.ends = labelled(form, "&Until:", date_edit(today + timedelta(days=4)))
        self.set_button = button("&Set cover", "The delegate sees and acts on the absent person's cases")
        self.set_button.clicked.connect(self.set_cover)
        self.message = MessageLabel("Cover message")
        close = button("Close")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Cover during an absence"))
        layout.addWidget(self.covering)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.set_button, close))
        tab_chain(self.absent, self.delegate, self.starts, self.ends, self.set_button, close)
        self.load()

    def load(self) -> None:
        ctx = self._ctx

        def work():
            people = {}
            for code in sorted(ctx.services.units.units_of(ctx.user.id)):
                for u in ctx.services.units.members(code):
                    if u.active:
                        people[u.id] = u
            return sorted(people.values(), key=lambda u: u.full_name), ctx.services.letters.covers_for(ctx.user)

        def done(result) -> None:
            people, covers = result
            self.absent.clear()
            self.delegate.clear()
            for u in people:
                if u.id == ctx.user.id or ctx.user.has(Role.WORKFLOW_MANAGER, Role.UNIT_TEAM_LEADER):
                    self.absent.addItem(u.full_name, u.id)
                if u.has(Role.CASE_OWNER, Role.SENIOR_CASEWORKER):
                    self.delegate.addItem(u.full_name, u.id)
            self.absent.setCurrentIndex(max(self.absent.findData(ctx.user.id), 0))
            text = "; ".join(f"{c.absent} until {c.ends_on:%d %b %Y}" for c in covers)
            self.covering.setText(f"You are covering: {text}." if text else "You are covering nobody today.")
            self.covering.setAccessibleName(self.covering.text())

        ctx.runner.submit(work, done, lambda exc: self.message.show_error(error_text(exc)), owner=self)

    def set_cover(self) -> None:
        ctx = self._ctx
        absent, delegate = self.absent.currentData(), self.delegate.currentData()
        starts, ends = self.starts.date().toPython(), self.ends.date().toPython()

        def done(cover) -> None:
            self.message.show_ok(f"{cover.delegate} covers {cover.absent}'s cases from {cover.starts_on:%d %b} "
                                 f"to {cover.ends_on:%d %b %Y}.")
            self.load()

        ctx.runner.submit(lambda: ctx.services.letters.set_cover(ctx.user, absent_user_id=absent,
                                                                 delegate_user_id=delegate, starts_on=starts,
                                                                 ends_on=ends),
                          done, lambda exc: self.message.show_error(error_text(exc)), owner=self)
