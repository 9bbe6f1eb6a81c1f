"""Fifty desks at a realistic pace on PostgreSQL: the latency each person waits for, action by action.

    python -m benchmarks.shift_pace                           # 50 desks, one action each every 2 s, 60 s
    python -m benchmarks.shift_pace --desks 20 --seconds 120 --interval 2

``benchmarks.concurrent_desks`` runs desks flat out: the capacity ceiling.  A
shift is nothing like that: the Enquiry Line's busiest hour is a few hundred
calls across every desk, so fifty desks each doing one action every two
seconds is about ten times that hour.  Here each desk is a process with its
own services and engine, signed in as its own user, and does one action per
``--interval`` (its first at a random phase, so the desks do not march in
step), drawn from the mix of a shift:

* a whole call, one step per action as an agent types it: the call started
  (a hotline reference issued), the caller chosen and the passcode checked
  (argon2 at the real passcode cost, not the tests' demo cost), the details saved, the call completed at first
  contact or made a Further Action Case;
* a search: a subject name (one or two words) or a hotline reference;
* a record opened (``get``, audited as a view);
* a Further Action Case sent to a region, or a region's item acknowledged;
* a letter: the unit's workstack read, or the next allocated letter accepted.

Each desk starts as ``mpel`` does (its bank holidays primed from the saved
copy, ``holiday_cache.warm``; its start-up heap frozen once up,
``startup_heap``) and, unless ``--cold``, has read a workstack, opened and
accepted a letter set aside for it, and done one of each other action,
untimed, as a desk open for a while has: a 60-second run of fresh processes
otherwise times mostly each process's first calls (the ``holidays`` package
imported, every statement compiled: ~0.3 s for a first workstack against
~0.05 s after; a desk does only one or two sends in a run), which a person
pays once a shift, not once a minute.  ``--sender`` also runs the mail sender
on the same cores: it makes the call record PDFs of the cases sent.

Printed per action: how many, p50 / p95 / p99 / max in ms, and errors; the
target is p95 <= 100 ms for every action and no errors.  A contested refusal
(another desk acknowledged or accepted the same item first) is counted as a
refusal, not an error: it is the product telling the person what happened.
Figures are printed, never asserted; note the load average printed with them.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

TARGET_P95_MS = 100.0
DEFAULT_DESKS = 50
DEFAULT_SECONDS = 60.0
DEFAULT_INTERVAL = 2.0
SURNAMES = ["Khan", "Rezaei", "Nguyen", "Okafor", "Silva", "Hussain", "Ahmed", "Kowalski", "Popescu", "Haddad"]
FORENAMES = ["Mohammed", "Ali", "Fatima", "Anh", "Chidi", "Ana", "Zoë", "Leila", "Piotr", "Ioana"]
# Relative weights of the actions that are not steps of a call in progress.
MIX = {"call": 40, "search": 25, "open": 15, "region": 10, "letter": 10}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}"


def run_desk(config: dict, gate, out_path: str) -> None:
    """One desk's process: ``config['seconds']`` of paced actions, latencies written to ``out_path``."""
    from sqlalchemy import select

    from mpel_app.app import open_database
    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import User
    from mpel_app.domain.clock import FixedClock
    from mpel_app.domain.errors import InvalidTransition, StaleRecord
    from mpel_app.domain.records import CallerKind, Channel, SearchKey, SubjectDetails

    rng = random.Random(config["seed"])
    timings: dict[str, list[float]] = defaultdict(list)
    refusals: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    services = open_database(config["url"], clock=FixedClock(datetime.fromisoformat(config["now"])), upgrade=False)
    try:
        with services.uow.read() as s:
            me = user_record(s.scalar(select(User).where(User.username == config["username"])))
        e, letters = services.enquiries, services.letters
        _start_as_a_desk(config, services, me)
        call: list = []  # the steps of the call in progress
        mine: list[str] = []
        cases, items, to_accept = list(config["cases"]), list(config["items"]), list(config["letters"])
        rng.shuffle(cases), rng.shuffle(items), rng.shuffle(to_accept)

        def next_call_step() -> tuple[str, callable]:
            if not call:
                def start():
                    rec = e.start(me, Channel.TELEPHONE)
                    call.append(rec)
                    mine.append(rec.reference)
                return "call: start (reference issued)", start
            rec = call[0]
            if len(call) == 1:
                def caller():
                    e.set_caller(me, rec.id, member_id=config["member_id"], caller_kind=CallerKind.MEMBER)
                    e.verify_passcode(me, rec.id, config["passcode"])
                    call.append("verified")
                return "call: caller + passcode", caller
            if len(call) == 2:
                def details():
                    e.update_details(me, rec.id, subject=SubjectDetails(name=_name(rng), nationality="Iranian"),
                                     question="When will the application be decided?",
                                     answer="Told the office the case is with a caseworker.",
                                     written_confirmation=False)
                    call.append("saved")
                return "call: details saved", details

            def finish():
                if rng.random() < 0.7:
                    e.complete_first_contact(me, rec.id)
                else:
                    e.mark_further_action(me, rec.id)
                call.clear()
            return "call: completed", finish

        def action() -> tuple[str, callable]:
            if call:
                return next_call_step()
            kind = rng.choices(list(MIX), list(MIX.values()))[0]
            if kind == "call":
                return next_call_step()
            if kind == "search":
                if mine and rng.random() < 0.4:
                    ref = rng.choice(mine)
                    return "search: reference", lambda: e.find(me, SearchKey.REFERENCE, ref)
                words = _name(rng).split()
                text = words[0][:rng.randint(3, len(words[0]))] + (
                    f" {words[1][:3]}" if rng.random() < 0.5 else "")
                return "search: subject name", lambda: e.find(me, SearchKey.SUBJECT_NAME, text)
            if kind == "open":
                target = rng.choice(config["open"])
                return "open a record", lambda: e.get(me, target)
            if kind == "region":
                if cases and rng.random() < 0.5:
                    target = cases.pop()
                    return "region: send a case", lambda: e.send_to_region(me, target, "LSE")
                if items:
                    target = items.pop()
                    return "region: acknowledge", lambda: e.acknowledge(me, target)
                return "open a record", lambda: e.get(me, rng.choice(config["open"]))
            if to_accept and rng.random() < 0.5:
                target = to_accept.pop()

                def accept():
                    seen = letters.get(me, target)
                    letters.accept(me, target, barrier_to_removal=True, expected_version=seen.version)
                return "letter: accept", accept
            return "letter: workstack", lambda: letters.workstack(me, "workflow_manager", "ASY1")

        def warm_up() -> None:
            """One of each action but the letters' (``_start_as_a_desk``), untimed, before the clock starts: a desk in the middle of a shift has done
            each before, so SQLAlchemy has compiled its statements and the libraries it uses are imported (a
            first send or acknowledgement in a fresh process costs some 10-20 ms of CPU more)."""
            for _ in range(4):
                next_call_step()[1]()
            steps = [lambda: e.find(me, SearchKey.REFERENCE, mine[-1]),
                     lambda: e.find(me, SearchKey.SUBJECT_NAME, "Kha"),
                     lambda: e.get(me, config["open"][0]),
                     lambda: e.send_to_region(me, cases.pop(), "LSE"),
                     lambda: e.acknowledge(me, items.pop())]
            for step in steps:
                try:
                    step()
                except (StaleRecord, InvalidTransition):
                    pass  # another desk warming up took the same item first

        if not config["cold"]:
            warm_up()
        from mpel_app.startup_heap import freeze_startup_heap

        freeze_startup_heap()  # as mpel does once its window is up
        gate.wait(timeout=300)
        started = time.monotonic()
        next_at = started + rng.uniform(0, config["interval"])
        while True:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if time.monotonic() - started >= config["seconds"]:
                break
            label, run = action()
            began = time.perf_counter()
            try:
                run()
            except (StaleRecord, InvalidTransition):
                refusals[label] += 1
                if label.startswith("call"):
                    call.clear()
            except Exception:  # noqa: BLE001 - every error is reported with its traceback
                errors.append(f"{label}: {traceback.format_exc(limit=4)}")
                call.clear()
            timings[label].append((time.perf_counter() - began) * 1000)
            next_at += config["interval"]
    finally:
        services.close()
        Path(out_path).write_text(json.dumps({"timings": timings, "refusals": refusals, "errors": errors}))


def _start_as_a_desk(config: dict, services, me) -> None:
    """What a desk has done before its person's first action here (see the module doc)."""
    from mpel_app import holiday_cache
    from mpel_app.domain.calendar import LONDON, REGION_NATION
    from mpel_app.domain.records import SearchKey

    year = datetime.fromisoformat(config["now"]).astimezone(LONDON).year
    holiday_cache.warm(Path(config["holidays"]), sorted(set(REGION_NATION.values())),
                       (year - 1, year, year + 1))
    if not config["cold"]:
        services.letters.workstack(me, "workflow_manager", "ASY1")
        seen = services.letters.get(me, config["warm_letter"])  # a letter of its own, not one of the timed
        services.letters.accept(me, seen.id, barrier_to_removal=True, expected_version=seen.version)
        services.enquiries.find(me, SearchKey.SUBJECT_NAME, "Khan")


def run_sender(config: dict, gate, out_path: str) -> None:
    """The mail sender's loop (``mpel outbox serve``) on the same machine, delivering what the desks queue during
    the run to an SMTP sink on loopback: it makes each call record PDF (issue 16), on the desks' cores."""
    from aiosmtpd.controller import Controller
    from sqlalchemy import update

    from mpel_app.app import open_database
    from mpel_app.db.models import OutboxMessage
    from mpel_app.domain.clock import FixedClock
    from mpel_app.notify.sender import OutboxSender
    from mpel_app.notify.smtp import SmtpSettings, SmtpTransport
    from tests.notify.conftest import _free_port

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            return "250 OK"

    port = _free_port()
    smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
    smtp.start()
    services = open_database(config["url"], clock=FixedClock(datetime.fromisoformat(config["now"])), upgrade=False)
    figures: dict = {"sent": 0, "failed": 0, "rounds": 0, "cpu": 0.0, "errors": []}
    try:
        with services.uow() as s:  # what the preparation queued is not the run's mail
            s.execute(update(OutboxMessage).values(next_attempt_at=None))
        settings = SmtpSettings(host="127.0.0.1", port=port, starttls=False, from_address="mpel@bench.invalid")
        sender = OutboxSender(services.uow, services.clock, lambda: SmtpTransport(settings), batch=50)
        gate.wait(timeout=300)
        started, began_cpu = time.monotonic(), time.process_time()
        while time.monotonic() - started < config["seconds"]:
            report = sender.deliver_due()
            figures["sent"] += report.sent
            figures["failed"] += report.failed
            figures["rounds"] += 1
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started) % 1.0))
        figures["cpu"] = time.process_time() - began_cpu
    except Exception:  # noqa: BLE001 - reported with the figures
        figures["errors"].append(f"mail sender: {traceback.format_exc(limit=4)}")
    finally:
        services.close()
        smtp.stop()
        Path(out_path).write_text(json.dumps(figures))


def _prepare(url: str, desks: int, work: int) -> dict:
    """The shared database: the small world of the tests, the desks' users, cases to send, items to
    acknowledge, letters to accept, and records to open."""
    from mpel_app.app import open_database
    from mpel_app.domain.clock import FixedClock
    from mpel_app.domain.records import CallerKind, Channel, Role, SubjectDetails
    from tests.support.letters_world import PASSWORD, build_letters_world
    from tests.support.world import MONDAY_MORNING, PASSCODE

    services = open_database(url, clock=FixedClock(MONDAY_MORNING))
    try:
        lw = build_letters_world(services)
        e, agent = services.enquiries, lw.base.agent
        rng = random.Random(1)

        def verified_call():
            rec = e.start(agent, Channel.TELEPHONE)
            e.set_caller(agent, rec.id, member_id=lw.mp.id, caller_kind=CallerKind.MEMBER)
            e.verify_passcode(agent, rec.id, PASSCODE)
            return e.update_details(agent, rec.id, subject=SubjectDetails(name=_name(rng), nationality="Iranian"),
                                    question="A question", answer="", written_confirmation=False)

        print(f"preparing {work} cases, {work} region items, {work} letters", file=sys.stderr, flush=True)
        opened = [verified_call().id for _ in range(work)]
        cases = [e.mark_further_action(agent, verified_call().id).id for _ in range(work)]
        items = [e.send_to_region(lw.base.leader, e.mark_further_action(agent, verified_call().id).id, "LSE").id
                 for _ in range(work)]
        letters = [services.letters.allocate(lw.mpcs, lw.register().id, "ASY1").id for _ in range(work)]
        warm = [services.letters.allocate(lw.mpcs, lw.register().id, "ASY1").id for _ in range(desks)]
        for i in range(desks):
            user = services.users.create_user(
                lw.admin, username=f"desk{i:02d}", full_name=f"Desk {i:02d}", password=PASSWORD, grade="HEO",
                demo=True, roles={Role.CALL_AGENT, Role.MPEL_TEAM_LEADER, Role.WORKFLOW_MANAGER})
            services.units.add_member(lw.admin, "ASY1", user.id)
        return dict(member_id=lw.mp.id, passcode=PASSCODE, now=MONDAY_MORNING.isoformat(),
                    open=opened, cases=cases, items=items, letters=letters, warm=warm)
    finally:
        services.close()


@contextmanager
def postgresql_url(url: str | None, name: str) -> Iterator[str]:
    """``url``, or else database ``name`` in a throwaway PostgreSQL cluster, stopped on the way out."""
    if url is not None:
        yield url
        return
    from tests.support.pgcluster import ThrowawayCluster

    print("starting a throwaway PostgreSQL cluster", file=sys.stderr, flush=True)
    cluster = ThrowawayCluster().start()
    try:
        yield cluster.create_database(name)
    finally:
        cluster.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def measure(url: str, *, desks: int, seconds: float, interval: float, work: int, out_dir: Path,
            cold: bool = False, sender: bool = False) -> dict:
    shared = _prepare(url, desks, work)
    # Worked out once here, so each desk primes its bank holidays from a saved copy as a desk does.
    from mpel_app import holiday_cache

    shared.update(holidays=str(out_dir / holiday_cache.FILE_NAME), cold=cold)
    _start_as_a_desk(dict(shared, cold=True), None, None)
    ctx = mp.get_context("spawn")
    gate = ctx.Barrier(desks + (1 if sender else 0))
    mailer = None
    if sender:
        mailer = ctx.Process(target=run_sender, args=(dict(shared, url=url, seconds=seconds), gate,
                                                      str(out_dir / "sender.json")))
        mailer.start()
    processes = []
    for i in range(desks):
        config = dict(shared, url=url, username=f"desk{i:02d}", seed=20261205 + i, seconds=seconds,
                      interval=interval, warm_letter=shared["warm"][i])
        path = out_dir / f"desk-{i:02d}.json"
        processes.append((ctx.Process(target=run_desk, args=(config, gate, str(path))), path))
    print(f"starting {desks} desks", file=sys.stderr, flush=True)
    for p, _ in processes:
        p.start()
    load_before = os.getloadavg()
    for p, _ in processes:
        p.join(timeout=seconds + 600)
    mail = None
    if mailer is not None:
        mailer.join(timeout=120)
        if (out_dir / "sender.json").exists():
            mail = json.loads((out_dir / "sender.json").read_text())
    timings: dict[str, list[float]] = defaultdict(list)
    refusals: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    for p, path in processes:
        if p.is_alive():
            p.kill()
            errors.append(f"{p.name}: still running, killed")
            continue
        if not path.exists():
            errors.append(f"{p.name}: exited {p.exitcode} without figures")
            continue
        got = json.loads(path.read_text())
        for label, values in got["timings"].items():
            timings[label] += values
        for label, n in got["refusals"].items():
            refusals[label] += n
        errors += got["errors"]
    if mail is not None:
        errors += mail["errors"]
    elif mailer is not None:
        errors.append(f"mail sender: exited {mailer.exitcode} without figures")
    return dict(desks=desks, seconds=seconds, interval=interval, cold=cold, sender=mail, load_before=load_before,
                load_after=os.getloadavg(), errors=errors, refusals=dict(refusals),
                actions={label: dict(n=len(v), p50=statistics.median(v), p95=percentile(v, 95),
                                     p99=percentile(v, 99), max=max(v)) for label, v in sorted(timings.items())})


def report(figures: dict) -> str:
    lines = [f"{figures['desks']} desks, one action each every {figures['interval']:g} s, for "
             f"{figures['seconds']:g} s{', cold desks' if figures.get('cold') else ''} (load average before {figures['load_before'][0]:.1f}, "
             f"after {figures['load_after'][0]:.1f}); target: p95 <= {TARGET_P95_MS:g} ms per action, no errors", "",
             "| action | count | p50 | p95 | p99 | max | refused | target met |", "|---|---|---|---|---|---|---|---|"]
    total = 0
    for label, a in figures["actions"].items():
        total += a["n"]
        lines.append(f"| {label} | {a['n']} | {a['p50']:.1f} ms | {a['p95']:.1f} ms | {a['p99']:.1f} ms | "
                     f"{a['max']:.1f} ms | {figures['refusals'].get(label, 0)} | "
                     f"{'yes' if a['p95'] <= TARGET_P95_MS else 'NO'} |")
    lines.append("")
    if figures.get("sender"):
        mail = figures["sender"]
        lines.append(f"mail sender on the same machine: {mail['sent']} messages sent ({mail['failed']} failed) in "
                     f"{mail['rounds']} rounds, {mail['cpu']:.1f} s of CPU (it makes each call record PDF)")
    lines.append(f"{total} actions, {total / figures['seconds']:.1f} per second; errors: {len(figures['errors'])}")
    lines += [f"  {err.strip()}" for err in figures["errors"][:5]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.shift_pace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--desks", type=int, default=DEFAULT_DESKS)
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS)
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL, help="seconds between a desk's actions")
    parser.add_argument("--work", type=int, default=400,
                        help="cases to send, items to acknowledge and letters to accept, prepared before the run")
    parser.add_argument("--cold", action="store_true",
                        help="no untimed action of each kind before the first timed one (as before issue 16's "
                             "fourth stop): each desk's first calls are then timed too")
    parser.add_argument("--sender", action="store_true",
                        help="also run the mail sender (mpel outbox serve) on this machine, to an SMTP sink")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database to use instead of a throwaway cluster")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    import tempfile

    with tempfile.TemporaryDirectory(prefix="mpel-shift-") as tmp, postgresql_url(args.pg_url, "mpel_shift") as url:
        figures = measure(url, desks=args.desks, seconds=args.seconds, interval=args.interval,
                          work=args.work, out_dir=Path(tmp), cold=args.cold,
                          sender=args.sender)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if not figures["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
