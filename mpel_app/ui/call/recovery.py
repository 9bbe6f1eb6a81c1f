"""The call screen's crash recovery: what is typed into a verified call is kept locally and offered back.

``TypedFields`` (``ui.call.autosave``) writes the draft as the agent types;
after a crash the screen offers it back once, restoring by default.  If the
call was saved by someone else meanwhile, their change goes into the fields
the agent had not touched (``domain.edits``), as after a refused save; if the
call is no longer open, the text is shown to be copied and kept on disk.

``DraftRecovery`` is a mix-in of ``CallView``; it needs ``typed``,
``message``, ``controller``, ``_ctx``, ``_record``, ``busy`` and the
sections.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from ...domain.calendar import LONDON
from ...domain.edits import merge_edits
from ...domain.records import EnquiryRecord, EnquiryStatus
from ...reports.record_sections import format_date
from ..drafts import CallDraft
from ..enquiry_edits import detail_values, reload_message
from ..models import STATUS_LABELS, format_time
from ..widgets import ask
from .autosave import show_unusable_draft
from .keys import SAVE
from .state import CallState


class DraftRecovery:
    """Writing, discarding and offering back the local draft of the open call (a mix-in: see the module doc)."""

    def write_draft(self) -> None:
        """Write what is typed into the open, verified call to the local draft now."""
        try:
            self.typed.write()
        except OSError as exc:
            self.message.show_error(f"Could not keep a local copy of what you typed ({exc.strerror}): "
                                    f"save with {SAVE.label}.")

    def discard_draft(self) -> None:
        self.typed.discard()

    def confirm_recover(self, draft: CallDraft) -> bool:
        """Ask whether to restore a draft left by a crash; restoring is the default."""
        return ask(self, "Recover unsaved call?",
                   f"MPEL Desk closed before {draft.reference} was saved. What you had typed at "
                   f"{format_time(draft.saved_at)} on {format_date(draft.saved_at.astimezone(LONDON).date())}"
                   " was kept.\n\nRestore it into the call screen?",
                   yes="Restore", no="Discard", default_yes=True, no_role=QMessageBox.DestructiveRole)

    def offer_recovery(self) -> None:
        """After a crash: offer back the call typed but not saved, if there is one."""
        drafts = self._ctx.drafts
        draft = drafts.load() if drafts is not None else None
        if draft is None or self._record is not None or self.busy:
            return
        if not self.confirm_recover(draft):
            drafts.clear()
            return

        def done(rec: EnquiryRecord) -> None:
            if rec.status is not EnquiryStatus.OPEN or not rec.passcode_verified:
                # Kept on disk: the text is still the agent's, to be copied from the details shown.
                status = STATUS_LABELS.get(rec.status, rec.status.value).lower()
                self.message.show_error(f"{rec.reference} is no longer open ({status}), so the recovered text "
                                        "cannot go back into it: copy it from the window shown. The draft is kept "
                                        "until you start a new call.")
                self._show_unusable_draft(draft)
                return
            self._reset_form()
            self._set_record(rec)
            said = (f"Recovered what was typed into {rec.reference} at {format_time(draft.saved_at)}, not yet "
                    f"saved: check it and press {SAVE.label}.")
            if rec.version == draft.record_version:
                self.typed.fill(draft.fields)
                self.message.show_info(said)
            else:
                # Someone saved the call since: their change goes into the fields the agent had not
                # touched, as after a refused save, so saving the recovered text does not undo it.
                theirs = detail_values(rec)
                mine = {key: draft.fields[key] for key in theirs if key in draft.fields}
                merged = merge_edits(draft.base or theirs, mine, theirs)
                self.typed.fill({**draft.fields, **merged.values})
                self.message.show_error(f"{said}\n{reload_message(rec.reference, draft.base or theirs, theirs, merged)}")
            self.caller.set_state(CallState.of(rec))
            self.case.subject_name.setFocus()

        self.controller.get(draft.enquiry_id, done, self._failed(self.message))

    def _show_unusable_draft(self, draft: CallDraft) -> None:
        show_unusable_draft(self, draft)
