"""The call screen after an urgent call note is sent: the plan of whom to telephone, and the note's honest status.

The plan (``UrgentPlanPanel``) replaces the form until the agent has recorded
the call the plan asked for; the message line says exactly what became of the
call note ("queued, not sent" until the outbox has really sent it, followed by
``NoteWatch``) and whom to telephone now.

``UrgentFlow`` is a mix-in of ``CallView``; it needs ``plan_panel``,
``form_area``, ``footer``, ``message``, ``note_watch``, ``_ctx``, ``_record``,
``busy``, ``plan`` and ``_finished``.
"""
from __future__ import annotations

from ...domain.records import EnquiryRecord, UrgentPlan
from ...domain.written_confirmation import can_be_emailed
from .note_status import NoteSaid, note_queued


def written_confirmation_said(rec: EnquiryRecord) -> str:
    """What became of the written confirmation the office asked for (services queue it with the step that
    finished the call; without an office e-mail address a case handed on goes without it)."""
    if not rec.written_confirmation or rec.member is None:
        return ""
    if can_be_emailed(rec.member.office_email):  # as the service decided, by the one rule
        return f" Written confirmation queued to {rec.member.display_name}'s office (Outbox)."
    return (f" Written confirmation NOT sent: {rec.member.display_name}'s office has no e-mail address on record — "
            "send a letter by hand.")


class UrgentFlow:
    """The urgent plan and call note status on the call screen (a mix-in: see the module doc)."""

    def record_call(self) -> None:
        """Record the telephone call the urgent plan asked for (the panel's form)."""
        self.plan_panel.record_call()

    def finish_urgent(self) -> None:
        """Clear the form for the next call once the urgent call is recorded (asks once if it is not)."""
        rec = self._record
        if self.busy or rec is None:
            return
        text = self.plan_panel.finished_text()
        if text is not None:
            self._finished(rec, text)

    def _show_plan(self, plan: UrgentPlan) -> None:
        said = note_queued(bool(self._ctx.mail_configured and self._ctx.mail_configured()))
        self.plan_panel.show_plan(plan, self._record, said.title)
        # The form is saved and closed: the plan takes the whole screen, with the call summed up in it.
        self.form_area.setVisible(False)
        self.footer.show_finish_buttons(False)
        self._show_note(said)
        self.note_watch.watch(self._record.id, plan.region_name)
        self.plan_panel.spoken_to.setFocus()

    def _show_note(self, said: NoteSaid) -> None:
        """Say what happened to the call note, truthfully, until it has gone (``NoteWatch`` follows the outbox)."""
        plan = self.plan
        if plan is None:
            return
        self.plan_panel.show_note(said.title)
        text = (f"{plan.reference}: {said.sentence} Telephone {plan.call_name} now on {plan.call_phone}, "
                "then record the call." + written_confirmation_said(self._record))
        (self.message.show_ok if said.delivered else self.message.show_error)(text)

    def _clear_plan(self) -> None:
        self.note_watch.stop()
        self.plan_panel.clear()
        self.form_area.setVisible(True)
        self.footer.show_finish_buttons(True)
