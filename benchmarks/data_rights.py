"""Subject access, erasure and the retention run (issue 17) on a synthetic SQLite database of N enquiries.

    python -m benchmarks.data_rights [--rows 100000]

Builds (or reuses) the benchmark database (``benchmarks.build_db``), copies it so the cached one is left
as it was, and times through the services, each next to a baseline measured in the same run:

* the subject-access search by Home Office reference, next to the desk's Find by the same reference;
* the export of that person, and the erasure of that person (the erasure sweeps every free-text column
  of every record table and the audit trail: a scan each), next to one UPDATE of the enquiry;
* the retention dry run and run (most of the synthetic rows closed before the cut-off), next to a count
  of the same rows in SQL.

Figures are printed with the load average, never asserted.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select, text

from mpel_app.app import open_database
from mpel_app.db.models import Enquiry
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.records import Role, SearchKey
from mpel_app.services import people

from . import build_db

NOW = datetime(2026, 11, 23, 10, 15, tzinfo=timezone.utc)


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    build = build_db.ensure_sqlite(build_db.Spec(rows=args.rows))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rights.sqlite3"
        shutil.copy(build_db.sqlite_path(build.spec), path)
        services = open_database(f"sqlite:///{path}", clock=FixedClock(NOW))
        try:
            admin = services.users.authenticate("bench.admin", "benchmark password")
            dpo = services.users.create_user(admin, username="bench.dpo", full_name="Bench Officer",
                                             password="benchmark password", roles={Role.DATA_PROTECTION_OFFICER},
                                             demo=True)
            with services.uow.read() as s:
                ho_ref = s.scalar(select(Enquiry.ho_reference).where(
                    Enquiry.status.in_(("answered", "completed")), Enquiry.ho_reference != "",
                    Enquiry.subject_dob.is_not(None)).order_by(Enquiry.id.desc()).limit(1))
                closed = s.scalar(select(func.count()).select_from(Enquiry).where(
                    Enquiry.status.in_(("answered", "refused", "completed")),
                    Enquiry.received_at < datetime(2024, 1, 1, tzinfo=timezone.utc)))
            rows = []
            _, find = _timed(lambda: services.enquiries.find(admin, SearchKey.HO_REFERENCE, ho_ref))
            matches, search = _timed(lambda: services.subject_access.search(dpo, people.BY_HO_REFERENCE, ho_ref))
            rows.append(("subject-access search by HO reference", search, "Find by HO reference", find))
            match = matches[0]
            e_ids, l_ids = match.ids("enquiry"), match.ids("letter")
            _, export = _timed(lambda: services.subject_access.export(dpo, e_ids, l_ids))
            with services.uow() as s:
                _, update = _timed(lambda: s.execute(text("UPDATE enquiries SET answer = answer WHERE id = :i"),
                                                     {"i": e_ids[0]}))
            rows.append(("export of that person", export, "one UPDATE of the enquiry", update))
            _, erase = _timed(lambda: services.erasure.erase(dpo, e_ids, l_ids))
            rows.append((f"erasure of that person ({len(e_ids)} records)", erase, "one UPDATE of the enquiry",
                         update))
            with services.uow.read() as s:
                _, count = _timed(lambda: s.scalar(select(func.count()).select_from(Enquiry).where(
                    Enquiry.status.in_(("answered", "refused", "completed")))))
            due, dry = _timed(lambda: services.retention.due(admin))
            rows.append((f"retention dry run ({len(due.records)} due)", dry, "count of closed rows in SQL", count))
            done, run = _timed(lambda: services.retention.purge(admin))
            rows.append((f"retention run ({len(done.records)} anonymised)", run, "count of closed rows in SQL", count))
        finally:
            services.close()
    print(f"{args.rows} enquiries (SQLite), about {closed} closed before 2024; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'measured':48} {'seconds':>9}   {'baseline':32} {'seconds':>9}")
    for what, seconds, baseline, base_seconds in rows:
        print(f"{what:48} {seconds:9.3f}   {baseline:32} {base_seconds:9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
