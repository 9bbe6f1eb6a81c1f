"""CTI event → ringing strip data ready, with 20 calls ringing at once, on a large enquiry table.

    python -m benchmarks.cti_screen_pop [--rows N] [--backend sqlite|postgresql|both] [--rounds R] [--desk-rounds D]

For each backend it builds (or reuses) the benchmark database of ``benchmarks.build_db``
(N enquiries, default 1,000,000; 650 members with office numbers; 60 call agents), gives
20 agents a phone identity (``PJSIP/2001``…), then, for each of R rounds:

1. **screen pop under a burst**: the bridge (its own ``Services``) records 20 ``newCall``
   events back to back, each from a member's office number and ringing a different agent.
   As soon as event *i* is stored, desk *i* (a thread with its own ``Services``, as a
   separate PC would have) runs ``services.calls.ringing_for(agent)``: the strip's data,
   the office's last five enquiries included.  Latency *i* = from the bridge starting to
   record event *i* to desk *i* holding its strip's data, so it includes waiting behind
   the earlier calls of the burst.  Then all 20 calls are hung up (not timed).
2. **widget**: on the main thread, the ``RingingBar`` (offscreen Qt) shown with each
   desk's data (``show_calls``), timed apart.
3. **baseline**: the same lookups in raw SQL on a raw driver connection (member by office
   number; its five newest live enquiries), one after another.

4. **end to end on a desk** (``--desk-rounds``): the whole path a person sees.  The bridge
   is a separate process (as ``mpel cti serve`` is) recording the burst of 20; one desk
   (this process: its own ``Services``, the real ``ChangeWatcher`` with the real 2 s SQLite
   poll and its file-change wake-up, or PostgreSQL LISTEN, a ``RingingController`` loading
   through the ``TaskRunner``, an offscreen ``RingingBar``) is the phone of call *k* of the
   burst, *k* = round mod 20.  Latency = from the bridge starting to record call *k* to the
   desk's bar holding its strip (``time.monotonic``, one clock for both processes).

And once per backend, **change notice**: the time from the bridge's ``record()`` to a
desk's ``ChangeListener`` reporting ``calls`` (PostgreSQL ``NOTIFY``; SQLite polls
``data_version`` every ``POLL_SECONDS``), over ``--notices`` single calls.

Figures are printed (p50 / p95 / max, ms) with the machine's load average; nothing is
asserted.  The target (issue 9): event → strip shown, p95 ≤ 250 ms.
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from mpel_app.app import Services, open_database
from mpel_app.db.changes import CALLS, POLL_SECONDS, ChangeListener
from mpel_app.db.mappers import user_record
from mpel_app.db.models import User
from mpel_app.telephony.events import HANGUP, NEW_CALL, NORMAL_CLEARING, CtiEvent

from . import build_db

RINGING = 20


@dataclass
class Figures:
    backend: str
    label: str
    samples: list[float]

    def line(self) -> str:
        s = sorted(self.samples)
        p95 = s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]
        return (f"{self.backend:<11} {self.label:<44} {len(s):>5} {statistics.median(s):>9.1f} {p95:>9.1f} "
                f"{s[-1]:>9.1f}")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _agents(services: Services) -> list:
    with services.uow.read() as s:
        admin = user_record(s.get(User, build_db.ADMIN_ID))
        agents = [user_record(s.get(User, build_db.AGENT_ID + i)) for i in range(RINGING)]
    for i, agent in enumerate(agents):
        services.calls.set_identity(admin, agent.id, interfaces=f"PJSIP/{2001 + i}", extension=str(2001 + i),
                                    queues="mpel")
    return agents


def _numbers(rng: random.Random) -> list[str]:
    # build_db's members have office numbers +44207219NNNN; the PBX sends them in national form.
    return [f"020 7219 {rng.randint(1, build_db.N_MEMBERS):04d}" for _ in range(RINGING)]


def burst(bridge: Services, desks: list[Services], agents: list, numbers: list[str]) -> tuple[list[float], list]:
    run = uuid.uuid4().hex[:8]
    stored = [threading.Event() for _ in range(RINGING)]
    started = [0.0] * RINGING
    latency = [0.0] * RINGING
    results: list = [None] * RINGING
    errors: list[BaseException] = []

    def desk(i: int) -> None:
        try:
            stored[i].wait()
            results[i] = desks[i].calls.ringing_for(agents[i])
            latency[i] = (time.perf_counter() - started[i]) * 1000
        except BaseException as exc:  # noqa: BLE001 - reported after the round
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(RINGING)]
    for t in threads:
        t.start()
    for i in range(RINGING):
        started[i] = time.perf_counter()
        bridge.calls.record(CtiEvent(event=NEW_CALL, call_id=f"bench-{run}-{i}", at=_now(), queue="mpel",
                                     from_number=numbers[i], users=(f"PJSIP/{2001 + i}",), source="ami"))
        stored[i].set()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    for i in range(RINGING):
        bridge.calls.record(CtiEvent(event=HANGUP, call_id=f"bench-{run}-{i}", at=_now(), cause=NORMAL_CLEARING))
    return latency, results


def baseline(url: str, numbers: list[str]) -> list[float]:
    """The essential look-up in raw SQL on a raw driver connection: member by number, its five newest."""
    e164 = ["+44" + n.replace(" ", "")[1:] for n in numbers]
    member_sql = "SELECT id FROM members WHERE office_phone = {p}"
    recent_sql = ("SELECT id, reference, status, channel, received_at FROM enquiries WHERE member_id = {p} "
                  "AND deleted_at IS NULL ORDER BY received_at DESC, id DESC LIMIT 5")
    times = []
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1])
        p = "?"
    else:
        import psycopg
        from sqlalchemy import make_url

        u = make_url(url)
        conn = psycopg.connect(host=u.query.get("host", u.host), user=u.username, dbname=u.database,
                               port=u.port, autocommit=True)
        p = "%s"
    try:
        for number in e164:
            t0 = time.perf_counter()
            member = conn.execute(member_sql.format(p=p), (number,)).fetchone()
            conn.execute(recent_sql.format(p=p), (member[0],)).fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    return times


def notices(bridge: Services, desk: Services, count: int) -> list[float]:
    arrived = threading.Event()
    listener = ChangeListener(desk.engine, lambda entities: arrived.set() if CALLS in entities else None)
    listener.start()
    listener.wait_ready(10)
    times = []
    try:
        for n in range(count):
            arrived.clear()
            call_id = f"notice-{uuid.uuid4().hex[:8]}"
            t0 = time.perf_counter()
            bridge.calls.record(CtiEvent(event=NEW_CALL, call_id=call_id, at=_now(), from_number="2001"))
            arrived.wait(10)
            times.append((time.perf_counter() - t0) * 1000)
            bridge.calls.record(CtiEvent(event=HANGUP, call_id=call_id, at=_now(), cause=NORMAL_CLEARING))
            time.sleep(0.05)  # let the hang-up's own notice go by before the next call
    finally:
        listener.stop()
    return times


def _bridge_process(url: str, conn) -> None:
    """The CTI bridge as its own process: records what the desk benchmark asks, says when it began."""
    bridge = open_database(url, upgrade=False)
    try:
        while (order := conn.recv()) is not None:
            kind, run, k, numbers = order
            began = 0.0
            for i in range(RINGING):
                if kind == "burst":
                    if i == k:
                        began = time.monotonic()
                    # call k rings the desk's own phone (2001); the others ring the other 19 agents
                    phone = f"PJSIP/{2001 + (i - k) % RINGING}"
                    bridge.calls.record(CtiEvent(event=NEW_CALL, call_id=f"desk-{run}-{i}", at=_now(), queue="mpel",
                                                 from_number=numbers[i], users=(phone,), source="ami"))
                else:
                    bridge.calls.record(CtiEvent(event=HANGUP, call_id=f"desk-{run}-{i}", at=_now(),
                                                 cause=NORMAL_CLEARING))
            conn.send(began)
    finally:
        bridge.close()


def desk_times(url: str, agent, rounds: int, rng: random.Random) -> list[float]:
    """Event -> strip shown on a real desk (see step 4 of the module docstring)."""
    import multiprocessing

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from mpel_app.ui.change_watcher import ChangeWatcher
    from mpel_app.ui.context import DeskContext
    from mpel_app.ui.task_runner import TaskRunner
    from mpel_app.ui.telephony.ringing_strip import RingingBar, RingingController

    app = QApplication.instance() or QApplication([])
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    bridge = spawn.Process(target=_bridge_process, args=(url, theirs), daemon=True)
    bridge.start()
    desk = open_database(url, upgrade=False)
    bar = RingingBar()
    bar.show()
    ctx = DeskContext(services=desk, user=agent, runner=TaskRunner())
    watcher = ChangeWatcher(desk.engine, bar)  # the desk's real settings: 2 s SQLite poll, file wake-up
    controller = RingingController(ctx, bar, watcher.changed)
    watcher.start()
    watcher.listener.wait_ready(10)
    times: list[float] = []
    try:
        for r in range(rounds + 1):  # round 0 warms the desk up (connections, caches) and is not counted
            k = r % RINGING  # where in the burst the desk's own call comes
            run = uuid.uuid4().hex[:8]
            target = f"desk-{run}-{k}"
            shown = [0.0]
            loop = QEventLoop()

            def seen(calls, target=target, shown=shown, loop=loop) -> None:
                if not shown[0] and any(c.call_id == target for c in calls):
                    shown[0] = time.monotonic()
                    loop.quit()

            controller.loaded.connect(seen)
            QTimer.singleShot(20_000, loop.quit)
            ours.send(("burst", run, k, _numbers(rng)))
            loop.exec()
            began = ours.recv()
            controller.loaded.disconnect(seen)
            if not shown[0]:
                raise RuntimeError(f"the desk never showed call {target}")
            if r:
                times.append((shown[0] - began) * 1000)
            ours.send(("hangup", run, k, []))
            ours.recv()
    finally:
        ours.send(None)
        bridge.join(20)
        watcher.stop()
        ctx.runner.wait()
        bar.close()
        bar.deleteLater()
        app.processEvents()
        desk.close()
    return times


def widget_times(results: list, agents: list) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from mpel_app.ui.telephony.ringing_strip import RingingBar

    app = QApplication.instance() or QApplication([])
    times = []
    for calls in results:
        bar = RingingBar()
        bar.show()
        t0 = time.perf_counter()
        bar.show_calls(calls)
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
        bar.close()
        bar.deleteLater()
    app.processEvents()
    return times


def measure(backend: str, url: str, rounds: int, notice_count: int, widget: bool,
            desk_rounds: int = 0) -> list[Figures]:
    bridge = open_database(url)
    desks = [open_database(url, upgrade=False) for _ in range(RINGING)]
    try:
        agents = _agents(bridge)
        rng = random.Random(20261123)
        pop, shown, raw = [], [], []
        burst(bridge, desks, agents, _numbers(rng))  # warm-up: connections, caches
        for _ in range(rounds):
            numbers = _numbers(rng)
            latency, results = burst(bridge, desks, agents, numbers)
            assert all(len(r) == 1 and r[0].member_id is not None for r in results), "a strip without its caller"
            pop += latency
            if widget:
                shown += widget_times(results, agents)
            raw += baseline(url, numbers)
        figures = [Figures(backend, f"event -> strip data ({RINGING} ringing at once)", pop)]
        if widget:
            figures.append(Figures(backend, "strip data -> RingingBar shown (Qt)", shown))
            figures.append(Figures(backend, "sum of the two p95s (upper bound)",
                                   [_p95(pop) + _p95(shown)]))
        figures.append(Figures(backend, "baseline: raw SQL look-up, one at a time", raw))
        if desk_rounds:
            figures.append(Figures(backend, "event -> strip SHOWN on a desk, bridge process",
                                   desk_times(url, agents[0], desk_rounds, rng)))
        if notice_count:
            figures.append(Figures(backend, f"record -> bare listener's notice{' (%.0f s poll)' % POLL_SECONDS if backend == 'sqlite' else ''}",
                                   notices(bridge, desks[0], notice_count)))
        return figures
    finally:
        bridge.close()
        for d in desks:
            d.close()


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, round(0.95 * len(s)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cti_screen_pop", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=build_db.DEFAULT_ROWS, help="enquiries (default %(default)s)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=10, help="bursts of 20 calls (default %(default)s)")
    parser.add_argument("--notices", type=int, default=20, help="single calls timed to the change notice")
    parser.add_argument("--no-widget", action="store_true", help="skip the Qt widget timing")
    parser.add_argument("--desk-rounds", type=int, default=40,
                        help="bursts timed end to end on a real desk, bridge in its own process (0: skip)")
    parser.add_argument("--pg-url", help="use this PostgreSQL database instead of a throwaway cluster")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the SQLite database even if cached")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    spec = build_db.Spec(rows=args.rows)
    figures: list[Figures] = []
    builds = []
    for backend in (("sqlite", "postgresql") if args.backend == "both" else (args.backend,)):
        with build_db.built(backend, spec, pg_url=args.pg_url, rebuild=args.rebuild) as build:
            builds.append(build)
            figures += measure(backend, build.url, args.rounds, args.notices, not args.no_widget, args.desk_rounds)
    print()
    for build in builds:
        print(build.describe())
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'backend':<11} {'measure':<44} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for f in figures:
        print(f.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
