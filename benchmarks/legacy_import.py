"""The legacy Access import's pipeline after the reader (parse, normalise, write) on N synthetic call
records, next to a plain bulk insert of the same rows, on SQLite and PostgreSQL.

    python -m benchmarks.legacy_import [--rows N] [--backend sqlite|postgresql|both] [--json FILE]

The rows are made as a reader yields them (dicts of Python values, with the
Access database's quirks in about the fixtures' proportions: lower-case,
padded, invalid and duplicated references, NULL times, mistyped years,
free-typed call types, CRLF memos, orphaned regions and agents) by a seeded
generator, so both passes of the import read the same rows without holding
a million of them in memory.  Measured, in the same run and database:

* generate: only iterating the generator (the import iterates it once, as the plain insert does);
* plain insert: the same rows, as they are, into a plain table of the same columns, in batches of
  1,000 in one transaction: what any loader costs at least;
* plain COPY (PostgreSQL only, for comparison): the same rows by COPY into a plain table;
* import: LegacyImportService.write_as_read, one pass over the rows in Access ID order (the survey taken
  as they are read, the few rows a later row may change decided after the last): every rule,
  enquiries, name tokens (and on SQLite the FTS5 documents, on PostgreSQL the name index's words and
  pairs), legacy_records, legacy people, counters, audit, one transaction.  Into this new database the import is a
  switchover: the secondary indexes are set aside and built again after the rows
  (``indexes_rebuilt`` in the JSON; db/bulk_indexes).
* with ``--two-pass`` also the import as it runs when the rows are not in ID order (or cannot be
  counted first): the survey over every row, then plan and write (LegacyImportService.write), into
  a second new database of the same kind.

Target (issue 10): 1,000,000 records in under 2 minutes, within 3x of the plain insert.  Figures
are printed with the load average: the machine is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, Table, Text, insert

from mpel_app.app import open_database
from mpel_app.domain import legacy as L
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.legacy_plan import RowPlanner, survey
from mpel_app.services.legacy_import import BATCH, LegacyImportService

NOW = datetime(2026, 11, 23, 10, 0).astimezone()
REGIONS = [{"ID": i + 1, "Region Name": n, "Region Code": c} for i, (c, n) in enumerate(
    [("LSE", "London & South East"), ("MEE", "Midlands & East of England"), ("NEY", "North East"),
     ("WSW", "Wales & South West"), ("NWE", "North West"), ("SNI", "Scotland & Northern Ireland")])]
AGENTS = [{"ID": i, "Login": f"agent{i}", "Full Name": f"Agent Number{i}", "Team": "MPEL", "Active": True}
          for i in range(1, 23) if i != 11]
FIRST = ["Tariq", "Chipo", "Amina", "Zoë", "Nguyễn Thị", "Şükrü", "Jun", "Chinedu", "Siobhan", "Mohammed"]
LAST = ["MAHMOOD", "Moyo", "hassan", "O'Neill", "Hoa", "ÖZTÜRK", "Huang", "Eze", "D'Souza", "Khan"]
NATIONS = ["Pakistani", "PAKISTANI", "Zimbabwean", "Somali ", "Iranian", "Chinese", "N/K", None, ""]
CALL_TYPES = ["Telephone"] * 20 + ["Email"] * 5 + ["Fax"] * 3 + ["Tel", "Phone", "E-mail", "FAX ", None]
URGENT = [""] * 60 + [None] * 17 + ["Imminent Removal"] * 3 + ["Compassionate", "Compassionate ", "imminent removal"]
MEMO = ("Caseworker asking for progress on ILR application posted 17/03/2004.\r\nFee has been cashed but no "
        "acknowledgement received.\r\n\r\n\"MP asks for an update\" – urgently.")


def synthetic_rows(n: int, seed: int = 20261123) -> Iterator[dict]:
    """N call records as a reader yields them, the same ones on every call."""
    rnd = random.Random(seed)
    start = datetime(2000, 1, 4)
    span = (datetime(2010, 3, 31) - start).total_seconds()
    access_id = 2
    issued: Counter[str] = Counter()
    for i in range(n):
        access_id += 1 + (rnd.random() < 0.07)  # gaps, as AutoNumbers leave
        day = start + timedelta(seconds=span * i / n)
        prefix = "MPH" if rnd.random() < 0.93 else rnd.choice(["LSE", "MEE", "NEY", "WSW", "NWE", "SNI"])
        issued[prefix] += 1  # each prefix counts on its own, as the desks' counters do: six digits each
        ref = f"{prefix}{issued[prefix]:06d}"
        roll = rnd.random()
        if roll < 0.008:
            ref = ref.lower()
        elif roll < 0.015:
            ref = f" {ref} "
        elif roll < 0.023:
            ref = rnd.choice(["TBC", "tbc", "MPH", "", None, ref[:-1]])
        elif roll < 0.027 and i > 10:
            ref = f"MPH{max(issued['MPH'] - rnd.randint(1, 9), 1):06d}"  # a re-keyed copy
        call_day = day.replace(hour=0, minute=0, second=0)
        if rnd.random() < 0.002:
            # a date typed years wrong (29 February of a leap year becomes the 28th: 2030 and 2090 have none)
            call_day = call_day.replace(year=rnd.choice([1999, 2020, 2030, 2090]), day=min(call_day.day, 28)
                                        if (call_day.month, call_day.day) == (2, 29) else call_day.day)
        further = rnd.random() < 0.5
        completed = call_day + timedelta(days=rnd.randint(0, 9)) if rnd.random() < 0.8 else None
        region = rnd.randint(1, 6) if further else rnd.choice([0, 0, 0, None])
        if rnd.random() < 0.001:
            region = 8
        yield {
            "ID": access_id, "Hotline Ref": ref, "Date of Call": call_day,
            "Time of Call": None if rnd.random() < 0.05 else datetime(1899, 12, 30, rnd.randint(9, 17),
                                                                       rnd.randint(0, 59)),
            "Call Type": rnd.choice(CALL_TYPES), "MP Name": "Margaret Halloway MP ",
            "Constituency": rnd.choice(["Ashcombe and Wyvern", "Aberdŵr and Rhŷd-y-fro", None, ""]),
            "Caller Name": rnd.choice(["Denise Oyelaran", "Zoë O'Neill ", None, ""]),
            "Subject Name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" if rnd.random() < 0.97 else None,
            "Subject DOB": rnd.choice([datetime(1976, 8, 14), datetime(1900, 1, 1), None, datetime(2077, 5, 4)]),
            "Nationality": rnd.choice(NATIONS), "HO Ref": rnd.choice([f"B{i:07d}", None, "", f" s{i:06d}/2"]),
            "CTS Ref": rnd.choice([None, "", f"M{i % 99999:05d}/09"]), "Enquiry": MEMO if rnd.random() < 0.99 else None,
            "Response": "FA – passed to TL.\r\nSent to LSE inbox." if completed else None,
            "Further Action": further, "Region": region, "Urgent": rnd.choice(URGENT),
            "Removal Date": None, "File Required": rnd.random() < 0.17,
            "Date Sent to Region": call_day if further else None, "Date Completed": completed,
            "Completed By": rnd.choice([None, "Pauline Greaves", "Gwen Price (WSW)", "PG"]),
            "Call Agent": rnd.choice([2, 4, 11, 14, None]), "Passcode Given": False, "Deleted": rnd.random() < 0.02,
        }


def _raw_table(metadata: MetaData, name: str = "bench_raw_call_records") -> Table:
    types = {**{c: Text for c in L.TEXT_COLUMNS}, **{c: DateTime for c in L.DATE_COLUMNS},
             **{c: Boolean for c in L.FLAG_COLUMNS}, **{c: Integer for c in L.NUMBER_COLUMNS}}
    return Table(name, metadata, *(Column(name, kind()) for name, kind in types.items()))


def plain_copy(services, n: int) -> float:
    """PostgreSQL only: the same rows, as they are, by COPY (psycopg's ``cursor.copy()``) into a plain
    table in one transaction: the fastest way in, for comparison (the import writes by COPY too)."""
    table = _raw_table(MetaData(), "bench_raw_call_records_copy")
    table.create(services.engine)
    names = [c.name for c in table.c]
    columns = ", ".join('"%s"' % c for c in names)
    statement = f"COPY {table.name} ({columns}) FROM STDIN"
    started = time.perf_counter()
    with services.engine.begin() as conn:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in synthetic_rows(n):
                copy.write_row(tuple(row[c] for c in names))
    return time.perf_counter() - started


def plain_insert(services, n: int) -> float:
    """The same rows, as they are, bulk-inserted into a plain table in one transaction."""
    table = _raw_table(MetaData())
    table.create(services.engine)
    started = time.perf_counter()
    with services.engine.begin() as conn:
        # Batches of 1,000, not the import's larger ones at a million rows (batch_size): 10,000 made this
        # plain insert slower on both databases (27.96 s against 26.06 s on SQLite, 32.84 against 28.92 s on
        # PostgreSQL, same quiet run), so the baseline is the faster one.
        batch = []
        for row in synthetic_rows(n):
            batch.append(row)
            if len(batch) == BATCH:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
    return time.perf_counter() - started


def pipeline(services, n: int) -> tuple[float, dict]:
    """(seconds, report) of the import after the reader, in one pass."""
    service: LegacyImportService = services.legacy
    started = time.perf_counter()
    report = service.write_as_read(None, "synthetic.mdb", "synthetic",
                                   {L.REGION_TABLE: len(REGIONS), L.AGENT_TABLE: len(AGENTS)},
                                   L.region_codes(REGIONS), {a["ID"]: a for a in AGENTS}, synthetic_rows(n),
                                   dry_run=False, progress=lambda *a: None, total=n)
    return time.perf_counter() - started, report


def two_passes(services, n: int) -> tuple[float, float, dict]:
    """(survey seconds, write seconds, report): the import when the rows cannot be taken in one pass."""
    started = time.perf_counter()
    found = survey(synthetic_rows(n), {L.REGION_TABLE: len(REGIONS), L.AGENT_TABLE: len(AGENTS)}, NOW.date())
    surveyed = time.perf_counter()
    planner = RowPlanner(found, L.region_codes(REGIONS), {a["ID"]: a for a in AGENTS})
    service: LegacyImportService = services.legacy
    report = service.write(None, "synthetic.mdb", "synthetic", found, planner, synthetic_rows(n), dry_run=False,
                           progress=lambda *a: None, total=n)
    return surveyed - started, time.perf_counter() - surveyed, report


def measure(url: str, n: int, second_url: str | None = None) -> dict:
    started = time.perf_counter()
    for _ in synthetic_rows(n):
        pass
    generate = time.perf_counter() - started
    services = open_database(url, clock=FixedClock(NOW))
    try:
        cpu = time.process_time()
        plain = plain_insert(services, n)
        plain_cpu = time.process_time() - cpu
        copied = plain_copy(services, n) if services.engine.dialect.name == "postgresql" else None
        cpu = time.process_time()
        total, report = pipeline(services, n)
        import_cpu = time.process_time() - cpu
    finally:
        services.close()
    passes = {}
    if second_url:
        other = open_database(second_url, clock=FixedClock(NOW))
        try:
            surveyed, written, again = two_passes(other, n)
        finally:
            other.close()
        assert again["enquiries"] == report["enquiries"] and again["counters"] == report["counters"]
        passes = {"two_pass_survey_s": round(surveyed, 2), "two_pass_write_s": round(written, 2),
                  "two_pass_total_s": round(surveyed + written, 2),
                  "two_pass_ratio_to_plain": round((surveyed + written) / plain, 2)}
    # After the reader: without the generator's own cost (iterated once by the plain insert and the import).
    plain_net, import_net = max(plain - generate, 1e-9), max(total - generate, 1e-9)
    return {"plain_net_s": round(plain_net, 2), "import_net_s": round(import_net, 2),
            "ratio_net": round(import_net / plain_net, 2), "projected_1M_net_s": round(import_net * 1_000_000 / n, 1),
            "rows": n, "generate_s": round(generate, 2), "plain_insert_s": round(plain, 2),
            "import_total_s": round(total, 2), "plain_rows_per_s": round(n / plain),
            "import_rows_per_s": round(n / total), "ratio_to_plain": round(total / plain, 2),
            "imported": report["enquiries"]["imported"], "not_imported": report["enquiries"]["not_imported"],
            "decisions": len(report["decisions"]),
            # This process's CPU seconds (not the PostgreSQL server's): steadier than the clock on a loaded machine.
            "plain_cpu_s": round(plain_cpu, 2), "import_cpu_s": round(import_cpu, 2),
            "ratio_cpu": round(import_cpu / max(plain_cpu, 1e-9), 2),
            "indexes_rebuilt": report.get("indexes_rebuilt", 0),
            "projected_1M_s": round(total * 1_000_000 / n, 1), **passes,
            **({"plain_copy_s": round(copied, 2), "ratio_to_plain_copy": round(total / copied, 2),
                "ratio_net_to_plain_copy": round(import_net / max(copied - generate, 1e-9), 2)} if copied else {})}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--two-pass", action="store_true",
                        help="also the import as it runs on rows not in ID order: survey, then write")
    args = parser.parse_args(argv)
    results = {"load_average_before": os.getloadavg(), "cpus": os.cpu_count()}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = measure(f"sqlite:///{Path(folder) / 'legacy-bench.sqlite3'}", args.rows,
                                        f"sqlite:///{Path(folder) / 'two-pass.sqlite3'}" if args.two_pass else None)
            print("sqlite", json.dumps(results["sqlite"]), flush=True)
    if args.backend in ("postgresql", "both"):
        from tests.support import pgcluster

        if not pgcluster.ThrowawayCluster.available():
            print(pgcluster.ThrowawayCluster.why_unavailable(), file=sys.stderr)
            return 1
        with pgcluster.ThrowawayCluster() as cluster, cluster.temporary_database(prefix="mpel_legacy") as url, \
                cluster.temporary_database(prefix="mpel_legacy2") as second:
            results["postgresql"] = measure(url, args.rows, second if args.two_pass else None)
            print("postgresql", json.dumps(results["postgresql"]), flush=True)
    results["load_average_after"] = os.getloadavg()
    print(f"\nLegacy import after the reader, {args.rows:,} synthetic call records "
          f"(load average before {results['load_average_before'][0]:.2f}, after "
          f"{results['load_average_after'][0]:.2f}, {results['cpus']} CPUs):")
    print(f"{'backend':<11}{'generate s':>11}{'plain s':>9}{'plain rows/s':>14}{'import s':>10}"
          f"{'import rows/s':>15}{'x plain':>9}{'1M proj. s':>12}{'x plain net':>13}{'1M net s':>10}")
    for backend in ("sqlite", "postgresql"):
        r = results.get(backend)
        if r:
            print(f"{backend:<11}{r['generate_s']:>11}{r['plain_insert_s']:>9}{r['plain_rows_per_s']:>14,}"
                  f"{r['import_total_s']:>10}{r['import_rows_per_s']:>15,}{r['ratio_to_plain']:>9}"
                  f"{r['projected_1M_s']:>12}{r['ratio_net']:>13}{r['projected_1M_net_s']:>10}")
    print("CPU seconds of this process (plain / import, x): " + "; ".join(
        f"{b} {results[b]['plain_cpu_s']} / {results[b]['import_cpu_s']}, {results[b]['ratio_cpu']}"
        for b in ("sqlite", "postgresql") if b in results))
    for backend in ("sqlite", "postgresql"):
        r = results.get(backend)
        if r and "two_pass_total_s" in r:
            print(f"{backend} in two passes (rows not in ID order): survey {r['two_pass_survey_s']} s + write "
                  f"{r['two_pass_write_s']} s = {r['two_pass_total_s']} s, x plain {r['two_pass_ratio_to_plain']}")
    r = results.get("postgresql")
    if r and "plain_copy_s" in r:
        print(f"postgresql plain COPY of the same rows: {r['plain_copy_s']} s; import x plain COPY "
              f"{r['ratio_to_plain_copy']}, net {r['ratio_net_to_plain_copy']}")
    print("import = one pass: survey, plan and write as the rows are read, one transaction; it iterates the "
          "generator once, as the plain insert does, whose own cost is 'generate'; 'net' takes the generator out "
          "of both (the pipeline after the reader). Target: 1M in < 120 s, within 3x of plain.")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
