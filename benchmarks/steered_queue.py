"""A region's queue steered in SQL (issue 14) next to the unsteered first page, on the same database.

    python -m benchmarks.steered_queue --queries 12     # reuses (or builds) the 1,000,000-enquiry database

For each region in turn, as the MPEL team leader, times ``EnquiryService.region_queue_page``:

* baseline: the queue's own order, keyset pages (what the desk opens with);
* sorted by subject, by status, received newest first (``QueueOrder``);
* filtered by status "Overdue", by text (a common surname), by age (30 days or more).

Each is the first page (200 items) plus the whole queue's counts and the filtered
count, as the desk shows it; "Show more" cases time the second page of a filter, which
reuses the first page's counts (carried in its cursor) instead of counting again.  Figures are printed, never asserted; the load average
is printed with them (the machine is shared).  SQLite only (the database is built
and cached by ``benchmarks.build_db``).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

from benchmarks import build_db
from benchmarks.search_latency import load_user
from mpel_app.app import open_database
from mpel_app.domain.calendar import REGION_CODES
from mpel_app.domain.queue_filter import QueueFilter, QueueOrder

CASES = {
    "baseline: own order (keyset)": None,
    "sort: Subject": (QueueFilter(), QueueOrder("Subject")),
    "sort: Queue status": (QueueFilter(), QueueOrder("Queue status")),
    "sort: Received, newest first": (QueueFilter(), QueueOrder("Received", descending=True)),
    "filter: status Overdue": (QueueFilter(status="Overdue"), QueueOrder()),
    "filter: text 'khan'": (QueueFilter(text="khan"), QueueOrder()),
    "filter: 30 days or older": (QueueFilter(min_age_days=30), QueueOrder()),
}
# The second page of these ("Show more"): the first page is read untimed, its cursor then carries the counts.
SHOW_MORE = {
    "show more: text 'khan'": (QueueFilter(text="khan"), QueueOrder()),
    "show more: text 'khan', by Subject": (QueueFilter(text="khan"), QueueOrder("Subject")),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steered_queue", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=build_db.DEFAULT_ROWS)
    parser.add_argument("--queries", type=int, default=12, help="pages timed per case (regions in turn)")
    args = parser.parse_args(argv)
    build = build_db.ensure_sqlite(build_db.Spec(rows=args.rows))
    services = open_database(build.url)
    leader = load_user(services, build_db.LEADER_ID)
    sizes = {c: services.enquiries.region_queue_page(leader, c, limit=1).counts.total for c in REGION_CODES}
    print(f"{args.rows:,} enquiries; open items per region: "
          + ", ".join(f"{c} {n:,}" for c, n in sizes.items()))
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    times: dict[str, list[float]] = {label: [] for label in (*CASES, *(f"{m}{how}" for m in SHOW_MORE
                                                                     for how in ("", " (recounting)")))}
    rows: dict[str, int] = {label: 0 for label in times}
    for n in range(args.queries):
        code = REGION_CODES[n % len(REGION_CODES)]
        for label, steer in CASES.items():  # interleaved: the same load for each case
            start = time.perf_counter()
            page = services.enquiries.region_queue_page(leader, code, steer=steer)
            times[label].append((time.perf_counter() - start) * 1000)
            rows[label] += len(page.items)
        for label, steer in SHOW_MORE.items():
            first = services.enquiries.region_queue_page(leader, code, steer=steer)
            if first.next is None:
                continue
            # Baseline in the same run: the same second page with a cursor carrying no counts, as before.
            for timed, after in ((label, first.next), (f"{label} (recounting)", replace(first.next, counted=None))):
                start = time.perf_counter()
                page = services.enquiries.region_queue_page(leader, code, steer=steer, after=after)
                times[timed].append((time.perf_counter() - start) * 1000)
                rows[timed] += len(page.items)
    print(f"{'case':48} {'median':>10} {'p95':>10} {'rows/page':>10}")
    for label, ms in times.items():
        if not ms:
            continue
        ms.sort()
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        print(f"{label:48} {statistics.median(ms):8.2f}ms {p95:8.2f}ms {rows[label] / len(ms):10.1f}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
