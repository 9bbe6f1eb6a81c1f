"""The legacy import's report as a person reads it: the terminal's summary and the dialog's text."""
from __future__ import annotations

SUMMARY_DECISIONS = 20


def look_at(report: dict) -> list[dict]:
    """The decisions a person should check (the routine normalisations left out)."""
    return [d for d in report["decisions"] if d["look_at"]]


def summary(report: dict, *, list_decisions: bool = True) -> list[str]:
    """The report as a person reads it; ``list_decisions`` False leaves the decisions to look at out
    (the dialog shows them in a table)."""
    e = report["enquiries"]
    r = report["references"]
    lines = [
        ("Dry run of the import" if report["dry_run"] else "Import") + f" of {report['file']} ({report['reader']})",
        "Read: " + ", ".join(f"{t} {n:,}" for t, n in report["read"].items()),
        f"Hotline references: {r['valid_as_stored']:,} valid as stored, {r['valid_after_normalisation']:,} valid "
        f"after trimming and upper-casing, {r['invalid']:,} invalid; {r['duplicate_refs']} held by more than one "
        f"row ({r['rows_with_duplicate_ref']} rows)",
        "Call type: " + ", ".join(f"{k} {v:,}" for k, v in report["call_type"].items()),
        "Urgent: " + ", ".join(f"{k} {v:,}" for k, v in report["urgent"].items()),
        f"Deleted in Access: {report['deleted']:,}",
        f"Enquiries {'to import' if report['dry_run'] else 'imported'}: {e['imported']:,}; already present: "
        f"{e['already_present']:,}; not imported: {e['not_imported']:,}"
        + "".join(f"\n  {reason}: {n:,}" for reason, n in e["not_imported_reasons"].items()),
    ]
    if report["counters"]:
        lines.append("Reference counters moved past the highest number imported: " + ", ".join(
            f"{p} {c['before']:,} → {c['after']:,}" for p, c in report["counters"].items()))
    if report.get("indexes_rebuilt"):
        lines.append(f"Search indexes built again after the rows: {report['indexes_rebuilt']} (a first import "
                     "into a database holding fewer records; desks waited meanwhile)")
    look = look_at(report)
    lines.append(f"Decisions: {len(report['decisions']):,} ("
                 + ", ".join(f"{k} {v}" for k, v in report["decision_counts"].items()) + ")")
    if look and list_decisions:
        lines.append(f"To look at ({len(look)}):")
        lines += [f"  Access ID {d['access_id']}: {d['field']} {d['as_stored']!r}: {d['decided']}"
                  for d in look[:SUMMARY_DECISIONS]]
        if len(look) > SUMMARY_DECISIONS:
            lines.append(f"  … and {len(look) - SUMMARY_DECISIONS} more in the JSON report (--json)")
    if report["dry_run"]:
        lines.append("Dry run: nothing was written.")
    return lines
