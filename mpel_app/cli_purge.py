"""``mpel purge-documents``: an administrator's retention purge of scanned letters and replies [CORR 1.9].

    mpel purge-documents --as USERNAME [--database URL] [--dry-run]

Signs in as USERNAME (the password is asked for, never taken on the command
line, where it would stay in the shell's history), removes every scanned
letter and reply past retention and prints what it removed, one line each:
reference, kind, file name, date.  The case records and their audit trail
remain, and the purge itself is audited.  ``--dry-run`` lists what is due
without removing anything.

Exit status: 0 done, 1 could not open the database or sign in, 2 bad arguments.
Wired into ``mpel`` by ``__main__``; ``main`` also runs on its own
(``python -m mpel_app.cli_purge``).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from .cli_db import run_signed_in


def build_parser(prog: str = "mpel purge-documents") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Purge scanned letters and replies kept longer than "
                                                            "two years plus the current year, and report them.")
    parser.add_argument("--as", dest="username", metavar="USERNAME", required=True,
                        help="the administrator running the purge (the password is asked for)")
    parser.add_argument("--database", metavar="URL", default=None,
                        help="database URL (default: as for the desk)")
    parser.add_argument("--dry-run", action="store_true", help="list what is due without removing anything")
    return parser


def main(argv: list[str] | None = None, *, password: Callable[[str], str] | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    args = build_parser().parse_args(argv)

    def act(services, actor) -> int:
        if args.dry_run:
            report = services.letters.documents_due_for_purge(actor)
        else:
            report = services.letters.purge_documents(actor)
        for line in report.lines():
            print(line, file=out)
        if args.dry_run and report.documents:
            print("Dry run: nothing was removed.", file=out)
        return 0

    return run_signed_in(args, act, err, password)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
