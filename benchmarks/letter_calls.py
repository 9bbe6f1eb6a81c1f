"""One desk's letter calls, timed one at a time: the unit's workstack and "accept" (issue 16).

    python -m benchmarks.letter_calls                      # PostgreSQL (throwaway cluster), 400 letters
    python -m benchmarks.letter_calls --backend sqlite --letters 400 --repeat 30

``benchmarks.shift_pace`` times these calls with 50 desks at once, where a
few dozen samples each come out of a mix and the load of 50 processes.  Here
one process does nothing else (its start-up heap frozen as mpel's is, unless
``--no-freeze``: ``mpel_app.startup_heap``), so the figures say what the call itself costs,
with the number of SQL statements (round trips) each sends, next to a
baseline measured in the same run on the same connection pool:

* workstack: a workflow manager's "ASY1" workstack (``letters.workstack``)
  with ``--letters`` letters on it, awaiting the unit's decision; baseline:
  the same rows read raw (one SELECT of every letter column);
* open and accept, as a desk does them: ``letters.get`` then
  ``letters.accept(..., barrier_to_removal=True, expected_version=...)``;
  baseline: one transaction that locks the row, updates it and writes one
  audit row, raw.

Figures are printed, never asserted; note the load average printed with them.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .shift_pace import percentile, postgresql_url

DEFAULT_LETTERS = 400
DEFAULT_REPEAT = 30


class _Counter:
    """SQL statements sent on the engine (each a round trip to the server)."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        self.n = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.n += 1


def _timed(run: Callable[[], object], counter: _Counter) -> tuple[float, int]:
    before = counter.n
    began = time.perf_counter()
    run()
    return (time.perf_counter() - began) * 1000, counter.n - before


def _row(label: str, samples: list[tuple[float, int]]) -> dict:
    ms = [t for t, _ in samples]
    return dict(label=label, n=len(ms), median=statistics.median(ms), p95=percentile(ms, 95),
                statements=max(c for _, c in samples))


def measure(url: str, *, letters: int, repeat: int, freeze: bool = True) -> dict:
    from sqlalchemy import text

    from mpel_app.app import open_database
    from mpel_app.domain.clock import FixedClock
    from mpel_app.startup_heap import freeze_startup_heap
    from tests.support.letters_world import build_letters_world
    from tests.support.world import MONDAY_MORNING

    services = open_database(url, clock=FixedClock(MONDAY_MORNING))
    try:
        lw = build_letters_world(services)
        mail = services.letters
        print(f"preparing {letters} letters", file=sys.stderr, flush=True)
        ids = [mail.allocate(lw.mpcs, lw.register().id, "ASY1").id for _ in range(letters)]
        counter = _Counter(services.engine)
        wm = lw.wm
        if freeze:  # as mpel does once its window is up
            freeze_startup_heap()
        load_before = os.getloadavg()
        for _ in range(3):  # warm: statement caches, the calendar, prepared statements
            mail.workstack(wm, "workflow_manager", "ASY1")
        shown = len(mail.workstack(wm, "workflow_manager", "ASY1"))

        def raw_rows():
            with services.engine.connect() as conn:
                return conn.execute(text("SELECT * FROM letters WHERE unit_code = 'ASY1' AND state = 'allocated'")).all()

        stack = [_timed(lambda: mail.workstack(wm, "workflow_manager", "ASY1"), counter) for _ in range(repeat)]
        stack_raw = [_timed(raw_rows, counter) for _ in range(repeat)]

        opened, accepted, raw = [], [], []
        for letter_id in ids[-(repeat + 1):-1]:  # the workstack still holds the rest
            seen = []
            opened.append(_timed(lambda: seen.append(mail.get(wm, letter_id)), counter))
            accepted.append(_timed(lambda: mail.accept(wm, letter_id, barrier_to_removal=True,
                                                       expected_version=seen[0].version), counter))

        def raw_accept(letter_id: int):
            with services.engine.begin() as conn:
                conn.execute(text("SELECT id FROM letters WHERE id = :id FOR UPDATE"
                                  if services.engine.dialect.name == "postgresql"
                                  else "SELECT id FROM letters WHERE id = :id"), {"id": letter_id})
                conn.execute(text("UPDATE letters SET barrier_to_removal = barrier_to_removal WHERE id = :id"),
                             {"id": letter_id})
                conn.execute(text("INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, "
                                  "changes) VALUES (:at, :u, 'wm', 'benchmark', :id, 'raw', '{}')"),
                             {"at": MONDAY_MORNING, "u": wm.id, "id": letter_id})

        raw = [_timed(lambda i=i: raw_accept(i), counter) for i in ids[:repeat]]
        return dict(backend=services.engine.dialect.name, letters=letters, shown=shown, repeat=repeat, freeze=freeze,
                    load_before=load_before, load_after=os.getloadavg(), rows=[
                        _row(f"workstack ({shown} letters)", stack),
                        _row("  baseline: the same rows, raw", stack_raw),
                        _row("open (letters.get)", opened),
                        _row("accept (letters.accept)", accepted),
                        _row("  baseline: lock, update, one audit row, raw", raw),
                    ])
    finally:
        services.close()


def report(figures: dict) -> str:
    lines = [f"{figures['backend']}, {figures['letters']} letters, {figures['repeat']} calls each"
             f"{'' if figures['freeze'] else ', start-up heap not frozen'} (load average "
             f"before {figures['load_before'][0]:.1f}, after {figures['load_after'][0]:.1f})", "",
             "| call | median | p95 | SQL statements |", "|---|---|---|---|"]
    lines += [f"| {r['label']} | {r['median']:.1f} ms | {r['p95']:.1f} ms | {r['statements']} |"
              for r in figures["rows"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.letter_calls", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--letters", type=int, default=DEFAULT_LETTERS, help="letters on the workstack")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="calls timed of each kind")
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the start-up heap to the garbage collector (as before mpel_app.startup_heap)")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mpel-letters-") as tmp:
        if args.backend == "sqlite":
            figures = measure(f"sqlite:///{Path(tmp) / 'letters.sqlite3'}", letters=args.letters, repeat=args.repeat,
                              freeze=not args.no_freeze)
        else:
            with postgresql_url(args.pg_url, "mpel_letters") as url:
                figures = measure(url, letters=args.letters, repeat=args.repeat, freeze=not args.no_freeze)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
