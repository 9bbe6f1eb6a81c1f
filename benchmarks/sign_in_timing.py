"""How long a failed sign-in takes for an unknown username, a real one and a locked one (issue #19 finding 7).

Before the fix an unknown username answered in about 0.6 ms and a real one in about 365 ms (one argon2id
verification), which told a stranger which usernames exist.  Now every failure costs one verification at
the real cost.  Printed beside the baseline of one bare argon2id verification, measured in the same run,
and the load average (the machine is shared).  Run: ``python -m benchmarks.sign_in_timing [--tries N]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime, timezone

from mpel_app.app import open_database
from mpel_app.domain.clock import FixedClock
from mpel_app.domain.errors import AuthenticationFailed
from mpel_app.domain.records import MAX_FAILED_SIGN_INS, Role
from mpel_app.services import security


def _median_ms(action, tries: int) -> float:
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=7)
    tries = parser.parse_args().tries
    with tempfile.TemporaryDirectory() as folder:
        services = open_database(f"sqlite:///{folder}/bench.sqlite3",
                                 clock=FixedClock(datetime(2026, 11, 23, 10, tzinfo=timezone.utc)))
        admin = services.users.create_first_admin("admin", "Ada Admin", "a long pass phrase")
        services.users.create_user(admin, username="real", full_name="Real Person", password="a long pass phrase",
                                   roles={Role.CALL_AGENT})
        services.users.create_user(admin, username="locked", full_name="Locked Person",
                                   password="a long pass phrase", roles={Role.CALL_AGENT})

        def fail(name):
            def attempt():
                try:
                    services.users.authenticate(name, "not the password")
                except AuthenticationFailed:
                    pass
            return attempt

        for _ in range(MAX_FAILED_SIGN_INS):
            fail("locked")()
        real_user = [u for u in services.users.list_users(admin) if u.username == "real"][0]

        def fail_real():
            fail("real")()
            services.users.unlock(admin, real_user.id)  # never locks: each try is a real user's wrong password

        stored = security.hash_secret("a long pass phrase")
        baseline = _median_ms(lambda: security.verify_secret(stored, "not the password"), tries)
        figures = {"unknown username": _median_ms(fail("nobody"), tries),
                   "real username, wrong password": _median_ms(fail_real, tries),
                   "locked account": _median_ms(fail("locked"), tries)}
        services.close()
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median of {tries} tries each")
    print(f"{'baseline: one argon2id verification':40} {baseline:8.1f} ms")
    for label, ms in figures.items():
        print(f"{label:40} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
