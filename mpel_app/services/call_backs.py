"""Call backs between the desk and the CTI bridge: the desk queues them, the bridge places them.

The desk never holds the phone system's secret (issue 19: service processes
have their own logins and the desk none of their secrets), so "Call back"
writes a ``call_backs`` row (``CallService.callback_request``, audited) and
``mpel cti serve`` -- the one process with an AMI session -- takes the pending
rows in order, rings the agent's own phone with ``Originate`` and records what
the phone system said.  The desk shows that state (``status``), so the agent
is told whether the call back is on its way, placed, or must be dialled by hand.

A row not taken within ``STALE_AFTER`` (no bridge running, or a webhook-only
bridge, which cannot place calls) is reported as failed to the desk, which
then shows the number to dial.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..db.models import CallBack, Call
from ..db.uow import UnitOfWork
from ..domain.call_records import CALL_BACK_FAILED, CALL_BACK_PENDING, CALL_BACK_PLACED, CallbackRequest
from ..domain.clock import Clock
from ..domain.errors import NotFound
from ..domain.records import UserRecord
from ..domain.values import is_row_id
from . import audit

STALE_AFTER = timedelta(seconds=30)
NOT_TAKEN = ("The phone system did not take the call back within 30 seconds (is the CTI bridge running with the "
             "Asterisk Manager Interface?): dial the number yourself.")


class CallBackQueue:
    def __init__(self, uow: UnitOfWork, clock: Clock):
        self._uow, self._clock = uow, clock

    def pending(self, limit: int = 20) -> list[CallbackRequest]:
        """For the bridge: the call backs waiting to be placed, oldest first (not yet stale)."""
        since = self._clock.now() - STALE_AFTER
        with self._uow.read() as s:
            rows = s.execute(select(CallBack, Call.call_id).join(Call, Call.id == CallBack.call_id)
                             .where(CallBack.state == CALL_BACK_PENDING, CallBack.requested_at >= since)
                             .order_by(CallBack.requested_at, CallBack.id).limit(limit)).all()
            return [_request(row, call_id) for row, call_id in rows]

    def finish(self, call_back_id: int, *, placed: bool, message: str) -> None:
        """For the bridge: what the phone system said.  A row already finished is left as it is."""
        with self._uow() as s:
            row = s.get(CallBack, call_back_id, with_for_update=True)
            if row is None or row.state != CALL_BACK_PENDING:
                return
            row.state = CALL_BACK_PLACED if placed else CALL_BACK_FAILED
            row.done_at, row.message = self._clock.now(), " ".join(message.split())[:200]
            audit.record(s, None, self._clock.now(), "call", row.call_id,
                         "call back placed" if placed else "call back failed", {"message": row.message})

    def status(self, user: UserRecord, call_back_id: int) -> CallbackRequest:
        """For the desk that asked: where its call back stands; pending too long reads as failed."""
        if not is_row_id(call_back_id):
            raise NotFound("No such call back")
        with self._uow.read() as s:
            found = s.execute(select(CallBack, Call.call_id).join(Call, Call.id == CallBack.call_id)
                              .where(CallBack.id == call_back_id, CallBack.requested_by_id == user.id)).first()
            if found is None:
                raise NotFound("No such call back of yours")
            request = _request(*found)
            if request.state == CALL_BACK_PENDING and found[0].requested_at < self._clock.now() - STALE_AFTER:
                return CallbackRequest(request.call_id, request.number, request.interface, request.extension,
                                       request.id, CALL_BACK_FAILED, NOT_TAKEN)
            return request


def _request(row: CallBack, call_id: str) -> CallbackRequest:
    extension = row.interface.rpartition("/")[2]
    return CallbackRequest(call_id, row.number_e164, row.interface, extension, row.id, row.state, row.message)
