"""League table latency (issue 11): the service next to the same SQL run raw, on SQLite and PostgreSQL.

    python -m benchmarks.league_table [--rows N] [--letters M] [--backend sqlite|postgresql|both]
                                      [--runs K] [--pg-url URL] [--rebuild]

The enquiries come from ``benchmarks.build_db`` (the same generator and cached SQLite file the
search benchmark uses; eight years of receipts); ``--letters`` MPs' letters are added over the
same years, spread over eight drafting units (one on Scotland's calendar), 85 % dispatched 10–35
days after receipt, the rest at the stages of the lifecycle.  The report is made as at the last
day of the data.

For a quarter and a year, K runs each (after one warm-up) of:

* **service**: ``PerformanceService.league_table`` (permission check, the working-day and London
  time lookups from the domain calendar, both aggregates, the records);
* **raw, same SQL**: the statements the service runs, compiled once and executed on the
  driver's connection (the baseline: what the database alone costs);

each twice: with the letters' stage figures (four more joins in the letters' statement) and with the main figures only;
* **raw, plain count**: the plainest GROUP BY over the same rows (no London time, no working
  days), to show what the rules cost inside the database.

Targets: service p95 <= 1 s, and <= 2x the raw p95 of the same SQL.  Measured, never asserted.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sqlite3
import sys
import time
from datetime import timedelta, timezone

from benchmarks import build_db

UTC = timezone.utc
UNITS = [("ASY1", "Asylum Casework 1", "ENG"), ("ASY2", "Asylum Casework 2", "ENG"),
         ("CIT", "Citizenship", "ENG"), ("FAM", "Family Visas", "ENG"), ("WRK", "Work and Study", "ENG"),
         ("DET", "Detention", "ENG"), ("EUSS", "EU Settlement", "ENG"), ("SCO", "Glasgow Unit", "SCT")]
OPEN_STATES = ("registered", "allocated", "accepted", "drafting", "in_qa", "with_team_leader",
               "with_private_office", "signed")
LETTER_COLUMNS = ("id", "cts_reference", "kind", "sequence", "year", "state", "received_at", "registered_at",
                  "registered_by_id", "member_id", "member_letter_date", "unit_code", "allocated_at",
                  "accepted_at", "dispatched_at", "ophso_deadline", "urgent", "ophso", "foi", "welsh_requested",
                  "restricted", "constituency_mp", "different_points", "enforced", "reply_still_wanted",
                  "qa_submitted_late", "returns_count", "member_reference", "constituent_name", "subject_name",
                  "subject_name_folded", "ho_reference", "issue", "question", "staff_member", "signatory_who",
                  "signatory_reason", "no_barrier_reason", "reallocation_reason", "draft_text", "background",
                  "drafting_officer_name", "drafting_officer_location", "drafting_officer_phone",
                  "last_return_note", "signed_by", "mp_agreement", "resolution_note", "cancel_reason", "version")


def letter_rows(m: int, seed: int):
    rng = random.Random(seed + 11)
    span = (build_db.END - build_db.START).total_seconds()
    seq: dict[tuple[str, int], int] = {}
    for i in range(1, m + 1):
        received = build_db.START + timedelta(seconds=span * (i - 0.5) / m + rng.uniform(-600, 600))
        kind = "ministerial" if rng.random() < 0.4 else "official"
        letter = "M" if kind == "ministerial" else "B"
        year = received.year
        n = seq[(letter, year)] = seq.get((letter, year), 0) + 1
        roll = rng.random()
        unit = UNITS[int(rng.random() * len(UNITS))][0]
        state, allocated, dispatched = "dispatched", received + timedelta(days=rng.uniform(0.5, 4)), None
        if roll < 0.02:
            state, unit, allocated = "cancelled", None, None
        elif roll < 0.87:
            dispatched = received + timedelta(days=rng.uniform(10, 35))
            if dispatched > build_db.END:
                state, dispatched = "drafting", None
        else:
            state = OPEN_STATES[int(rng.random() * len(OPEN_STATES))]
            if state == "registered":
                unit, allocated = None, None
        yield (i, f"{letter}{n % 100_000:05d}/{year % 100:02d}", kind, n, year, state, build_db._ts(received),
               build_db._ts(received), build_db.ADMIN_ID, 1 + int(rng.random() * build_db.N_MEMBERS),
               received.date().isoformat(), unit, build_db._ts(allocated) if allocated else None,
               build_db._ts(allocated + timedelta(days=1)) if allocated and state != "allocated" else None,
               build_db._ts(dispatched) if dispatched else None, None, False, False, False, False, False, True,
               False, False, False, False, 0, "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
               "", "", "", "", "", 1)


def unit_rows():
    return [(code, name, nation, f"head.{code.lower()}@homeoffice.example.gov.uk", True) for code, name, nation in UNITS]


def load_letters_sqlite(path, m: int, seed: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        have = conn.execute("SELECT count(*) FROM letters").fetchone()[0]
        if have == m:
            print(f"reusing the {m:,} letters already in {path}", file=sys.stderr)
            return
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("DELETE FROM letters")
        conn.execute("DELETE FROM drafting_units")
        conn.executemany("INSERT INTO drafting_units (code, name, nation, head_email, active) VALUES (?, ?, ?, ?, ?)",
                         unit_rows())
        batch = []
        sql = f"INSERT INTO letters ({', '.join(LETTER_COLUMNS)}) VALUES ({', '.join('?' * len(LETTER_COLUMNS))})"
        for row in letter_rows(m, seed):
            batch.append(row)
            if len(batch) == 50_000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        print(f"loaded {m:,} letters into SQLite in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        conn.close()


def load_letters_postgresql(url: str, m: int, seed: int) -> None:
    import psycopg
    from sqlalchemy import make_url

    u = make_url(url)
    conninfo = psycopg.conninfo.make_conninfo(
        "", **{k: v for k, v in {"host": u.query.get("host", u.host), "port": u.port, "user": u.username,
                                 "password": u.password, "dbname": u.database}.items() if v})
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if conn.execute("SELECT count(*) FROM letters").fetchone()[0] == m:
            print(f"reusing the {m:,} letters already in {u.database}", file=sys.stderr)
            return
        started = time.perf_counter()
        conn.execute("SET TimeZone = 'UTC'")
        with conn.transaction():
            conn.execute("TRUNCATE letters, drafting_units CASCADE")
            build_db._copy(conn, "drafting_units", ("code", "name", "nation", "head_email", "active"), unit_rows())
            build_db._copy(conn, "letters", LETTER_COLUMNS, letter_rows(m, seed))
            conn.execute("SELECT setval(pg_get_serial_sequence('letters', 'id'), (SELECT max(id) FROM letters))")
        conn.execute("VACUUM (ANALYZE) letters")
        print(f"loaded {m:,} letters into PostgreSQL in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _timed(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def measure(url: str, runs: int) -> list[tuple[str, str, list[float], list[float], list[float]]]:
    from mpel_app.app import open_database
    from mpel_app.domain.clock import FixedClock
    from mpel_app.domain.performance import Period, quarter_of
    from mpel_app.domain.records import Role, UserRecord
    from mpel_app.services.performance_sql import enquiry_league, letter_league, raw_enquiry_league, raw_letter_league

    now = build_db.END.replace(tzinfo=UTC)
    services = open_database(url, clock=FixedClock(now), upgrade=False)
    actor = UserRecord(id=build_db.ADMIN_ID, username="bench.admin", full_name="Bench Administrator",
                       roles=frozenset({Role.ADMINISTRATOR}), region_code=None, grade=None, active=True)
    last_quarter = quarter_of(quarter_of(now.date()).start - timedelta(days=1))
    year = Period(last_quarter.end.replace(year=last_quarter.end.year - 1) + timedelta(days=1), last_quarter.end,
                  "the year to " + f"{last_quarter.end:%d %b %Y}")
    results = []
    try:
        for period in (last_quarter, year):
            lo, hi = period.utc_bounds()
            with services.uow.reading() as conn:
                lk = services.performance.lookups(conn, period)
                main = [enquiry_league(lk, lo, hi), letter_league(lk, lo, hi)]
                statements = [enquiry_league(lk, lo, hi), letter_league(lk, lo, hi, stages=True)]
                plain = [raw_enquiry_league(lo, hi), raw_letter_league(lo, hi)]
                # Compiled once, run on the DBAPI cursor: the database's own cost, no SQLAlchemy per run.
                raw = [_compile(conn, s) for s in statements]
                raw_main = [_compile(conn, s) for s in main]
                raw_plain = [_compile(conn, s) for s in plain]
                dbapi = conn.connection.driver_connection

                def run_raw(items=raw):
                    cur = dbapi.cursor()
                    for sql, params in items:
                        cur.execute(sql, params)
                        cur.fetchall()
                    cur.close()

                same = _timed(run_raw, runs)
                same_main = _timed(lambda: run_raw(raw_main), runs)
                plain_ms = _timed(lambda: run_raw(raw_plain), runs)
            service = _timed(lambda: services.performance.league_table(actor, period), runs)
            service_main = _timed(lambda: services.performance.league_table(actor, period, stages=False), runs)
            results.append((period.title, "with stages", service, same, plain_ms))
            results.append((period.title, "main figures", service_main, same_main, plain_ms))
        table = services.performance.league_table(actor, year)
        print(f"  (year: {sum(r.received for r in table.regions):,} enquiries of regional work and "
              f"{sum(r.received for r in table.units):,} letters counted)", file=sys.stderr)
    finally:
        services.close()
    return results


def _compile(conn, statement):
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    if conn.dialect.name == "sqlite":
        params = [compiled.construct_params()[name] for name in compiled.positiontup]
        processors = compiled._bind_processors
        params = [processors[name](v) if name in processors else v
                  for name, v in zip(compiled.positiontup, params)]
        return str(compiled), params
    params = compiled.construct_params()
    processors = compiled._bind_processors
    return str(compiled), {k: processors[k](v) if k in processors else v for k, v in params.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.league_table", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="enquiries (default 1,000,000)")
    parser.add_argument("--letters", type=int, default=600_000, help="MPs' letters (default 600,000)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (default 20)")
    parser.add_argument("--seed", type=int, default=build_db.DEFAULT_SEED)
    parser.add_argument("--pg-url", help="an existing PostgreSQL database instead of a throwaway cluster")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    spec = build_db.Spec(rows=args.rows, seed=args.seed)
    load = os.getloadavg()
    lines = []
    for backend in (("sqlite", "postgresql") if args.backend == "both" else (args.backend,)):
        cluster = None
        try:
            if backend == "sqlite":
                build = build_db.ensure_sqlite(spec, rebuild=args.rebuild)
                load_letters_sqlite(build_db.sqlite_path(spec), args.letters, args.seed)
            else:
                url = args.pg_url
                if url is None:
                    from tests.support.pgcluster import ThrowawayCluster

                    cluster = ThrowawayCluster().start()
                    url = cluster.create_database("mpel_bench")
                build = build_db.build_postgresql(url, spec, rebuild=args.rebuild)
                load_letters_postgresql(url, args.letters, args.seed)
            print(build.describe(), file=sys.stderr, flush=True)
            for title, what, service, same, plain in measure(build.url, args.runs):
                lines.append((backend, title, what, service, same, plain))
        finally:
            if cluster is not None:
                cluster.stop()
    end_load = os.getloadavg()
    print(f"\nLeague table over {args.rows:,} enquiries and {args.letters:,} letters; {args.runs} runs each "
          f"after a warm-up. Load average {load[0]:.2f} at the start, {end_load[0]:.2f} at the end (2 cores).")
    print("Target: service p95 <= 1000 ms and <= 2x the raw p95 of the same SQL.\n")
    header = ("backend", "period", "figures", "service p50", "service p95", "raw same SQL p95", "ratio",
              "plain count p95", "ok")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for backend, title, what, service, same, plain in lines:
        s95, r95 = percentile(service, 95), percentile(same, 95)
        ok = s95 <= 1000 and s95 <= 2 * r95
        print(f"{backend} | {title} | {what} | {percentile(service, 50):.0f} ms | {s95:.0f} ms | {r95:.0f} ms | "
              f"{s95 / r95:.2f}x | {percentile(plain, 95):.0f} ms | {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
