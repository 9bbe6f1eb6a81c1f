"""``mpel legacy import``: bring the MPEL Access database into MPEL Desk, or dry-run it first.

    mpel --database URL legacy import PATH [--dry-run] [--json REPORT_PATH]

Prints progress on the terminal (stderr) and a readable summary (stdout);
``--json`` writes the whole report, decisions included, to REPORT_PATH.  The
import runs with the database login of the URL (on a shared database, the
boundary) and is audited as the command line.  Exit status: 0 done, 1 the
file or the database could not be read (the message says why; nothing was
written), 2 bad arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from .domain.errors import MpelError
from .reports.legacy_summary import summary


def add_parser(commands) -> None:
    legacy = commands.add_parser("legacy", help="the legacy Access database (administrators)")
    actions = legacy.add_subparsers(dest="legacy_command", metavar="ACTION", required=True)
    run = actions.add_parser("import", help="import the MPEL Access database (.mdb or .accdb)")
    run.add_argument("path", metavar="PATH", help="the Access database file")
    run.add_argument("--dry-run", action="store_true", help="report what would be imported; write nothing")
    run.add_argument("--json", metavar="REPORT_PATH", help="write the whole report as JSON to this file")
    run.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                     help="database URL (default as for the desk)")


class TerminalProgress:
    """One line on the terminal, rewritten in place when it is a terminal, else a line each 10 %."""

    def __init__(self, err: TextIO):
        self.err = err
        self.tty = err.isatty()
        self.shown = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "reading":  # at the start, or again when the records were not in Access ID order
            if self.tty and self.shown >= 0:
                print(file=self.err, flush=True)  # ends the line being rewritten
            self.shown = -1
            print("Reading the Access database…", file=self.err, flush=True)
            return
        if stage == "indexing":
            if done == 0:
                print(f"Building the search indexes again ({total}); desks using this database wait until the "
                      "import ends…", file=self.err, flush=True)
            return
        percent = 100 * done // total if total else 100
        if self.tty:
            self.shown = percent
            print(f"\rImporting: {done:,} of {total:,} call records ({percent}%)", end="", file=self.err,
                  flush=True)
            if done >= total:
                print(file=self.err, flush=True)
                self.shown = -1
        elif percent // 10 != self.shown // 10 or done >= total:
            self.shown = percent
            print(f"Importing: {done:,} of {total:,} call records ({percent}%)", file=self.err, flush=True)


def run(args, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from .cli_db import open_for_command

    services = open_for_command(getattr(args, "database", None), err)
    if services is None:
        return 1
    try:
        try:
            report = services.legacy.import_file(None, Path(args.path), dry_run=args.dry_run,
                                                 progress=TerminalProgress(err))
        except MpelError as exc:
            print(f"mpel: {exc}; nothing was imported", file=err)
            return 1
        if args.json:
            try:
                Path(args.json).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
            except OSError as exc:
                print(f"mpel: cannot write the report to {args.json}: {exc.strerror or exc}", file=err)
                return 1
        for line in summary(report):
            print(line, file=out)
        return 0
    finally:
        services.close()
