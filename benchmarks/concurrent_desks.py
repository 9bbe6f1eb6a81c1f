"""Many desks logging enquiries at once on PostgreSQL: throughput, latency, and where the time goes.

    python -m benchmarks.concurrent_desks                  # 50 desks, 10 s, a throwaway cluster
    python -m benchmarks.concurrent_desks --desks 20 --seconds 30 --pg-url postgresql+psycopg://mpel@db/mpel

Each desk is a process (``--threads``: a thread) with its own services and
engine (``mpel_app.app.open_database``), signed in as its own call agent.  All
desks start together, log for ``--warmup`` seconds unmeasured, then for
``--seconds`` measured.  One operation is what a desk waits for when a call
comes in:

* ``--op log`` (default): ``EnquiryService.start``: the hotline reference is
  issued (the per-prefix counter row, locked until commit), the enquiry and its
  audit row are written, the change is announced (NOTIFY), commit;
* ``--op call``: the whole call written up: start, caller, passcode check
  (argon2 against a real-cost hash), details, complete at first contact;
* ``--op one-statement``: a candidate fix timed the same way, not the app's
  code: start's writes (counter, enquiry, audit row, NOTIFY) as one SQL
  statement, so the counter row is locked for that statement and the commit only.

Printed: enquiries per second over the measured window (target 500), the
latency of one operation (p50/p95/p99/max), and where the time goes:

* per statement kind, the mean time a desk spent in it per operation, taken
  with SQLAlchemy's cursor events.  The UPDATE of the reference counter
  includes the wait for the row lock, so it grows with contention;
* the lock held: from that UPDATE's return to the commit's, per operation.
  Every desk logging under one prefix queues on that row, so 1 / (mean time
  held) bounds the throughput whatever the number of desks or cores;
* CPU per enquiry in the desks (Python: the service, the ORM, psycopg) and in
  their PostgreSQL server processes (read from /proc for a local server);
* what the server's sessions were doing, sampled from ``pg_stat_activity``.

``--durable`` starts the throwaway cluster with fsync and synchronous_commit
on (the test cluster runs with both off), to price the commit's WAL flush.
Figures are printed, never asserted.
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import event, func, select, text

TARGET_PER_SECOND = 500
DEFAULT_DESKS = 50
DEFAULT_SECONDS = 10.0
DEFAULT_WARMUP = 2.0
PASSCODE = "7429"


# ------------------------------------------------------------------ one desk


@dataclass
class DeskResult:
    desk: int
    ops: int = 0  # operations completed inside the measured window
    latencies_ms: list[float] = field(default_factory=list)
    statement_ms: dict[str, float] = field(default_factory=dict)  # per statement kind, summed
    lock_held_ms: float = 0.0  # reference counter row: UPDATE returned -> operation returned
    desk_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    error: str = ""


def _statement_kind(statement: str) -> str:
    words = statement.split()
    verb = words[0].upper() if words else "?"
    upper = statement.upper()
    if verb == "WITH" and "reference_counters" in statement:
        return "WITH: counter+enquiry+audit+NOTIFY"
    if "PG_NOTIFY" in upper:
        return "NOTIFY (announce the change)"
    for table in ("reference_counters", "enquiries", "audit_log", "users", "members", "subject_name_tokens"):
        if table in statement:
            return f"{verb} {table}"
    return verb


def _backend_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a local PostgreSQL backend; None when it is not on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def one_statement_log(engine, actor_id: int, username: str, prefix: str = "MPH"):
    """The candidate fix, not the app's code: ``start``'s writes as one PostgreSQL statement at commit time.

    Counter, enquiry, audit row and NOTIFY in one round trip (data-modifying
    CTEs), so the counter row is locked only for that statement and the
    commit, instead of from the reservation through the ORM's flushes.
    Returns (id, reference).
    """
    from datetime import datetime, timezone

    from sqlalchemy import String, Text, cast, insert, literal, update

    from mpel_app.db.models import AuditLog, Enquiry, ReferenceCounter

    now = datetime.now(timezone.utc)
    n = (update(ReferenceCounter).where(ReferenceCounter.prefix == prefix)
         .values(last_number=ReferenceCounter.last_number + 1).returning(ReferenceCounter.last_number).cte("n"))
    table, audit = Enquiry.__table__, AuditLog.__table__
    values = {"reference": literal(prefix) + func.lpad(cast(n.c.last_number, String), 6, "0"),
              "channel": literal("telephone"), "status": literal("open"), "received_at": literal(now),
              "created_by_id": literal(actor_id), "passcode_failures": literal(0)}
    # Inside a WITH the columns' Python defaults are not filled in: give them, as the ORM would.
    values.update({c.name: literal(c.default.arg, c.type) for c in table.columns
                   if c.name not in values and c.default is not None and c.default.is_scalar})
    e = (insert(table).from_select(list(values), select(*values.values()).select_from(n))
         .returning(table.c.id, table.c.reference).cte("e"))
    a = (insert(audit).from_select(
        ["at", "user_id", "username", "entity", "entity_id", "action", "changes"],
        select(literal(now), literal(actor_id), literal(username), literal("enquiry"), e.c.id, literal("logged"),
               cast(func.json_build_object("reference", e.c.reference, "channel", "telephone"), Text))
        .select_from(e)).returning(audit.c.id).cte("a"))
    statement = select(e.c.id, e.c.reference, func.pg_notify("mpel_changes", "enquiries")).select_from(e).add_cte(a)
    with engine.begin() as conn:
        return tuple(conn.execute(statement).one()[:2])


def run_desk(index: int, url: str, op: str, username: str, member_id: int, go, start_at, warmup: float,
             seconds: float, result_queue) -> None:
    """One desk: its own services and engine; logs until the window closes; puts a DeskResult on the queue.

    It says "ready" on the queue once warmed up, then waits for ``go``: every desk
    then starts at ``start_at`` (a shared value), however long the others took to start.
    """
    result = DeskResult(desk=index)
    try:
        from mpel_app.app import open_database
        from mpel_app.db.mappers import user_record
        from mpel_app.db.models import User
        from mpel_app.domain.records import CallerKind, Channel, SubjectDetails

        services = open_database(url, upgrade=False)
        try:
            with services.uow.read() as s:
                me = user_record(s.scalar(select(User).where(User.username == username)))
            e = services.enquiries
            measuring = False
            state = {"locked_at": None, "start_returned": None}
            statement_s: dict[str, float] = defaultdict(float)
            this_op: dict[str, float] = defaultdict(float)  # the operation under way; added up if it counts

            @event.listens_for(services.engine, "before_cursor_execute")
            def _before(conn, cursor, statement, parameters, context, executemany):
                conn.info["mpel_bench_t"] = time.perf_counter()

            @event.listens_for(services.engine, "after_cursor_execute")
            def _after(conn, cursor, statement, parameters, context, executemany):
                now = time.perf_counter()
                kind = _statement_kind(statement)
                if measuring:
                    this_op[kind] += now - conn.info.pop("mpel_bench_t", now)
                if "reference_counters" in statement:
                    state["locked_at"] = now

            def one() -> None:
                if op == "one-statement":
                    one_statement_log(services.engine, me.id, me.username)
                    return
                rec = e.start(me, Channel.TELEPHONE)
                state["start_returned"] = time.perf_counter()  # the counter's lock ends with start's commit
                if op == "call":
                    e.set_caller(me, rec.id, member_id=member_id, caller_kind=CallerKind.MEMBER)
                    e.verify_passcode(me, rec.id, PASSCODE)
                    e.update_details(me, rec.id, subject=SubjectDetails(name="Benchmark Subject"),
                                     question="Has the application been decided?", answer="Not yet.",
                                     written_confirmation=False)
                    e.complete_first_contact(me, rec.id)

            one()  # connect and warm the statement caches before the clock starts
            # A desk does one thing at a time, so it keeps using its pool's one connection: that backend is timed.
            with services.engine.connect() as conn:
                backend_pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()

            result_queue.put(("ready", index))
            if not go.wait(timeout=600):
                raise TimeoutError("the other desks never got ready")
            time.sleep(max(0.0, start_at.value - time.time()))
            window_start = start_at.value + warmup
            window_end = window_start + seconds
            while time.time() < window_start:
                one()
            measuring = True
            cpu0, server0 = time.thread_time(), _backend_cpu_seconds(backend_pid)
            while True:
                began = time.perf_counter()
                state["locked_at"] = state["start_returned"] = None
                this_op.clear()
                one()
                ended = time.perf_counter()
                if time.time() > window_end:
                    break
                for kind, spent in this_op.items():
                    statement_s[kind] += spent
                result.ops += 1
                result.latencies_ms.append((ended - began) * 1000)
                if state["locked_at"] is not None:
                    result.lock_held_ms += ((state["start_returned"] or ended) - state["locked_at"]) * 1000
            measuring = False
            result.desk_cpu_s = time.thread_time() - cpu0  # this desk only, also when desks are threads
            server1 = _backend_cpu_seconds(backend_pid)
            result.server_cpu_s = None if server0 is None or server1 is None else server1 - server0
            result.statement_ms = {k: v * 1000 for k, v in statement_s.items()}
        finally:
            services.close()
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        import traceback
        result.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    result_queue.put(("done", asdict(result)))


# -------------------------------------------------------------------- set-up


def _prepare(url: str, desks: int, op: str) -> tuple[list[str], int, int]:
    """Migrate, create one call agent per desk (and a member for --op call); the enquiries already there."""
    from mpel_app.app import open_database
    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import Enquiry, User
    from mpel_app.domain.records import Role

    services = open_database(url)
    try:
        run = f"{int(time.time()) % 100000:05d}"
        with services.uow.read() as s:
            admin_row = s.scalar(select(User).where(User.roles.contains(Role.ADMINISTRATOR.value)).limit(1))
            admin = user_record(admin_row) if admin_row is not None else None
            before = s.scalar(select(func.count()).select_from(Enquiry))
        if admin is None:
            admin = services.users.create_first_admin("benchadmin", "Benchmark Administrator", "benchmark password")
        names = []
        for i in range(desks):
            username = f"b{run}d{i:03d}"
            # Cheap password hashing, as the tests use: signing in is not what is measured.
            services.users.create_user(admin, username=username, full_name=f"Benchmark Desk {i}",
                                       password="benchmark password", roles={Role.CALL_AGENT}, demo=True)
            names.append(username)
        member = services.members.add(admin, name=f"Benchmark Member {run}", constituency="Holborn and St Pancras",
                                      region_code="LSE", office_phone="020 7219 3000", passcode=PASSCODE,
                                      demo=op != "call")
        return names, member.id, before
    finally:
        services.close()


def _sample_activity(url: str, stop: threading.Event, samples: Counter) -> None:
    """What the server's client sessions are doing, every 20 ms, until ``stop``."""
    from sqlalchemy import create_engine
    engine = create_engine(url, pool_size=1)
    query = text("SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                 "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
    try:
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            while not stop.wait(0.02):
                for state, wait_type, wait in conn.execute(query):
                    if state == "active":
                        samples[f"waiting: {wait_type}/{wait}" if wait_type else "running"] += 1
                    else:
                        samples[state or "?"] += 1
    finally:
        engine.dispose()


# ----------------------------------------------------------------------- run


def measure(url: str, *, desks: int, seconds: float, warmup: float, op: str, threads: bool) -> dict:
    names, member_id, before = _prepare(url, desks, op)
    ctx = mp.get_context("spawn")
    if threads:
        queue, go, start_at = __import__("queue").Queue(), threading.Event(), _Box(0.0)
    else:
        queue, go, start_at = ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    workers = []
    for i, name in enumerate(names):
        args = (i, url, op, name, member_id, go, start_at, warmup, seconds, queue)
        worker = (threading.Thread(target=run_desk, args=args, daemon=True) if threads
                  else ctx.Process(target=run_desk, args=args))
        worker.start()
        workers.append(worker)
    # Processes take a second or more each to start (imports, first connection): wait for all, then go.
    results, ready = [], 0
    while ready + len(results) < len(workers):
        kind, value = queue.get(timeout=600)
        if kind == "ready":
            ready += 1
        else:
            results.append(value)  # a desk that failed before it was ready
    start_at.value = time.time() + 0.5
    go.set()
    samples: Counter = Counter()
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_activity, args=(url, stop, samples), daemon=True)
    time.sleep(max(0.0, start_at.value + warmup - time.time()))
    sampler.start()
    time.sleep(seconds)
    stop.set()
    while len(results) < len(workers):
        kind, value = queue.get(timeout=300)
        if kind == "done":
            results.append(value)
    for worker in workers:
        worker.join(timeout=60)
    sampler.join(timeout=10)
    errors = [r["error"] for r in results if r["error"]]
    if errors:
        raise SystemExit(f"{len(errors)} desks failed; the first:\n{errors[0]}")
    return _summarise(url, results, samples, seconds=seconds, desks=desks, op=op, threads=threads,
                      before=before)


class _Box:
    """``multiprocessing.Value``'s ``.value``, for desks that are threads."""

    def __init__(self, value: float):
        self.value = value


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] if ordered else float("nan")


def _summarise(url, results, samples, *, seconds, desks, op, threads, before) -> dict:
    from mpel_app.app import open_database
    from mpel_app.db.models import Enquiry

    ops = sum(r["ops"] for r in results)
    latencies = [x for r in results for x in r["latencies_ms"]]
    statements: dict[str, float] = defaultdict(float)
    for r in results:
        for kind, ms in r["statement_ms"].items():
            statements[kind] += ms
    server = [r["server_cpu_s"] for r in results]
    services = open_database(url, upgrade=False)
    try:
        with services.uow.read() as s:
            total = s.scalar(select(func.count()).select_from(Enquiry))
            distinct = s.scalar(select(func.count(func.distinct(Enquiry.reference))))
    finally:
        services.close()
    per_op = max(ops, 1)
    return {
        "desks": desks, "mode": "threads" if threads else "processes", "op": op, "seconds": seconds,
        "enquiries": ops, "per_second": ops / seconds,
        "latency_ms": {"p50": _percentile(latencies, 0.50), "p95": _percentile(latencies, 0.95),
                       "p99": _percentile(latencies, 0.99), "max": max(latencies, default=float("nan")),
                       "mean": statistics.fmean(latencies) if latencies else float("nan")},
        "statement_ms_per_op": {k: v / per_op for k, v in sorted(statements.items(), key=lambda kv: -kv[1])},
        "lock_held_ms_per_op": sum(r["lock_held_ms"] for r in results) / per_op,
        "desk_cpu_ms_per_op": sum(r["desk_cpu_s"] for r in results) * 1000 / per_op,
        "server_cpu_ms_per_op": (sum(server) * 1000 / per_op) if None not in server else None,
        "server_sessions": dict(samples.most_common()),
        "references_unique": total == distinct, "enquiries_in_database": total - before,
        "load_average": os.getloadavg(), "cpus": os.cpu_count(),
    }


def report(figures: dict) -> str:
    lat = figures["latency_ms"]
    lines = [
        f"{figures['desks']} desks ({figures['mode']}), --op {figures['op']}, {figures['seconds']:.0f} s measured "
        f"on {figures['cpus']} CPUs (load average before/after: {figures['load_average'][0]:.1f})",
        f"  throughput: {figures['per_second']:.0f} enquiries/s (target {TARGET_PER_SECOND}); "
        f"{figures['enquiries']} logged in the window",
        f"  latency per operation: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, "
        f"max {lat['max']:.1f} ms",
        f"  reference counter lock held per operation: {figures['lock_held_ms_per_op']:.2f} ms "
        f"(one prefix: at most {1000 / max(figures['lock_held_ms_per_op'], 1e-9):.0f} enquiries/s)",
        f"  CPU per enquiry: desks {figures['desk_cpu_ms_per_op']:.2f} ms, PostgreSQL "
        + (f"{figures['server_cpu_ms_per_op']:.2f} ms" if figures["server_cpu_ms_per_op"] is not None else "n/a"),
        "  time in the database per operation, by statement (includes lock waits):",
    ]
    lines += [f"    {kind:<36} {ms:8.2f} ms" for kind, ms in figures["statement_ms_per_op"].items()]
    python_ms = lat["mean"] - sum(figures["statement_ms_per_op"].values())
    lines.append(f"    {'outside the database (Python, waits)':<36} {python_ms:8.2f} ms")
    total = sum(figures["server_sessions"].values()) or 1
    lines.append("  server sessions (sampled): " + ", ".join(
        f"{k} {100 * v / total:.0f}%" for k, v in list(figures["server_sessions"].items())[:6]))
    lines.append(f"  check: {figures['enquiries_in_database']} enquiries written, references unique: "
                 f"{figures['references_unique']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desks", type=int, default=DEFAULT_DESKS)
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--warmup", type=float, default=DEFAULT_WARMUP)
    parser.add_argument("--op", choices=("log", "call", "one-statement"), default="log",
                        help="log: EnquiryService.start; call: a whole call written up; one-statement: "
                             "start's writes as one SQL statement (a candidate fix, PostgreSQL)")
    parser.add_argument("--threads", action="store_true", help="desks as threads of one process (own engines)")
    parser.add_argument("--pg-url", help="an existing PostgreSQL database (migrated and used as it is)")
    parser.add_argument("--durable", action="store_true", help="throwaway cluster with fsync and synchronous_commit on")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    if args.pg_url:
        figures = measure(args.pg_url, desks=args.desks, seconds=args.seconds, warmup=args.warmup, op=args.op,
                          threads=args.threads)
    else:
        from tests.support import pgcluster
        if not pgcluster.ThrowawayCluster.available():
            print(pgcluster.ThrowawayCluster.why_unavailable(), file=sys.stderr)
            return 2
        settings = dict(pgcluster._SERVER_SETTINGS)
        if args.durable:
            pgcluster._SERVER_SETTINGS.update(fsync="on", synchronous_commit="on", full_page_writes="on")
        try:
            with pgcluster.ThrowawayCluster() as cluster:
                with cluster.temporary_database(prefix="mpel_desks") as url:
                    figures = measure(url, desks=args.desks, seconds=args.seconds, warmup=args.warmup,
                                      op=args.op, threads=args.threads)
        finally:
            pgcluster._SERVER_SETTINGS.clear()
            pgcluster._SERVER_SETTINGS.update(settings)
        figures["durable"] = args.durable
    print(report(figures))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
