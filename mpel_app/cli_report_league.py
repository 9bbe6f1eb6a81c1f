"""``mpel report league-table``: the league table for scripts, as JSON or as a plain-text table.

    mpel --database URL report league-table --from YYYY-MM-DD --to YYYY-MM-DD [--json]
        [--as USERNAME] [--csv FILE] [--pdf FILE]

``--json`` prints one object: ``from``, ``to``, ``regions`` (one object per region code:
``region``, ``received``, ``answered``, ``answered_within_target``, ``percent_within_target``
(null when nothing was answered), ``open_overdue``, and more) and ``units`` (the same per
drafting unit, ``unit``), counted as ``domain/performance.py`` defines.

Who runs it: with ``--as USERNAME`` a person signs in (the password is asked for) and their
roles are checked as in the desk.  Without it the command acts for the database login that
opened the URL: that login can read the tables anyway (on the shared database the database
is the boundary), and the figures are counts with no personal data in them.

``report`` is a group of actions (``add_parser`` adds the group if nobody has yet, then this
module's action); another report adds its own action to the same group.

Exit status: 0 done, 1 could not open the database or sign in, or refused; 2 bad arguments.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from .cli_report import report_group
from .domain.errors import MpelError
from .domain.performance import Period
from .domain.records import Role, UserRecord

ACTION = "league-table"


def add_parser(commands) -> None:
    parser = report_group(commands).add_parser(
        ACTION, help="the league table of regions and drafting units for a period")
    parser.add_argument("--from", dest="start", required=True, type=_day, metavar="YYYY-MM-DD",
                        help="first London date of receipt")
    parser.add_argument("--to", dest="end", required=True, type=_day, metavar="YYYY-MM-DD",
                        help="last London date of receipt (inclusive)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--as", dest="username", metavar="USERNAME", default=None,
                        help="sign in as this person (the password is asked for)")
    parser.add_argument("--csv", metavar="FILE", type=Path, default=None, help="also write the table as CSV")
    parser.add_argument("--pdf", metavar="FILE", type=Path, default=None, help="also write the report as PDF")
    # SUPPRESS: `mpel --database X report …` and `mpel report … --database X` both work.
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default as for the desk)")
    parser.set_defaults(report_run=run)


def handles(args) -> bool:
    return getattr(args, "command", None) == "report" and getattr(args, "report_command", None) == ACTION


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-30") from None


def database_login_actor() -> UserRecord:
    """The actor of a report run without ``--as``: the database login's reader (see the module doc)."""
    return UserRecord(id=0, username="database-login", full_name="Report run by the database login",
                      roles=frozenset({Role.ADMINISTRATOR}), region_code=None, grade=None, active=True)


def run(args, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    url = getattr(args, "database", None)
    if url is None:
        from .config import Settings  # Qt settings: only when no URL was given

        url = Settings().database_url
    try:
        period = Period(args.start, args.end)
    except ValueError as exc:
        print(f"mpel: {exc}", file=err)
        return 2
    from .app import open_database

    try:
        services = open_database(url, upgrade=None)  # as the desk: SQLite migrates, PostgreSQL must be current
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported the same way
        print(f"mpel: cannot open the database: {' '.join(str(exc).split())}", file=err)
        return 1
    try:
        try:
            actor = (services.users.authenticate(args.username, getpass.getpass(f"Password for {args.username}: "))
                     if args.username else database_login_actor())
            table = services.performance.league_table(actor, period)
        except MpelError as exc:
            print(f"mpel: {exc}", file=err)
            return 1
        if args.csv is not None:
            from .reports.performance_csv import write_league_csv
            write_league_csv(args.csv, table)
        if args.pdf is not None:
            from .reports.performance_pdf import league_pdf
            args.pdf.write_bytes(league_pdf(table, services.performance.trend(actor, period),
                                            services.performance.quarterly_return(actor, period)))
        if args.json:
            json.dump(table.as_json(), out, indent=2)
            out.write("\n")
        else:
            from .reports.performance_text import league_text
            out.write(league_text(table))
        return 0
    finally:
        services.close()
