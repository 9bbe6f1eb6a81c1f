"""The Members list import report as lines of text: for the terminal (``mpel members import``) and the
Administration screen alike, so both say the same thing in the same words."""
from __future__ import annotations

from ..domain.member_list import FIELD_LABELS, ImportPlan
from ..domain.phones import format_phone

_PHONES = {"office_phone", "office_fax"}


def value_text(field: str, value: object) -> str:
    if field in _PHONES:
        return format_phone(str(value)) or "none"
    if field == "privy_counsellor":
        return "yes" if value else "no"
    return str(value) if value not in ("", None) else "none"


def headline(plan: ImportPlan, *, dry_run: bool, applied: bool) -> str:
    s = plan.summary
    counts = (f"{s['added']} to add, {s['changed']} to change, {s['deactivated']} to deactivate, "
              f"{s['reactivated']} to bring back, {s['unchanged']} unchanged")
    if plan.problems:
        n = len(plan.problems)
        return (f"Nothing imported: the file has {n} problem{'s' if n != 1 else ''}. Correct the file and "
                f"import it again. Otherwise: {counts}.")
    if dry_run or not applied:
        return f"Dry run, nothing changed: {s['rows']} Members in the file; {counts}."
    return (f"Imported {s['rows']} Members: {s['added']} added, {s['changed']} changed, {s['deactivated']} "
            f"deactivated, {s['reactivated']} brought back, {s['unchanged']} unchanged. Passcodes are kept.")


def change_lines(plan: ImportPlan) -> list[str]:
    """One line per change: what, who, the file's line and, for a change, each field old → new."""
    lines = []
    for c in plan.changes:
        where = f" (line {c.line})" if c.line else ""
        if c.what == "added":
            lines.append(f"Add: {c.name}{where}: {c.row.constituency or c.row.kind}, {c.row.region_code}; "
                         "no passcode yet")
        elif c.what == "deactivated":
            lines.append(f"Deactivate: {c.name}: not in the file (their records keep their name)")
        else:
            fields = "; ".join(f"{FIELD_LABELS[f]} {value_text(f, old)} → {value_text(f, new)}"
                               for f, old, new in c.fields)
            verb = "Bring back" if c.what == "reactivated" else "Change"
            lines.append(f"{verb}: {c.name}{where}" + (f": {fields}" if fields else ""))
    return lines


def report_lines(plan: ImportPlan, *, dry_run: bool, applied: bool) -> list[str]:
    return lines_of(headline(plan, dry_run=dry_run, applied=applied), plan.problems, change_lines(plan),
                    applied=applied)


def lines_of(head: str, problems, changes: list[str], *, applied: bool) -> list[str]:
    """A CSV import's report for the terminal: the headline, the problems, the changes (done or to do)."""
    lines = [head]
    if problems:
        lines.append("Problems:")
        lines += [f"  {p}" for p in problems]
    if changes:
        lines.append("Changes:" if applied else "Would change:")
        lines += [f"  {line}" for line in changes]
    return lines
