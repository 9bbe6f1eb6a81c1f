"""``mpel report calls``: the 30-second report of the telephone line, for a team leader's script or a check.

    mpel --database URL report calls --from YYYY-MM-DD --to YYYY-MM-DD [--queue NAME] --json

``--from`` and ``--to`` are London days, both included.  Prints one JSON
object (``reports.call_stats.report_json``: offered, answered, answered
within 30 s, abandoned, short abandons, service level, mean and longest
wait, by day, by agent, by hour).  Without ``--json`` it prints a few lines
for a person.  The database login is the boundary here, as for ``mpel db``:
whoever can connect can read the figures, which hold no personal data.

Exit status: 0 done, 1 could not open the database, 2 bad arguments.
``add_parser`` puts ``calls`` under the ``report`` group; ``run`` runs it.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TextIO


def _london_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it YYYY-MM-DD") from None


def add_parser(report_commands) -> argparse.ArgumentParser:
    """Add ``calls`` to the ``report`` group's sub-parsers."""
    parser = report_commands.add_parser(
        "calls", help="the telephone line's 30-second report: offered, answered, abandoned, service level")
    parser.add_argument("--from", dest="first", required=True, type=_london_day, metavar="YYYY-MM-DD",
                        help="first London day, included")
    parser.add_argument("--to", dest="last", required=True, type=_london_day, metavar="YYYY-MM-DD",
                        help="last London day, included")
    parser.add_argument("--queue", metavar="NAME", default=None, help="only this PBX queue's calls")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (default as for the desk)")
    parser.set_defaults(report_run=run)
    return parser


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    from .cli_db import open_for_command
    from .domain.errors import MpelError
    from .reports.call_stats import percent, report_json, seconds

    services = open_for_command(getattr(args, "database", None), err)
    if services is None:
        return 1
    try:
        try:
            report = services.calls.call_report(args.first, args.last, args.queue)
        except MpelError as exc:
            print(f"mpel: {exc}", file=err)
            return 2
        if args.json:
            json.dump(report_json(report), out, ensure_ascii=False)
            out.write("\n")
        else:
            t = report.totals
            print(f"Calls {args.first} to {args.last}{' queue ' + args.queue if args.queue else ''}: "
                  f"offered {t.offered}, answered {t.answered} ({t.answered_within_threshold} within 30 s), "
                  f"abandoned {t.abandoned} ({t.abandoned_short} within 5 s); service level "
                  f"{percent(t.service_level)}; mean wait {seconds(t.mean_wait)} s, longest "
                  f"{seconds(t.longest_wait)} s", file=out)
        return 0
    finally:
        services.close()
