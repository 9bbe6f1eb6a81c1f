"""Several desks doing the same thing at the same moment, each in its own process with its own services.

``race(op, configs)`` starts one spawned process per config; each opens its own services on the database
at ``config["url"]`` (its own engine and pool, as a real desk does), waits at a barrier so that all start
together, runs the operation ``op`` names (one of ``OPS``, registered here) and reports what happened:
``("ok", value)`` or ``("refused", class name, message)`` for a refusal the desk shows a person, or
``("error", class name, message)`` for anything else (a raw IntegrityError among them).
"""
from __future__ import annotations

import multiprocessing as mp
from datetime import date, datetime

TIMEOUT = 240


def _services(config: dict):
    from mpel_app.app import open_database
    from mpel_app.domain.clock import FixedClock
    return open_database(config["url"], clock=FixedClock(datetime.fromisoformat(config["now"])), upgrade=False)


def _user(services, username: str):
    from sqlalchemy import select

    from mpel_app.db.mappers import user_record
    from mpel_app.db.models import User
    with services.uow.read() as s:
        return user_record(s.scalar(select(User).where(User.username == username)))


def _sign_in(services, config):
    from mpel_app.domain.errors import AuthenticationFailed
    said = []
    for _ in range(config.get("tries", 3)):
        try:
            services.users.authenticate(config["username"], config["password"])
            said.append("signed in")
        except AuthenticationFailed as exc:
            said.append(str(exc))
    return said


def _first_admin(services, config):
    return services.users.create_first_admin(config["username"], "First Admin", "a long pass phrase").username


def _create_user(services, config):
    from mpel_app.domain.records import Role
    admin = _user(services, config["actor"])
    return services.users.create_user(admin, username=config["username"], full_name="Same Name",
                                      password="a long pass phrase", roles={Role.CALL_AGENT}, demo=True).username


def _rota(services, config):
    actor = _user(services, config["actor"])
    return services.rota.set_entry(actor, date.fromisoformat(config["day"]), config["region"], config["name"],
                                   "020 7946 0000").region_code


def _closure(services, config):
    actor = _user(services, config["actor"])
    services.reference.add_closure(actor, date.fromisoformat(config["day"]), "ALL", "Snow")
    return "added"


def _dissolution(services, config):
    actor = _user(services, config["actor"])
    return str(services.letters.set_dissolution_date(actor, date.fromisoformat(config["day"])))


def _acknowledge(services, config):
    actor = _user(services, config["actor"])
    return services.enquiries.acknowledge(actor, config["enquiry_id"]).acknowledged_by


def _passcode(services, config):
    actor = _user(services, config["actor"])
    return services.enquiries.verify_passcode(actor, config["enquiry_id"], config["passcode"]).passcode_failures


OPS = {"sign_in": _sign_in, "first_admin": _first_admin, "create_user": _create_user, "rota": _rota,
       "closure": _closure, "dissolution": _dissolution, "acknowledge": _acknowledge, "passcode": _passcode}


def _run(op: str, config: dict, gate, results) -> None:
    from mpel_app.domain.errors import MpelError
    services = None
    try:
        services = _services(config)
        gate.wait(timeout=TIMEOUT)
        results.put((config["n"], "ok", OPS[op](services, config)))
    except MpelError as exc:
        results.put((config["n"], "refused", type(exc).__name__, str(exc)))
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((config["n"], "error", type(exc).__name__, str(exc)[:500]))
    finally:
        if services is not None:
            services.close()


def race(op: str, configs: list[dict]) -> list[tuple]:
    """Run ``op`` once per config, all at once; the outcomes in the order of the configs."""
    ctx = mp.get_context("spawn")
    gate = ctx.Barrier(len(configs))
    results = ctx.Queue()
    processes = [ctx.Process(target=_run, args=(op, {**c, "n": i}, gate, results)) for i, c in enumerate(configs)]
    for p in processes:
        p.start()
    try:
        outcomes = dict((r[0], r[1:]) for r in (results.get(timeout=TIMEOUT) for _ in processes))
    finally:
        for p in processes:
            p.join(timeout=TIMEOUT)
            if p.is_alive():
                p.kill()
    return [outcomes[i] for i in range(len(configs))]
