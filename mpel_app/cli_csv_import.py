"""What the CSV imports on the command line share (``mpel members import``, ``mpel home-secretary-list import``).

Read the file (a spreadsheet's CSV, ``csv_files``), open the database, sign in
as the person importing (the password is asked for, never taken on the command
line), run the service's import (a dry run or for real), print its report.

Exit status: 0 imported (or a clean dry run), 1 could not open the database,
sign in or read the file, 3 the file has problems (nothing imported).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .csv_files import read_csv_text

EXIT_PROBLEMS = 3
MAX_BYTES = 4_000_000


def add_import_parser(actions, *, help_text: str, file_help: str) -> None:
    """The ``import FILE --as USERNAME [--dry-run]`` action under a command's actions."""
    run_import = actions.add_parser("import", help=help_text)
    run_import.add_argument("path", metavar="FILE", help=file_help)
    run_import.add_argument("--as", dest="username", metavar="USERNAME", required=True,
                            help="who imports (the password is asked for)")
    run_import.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
    run_import.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                            help="database URL (default as for the desk)")


def run_import(args, what: str, do_import: Callable, report_lines: Callable, *,
               password: Callable[[str], str] | None = None, out: TextIO | None = None,
               err: TextIO | None = None) -> int:
    """``do_import(services, actor, text, dry_run=, source=)`` -> a report with ``plan``, ``dry_run``,
    ``applied``; ``report_lines(plan, dry_run=, applied=)`` its lines."""
    out, err = out or sys.stdout, err or sys.stderr
    path = Path(args.path)
    try:
        text = read_csv_text(path, MAX_BYTES, what)
    except (OSError, ValueError) as exc:
        print(f"mpel: cannot read {path}: {getattr(exc, 'strerror', None) or exc}", file=err)
        return 1
    from .cli_db import run_signed_in

    def act(services, actor) -> int:
        report = do_import(services, actor, text, dry_run=args.dry_run, source=path.name)
        for line in report_lines(report.plan, dry_run=report.dry_run, applied=report.applied):
            print(line, file=out)
        return EXIT_PROBLEMS if report.plan.problems else 0

    return run_signed_in(args, act, err, password)
