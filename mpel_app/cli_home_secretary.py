"""``mpel home-secretary-list import``: replace the Home Secretary's list from a CSV file, or report what it would change.

    mpel [--database URL] home-secretary-list import FILE --as USERNAME [--dry-run]

The list [CORR 1.8] as published on the MPCS web page, saved as CSV: a Name
column and, where two Members share a name, a Constituency column.  Signs in
as USERNAME (an administrator; the password is asked for).  Prints who would
be added and who taken off (the file is the whole list), and every problem
with its line number; a file with problems changes nothing, nor does
``--dry-run``.

Exit status: 0 imported (or a clean dry run), 1 could not open the database,
sign in or read the file, 3 the file has problems (nothing imported).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from .cli_csv_import import add_import_parser, run_import
from .reports.home_secretary_import_text import report_lines

NAME = "home-secretary-list"


def add_parser(commands) -> None:
    command = commands.add_parser(NAME, help="the Home Secretary's list of Members (administrators)")
    actions = command.add_subparsers(dest="home_secretary_command", metavar="ACTION", required=True)
    add_import_parser(actions, help_text="replace the Home Secretary's list from a CSV file",
                      file_help="CSV: a Name column, and a Constituency column where two Members share a name")


def run(args, *, password: Callable[[str], str] | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    return run_import(args, "the Home Secretary's list",
                      lambda services, actor, text, **kw: services.home_secretary_list.import_csv(actor, text, **kw),
                      report_lines, password=password, out=out, err=err)
