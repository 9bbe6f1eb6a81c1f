"""From the adapters to the call store: the Enquiry Line's queue filter, de-duplication, delivery.

Both adapters (AMI, HTTP webhooks) hand their ``CtiEvent``s to a ``Bridge``:

* ``queues``: when given, a call in a queue not named there is not the Enquiry
  Line's and is dropped.  Events with no queue (an inbound call that rang an
  extension directly, an outbound call) always pass: direct calls are the
  Enquiry Line's whether or not the extension is yet linked to a user.
* An event whose ``event_key`` was delivered already (replayed by the PBX after
  a reconnect, a webhook retried) is dropped; the memory of keys is bounded.
* The sink's exception for one event is logged and the bridge carries on: one
  bad call must not stop the phones being logged.

``DeliveryQueue`` puts a thread between the adapters and the sink: the sink
writes to the database, which must not stall the AMI reader or a webhook's
answer, and events reach the sink one at a time in the order they arrived.
``close()`` delivers everything already queued before it returns.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Iterable

from .events import CallEventSink, CtiEvent

log = logging.getLogger(__name__)


class SeenSet:
    """A bounded memory of keys: the oldest are forgotten first."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._keys: OrderedDict[str, None] = OrderedDict()

    def add(self, key: str) -> bool:
        """Remember ``key``; False when it was already known."""
        if key in self._keys:
            self._keys.move_to_end(key)
            return False
        self._keys[key] = None
        if len(self._keys) > self.limit:
            self._keys.popitem(last=False)
        return True

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)


class Bridge:
    """Filter and de-duplicate events, then hand them to the sink (one at a time, synchronously)."""

    def __init__(self, sink: CallEventSink, *, queues: Iterable[str] = (), seen_limit: int = 20_000) -> None:
        self.sink = sink
        self.queues = frozenset(q for q in queues if q)
        self._seen = SeenSet(seen_limit)
        self._lock = threading.Lock()
        self.delivered = 0
        self.failed = 0

    def wanted(self, event: CtiEvent) -> bool:
        return not self.queues or event.queue is None or event.queue in self.queues

    def deliver(self, event: CtiEvent) -> bool:
        """True when the sink took the event; False when filtered, a duplicate, or the sink failed."""
        with self._lock:
            if not self.wanted(event):
                log.debug("call %s in queue %r is not the Enquiry Line's: ignored", event.call_id, event.queue)
                return False
            if event.event_key is not None and event.event_key in self._seen:
                log.info("%s for call %s seen before (replayed): ignored", event.event, event.call_id)
                return False
            try:
                self.sink.handle(event)
            except Exception:  # one bad event must not stop the bridge
                self.failed += 1
                log.exception("the call store refused %s for call %s", event.event, event.call_id)
                return False
            if event.event_key is not None:
                self._seen.add(event.event_key)  # only once stored: a failed event may come again
            self.delivered += 1
            return True


class DeliveryQueue:
    """A worker thread delivering events to a ``Bridge`` in arrival order; thread-safe ``put``."""

    _STOP = object()

    def __init__(self, bridge: Bridge, *, name: str = "mpel-cti-delivery") -> None:
        self.bridge = bridge
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, event: CtiEvent) -> None:
        self._queue.put(event)

    # a DeliveryQueue is itself a sink, so adapters need not know which they feed
    handle = put

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is self._STOP:
                return
            if isinstance(item, threading.Event):  # join(): everything before it is delivered
                item.set()
                continue
            self.bridge.deliver(item)  # type: ignore[arg-type]

    def close(self, timeout: float | None = None) -> None:
        """Deliver everything queued so far, then stop the worker."""
        self._queue.put(self._STOP)
        self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far has been delivered."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)
