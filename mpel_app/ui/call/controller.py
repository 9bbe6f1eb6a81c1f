"""The call screen's use cases, run through the TaskRunner: the only part of the screen that calls services.

Each method takes plain values (never widgets), runs the service calls on
a worker thread, and hands the result to ``done`` (or the failure to
``failed``) on the UI thread, dropped if the screen has gone.  While one
runs the screen is ``busy`` and starts no other.  A batch that stops
part-way fails with ``StepFailed`` carrying the last record saved, so the
screen shows what was saved.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject

from ...domain.errors import ValidationError
from ...domain.records import Channel, Disclosure, EnquiryRecord, SubjectDetails, UrgentContactRecord
from ..context import DeskContext
from .keys import SEND_URGENT


class StepFailed(Exception):
    """A batch of service calls stopped part-way: carries the last record saved before the failure."""

    def __init__(self, record: EnquiryRecord | None, error: Exception):
        super().__init__(str(error))
        self.record = record
        self.error = error


@dataclass(frozen=True)
class CallDetails:
    """What the agent typed into a verified call, read off the sections on the UI thread."""

    subject: SubjectDetails
    question: str
    answer: str
    written_confirmation: bool
    checks: Disclosure
    caller: dict | None  # set_caller's arguments, when the caller changed since the last save
    removal_at: datetime | None
    compassionate: bool
    flag: bool  # save the urgent flags (once flagged in this call they are saved every time)


class CallController(QObject):
    """Starts, verifies, saves, finishes and refuses calls, and records urgent telephone calls."""

    def __init__(self, ctx: DeskContext, owner: QObject):
        super().__init__(owner)
        self._ctx = ctx
        self._owner = owner
        self._busy = False

    @property
    def busy(self) -> bool:
        return self._busy

    def now(self) -> datetime:
        return self._ctx.services.clock.now()

    def run(self, work: Callable, done: Callable, failed: Callable) -> None:
        """Run ``work`` off the UI thread; the screen is busy until ``done`` or ``failed`` is called."""
        self._busy = True

        def finished(value) -> None:
            self._busy = False
            done(value)

        def broke(exc: Exception) -> None:
            self._busy = False
            failed(exc)

        self._ctx.runner.submit(work, finished, broke, owner=self._owner)

    # -------------------------------------------------------------- use cases

    def start(self, channel: Channel, done, failed) -> None:
        svc, user = self._ctx.services.enquiries, self._ctx.user
        self.run(lambda: svc.start(user, channel), done, failed)

    def get(self, rec_id: int, done, failed) -> None:
        svc, user = self._ctx.services.enquiries, self._ctx.user
        self.run(lambda: svc.get(user, rec_id), done, failed)

    def header(self, rec_id: int, done, failed) -> None:
        """The call's status line, read again (not a use case of the screen's own: never makes it busy)."""
        svc, user = self._ctx.services.enquiries, self._ctx.user
        self._ctx.runner.submit(lambda: svc.header(user, rec_id), done, failed, owner=self._owner)

    def regions(self, done) -> None:
        self._ctx.runner.submit(self._ctx.services.reference.regions, done, lambda exc: None, owner=self._owner)

    def duty_region(self, done) -> None:
        """Tonight's duty region's code on the rota, or None."""
        rota = self._ctx.services.rota
        self._ctx.runner.submit(lambda: getattr(rota.tonight(), "region_code", None), done, lambda exc: None,
                                owner=self._owner)

    def verify(self, rec_id: int, caller: dict | None, passcode: str, done, failed) -> None:
        svc, user = self._ctx.services.enquiries, self._ctx.user

        def work() -> EnquiryRecord:
            latest = None
            try:
                if caller is not None:
                    latest = svc.set_caller(user, rec_id, **caller)
                return svc.verify_passcode(user, rec_id, passcode)
            except Exception as exc:
                raise StepFailed(latest, exc) from exc

        self.run(work, done, failed)

    def refuse(self, rec_id: int, reason: str, done, failed) -> None:
        svc, user = self._ctx.services.enquiries, self._ctx.user
        self.run(lambda: svc.refuse(user, rec_id, reason), done, failed)

    def save(self, rec_id: int, version: int, details: CallDetails, finish: str | None, done, failed) -> None:
        """Save the details (against ``version``), then finish: None, "complete", "further_action" or "urgent".

        "urgent" hands ``done`` (record, plan); the others the record.
        """
        svc, urgent_svc, user = self._ctx.services.enquiries, self._ctx.services.urgent, self._ctx.user
        d = details

        def work():
            latest = None
            try:
                # Details first, with the version the agent has been editing: a change by
                # anyone else since then stops everything here (StaleRecord).
                latest = svc.update_details(user, rec_id, subject=d.subject, question=d.question, answer=d.answer,
                                            written_confirmation=d.written_confirmation, expected_version=version)
                if d.caller is not None:
                    latest = svc.set_caller(user, rec_id, **d.caller)
                latest = svc.record_disclosure(user, rec_id, d.checks)
                if d.flag:
                    latest = urgent_svc.flag(user, rec_id, removal_at=d.removal_at, compassionate=d.compassionate)
                if finish in ("complete", "further_action") and latest.urgent:
                    # The service's verdict, should the preview have been stale.
                    raise ValidationError(f"this call is urgent: send the urgent call note with {SEND_URGENT.label}")
                if finish == "complete":
                    latest = svc.complete_first_contact(user, rec_id)
                elif finish == "further_action":
                    latest = svc.mark_further_action(user, rec_id)
                elif finish == "urgent":
                    plan = urgent_svc.send(user, rec_id)
                    return svc.get(user, rec_id), plan
                return latest
            except Exception as exc:
                raise StepFailed(latest, exc) from exc

        self.run(work, done, failed)

    def record_contact(self, rec_id: int, kind: str, spoken_to: str, phone: str, at: datetime, done,
                       failed) -> None:
        urgent_svc, user = self._ctx.services.urgent, self._ctx.user

        def work() -> UrgentContactRecord:
            return urgent_svc.record_contact(user, rec_id, kind=kind, spoken_to=spoken_to, phone=phone, at=at)

        self.run(work, done, failed)
