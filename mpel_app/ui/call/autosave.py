"""What is typed into the call screen, as one set of named fields: kept in a local draft, merged after a reload.

``TypedFields`` knows every field a draft keeps (text fields and ticks, by
the names ``ui.drafts`` and ``ui.enquiry_edits`` use), reads and fills
them whatever kind of widget each is, and writes the draft a moment after
the typing pauses (``DRAFT_DELAY_MS``) while the call is open and verified.
``show_unusable_draft`` shows a recovered draft whose call has gone on.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from ...domain.edits import Merged, merge_edits
from ...domain.records import EnquiryRecord, EnquiryStatus
from ..context import DeskContext
from ..drafts import CallDraft
from ..enquiry_edits import detail_values
from ..models import format_time

DRAFT_DELAY_MS = 1_500  # autosave once typing pauses: a crash loses at most the last second or two


def _text(widget) -> str:
    return widget.toPlainText() if hasattr(widget, "toPlainText") else widget.text()


def _set_text(widget, value: str) -> None:
    if _text(widget) != value:
        (widget.setPlainText if hasattr(widget, "setPlainText") else widget.setText)(value)


class TypedFields(QObject):
    """The call's typed fields by name, and their local draft."""

    def __init__(self, ctx: DeskContext, texts: dict, flags: dict, record: Callable[[], EnquiryRecord | None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.texts, self.flags = texts, flags
        self._record = record
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DRAFT_DELAY_MS)
        for edit in texts.values():
            edit.textChanged.connect(self._typed)
        for box in flags.values():
            box.toggled.connect(self._typed)

    def values(self) -> dict[str, object]:
        return {**{n: _text(e) for n, e in self.texts.items()}, **{n: b.isChecked() for n, b in self.flags.items()}}

    def fill(self, values: dict[str, object]) -> None:
        """Put ``values`` into the fields they name (text into text fields, ticks into check boxes)."""
        for name, edit in self.texts.items():
            if isinstance(values.get(name), str):
                _set_text(edit, values[name])
        for name, box in self.flags.items():
            if isinstance(values.get(name), bool):
                box.setChecked(values[name])

    def merge_theirs(self, base: dict[str, object], fresh: EnquiryRecord) -> tuple[dict, Merged]:
        """Their saved change into the fields the agent had not touched; the agent's typing stays."""
        theirs = detail_values(fresh)
        mine = self.values()
        merged = merge_edits(base, {k: mine[k] for k in theirs}, theirs)
        self.fill(merged.values)
        return theirs, merged

    def _writable(self) -> EnquiryRecord | None:
        rec = self._record()
        if self._ctx.drafts is None or rec is None or rec.status is not EnquiryStatus.OPEN \
                or not rec.passcode_verified:
            return None
        return rec

    def _typed(self, *_args) -> None:
        if self._writable() is not None:
            self.timer.start()

    def write(self) -> None:
        """Write what is typed into the open, verified call to the local draft now (OSError if it cannot)."""
        self.timer.stop()
        rec = self._writable()
        if rec is None:
            return
        self._ctx.drafts.save(CallDraft(enquiry_id=rec.id, reference=rec.reference, record_version=rec.version,
                                        saved_at=self._ctx.services.clock.now(), fields=self.values(),
                                        base=detail_values(rec)))

    def discard(self) -> None:
        self.timer.stop()
        if self._ctx.drafts is not None:
            self._ctx.drafts.clear()


def show_unusable_draft(parent, draft: CallDraft) -> None:
    """The text of a draft that can no longer go back into its call (finished elsewhere), to copy by hand."""
    lines = [f"{name.replace('_', ' ')}: {value}" for name, value in draft.fields.items()
             if isinstance(value, str) and value.strip()]
    box = QMessageBox(QMessageBox.Information, "Recovered text", f"Typed into {draft.reference} at "
                      f"{format_time(draft.saved_at)}, not saved:", parent=parent)
    box.setDetailedText("\n".join(lines) or "(nothing was typed)")
    box.exec()
