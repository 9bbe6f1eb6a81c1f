"""One desk's actions timed one at a time on PostgreSQL: send a case, open a record, acknowledge (issue 16).

    python -m benchmarks.desk_actions                  # 60 of each, on a throwaway cluster
    python -m benchmarks.desk_actions --calls 200 --pg-url postgresql+psycopg://...

``benchmarks.shift_pace`` measures fifty desks sharing two cores, where what
an action costs in CPU decides how long the others queue.  This is the same
world (``shift_pace._prepare``) with a single desk and nothing else running:
per call, the wall time (median, p95), the CPU time of the desk's process
(median) and the SQL statements it sends.  Printed beside them, measured in
the same run: the call record PDF made from the facts each send stored (the
work "send a case" did inside its transaction before issue 16, now done by
the mail sender), and one round trip (``SELECT 1``), the floor under every
statement.  Figures are printed, never asserted; note the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime

from benchmarks.shift_pace import postgresql_url


def measure(url: str, calls: int) -> dict:
    from sqlalchemy import event, select, text

    from benchmarks.shift_pace import _prepare, percentile
    from mpel_app.app import open_database
    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import OutboxMessage, User
    from mpel_app.domain.clock import FixedClock
    from mpel_app.notify.attachments import attachment_data

    shared = _prepare(url, 1, calls + 1)
    services = open_database(url, clock=FixedClock(datetime.fromisoformat(shared["now"])), upgrade=False)
    statements: list[str] = []
    event.listen(services.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    figures: dict[str, dict] = {}
    try:
        with services.uow.read() as s:
            me = user_record(s.scalar(select(User).where(User.username == "desk00")))
        e = services.enquiries
        # One of each first: imports, prepared statements and the pool are warm before timing.
        e.send_to_region(me, shared["cases"].pop(), "LSE")
        e.get(me, shared["open"][0])
        e.acknowledge(me, shared["items"].pop())

        def timed(label: str, run, targets) -> None:
            wall, cpu, counts = [], [], []
            for target in targets[:calls]:
                statements.clear()
                began, began_cpu = time.perf_counter(), time.process_time()
                run(target)
                wall.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
                counts.append(len(statements))
            figures[label] = dict(n=len(wall), median=statistics.median(wall), p95=percentile(wall, 95),
                                  cpu=statistics.median(cpu), statements=statistics.median(counts))

        sent: list[int] = []
        timed("region: send a case", lambda t: sent.append(e.send_to_region(me, t, "LSE").id), shared["cases"])
        timed("open a record", lambda t: e.get(me, t), shared["open"])
        timed("region: acknowledge", lambda t: e.acknowledge(me, t), shared["items"])
        with services.uow.read() as s:
            notes = list(s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "call_note",
                                                               OutboxMessage.entity_id.in_(sent))))
            s.expunge_all()
        timed("baseline: the call record PDF, made from a note's facts", attachment_data, notes)
        with services.engine.connect() as conn:
            timed("baseline: one round trip (SELECT 1)", lambda _: conn.execute(text("SELECT 1")), range(calls))
    finally:
        services.close()
    return figures


def report(figures: dict, load_before: tuple, load_after: tuple) -> str:
    lines = [f"one desk, one call at a time (load average before {load_before[0]:.1f}, after {load_after[0]:.1f})", "",
             "| call | count | median | p95 | CPU (median) | statements |", "|---|---|---|---|---|---|"]
    for label, f in figures.items():
        lines.append(f"| {label} | {f['n']} | {f['median']:.2f} ms | {f['p95']:.2f} ms | {f['cpu']:.2f} ms | "
                     f"{f['statements']:g} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.desk_actions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=60, help="calls timed of each kind")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with postgresql_url(args.pg_url, "mpel_desk_actions") as url:
        figures = measure(url, args.calls)
    print(report(figures, load_before, os.getloadavg()))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
