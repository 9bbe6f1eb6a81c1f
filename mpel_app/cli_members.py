"""``mpel members import``: import the list of Members from a CSV file, or report what it would change.

    mpel [--database URL] members import FILE --as USERNAME [--dry-run]

Signs in as USERNAME (an MPEL team leader or an administrator; the password is
asked for, never taken on the command line).  Prints what changes: Members
added, fields changed (old → new), Members deactivated because the file does
not list them, and every problem with its line number.  A file with problems
changes nothing; ``--dry-run`` changes nothing either.  Passcodes are kept.

Exit status: 0 imported (or a clean dry run), 1 could not open the database,
sign in or read the file, 3 the file has problems (nothing imported).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .csv_files import read_csv_text
from .domain.errors import MpelError
from .reports.member_import_text import report_lines

EXIT_PROBLEMS = 3
MAX_BYTES = 4_000_000


def add_parser(commands) -> None:
    members = commands.add_parser("members", help="the list of Members (MPEL team leaders, administrators)")
    actions = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    run_import = actions.add_parser("import", help="import the list of Members from a CSV file")
    run_import.add_argument("path", metavar="FILE", help="CSV: name, constituency, office telephone, fax, "
                                                         "e-mail, Privy Council, party, House (and region)")
    run_import.add_argument("--as", dest="username", metavar="USERNAME", required=True,
                            help="who imports (the password is asked for)")
    run_import.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
    run_import.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                            help="database URL (default as for the desk)")


def run(args, *, password: Callable[[str], str] | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    password = password or getpass.getpass
    path = Path(args.path)
    try:
        text = read_csv_text(path, MAX_BYTES, "the list of Members")
    except (OSError, ValueError) as exc:
        print(f"mpel: cannot read {path}: {getattr(exc, 'strerror', None) or exc}", file=err)
        return 1
    from .cli_db import open_for_command

    services = open_for_command(getattr(args, "database", None), err)
    if services is None:
        return 1
    try:
        try:
            actor = services.users.authenticate(args.username, password(f"Password for {args.username}: "))
            report = services.member_list.import_csv(actor, text, dry_run=args.dry_run, source=path.name)
        except MpelError as exc:
            print(f"mpel: {exc}", file=err)
            return 1
        for line in report_lines(report.plan, dry_run=report.dry_run, applied=report.applied):
            print(line, file=out)
        return EXIT_PROBLEMS if report.plan.problems else 0
    finally:
        services.close()
