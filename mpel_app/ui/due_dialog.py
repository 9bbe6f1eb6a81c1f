"""'Why is it due then?': an enquiry's due date explained step by step (F8 in the queues).

The steps come from the one rule (``domain.targets.explain_regional_due``,
through ``GuidanceService.explain_due``): when it was received, whether
the 18:00 cut-off or a closed day moved day 0, the target (and the
file-needed extension), each working day counted, and the weekends and
named bank holidays skipped.
"""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..domain.targets import DueExplanation
from .context import DeskContext
from .widgets import heading


class DueExplanationDialog(QDialog):
    def __init__(self, reference: str, why: DueExplanation, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Why is {reference} due then?")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Why it is due then")
        self.text.setPlainText("\n".join(why.lines))
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.accept)
        close.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"{reference}: due by the end of {why.lines[-1].rsplit(' of ', 1)[-1].rstrip('.')}"))
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.resize(640, 360)


def explain_due(parent: QWidget, ctx: DeskContext, enquiry_id: int, said) -> None:
    """Read the explanation off the UI thread and show it; ``said(text)`` reports a due date not set yet."""
    guidance, user = ctx.services.guidance, ctx.user

    def done(found) -> None:
        if found is None:
            said("Not sent to a region yet: it has no due date.")
            return
        reference, why = found
        dialog = DueExplanationDialog(reference, why, parent)
        parent.due_dialog = dialog  # kept for the tests and so it is not collected while open
        dialog.show()

    ctx.runner.submit(lambda: guidance.explain_due(user, enquiry_id), done, lambda exc: said(str(exc)), owner=parent)
