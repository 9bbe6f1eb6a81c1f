"""Peak memory of MPEL Desk with its largest lists open: thousands of items in a queue.

    python -m benchmarks.memory [--rows 300000] [--runs 3] [--json FILE]

Builds (or reuses) a synthetic database with ``benchmarks.build_db`` (default 300,000 enquiries,
20% of them waiting in a region's queue), then starts the whole app in a fresh process, as
``benchmarks.cold_start`` does, once for each of these users, whose first view is a list:

* ``bench.agent00``, a call agent: the New call screen, no list (the baseline);
* ``bench.leader``, the MPEL team leader: every Further Action Case;
* ``bench.am.lse``, London & South East's account manager: the region's queue, the largest.

The app signs in, loads its first view, paints the window and quits; the figure is the
process's peak resident set size (VmHWM, read from /proc while it runs: see
``cold_start.start_app``), so it covers everything the process held at any moment: Python,
Qt, the rows read and the records and table model built from them.  Measured and printed,
never asserted.  The target (issue 5): at most 250 MB.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
from dataclasses import asdict
from pathlib import Path

from benchmarks.build_db import BuildResult, Spec, ensure_sqlite, sqlite_path
from benchmarks.cold_start import ProbeRun, machine, start_app

PASSWORD = "benchmark password"  # build_db gives every synthetic user this one
TARGET_MB = 250
DEFAULT_ROWS = 300_000
USERS = (("bench.agent00", "New call (no list)"),
         ("bench.leader", "Further Action Cases"),
         ("bench.am.lse", "LSE region queue"))


def list_sizes(spec: Spec) -> dict[str, int]:
    """How many items each user's first list holds, counted in SQL."""
    conn = sqlite3.connect(f"file:{sqlite_path(spec)}?mode=ro", uri=True)
    try:
        def count(where: str) -> int:
            return conn.execute(f"SELECT count(*) FROM enquiries WHERE deleted_at IS NULL AND {where}").fetchone()[0]

        return {"bench.agent00": 0, "bench.leader": count("status = 'further_action'"),
                "bench.am.lse": count("status = 'with_region' AND region_code = 'LSE'")}
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="enquiries (default %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="starts per user (default %(default)s)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)

    spec = Spec(rows=args.rows)
    built: BuildResult = ensure_sqlite(spec, rebuild=args.rebuild)
    sizes = list_sizes(spec)
    print(f"{'reusing' if built.reused else 'built'} {Path(built.url.removeprefix('sqlite:///')).name}: "
          f"{built.enquiries:,} enquiries")
    print(machine())
    print()
    print("| first view | items in it | peak RSS median | peak RSS worst | ready after (median) | target ≤ 250 MB |")
    print("|---|---|---|---|---|---|")
    results: dict[str, list[ProbeRun]] = {}
    for username, label in USERS:
        runs = []
        for _ in range(args.runs):
            run = start_app(built.url, username, PASSWORD, timeout=600)
            if run.ready is None:
                print(f"{username}: no ready window (exit {run.returncode}):\n{run.stderr}", file=sys.stderr)
                return 1
            runs.append(run)
        results[username] = runs
        # MB as the target is written (10^6 bytes); the MiB figures are in the JSON.
        peaks = [r.max_rss_mib * 1.048576 for r in runs]
        worst = max(peaks)
        print(f"| {label} ({username}) | {sizes[username]:,} | {statistics.median(peaks):.0f} MB | {worst:.0f} MB | "
              f"{statistics.median(r.ready for r in runs):.2f} s | {'met' if worst <= TARGET_MB else 'MISSED'} |",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": args.rows, "sizes": sizes,
                                         "runs": {u: [asdict(r) for r in rs] for u, rs in results.items()}},
                                        indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
