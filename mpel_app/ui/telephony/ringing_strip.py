"""The ringing strip: who is calling, before the agent picks up, and a keyboard way to start the record.

``RingingBar`` sits above the views and holds one ``RingingStrip`` per call
ringing for this person's phone (or answered by them and not yet written
up).  A strip shows the number formatted for a person, who it is ("Jane
Smith MP's office", "caseworker for …", "unknown number", "number withheld")
and that office's last five enquiries: reference, status and date only —
nothing about any subject, since no passcode has been given yet.

``RingingController`` keeps the bar current: when the live-change mechanism
(``ui.change_watcher``, entity ``calls``) reports that calls changed, it
loads ``services.calls.ringing_for(user)`` through the TaskRunner (newest
load only) and hands the result to the bar.  A slow timer also reloads, so a
call whose end the PBX never reported leaves the strip.

Starting a record: ``answered(RingingCall)`` when this person picks up (a
record starts by itself), or the strip's button, or Ctrl+Shift+R anywhere in
the window for the first call, emits ``start_record(RingingCall)``; the call
screen takes it from there (member pre-picked when the match is exact,
offered when only learned; the call linked with ``services.calls.link_enquiry``).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...db.changes import CALLS
from ...domain.call_records import EXACT, LEARNED, WITHHELD, RingingCall
from ...reports.record_sections import to_london
from ..context import DeskContext
from ..widgets import button, error_text

START_RECORD_KEYS = "Ctrl+Shift+R"
RELOAD_MS = 30_000
START_LABEL = "Start record from this call"
_STATUS_WORDS = {"with_region": "with region", "further_action": "further action"}
_STRIP_STYLE = ("QFrame#ringingStrip { background: #fff8e1; border: 2px solid #b26a00; border-radius: 4px; }"
                "QFrame#ringingStrip[answered=\"true\"] { background: #e8f5e9; border-color: #1b5e20; }")


def _status(text: str) -> str:
    return _STATUS_WORDS.get(text, text.replace("_", " "))


class RingingStrip(QFrame):
    """One call: the caller, who it is, the office's recent enquiries, and Start record."""

    start_record = Signal(object)  # RingingCall

    def __init__(self, call: RingingCall, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ringingStrip")
        self.setStyleSheet(_STRIP_STYLE)
        self.setFocusPolicy(Qt.NoFocus)
        self.number = QLabel()
        self.number.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.number.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.who = QLabel()
        self.who.setStyleSheet("font-size: 12pt;")
        self.state = QLabel()
        self.recent = QLabel()
        self.recent.setWordWrap(True)
        self.recent.setTextFormat(Qt.PlainText)
        # No mnemonic: the strip shows over every view, whose own Alt+letters it must not steal.
        self.start_button = button(START_LABEL, "Start a telephone record for this caller", auto_default=True)
        self.start_button.clicked.connect(lambda: self.start_record.emit(self.call))
        caller = QVBoxLayout()
        caller.setSpacing(1)
        caller.addWidget(self.number)
        caller.addWidget(self.who)
        caller.addWidget(self.state)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addLayout(caller, 0)
        row.addWidget(self.recent, 1)
        row.addWidget(self.start_button, 0, Qt.AlignVCenter)
        self.call = call
        self.show_call(call)

    def show_call(self, call: RingingCall) -> None:
        self.call = call
        self.number.setText(call.number)
        who = call.who[:1].upper() + call.who[1:]
        if call.match_kind == WITHHELD:
            who = "The caller hid their number"
        elif call.match_kind == LEARNED:
            who += " (learned from earlier calls: check)"
        self.who.setText(who)
        answered = call.answered_at is not None
        when = to_london(call.answered_at or call.offered_at).strftime("%H:%M:%S")
        queue = f" in queue {call.queue}" if call.queue else ""
        self.state.setText(f"You answered at {when}" if answered else f"Ringing{queue} since {when}")
        self.setProperty("answered", "true" if answered else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        if call.recent:
            lines = [f"{e.reference}  {_status(e.status)}  {to_london(e.received_at).strftime('%d %b %Y')}"
                     for e in call.recent]
            self.recent.setText("This office's last enquiries:\n" + "\n".join(lines))
        elif call.match_kind in (EXACT, LEARNED):
            self.recent.setText("No earlier enquiries from this office.")
        else:
            self.recent.setText("")
        spoken = f"Call from {call.number}, {call.who}. {self.state.text()}."
        self.setAccessibleName(spoken)
        self.setAccessibleDescription(self.recent.text())


class RingingBar(QWidget):
    """The strips of the calls ringing for this desk; hidden when none is."""

    start_record = Signal(object)  # RingingCall
    call_arrived = Signal(object)  # RingingCall: a call this bar had not shown before
    answered = Signal(object)  # RingingCall: this person just answered it: the call screen starts a record

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Ringing calls")
        self.strips: dict[str, RingingStrip] = {}
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(4, 4, 4, 4)
        self._column.setSpacing(4)
        self.message = QLabel()
        self.message.setStyleSheet("color: #9b0000;")
        self.message.hide()
        self._column.addWidget(self.message)
        self.shortcut = QShortcut(QKeySequence(START_RECORD_KEYS), self, context=Qt.WindowShortcut)
        self.shortcut.activated.connect(self.start_first)
        self.suspended = False
        self.hide()

    def set_suspended(self, on: bool) -> None:
        """While the desk is locked the strip stays hidden, whatever rings (it names callers' offices)."""
        self.suspended = on
        self.setVisible(bool(self.strips) and not on)

    def show_calls(self, calls: list[RingingCall]) -> None:
        self.message.hide()
        wanted = {c.call_id: c for c in calls}
        for call_id in [k for k in self.strips if k not in wanted]:
            strip = self.strips.pop(call_id)
            strip.hide()
            strip.deleteLater()
        for call in calls:
            strip = self.strips.get(call.call_id)
            was_answered = strip is not None and strip.call.answered_by_me
            if strip is None:
                strip = RingingStrip(call, self)
                strip.start_record.connect(self.start_record)
                self.strips[call.call_id] = strip
                self._column.addWidget(strip)
                self.call_arrived.emit(call)
            else:
                strip.show_call(call)
            if call.answered_by_me and not was_answered:
                self.answered.emit(call)
        first = self._first()
        for strip in self.strips.values():  # the keys go to one call: say which
            text = f"{START_LABEL} ({START_RECORD_KEYS})" if strip.call is first else START_LABEL
            strip.start_button.setText(text)
            strip.start_button.setAccessibleName(text)
        self.setVisible(bool(self.strips) and not self.suspended)
        if calls and not self.suspended and self.window() is not None and self.window().isWindow():
            QApplication.alert(self.window())  # flashes the task bar when the desk is minimised

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.show()

    def _first(self) -> RingingCall | None:
        """The call Ctrl+Shift+R takes: the one this person answered, else the one ringing longest."""
        calls = sorted((s.call for s in self.strips.values()), key=lambda c: (c.answered_at is None, c.offered_at))
        return calls[0] if calls else None

    def start_first(self) -> None:
        first = self._first()
        if first is not None:
            self.start_record.emit(first)


class RingingController(QObject):
    """Reloads the bar when calls change (``changes``: a ``ChangeWatcher``'s ``changed`` signal).

    One load at a time: a change heard while a load runs asks for one more load when it ends, and
    every load's answer is shown.  (Dropping an answer overtaken by a later request, as lists do,
    starves the strip while a burst of calls keeps the notices coming: nothing would show until the
    burst ended.)  Loads finish in the order they started, so an older answer never replaces a newer.
    """

    loaded = Signal(object)  # list[RingingCall], after each load (tests and benchmarks wait on it)
    # Emit from any thread after a bridge in this same process stored an event: the strip reloads at once.
    # (A desk with a separate `mpel cti serve` hears of calls through the ChangeWatcher: NOTIFY, or the
    # SQLite file's change notice.)
    recorded = Signal()

    def __init__(self, ctx: DeskContext, bar: RingingBar, changed=None, *, reload_ms: int = RELOAD_MS):
        super().__init__(bar)
        self._ctx = ctx
        self.bar = bar
        self._loading = self._again = False
        if changed is not None:
            changed.connect(self.on_changed)
        self.recorded.connect(self.refresh, Qt.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.setInterval(reload_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def on_changed(self, entities) -> None:
        if CALLS in entities:
            self.refresh()

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        calls, user = self._ctx.services.calls, self._ctx.user
        self._ctx.runner.submit(lambda: calls.ringing_for(user), self._show, self._failed, owner=self.bar)

    def _show(self, calls: list[RingingCall]) -> None:
        self._loading = False
        self.bar.show_calls(calls)
        self.loaded.emit(calls)
        self._next()

    def _failed(self, exc: Exception) -> None:
        self._loading = False
        self.bar.show_error(f"Ringing calls could not be loaded: {error_text(exc)}")
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.refresh()
