"""``mpel purge-records``: an administrator's retention run over call records (issue 17).

    mpel --database URL purge-records --as USERNAME [--dry-run]

Signs in as USERNAME (the password is asked for, never taken on the command line), anonymises every
closed enquiry past the retention limit (``domain.data_rights``; Administration sets the years) as an
erasure does, and prints what went, one line each: reference, channel, status, day closed.  Records
under a legal hold or still open are left.  ``--dry-run`` lists what is due without changing anything.

Exit status: 0 done, 1 could not open the database or sign in or refused, 2 bad arguments.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from .cli_db import run_signed_in

NAME = "purge-records"
HELP = "anonymise closed call records kept longer than the retention limit, and report them"


def _arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--as", dest="username", metavar="USERNAME", required=True,
                        help="the administrator running it (the password is asked for)")
    parser.add_argument("--dry-run", action="store_true", help="list what is due without changing anything")
    return parser


def add_parser(commands) -> argparse.ArgumentParser:
    """Add ``purge-records`` to ``mpel``'s sub-commands (the global --database applies)."""
    return _arguments(commands.add_parser(NAME, help=HELP, description=HELP))


def run(args: argparse.Namespace, *, password: Callable[[str], str] | None = None,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr

    def act(services, actor) -> int:
        report = services.retention.due(actor) if args.dry_run else services.retention.purge(actor)
        for line in report.lines():
            print(line, file=out)
        if args.dry_run and report.records:
            print("Dry run: nothing was changed.", file=out)
        return 0

    return run_signed_in(args, act, err, password)


def main(argv: list[str] | None = None, **kw) -> int:
    parser = _arguments(argparse.ArgumentParser(prog=f"mpel {NAME}", description=HELP))
    parser.add_argument("--database", metavar="URL", default=None, help="database URL (default: as for the desk)")
    return run(parser.parse_args(argv), **kw)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
