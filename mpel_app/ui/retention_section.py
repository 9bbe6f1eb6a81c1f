"""Retention for call records from the desk (issue 17): the years kept, what is due, and running it.

A section of the People's data view, for administrators (``Action.PURGE_RECORDS``): the same service as
``mpel purge-records`` (``RetentionService``), run through the TaskRunner.  *Show what is due* is the dry
run; *Anonymise now* asks first, then anonymises and lists what went.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget

from ..domain.data_rights import MAX_RETENTION_YEARS, MIN_RETENTION_YEARS
from .context import DeskContext
from .widgets import MessageLabel, ask, button, error_text, labelled


class RetentionSection(QGroupBox):
    done = Signal(object)  # the RetentionReport shown

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, confirm=None):
        super().__init__("Retention of call records", parent)
        self.setAccessibleName("Retention of call records")
        self._ctx = ctx
        self._confirm = confirm or (lambda text: ask(self, "Anonymise call records", text, yes="Anonymise",
                                                     no="Cancel"))
        form = QFormLayout()
        self.years = labelled(form, "&Years kept after the year closed:", QSpinBox())
        self.years.setRange(MIN_RETENTION_YEARS, MAX_RETENTION_YEARS)
        self.years.setMaximumWidth(90)
        self.save_button = button("Sa&ve years", "Keep closed call records this many years after the year they closed")
        self.save_button.clicked.connect(self.save_years)
        self.due_button = button("Show what is &due", "List the closed call records past the limit (changes nothing)")
        self.due_button.clicked.connect(self.show_due)
        self.run_button = button("&Anonymise now…", "Anonymise the records past the limit, as an erasure does")
        self.run_button.clicked.connect(self.run)
        row = QHBoxLayout()
        for b in (self.save_button, self.due_button, self.run_button):
            row.addWidget(b)
        row.addStretch()
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Retention report")
        self.report.setMaximumHeight(120)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.report)
        ctx.runner.submit(lambda: ctx.services.retention.years(ctx.user), self.years.setValue,
                          self._failed, owner=self)

    def _failed(self, exc: Exception) -> None:
        self.message.show_error(error_text(exc))

    def _show(self, report) -> None:
        self.report.setPlainText("\n".join(report.lines()))
        self.done.emit(report)

    def save_years(self) -> None:
        ctx, years = self._ctx, self.years.value()
        ctx.runner.submit(lambda: ctx.services.retention.set_years(ctx.user, years),
                          lambda _: self.message.show_ok(f"Closed call records are kept {years} years after the "
                                                         "year they closed."), self._failed, owner=self)

    def show_due(self) -> None:
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.retention.due(ctx.user), self._show, self._failed, owner=self)

    def run(self) -> None:
        if not self._confirm("Anonymise every closed call record past the retention limit? Names, dates of birth, "
                             "references and case text go for good; the statistics stay."):
            return
        ctx = self._ctx
        ctx.runner.submit(lambda: ctx.services.retention.purge(ctx.user), self._show, self._failed, owner=self)
