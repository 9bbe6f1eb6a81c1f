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

from collections.abc import Callable
from typing import TextIO

from .cli_csv_import import EXIT_PROBLEMS, add_import_parser, run_import
from .reports.member_import_text import report_lines

__all__ = ["EXIT_PROBLEMS", "add_parser", "run"]


def add_parser(commands) -> None:
    members = commands.add_parser("members", help="the list of Members (MPEL team leaders, administrators)")
    actions = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    add_import_parser(actions, help_text="import the list of Members from a CSV file",
                      file_help="CSV: name, constituency, office telephone, fax, e-mail, Privy Council, party, "
                                "House (and region)")


def run(args, *, password: Callable[[str], str] | None = None, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    return run_import(args, "the list of Members",
                      lambda services, actor, text, **kw: services.member_list.import_csv(actor, text, **kw),
                      report_lines, password=password, out=out, err=err)
