"""``mpel report …``: the group every report command joins (``report calls``, ``report league-table``).

Each report module adds its action with ``report_group(commands).add_parser(...)`` and sets
``report_run`` on its parser; ``__main__`` runs ``args.report_run(args)``.
"""
from __future__ import annotations

import argparse


def report_group(commands) -> argparse._SubParsersAction:
    """The ``report`` sub-command's actions, created the first time a report module asks."""
    existing = commands.choices.get("report")
    if existing is None:
        existing = commands.add_parser("report", help="management information reports (no window)")
        existing.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    return next(a for a in existing._actions if isinstance(a, argparse._SubParsersAction))
