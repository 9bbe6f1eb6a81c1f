"""What happened to an urgent call note, said exactly: queued, sending, not sent (and why), sent, or sent by hand.

On the most urgent path the desk must never say "sent" for a note that is
only in the Outbox.  ``note_said`` words the outbox's own state of the
call note; ``NoteWatch`` re-reads it every few seconds while the urgent
plan is on screen, so the words change when, and only when, they become
true (the mail goes, or someone records sending it by other means).
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from ...notify.outbox import FAILED, SENT, SENT_BY_HAND, OutboxItem
from ..context import DeskContext
from ..models import format_time

WATCH_INTERVAL_MS = 2_000  # quick enough to follow the sender, which wakes at once for a call note
OUTBOX_KEY = "Ctrl+Shift+O"
NOT_SET_UP = "queued, not sent: mail is not set up — telephone the region now, then send the note by other means"


@dataclass(frozen=True)
class NoteSaid:
    delivered: bool  # the note has reached (or been sent by hand to) the region
    title: str  # for the plan's title line: "call note ..."
    sentence: str  # for the message line


def note_said(item: OutboxItem | None, mail_configured: bool, region: str) -> NoteSaid:
    """The words for the call note ``item`` (the newest call note of the enquiry), whatever its state."""
    if item is not None and item.status == SENT:
        at = f" at {format_time(item.sent_at)}" if item.sent_at else ""
        return NoteSaid(True, f"call note sent to {region}{at}", f"urgent call note sent to {region}{at}.")
    if item is not None and item.status == SENT_BY_HAND:
        return NoteSaid(True, f"call note sent to {region} by other means",
                        f"urgent call note sent to {region} by other means (recorded in the Outbox).")
    if item is None:
        return NoteSaid(False, "call note not found in the Outbox",
                        "the urgent call note is not in the Outbox — telephone the region now, then send the note "
                        "by other means.")
    if not mail_configured or (item.status != FAILED and not item.last_error):
        return note_queued(mail_configured)
    return NoteSaid(False, "call note not sent yet: the mail server refused or could not be reached",
                    f"urgent call note queued, not sent: {item.last_error or 'the last try failed'} — "
                    "telephone the region now; the desk keeps trying, or send the note by other means "
                    f"(Outbox, {OUTBOX_KEY}).")


def note_queued(mail_configured: bool) -> NoteSaid:
    """A call note just queued: what can be said before the outbox is read again."""
    if not mail_configured:
        return NoteSaid(False, "call note queued, not sent (mail is not set up)",
                        f"urgent call note {NOT_SET_UP} (Outbox, {OUTBOX_KEY}).")
    return NoteSaid(False, "call note queued, sending…",
                    "urgent call note queued, not sent yet: the desk is sending it now — telephone the region now.")


class NoteWatch(QObject):
    """Re-reads an enquiry's call note from the outbox until it is delivered (or the watch is stopped)."""

    changed = Signal(object)  # NoteSaid, whenever the words change

    def __init__(self, ctx: DeskContext, owner: QObject):
        super().__init__(owner)
        self._ctx = ctx
        self._owner = owner
        self._enquiry_id: int | None = None
        self._region = ""
        self._said: NoteSaid | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    @property
    def said(self) -> NoteSaid | None:
        return self._said

    def watch(self, enquiry_id: int, region: str) -> None:
        self._enquiry_id, self._region, self._said = enquiry_id, region, None
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._enquiry_id = None

    def check(self) -> None:
        """Read the call note's state now (also when the window says the outbox changed)."""
        enquiry_id = self._enquiry_id
        if enquiry_id is None:
            return
        outbox, user = self._ctx.services.outbox, self._ctx.user
        configured = self._ctx.mail_configured() if self._ctx.mail_configured else False

        def work() -> OutboxItem | None:
            notes = [m for m in outbox.messages_for(user, "enquiry", enquiry_id) if m.kind == "call_note"]
            return notes[-1] if notes else None

        def done(item: OutboxItem | None) -> None:
            if enquiry_id != self._enquiry_id:
                return  # the plan was closed meanwhile
            said = note_said(item, configured, self._region)
            if said.delivered:
                self._timer.stop()
            if said != self._said:
                self._said = said
                self.changed.emit(said)

        self._ctx.runner.submit(work, done, lambda exc: None, owner=self._owner)
