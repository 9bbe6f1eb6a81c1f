"""A call record started from the telephone (issue 9): on answer by itself, or from the ringing strip's key.

The ringing strip (ui/telephony/ringing_strip.py) says who is calling; this
starts the record the way an agent would, on the Telephone channel, and then:

* the member is chosen when the caller ID is exactly their office's number,
  and only offered (typed in, the suggestion open, Enter to confirm) when the
  number was *learned* from earlier calls -- it may be someone else's now;
* the call is linked to the record (``services.calls.link_enquiry``), so the
  record shows the call's wait and talk time and the call leaves Missed calls;
* the focus goes to the passcode box: nothing personal is shown before it.

A call answered while another record is open on this screen does not replace
it: the agent is told, and starts the new record with the strip's key when
they have finished (a record half typed is never thrown away by the phone).
"""
from __future__ import annotations

from PySide6.QtCore import QObject

from ...domain.call_records import EXACT, LEARNED, RingingCall
from ...domain.records import Channel, EnquiryRecord, EnquiryStatus
from ..widgets import error_text
from ..telephony.ringing_strip import START_RECORD_KEYS


class PhoneStart(QObject):
    def __init__(self, view, ctx) -> None:
        super().__init__(view)
        self._view, self._ctx = view, ctx

    def start(self, call: RingingCall, *, automatic: bool = False) -> None:
        """Start a record for ``call``; ``automatic``: because this person just answered it."""
        view = self._view
        if call.enquiry_id is not None or view.busy:
            return  # already has its record (or the screen is mid-step: the strip's key is still there)
        open_call = view.record
        if automatic and open_call is not None and open_call.status is EnquiryStatus.OPEN:
            view.message.show_info(f"You answered a call from {call.number} ({call.who}). {open_call.reference} "
                                   f"is still open here: finish it, then {START_RECORD_KEYS} starts the new "
                                   "call's record.")
            return
        view.new_call(channel=Channel.TELEPHONE, then=lambda rec: self._started(call, rec))

    def _started(self, call: RingingCall, rec: EnquiryRecord) -> None:
        view, ctx = self._view, self._ctx
        calls, members, user = ctx.services.calls, ctx.services.members, ctx.user
        view.message.show_info(f"{rec.reference} started from the call from {call.number} ({call.who}).")

        def linked(_call_record) -> None:
            if call.member_id is None or call.match_kind not in (EXACT, LEARNED):
                view.caller.member_edit.setFocus()
                return
            ctx.runner.submit(lambda: members.get(call.member_id), chosen,
                              lambda exc: view.message.show_error(error_text(exc)), owner=view)

        def chosen(member) -> None:
            if view.record is None or view.record.id != rec.id:
                return  # the agent moved on meanwhile
            if call.match_kind == EXACT:
                view.caller.choose(member)
                view.passcode.focus_gate()
            else:
                view.caller.offer(member)
                view.message.show_info(f"{rec.reference}: this number rang before for {member.display_name} "
                                       "(a caseworker's line?). Check who is calling, then Enter to choose them.")

        ctx.runner.submit(lambda: calls.link_enquiry(call.call_id, rec.id, user), linked,
                          lambda exc: view.message.show_error(error_text(exc)), owner=view)
