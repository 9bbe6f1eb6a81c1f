"""One desk of the PostgreSQL stress test: a process with its own services, a mix of operations, a journal.

``run_desk`` is started in a spawned process.  It opens its own services on
the shared database (``open_database``, its own engine and pool), waits at the
barrier so every desk starts at once, then does ``ops`` operations drawn from
a mix seeded by its number:

* log an enquiry (a new MPH reference) or register a CTS letter (a new CTS reference);
* update a shared enquiry with the version it just read: it appends a token
  unique to this desk and operation to the question; another desk saving in
  between makes it a ``StaleRecord``;
* a contested workflow transition, on the targets every desk walks in the same
  order: accept an allocated letter for the unit, or send a Further Action
  Case to a region and then acknowledge it;
* search: find the reference this desk logged last (it must be there) or a nationality.

Each operation's outcome goes to the journal: what the database acknowledged
(with the reference, token or target), each refusal (its class and whether it
said what changed), and any other exception with its traceback.  The journal
is written as JSON to ``journal_path`` when the desk stops, whatever happens.
"""
from __future__ import annotations

import json
import random
import time
import traceback
from datetime import datetime
from pathlib import Path

# The mix of operations (relative weights).
MIX = {"log": 30, "register": 5, "update": 30, "transition": 20, "search": 15}


def run_desk(config: dict, gate) -> None:
    """The body of one desk's process; see the module docstring."""
    from sqlalchemy import select

    from mpel_app.app import open_database
    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import User
    from mpel_app.domain.clock import FixedClock
    from mpel_app.domain.errors import InvalidTransition, StaleRecord
    from mpel_app.domain.records import Channel, SearchKey

    journal: list[dict] = []
    path = Path(config["journal_path"])
    services = None
    try:
        services = open_database(config["url"], clock=FixedClock(datetime.fromisoformat(config["now"])),
                                 upgrade=False)
        with services.uow.read() as s:
            me = user_record(s.scalar(select(User).where(User.username == config["username"])))
        enquiries, letters = services.enquiries, services.letters
        rng = random.Random(config["seed"])
        kinds, weights = zip(*MIX.items())
        transitions = 0
        last_reference = None
        gate.wait(timeout=120)  # every desk starts together, to collide as much as possible
        journal.append({"op": "start", "at": time.time(), "cpu": time.process_time()})

        for op_no in range(config["ops"]):
            kind = rng.choices(kinds, weights)[0]
            entry: dict = {"op": kind, "n": op_no}
            began = time.perf_counter()
            try:
                if kind == "log":
                    rec = enquiries.start(me, Channel.TELEPHONE)
                    entry.update(id=rec.id, reference=rec.reference)
                    last_reference = rec.reference
                elif kind == "register":
                    rec = letters.register(me, kind="official", member_id=config["member_id"],
                                           subject_name="Stress Subject", issue="a stress test",
                                           ho_reference="S1234567")
                    entry.update(id=rec.id, reference=rec.reference)
                elif kind == "update":
                    target = rng.choice(config["shared"])
                    token = f"d{config['index']:02d}o{op_no:03d}"
                    entry.update(target=target, token=token)
                    seen = enquiries.get(me, target)
                    rec = enquiries.update_details(
                        me, target, subject=seen.subject, question=f"{seen.question} {token}",
                        answer=seen.answer or "", written_confirmation=seen.written_confirmation,
                        expected_version=seen.version)
                    entry.update(version=rec.version)
                elif kind == "transition":
                    pick, transitions = transitions // 2, transitions + 1
                    if transitions % 2 == 1:
                        target = config["letters"][pick % len(config["letters"])]
                        entry.update(op="accept", target=target)
                        seen = letters.get(me, target)
                        letters.accept(me, target, barrier_to_removal=True, expected_version=seen.version)
                    else:
                        target = config["cases"][pick % len(config["cases"])]
                        entry.update(op="send", target=target)
                        enquiries.send_to_region(me, target, "LSE")
                else:
                    if last_reference is not None:
                        found = enquiries.find(me, SearchKey.REFERENCE, last_reference)
                        entry.update(key="reference", text=last_reference,
                                     found=[f.reference for f in found] == [last_reference])
                    else:
                        found = enquiries.find(me, SearchKey.NATIONALITY, "iranian")
                        entry.update(key="nationality", found=len(found) >= len(config["shared"]))
            except (StaleRecord, InvalidTransition) as exc:
                entry.update(refused=type(exc).__name__, message=str(exc),
                             changes=len(exc.changes) if isinstance(exc, StaleRecord) else None)
            except Exception as exc:  # noqa: BLE001 - the journal must say what went wrong, whatever it is
                entry.update(error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
            entry["ms"] = round((time.perf_counter() - began) * 1000, 2)
            journal.append(entry)
            if entry["op"] == "send":
                # Whoever sent it (this desk or another), the region now acknowledges it: contested too.
                journal.append(_acknowledge(enquiries, me, entry["target"], op_no))
    except Exception as exc:  # noqa: BLE001 - set-up failures are journalled too
        journal.append({"op": "setup", "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    finally:
        journal.append({"op": "stop", "at": time.time(), "cpu": time.process_time()})
        if services is not None:
            services.close()
        path.write_text(json.dumps(journal))


def _acknowledge(enquiries, me, target: int, op_no: int) -> dict:
    from mpel_app.domain.errors import InvalidTransition, StaleRecord

    entry: dict = {"op": "ack", "n": op_no, "target": target}
    try:
        rec = enquiries.acknowledge(me, target)
        # Acknowledging twice changes nothing: this desk won if the record names it.
        entry.update(mine=rec.acknowledged_by == me.full_name)
    except (StaleRecord, InvalidTransition) as exc:
        entry.update(refused=type(exc).__name__, message=str(exc), changes=None)
    except Exception as exc:  # noqa: BLE001
        entry.update(error=f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())
    return entry
