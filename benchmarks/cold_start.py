"""Cold start of MPEL Desk: a fresh process to a usable main window, on SQLite with the demo data.

    python -m benchmarks.cold_start [--runs 10] [--user am.lse] [--rebuild] [--json FILE] [--against REV]

Each run starts ``python -m mpel_app --database sqlite:///benchmarks/out/cold-start-demo.sqlite3``
in a new process with ``MPEL_STARTUP_PROBE=<user>`` (``mpel_app.__main__.StartupProbe``): the app
signs in as that demo user with the password it reads from stdin (the time a person takes to
type is left out), prints the moment it passes each phase, and quits once the main window is
shown, painted and its first lists are loaded.  The clock starts just before the process is
spawned, so the figures include Python, the imports, Qt, opening (and checking the schema of)
the database, argon2 checking the password, building the window and the first queries.

The demo database is the one ``mpel --demo`` creates (400 members, 3,000 enquiries), built once
under ``benchmarks/out/`` and reused while it is at this checkout's schema head.  The app runs
with its settings and log in ``benchmarks/out/cold-start-home/`` (not yours) and, without a
display, on Qt's offscreen platform.  One unmeasured warm-up run comes first (it fills the
page cache, as a desk started every morning has it, and writes the bytecode cache: see
``app_environment``).

``--against REV`` also starts the code of another commit (``git archive REV``, exported under
``benchmarks/out/``) on the same database, alternating with this checkout start for start, so
both see the same load on a shared machine; the figures print side by side.

Measured and printed, never asserted.  The targets: ready in at most 1.5 s (issue 5); a median of
at most 1.0 s, the worst under 1.5 s (issue 16).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.build_db import OUT_DIR, schema_head

ROOT = Path(__file__).resolve().parent.parent
DEMO_DB = OUT_DIR / "cold-start-demo.sqlite3"
APP_HOME = OUT_DIR / "cold-start-home"
PROBE_ENV = "MPEL_STARTUP_PROBE"  # mpel_app.__main__.StartupProbe.ENV (not imported: that would load the app)
TARGET_SECONDS = 1.5  # the worst start (issue 5)
TARGET_MEDIAN_SECONDS = 1.0  # issue 16
PHASES = ("qt-free-loaded", "ui-loaded", "qt-started", "database-open", "sign-in-shown", "signed-in",
          "window-shown", "ready")


@dataclass
class ProbeRun:
    """One start of the app: seconds from spawning to each phase, and the process's peak memory."""

    phases: dict[str, float]
    max_rss_mib: float  # VmHWM, the app's own peak resident set size (see start_app)
    cpu_seconds: float  # user + system CPU time of the whole run, start to exit: less at the mercy of load
    returncode: int
    stderr: str = ""
    # The app's own CPU time (all its threads) at each phase; empty from a tree whose probe does not print it.
    cpu_phases: dict[str, float] = field(default_factory=dict)

    @property
    def ready(self) -> float | None:
        return self.phases.get("ready")


@dataclass
class DemoDatabase:
    url: str
    password: str
    usernames: dict[str, str] = field(default_factory=dict)
    enquiries: int = 0
    reused: bool = False


# ------------------------------------------------------------ the database

def demo_database(*, rebuild: bool = False) -> DemoDatabase:
    """The demo database ``mpel --demo`` would create, built once and reused while at the schema head."""
    meta_path = DEMO_DB.with_suffix(".json")
    url = f"sqlite:///{DEMO_DB}"
    head = schema_head()
    if not rebuild and DEMO_DB.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("revision") == head:
            return DemoDatabase(url=url, password=meta["password"], usernames=meta["usernames"],
                                enquiries=meta["enquiries"], reused=True)
    from mpel_app.__main__ import DEMO_SIZE
    from mpel_app.app import open_database
    from mpel_app.demo import seed_demo

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
    print(f"building {DEMO_DB} (the demo data: {DEMO_SIZE['members']} members, "
          f"{DEMO_SIZE['enquiries']} enquiries)", file=sys.stderr)
    services = open_database(url)
    try:
        info = seed_demo(services, **DEMO_SIZE)
    finally:
        services.close()
    meta = {"revision": head, "password": info.password, "usernames": info.usernames,
            "enquiries": info.counts["enquiries"]}
    meta_path.write_text(json.dumps(meta, indent=2))
    return DemoDatabase(url=url, password=info.password, usernames=info.usernames,
                        enquiries=info.counts["enquiries"])


# ------------------------------------------------------------- one start

def app_environment(home: Path) -> dict[str, str]:
    """The environment for the app: its own settings and data folders, no MPEL_* from the caller.

    Python keeps compiled bytecode, as on an installed desk (pip and the installer compile it).
    A shell with ``PYTHONDONTWRITEBYTECODE`` set would otherwise have every start compile the
    desk's own modules from source, about 0.1 s that no desk spends.  The bytecode goes to
    ``benchmarks/out/pycache`` (``PYTHONPYCACHEPREFIX``), not into the source tree; the
    warm-up start writes it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPEL_") and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(OUT_DIR / "pycache")
    env["XDG_CONFIG_HOME"] = str(home / "config")  # QSettings
    env["XDG_DATA_HOME"] = str(home / "data")  # platformdirs: the log file
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _peak_rss_kib(pid: int) -> int | None:
    """The process's VmHWM (peak resident set size since its exec), or None once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None


def start_app(url: str, username: str, password: str, *, timeout: float = 120.0, root: Path = ROOT) -> ProbeRun:
    """Start ``python -m mpel_app`` on url, signed in as username; return when it has quit by itself.

    ``root``: the source tree to start (``python -m`` imports ``mpel_app`` from its working folder).

    Peak memory is VmHWM read from /proc every 20 ms once the app has printed its first
    phase, not ``ru_maxrss``: that also counts the moment the child was still a copy of this
    (possibly large) benchmark process, before its exec.  Only the last 20 ms before exit,
    spent shutting down, go unseen.
    """
    env = app_environment(APP_HOME)
    env[PROBE_ENV] = username
    phases: dict[str, float] = {}
    cpu_phases: dict[str, float] = {}
    peak = [0]
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.time()
        proc = subprocess.Popen([sys.executable, "-m", "mpel_app", "--database", url], cwd=root, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True)
        running = threading.Event()  # set at the first phase: the exec is long done
        stopped = threading.Event()

        def watch() -> None:  # never poll() or wait(): the main thread reaps the child with wait4
            running.wait()
            while not stopped.is_set():
                peak[0] = max(peak[0], _peak_rss_kib(proc.pid) or 0)
                time.sleep(0.02)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        # A start that hangs (say, a refused password leaves the sign-in window open) is killed.
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            proc.stdin.write(password + "\n")
            proc.stdin.close()
            for line in proc.stdout:
                parts = line.split()
                if len(parts) in (3, 4) and parts[0] == "mpel-probe":
                    phases[parts[1]] = float(parts[2]) - started
                    if len(parts) == 4:
                        cpu_phases[parts[1]] = float(parts[3])
                    if parts[1] == "ready":  # the peak so far, while the process is surely still there
                        peak[0] = max(peak[0], _peak_rss_kib(proc.pid) or 0)
                    running.set()
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            killer.cancel()
            running.set()
            stopped.set()
            watcher.join()
        errors.seek(0)
        stderr = errors.read()
    return ProbeRun(phases=phases, max_rss_mib=peak[0] / 1024, cpu_seconds=usage.ru_utime + usage.ru_stime,
                    returncode=proc.returncode, stderr=stderr[-2000:], cpu_phases=cpu_phases)


# ---------------------------------------------------------------- report

def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    from PySide6 import __version__ as pyside

    return (f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, PySide6 {pyside}, "
            f"{platform.platform()}; load average {load}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def phase_table(runs: list[ProbeRun]) -> str:
    cpu = all(r.cpu_phases for r in runs)
    lines = ["| phase (time since the process was spawned) | median | worst |" + (" the app's CPU, median |" if cpu
                                                                                 else ""),
             "|---|---|---|" + ("---|" if cpu else "")]
    for phase in PHASES:
        values = [r.phases[phase] for r in runs if phase in r.phases]
        if values:
            line = f"| {phase} | {_ms(statistics.median(values))} | {_ms(max(values))} |"
            if cpu:
                line += f" {_ms(statistics.median(r.cpu_phases.get(phase, 0.0) for r in runs))} |"
            lines.append(line)
    return "\n".join(lines)


def export_commit(rev: str) -> tuple[str, Path]:
    """The source tree of commit ``rev`` (``git archive``), under ``benchmarks/out/``: (short hash, folder)."""
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                            text=True).stdout.strip()
    folder = OUT_DIR / f"against-{commit}"
    if not (folder / "mpel_app" / "__main__.py").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return commit, folder


def _summary(runs: list[ProbeRun]) -> tuple[float, float, float]:
    ready = [r.ready for r in runs]
    return statistics.median(ready), max(ready), statistics.median(r.cpu_seconds for r in runs)


def compare(db: DemoDatabase, user: str, rev: str, runs: int) -> int:
    """This checkout against commit rev: starts alternating, one of each per round, then the two tables."""
    commit, other = export_commit(rev)
    trees = {f"{commit} ({rev})": other, "this checkout": ROOT}
    print(f"against {commit}: its code from {other}, alternating start for start with this checkout")
    results: dict[str, list[ProbeRun]] = {name: [] for name in trees}
    for name, root in trees.items():  # a warm-up of each: the page cache and each tree's bytecode
        if start_app(db.url, user, db.password, root=root).ready is None:
            print(f"{name}: no ready window", file=sys.stderr)
            return 1
    for n in range(1, runs + 1):
        line = []
        for name, root in trees.items():
            run = start_app(db.url, user, db.password, root=root)
            if run.ready is None:
                print(f"run {n}, {name}: no ready window (exit {run.returncode}):\n{run.stderr}", file=sys.stderr)
                return 1
            results[name].append(run)
            line.append(f"{name} {_ms(run.ready)}")
        print(f"round {n}: " + ", ".join(line))
    for name, got in results.items():
        print(f"\n{name}:\n{phase_table(got)}")
    print("\n| | median ready | worst ready | median CPU |\n|---|---|---|---|")
    for name, got in results.items():
        median, worst, cpu = _summary(got)
        print(f"| {name} | {_ms(median)} | {_ms(worst)} | {_ms(cpu)} |")
    median, worst, _cpu = _summary(results["this checkout"])
    print(f"\nthis checkout: median {_ms(median)} (target ≤ {_ms(TARGET_MEDIAN_SECONDS)}: "
          f"{'met' if median <= TARGET_MEDIAN_SECONDS else 'missed'}), worst {_ms(worst)} "
          f"(target < {_ms(TARGET_SECONDS)}: {'met' if worst < TARGET_SECONDS else 'missed'})")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cold_start", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="measured starts (default %(default)s)")
    parser.add_argument("--user", default="am.lse",
                        help="demo user to sign in as (default %(default)s: the region queue is their first view)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--against", metavar="REV",
                        help="also start commit REV's code (same schema head), alternating with this checkout")
    args = parser.parse_args(argv)

    db = demo_database(rebuild=args.rebuild)
    print(f"{'reusing' if db.reused else 'built'} {DEMO_DB.name}: demo data, {db.enquiries:,} enquiries; "
          f"signing in as {args.user}")
    print(machine())
    if args.against:
        return compare(db, args.user, args.against, args.runs)
    warm = start_app(db.url, args.user, db.password)
    if warm.ready is None:
        print(f"the app did not get to a ready window (exit {warm.returncode}):\n{warm.stderr}", file=sys.stderr)
        return 1
    print(f"warm-up start (not counted): ready after {_ms(warm.ready)}")
    runs = []
    for n in range(1, args.runs + 1):
        run = start_app(db.url, args.user, db.password)
        if run.ready is None:
            print(f"run {n}: no ready window (exit {run.returncode}):\n{run.stderr}", file=sys.stderr)
            return 1
        runs.append(run)
        print(f"run {n}: ready after {_ms(run.ready)} (sign-in window after {_ms(run.phases['sign-in-shown'])}), "
              f"CPU {_ms(run.cpu_seconds)} start to exit, peak RSS {run.max_rss_mib:.0f} MiB")
    ready = [r.ready for r in runs]
    print()
    print(phase_table(runs))
    median, worst = statistics.median(ready), max(ready)
    print(f"\nready: median {_ms(median)}, worst {_ms(worst)} over {len(runs)} starts; "
          f"targets: median ≤ {_ms(TARGET_MEDIAN_SECONDS)} {'met' if median <= TARGET_MEDIAN_SECONDS else 'missed'}, "
          f"worst < {_ms(TARGET_SECONDS)} {'met' if worst < TARGET_SECONDS else 'missed'}")
    cpu = [r.cpu_seconds for r in runs]
    print(f"CPU time (user + system, start to exit): median {_ms(statistics.median(cpu))}, worst {_ms(max(cpu))}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "user": args.user, "runs": [asdict(r) for r in runs],
                                         "median_s": median, "worst_s": worst}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
