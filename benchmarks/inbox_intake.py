"""Intake speed of the central inbox: N messages from a real Dovecot into SQLite and PostgreSQL.

    python -m benchmarks.inbox_intake [--messages 10000] [--backend sqlite|postgresql|both]

For each backend: a fresh database with the tests' small world (Members with
office addresses), N e-mails APPENDed to a private Dovecot (tests/support/
imapserver.py; three in four from a Member's office, one in four unmatched),
then one ``run_once`` pass, timed: messages per second, with the summary.
The baseline, measured in the same run on the same server: the IMAP work
alone (SEARCH, FETCH BODY.PEEK in batches, MOVE) for the same number of
messages, with no database, i.e. the floor the intake cannot beat.  The load
average is printed with the figures (the machine is shared).
"""
from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from mpel_app.app import open_database
from mpel_app.domain.clock import FixedClock
from mpel_app.inbox import imap as imap_client
from mpel_app.inbox.intake import run_once
from tests.support import imapserver
from tests.support.pgcluster import ThrowawayCluster
from tests.support.world import MONDAY_MORNING, build_world


def messages(n: int) -> list[bytes]:
    out = []
    for i in range(n):
        msg = EmailMessage()
        sender = "jane.smith.mp@parliament.example" if i % 4 else f"caseworker{i}@gmail.example"
        msg["From"] = f"Office <{sender}>"
        msg["To"] = "mpel-inbox@homeoffice.example.gov.uk"
        msg["Subject"] = f"Case {i}: immigration enquiry"
        msg["Date"] = format_datetime(MONDAY_MORNING)
        msg["Message-ID"] = make_msgid(idstring=str(i), domain="parliament.example")
        msg.set_content(f"Please advise on the case of subject {i}, HO ref E{i:07d}.\n" * 5)
        out.append(bytes(msg))
    return out


def settings_for(server, mailbox="INBOX") -> imap_client.ImapSettings:
    return imap_client.ImapSettings(host=server.host, port=server.port, user=server.user, security="plain",
                                    mailbox=mailbox, timeout=60)


def baseline(server, raws: list[bytes]) -> float:
    """IMAP alone: search, fetch and move N messages (no database); messages per second."""
    server.deliver(*raws, mailbox="Baseline")
    settings = settings_for(server, "Baseline")
    start = time.perf_counter()
    with imap_client.connect(settings, password=server.password) as imap:
        imap.ensure_folder("BaselineDone")
        imap.select("Baseline")
        uids = imap.uids()
        for i in range(0, len(uids), 25):
            batch = uids[i:i + 25]
            imap.fetch(batch)
            for uid in batch:
                imap.move(uid, "BaselineDone")
    return len(raws) / (time.perf_counter() - start)


def intake(url: str, server, raws: list[bytes]) -> tuple[float, dict]:
    services = open_database(url, clock=FixedClock(MONDAY_MORNING))
    try:
        build_world(services)
        server.deliver(*raws)
        settings = settings_for(server)
        start = time.perf_counter()
        with imap_client.connect(settings, password=server.password) as imap:
            summary = run_once(imap, services.inbox, settings)
        return len(raws) / (time.perf_counter() - start), summary.as_dict()
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # one warning per unmatched sender would swamp the figures
    raws = messages(args.messages)
    print(f"inbox intake: {args.messages} messages, load average {os.getloadavg()[0]:.2f} "
          f"(2 cores, shared)")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        server = imapserver.DovecotServer()
        server.start()
        try:
            floor = baseline(server, raws)
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    rate, summary = intake(f"sqlite:///{folder}/bench.sqlite3", server, raws)
            else:
                with ThrowawayCluster() as cluster, cluster.temporary_database(prefix="bench_inbox") as url:
                    rate, summary = intake(url, server, raws)
        finally:
            server.close()
        print(f"  {backend:10}  intake {rate:8.1f} msg/s   baseline IMAP only {floor:8.1f} msg/s   "
              f"summary {summary}   load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
