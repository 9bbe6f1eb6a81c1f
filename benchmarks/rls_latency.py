"""What the database as the boundary costs: search and queue latency as a person's own login vs the owner.

    python -m benchmarks.rls_latency --rows 100000 --queries 100

One PostgreSQL database (benchmarks.build_db, in a throwaway cluster) is opened twice:

* owner: the role that owns the tables (the shared-role deployment before issue 19); row
  security and the masking view do not apply to it;
* person: the login of the same person (``mpel_provision_login``), whose SQL reads
  ``enquiries`` through ``mpel_desk_view.enquiries`` (subject columns masked by
  ``pg_roles.subject_visible``), searches subject columns through ``enquiry_subjects``, reads
  the name-index tables through their row policies (one primary-key probe per row read), and
  whose account managers' updates pass ``mpel_works_region``.

The same ``EnquiryService`` calls are timed on both, interleaved in a rotating order
(benchmarks.search_latency.time_paths): the searches as a call agent, the region queue as
the MPEL team leader (every region) and as London's account manager (region-bound).
For the equality searches (Home Office reference, nationality) a third path, "before", is the
person's login running the statement the desk used before issue 19's last stop: the view's
masked column compared, which no index serves (the desk now searches ``enquiry_subjects``,
whose columns are the table's: repositories.search_query(masked=True)).
Median and p95 in ms, the person's next to the owner's (the baseline, same run), and the
rows returned (a person gets fewer: locked subjects are not found by name).  Printed with
the load average; never asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

from sqlalchemy.engine import make_url

from benchmarks import build_db
from benchmarks.search_latency import SEARCHES, draw_workload, load_user, percentile, time_paths
from mpel_app.app import open_database
from mpel_app.db import pg_provision
from mpel_app.domain.calendar import REGION_CODES
from mpel_app.domain.records import Role, SearchKey

LOGINS = {"bench.agent00": [Role.CALL_AGENT], "bench.leader": [Role.MPEL_TEAM_LEADER],
          "bench.am.lse": [Role.ACCOUNT_MANAGER]}
WANTED = ("Home Office reference", "subject name, 1 word", "subject name, 2 words", "nationality")


def _provision(owner_url: str) -> None:
    owner = open_database(owner_url)
    try:
        with owner.engine.begin() as conn:
            for name, roles in LOGINS.items():
                exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(n)s", {"n": name}).first()
                if not exists:
                    conn.exec_driver_sql("SELECT mpel_provision_login(%(n)s, NULL, %(g)s)",
                                         {"n": name, "g": pg_provision.login_groups(set(roles))})
    finally:
        owner.close()


def _line(label: str, who: str, ms: list[float], rows: float, base: list[float] | None) -> str:
    med, p95 = statistics.median(ms), percentile(ms, 95)
    extra = ""
    if base is not None:
        extra = f"  x{med / statistics.median(base):4.2f} median, x{p95 / percentile(base, 95):4.2f} p95"
    return f"{label:<38} {who:<7} median {med:7.2f} ms  p95 {p95:7.2f} ms  rows {rows:7.1f}{extra}"


def measure(owner_url: str, queries: int, seed: int) -> list[str]:
    _provision(owner_url)
    url = make_url(owner_url)
    person_url = lambda name: url.set(username=name).render_as_string(hide_password=False)  # noqa: E731
    owner = open_database(owner_url, upgrade=None)
    people = {name: open_database(person_url(name), upgrade=None) for name in LOGINS}
    # The same login, searching the view's masked columns as before (person_login only chooses that query here).
    before = open_database(person_url("bench.agent00"), upgrade=None)
    before.uow.person_login = False
    lines: list[str] = []
    try:
        assert all(p.uow.person_login for p in people.values()), "the logins must be people's own"
        agent = load_user(owner, build_db.AGENT_ID)
        leader = load_user(owner, build_db.LEADER_ID)
        am = load_user(owner, build_db.AGENT_ID + build_db.N_AGENTS + REGION_CODES.index("LSE"))
        workload = draw_workload(owner, queries, seed)
        for label, key, attr in SEARCHES:
            if label not in WANTED:
                continue
            texts = getattr(workload, attr)
            person = people["bench.agent00"]
            paths = {"owner": lambda t, key=key: len(owner.enquiries.find(agent, key, t)),
                     "person": lambda t, key=key: len(person.enquiries.find(agent, key, t))}
            if key in (SearchKey.HO_REFERENCE, SearchKey.NATIONALITY):
                paths["before"] = lambda t, key=key: len(before.enquiries.find(agent, key, t))
            ms, rows, _ = time_paths(texts, paths)
            lines += [_line(label, name, ms[name], rows[name], None if name == "owner" else ms["owner"])
                      for name in paths]
        # The queue as the team leader (every region in turn) and as London's account manager (row policy).
        queues = (("queue, team leader (all regions)", leader, people["bench.leader"],
                   [REGION_CODES[i % len(REGION_CODES)] for i in range(queries)]),
                  ("queue, London account manager", am, people["bench.am.lse"], ["LSE"] * queries))
        for label, user, desk, codes in queues:
            ms, rows, _ = time_paths(codes, {
                "owner": lambda c, user=user: len(owner.enquiries.region_queue_page(user, c).items),
                "person": lambda c, user=user, desk=desk: len(desk.enquiries.region_queue_page(user, c).items)})
            lines += [_line(label, "owner", ms["owner"], rows["owner"], None),
                      _line(label, "person", ms["person"], rows["person"], ms["owner"])]
    finally:
        owner.close()
        before.close()
        for p in people.values():
            p.close()
    return lines


def run_on_postgresql(prog: str, description: str, measure, *, rows: int, queries: int,
                      argv: list[str] | None = None) -> int:
    """The command line of a benchmark over one PostgreSQL database built by ``build_db``:
    ``measure(url, queries, seed)`` gives the lines printed after the load average."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--queries", type=int, default=queries)
    parser.add_argument("--seed", type=int, default=build_db.DEFAULT_SEED)
    parser.add_argument("--pg-url", help="an existing PostgreSQL database (else a throwaway cluster)")
    args = parser.parse_args(argv)
    spec = build_db.Spec(rows=args.rows, seed=args.seed)
    with build_db.built("postgresql", spec, pg_url=args.pg_url) as build:
        print(build.describe())
        lines = measure(build.url, args.queries, args.seed)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs, shared with other work)")
    print("\n".join(lines))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_on_postgresql("python -m benchmarks.rls_latency", __doc__.split("\n\n")[0], measure,
                             rows=100_000, queries=100, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
