"""What subject access's opening costs every desk: searches through the desk's view with and without ``OR opened``.

    python -m benchmarks.subject_access_opening --rows 50000 --queries 50

Migration 0028 (db/pg_subject_access.py) adds ``OR id = ANY((SELECT mpel_opened('enquiry'))::integer[])`` to
the rule that decides whether a person's login sees a record's subject (``pg_roles.subject_visible``), so
every desk's read of ``enquiries`` carries it, though only an officer's subject-access transaction ever
opens anything.  One PostgreSQL database (benchmarks.build_db, in a throwaway cluster) is read by the same
person's login (a call agent) two ways, the same ``EnquiryService.find`` calls interleaved in a rotating
order (benchmarks.search_latency.time_paths):

* ``with``: the desk's view as migrated (``mpel_desk_view.enquiries``);
* ``without``: a copy of that view built here without the clause, put first on the login's search path
  (the baseline, same run).  The name index's row policy keeps its clause in both (it cannot be switched
  per connection), so the name searches show the view's share only.

Median and p95 in ms and the rows returned (the same both ways: nothing is opened).  Printed with the load
average; never asserted.
"""
from __future__ import annotations

import statistics
import sys

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from benchmarks import build_db
from benchmarks.rls_latency import WANTED, _provision, run_on_postgresql
from benchmarks.search_latency import SEARCHES, draw_workload, load_user, percentile, time_paths
from mpel_app.app import open_database
from mpel_app.db import pg_desk_view, pg_roles

LOGIN = "bench.agent00"
BASELINE = "bench_without_opened"


def _baseline_view(owner_url: str) -> None:
    """The desk's view as it was before 0028, in a schema of its own, readable by the desks."""
    engine = create_engine(owner_url)
    real = pg_roles.opened
    try:
        pg_roles.opened = lambda alias, kind: "false"  # subject_visible looks it up when called
        with engine.begin() as conn:
            [view] = [s for s in pg_desk_view.statements(conn) if s.startswith("CREATE VIEW")]
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {BASELINE} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {BASELINE}")
            conn.exec_driver_sql(view.replace(f"{pg_desk_view.SCHEMA}.enquiries", f"{BASELINE}.enquiries"))
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {BASELINE} TO {pg_roles.DESK}")
            conn.exec_driver_sql(f"GRANT SELECT ON {BASELINE}.enquiries TO {pg_roles.DESK}")
    finally:
        pg_roles.opened = real
        engine.dispose()


def measure(owner_url: str, queries: int, seed: int) -> list[str]:
    _provision(owner_url)
    _baseline_view(owner_url)
    url = make_url(owner_url).set(username=LOGIN)
    owner = open_database(owner_url, upgrade=None)
    desks = {"with": open_database(url.render_as_string(hide_password=False), upgrade=None),
             "without": open_database(url.update_query_dict({"options": f"-csearch_path={BASELINE},public"})
                                      .render_as_string(hide_password=False), upgrade=None)}
    lines = []
    try:
        assert all(d.uow.person_login for d in desks.values()), "the login must be a person's own"
        with desks["without"].engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW search_path").scalar().startswith(BASELINE), "not the baseline view"
        agent = load_user(owner, build_db.AGENT_ID)
        workload = draw_workload(owner, queries, seed)
        for label, key, attr in SEARCHES:
            if label not in WANTED:
                continue
            ms, rows, _ = time_paths(getattr(workload, attr), {
                name: (lambda t, d=desk, key=key: len(d.enquiries.find(agent, key, t))) for name, desk in desks.items()})
            for name in ("without", "with"):
                med, p95 = statistics.median(ms[name]), percentile(ms[name], 95)
                ratio = "" if name == "without" else f"  x{med / statistics.median(ms['without']):4.2f} median"
                lines.append(f"{label:<26} {name:<8} median {med:7.2f} ms  p95 {p95:7.2f} ms  rows "
                             f"{rows[name]:6.1f}{ratio}")
    finally:
        owner.close()
        for desk in desks.values():
            desk.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    return run_on_postgresql("python -m benchmarks.subject_access_opening", __doc__.split("\n\n")[0], measure,
                             rows=50_000, queries=50, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
