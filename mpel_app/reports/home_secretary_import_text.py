"""The Home Secretary's list import report as lines of text: for the terminal (``mpel home-secretary-list import``)
and the Administration screen alike, so both say the same thing in the same words."""
from __future__ import annotations

from ..domain.home_secretary_list import ListImportPlan
from .member_import_text import lines_of


def headline(plan: ListImportPlan, *, dry_run: bool, applied: bool) -> str:
    s = plan.summary
    counts = f"{s['added']} to add, {s['removed']} to take off, {s['unchanged']} already on it"
    if plan.problems:
        n = len(plan.problems)
        return (f"Nothing imported: the file has {n} problem{'s' if n != 1 else ''}. Correct the file and "
                "check it again.")
    if dry_run or not applied:
        return f"Dry run, nothing changed: {s['rows']} Members in the file; {counts}."
    return (f"Imported: the Home Secretary's list is the file's {s['rows']} Members ({s['added']} added, "
            f"{s['removed']} taken off, {s['unchanged']} already on it).")


def change_lines(plan: ListImportPlan) -> list[str]:
    """One line per change: who, and the file's line for a Member added."""
    return [f"Add: {c.name} (line {c.line})" if c.what == "added" else f"Take off: {c.name}: not in the file"
            for c in plan.changes]


def report_lines(plan: ListImportPlan, *, dry_run: bool, applied: bool) -> list[str]:
    # A file with problems changes nothing: its would-be changes are not listed, only what to correct.
    return lines_of(headline(plan, dry_run=dry_run, applied=applied), plan.problems,
                    [] if plan.problems else change_lines(plan), applied=applied)
