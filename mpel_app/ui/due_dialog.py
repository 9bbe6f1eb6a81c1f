"""'Why is it due then?': a due date explained step by step (F8 wherever due dates are listed).

The steps come from the one rule in ``domain/``: an enquiry's regional target
(``domain.targets.explain_regional_due``, through ``GuidanceService.explain_due``)
or a letter's stage deadlines (``domain.correspondence.deadline_why``, through
``CorrespondenceService.explain_deadlines``): when it was received, whether the
18:00 cut-off or a closed day moved day 0, the target (and the file-needed
extension), each working day counted, and the weekends and named bank
holidays skipped.  ``ui.why_due`` puts the key on a list.
"""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from ..domain.targets import DueExplanation, day_text
from .context import DeskContext
from .widgets import heading

Part = tuple[str, DueExplanation]  # a title ("Reply due") and its explanation


class DueExplanationDialog(QDialog):
    def __init__(self, reference: str, why: DueExplanation | Sequence[Part], parent: QWidget | None = None):
        super().__init__(parent)
        parts: list[Part] = [("Due", why)] if isinstance(why, DueExplanation) else list(why)
        self.setWindowTitle(f"Why is {reference} due then?")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Why it is due then")
        if len(parts) == 1:
            self.text.setPlainText("\n".join(parts[0][1].lines))
        else:
            self.text.setPlainText("\n\n".join(f"{title}: by the end of {day_text(w.due)}\n" + "\n".join(w.lines)
                                               for title, w in parts))
        self.text.setAccessibleDescription(self.text.toPlainText())
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.clicked.connect(self.accept)
        close.setDefault(True)
        title, first = parts[0]
        said = "due" if title == "Due" else title[0].lower() + title[1:]
        layout = QVBoxLayout(self)
        layout.addWidget(heading(f"{reference}: {said} by the end of {day_text(first.due)}"))
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.resize(640, 360 if len(parts) == 1 else 480)


def _show(parent: QWidget, reference: str, why) -> None:
    dialog = DueExplanationDialog(reference, why, parent)
    parent.due_dialog = dialog  # kept for the tests and so it is not collected while open
    dialog.show()


def explain_due(parent: QWidget, ctx: DeskContext, enquiry_id: int, said) -> None:
    """Read an enquiry's explanation off the UI thread and show it; ``said(text)`` reports a due date not set yet."""
    guidance, user = ctx.services.guidance, ctx.user

    def done(found) -> None:
        if found is None:
            said("Not sent to a region yet: it has no due date.")
            return
        _show(parent, *found)

    ctx.runner.submit(lambda: guidance.explain_due(user, enquiry_id), done, lambda exc: said(str(exc)), owner=parent)


def explain_letter_due(parent: QWidget, ctx: DeskContext, letter_id: int, said) -> None:
    """A letter's stage deadline and reply deadline, explained (``said(text)`` reports a failure)."""
    letters, user = ctx.services.letters, ctx.user
    ctx.runner.submit(lambda: letters.explain_deadlines(user, letter_id), lambda found: _show(parent, *found),
                      lambda exc: said(str(exc)), owner=parent)
