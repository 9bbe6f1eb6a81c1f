"""How long importing the list of Members takes after a general election (issue 14): 650 seats.

    python -m benchmarks.member_import [--members 650]

On a fresh SQLite file holding ``--members`` Members (the desk's own ``MemberService.add``), it times,
for a list in which a third of the seats changed hands and a tenth of the offices' numbers changed:
reading and checking the CSV alone (the baseline: the domain's rules, no database), the dry run
(read + plan against the database) and the import (applied, audited in one transaction).
Measured and printed, never asserted; the load average is printed beside the figures.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from mpel_app.app import open_database
from mpel_app.domain.calendar import REGION_CODES
from mpel_app.domain.member_list import parse_member_csv

HEADER = "Name,Constituency,Office telephone,Office fax,Office e-mail,Privy Council,Party,House,Region"


def _phone(n: int) -> str:
    return f"020 7946 {n % 1000:04d}" if n < 1000 else f"0121 496 {n % 1000:04d}"


def _csv(count: int) -> str:
    rows = [HEADER]
    for n in range(count):
        name = f"Member {n}" if n % 3 else f"New Member {n}"  # a third of the seats changed hands
        phone = _phone(n if n % 10 else n + 1000)  # a tenth of the offices have a new number
        rows.append(f"{name},Seat {n},{phone},,m{n}@parliament.example,no,Party {n % 5},Commons,"
                    f"{REGION_CODES[n % len(REGION_CODES)]}")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        services = open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        try:
            admin = services.users.create_first_admin("admin", "Ada Admin", "correct horse battery")
            for n in range(args.members):
                services.members.add(admin, name=f"Member {n}", constituency=f"Seat {n}",
                                     region_code=REGION_CODES[n % len(REGION_CODES)], office_phone=_phone(n))
            text = _csv(args.members)
            t0 = time.perf_counter()
            parse_member_csv(text)
            t1 = time.perf_counter()
            dry = services.member_list.import_csv(admin, text, dry_run=True)
            t2 = time.perf_counter()
            done = services.member_list.import_csv(admin, text)
            t3 = time.perf_counter()
        finally:
            services.close()
    print(f"members: {args.members}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"  plan: {dry.plan.summary}")
    print(f"  read and check the CSV (baseline, no database): {1000 * (t1 - t0):8.1f} ms")
    print(f"  dry run (read + plan against the database):     {1000 * (t2 - t1):8.1f} ms")
    print(f"  import (applied and audited, one transaction):  {1000 * (t3 - t2):8.1f} ms "
          f"({'applied' if done.applied else 'NOT applied'})")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Time the Members list import (issue 14).")
    parser.add_argument("--members", type=int, default=650, help="Members held and in the file (default 650)")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
