"""``mpel outbox serve``: deliver the outbox over SMTP as the site's mail service (shared PostgreSQL).

    mpel --database URL outbox serve --smtp HOST[:PORT] --from ADDRESS [--user NAME] [--password-stdin]
         [--no-starttls] [--ca-file PEM] [--once] [--interval SECONDS]

On a shared database where each person signs in as their own login, desks may
write messages to the outbox but not read their text back (db/pg_private.py),
so they do not send: this service does, connected as a login in the group
``mpel_mail_service`` (README, "The service processes"), the one that reads
whole messages.  It claims, sends and records exactly as a desk's sender did
(notify/sender.py); several may run at once.

* ``--once``: one round; prints ``{"sent": n, "failed": n, "waiting": n}`` and exits.
* Without it: a round every ``--interval`` seconds (default 30) until SIGTERM or
  Ctrl+C, then the last round's figures.
* The SMTP password (with ``--user``): the first line of standard input with
  ``--password-stdin``, else the keyring (as the desk keeps it), else asked at a
  terminal.  Never on the command line.

Exit status: 0 done; 1 the database could not be opened; 2 bad arguments.
"""
from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from typing import TextIO

DEFAULT_PORT = 587


def add_parser(commands) -> None:
    outbox = commands.add_parser("outbox", help="deliver the outbox over SMTP (the site's mail service)")
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="send what the desks queued (once, or every N seconds until SIGTERM)")
    serve.add_argument("--smtp", required=True, metavar="HOST:PORT", help=f"the mail server (port {DEFAULT_PORT} "
                                                                          "if not given)")
    serve.add_argument("--from", dest="from_address", required=True, metavar="ADDRESS", help="the sender address")
    serve.add_argument("--user", default="", metavar="NAME", help="the mail account (none: no login)")
    serve.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    serve.add_argument("--no-starttls", action="store_true", help="no STARTTLS (loopback relays without a login)")
    serve.add_argument("--ca-file", metavar="PEM", default=None, help="extra CA certificates to trust")
    serve.add_argument("--once", action="store_true", help="one round, print a JSON summary, exit")
    serve.add_argument("--interval", type=float, default=30.0, help="seconds between rounds (default 30)")
    serve.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                       help="database URL (default as for the desk)")


def _settings(args):
    from .notify.smtp import SmtpSettings

    host, colon, port = args.smtp.rpartition(":")
    if not colon or "]" in port:
        host, port = args.smtp, str(DEFAULT_PORT)
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--smtp: {port!r} is not a port number")
    return SmtpSettings(host=host.strip("[]"), port=int(port), username=args.user, starttls=not args.no_starttls,
                        from_address=args.from_address, ca_file=args.ca_file)


def _password(args, stdin: TextIO) -> str | None:
    if not args.user:
        return None
    if args.password_stdin:
        return stdin.readline().rstrip("\r\n")
    from .notify import credentials

    return credentials.get_password(args.user, (lambda: getpass.getpass(f"SMTP password for {args.user}: "))
                                    if stdin.isatty() else None)


def run(args, *, database_url: str | None = None, stdin: TextIO | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    from .db import migrate
    from .db.engine import make_engine, make_session_factory
    from .db.uow import UnitOfWork
    from .domain.clock import SystemClock
    from .notify import credentials
    from .notify.sender import BackgroundSender, OutboxSender
    from .notify.smtp import SmtpTransport

    stdin, out, err = stdin or sys.stdin, out or sys.stdout, err or sys.stderr
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"mpel: {exc}", file=err)
        return 2
    password = _password(args, stdin)
    url = database_url or getattr(args, "database", None)
    if url is None:
        from .config import Settings  # Qt settings: only when no URL was given

        url = Settings().database_url
    try:
        # Only the outbox: not the desk's services, whose start-up reads tables this login is not granted.
        engine = make_engine(credentials.with_database_password(url))
        migrate.check_current(engine)
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported the same way
        print(f"mpel: cannot open the database: {' '.join(str(exc).split())}", file=err)
        return 1
    try:
        sender = OutboxSender(UnitOfWork(make_session_factory(engine)), SystemClock(),
                              lambda: SmtpTransport(settings, password))
        if args.once:
            report = sender.deliver_due()
        else:
            background = BackgroundSender(sender, interval=args.interval)
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            background.start()
            stop.wait()
            background.stop()
            report = background.last_report
    finally:
        engine.dispose()
    summary = {"sent": report.sent, "failed": report.failed, "waiting": report.waiting} if report else {}
    print(json.dumps(summary), file=out)
    out.flush()
    return 0
