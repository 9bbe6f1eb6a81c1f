"""The audit trail as a CSV file that a spreadsheet opens safely, and the words both the file and the
audit screen use for an entry (record types, field names, changes).

* UTF-8 with a byte-order mark: without it Excel reads "Zoë" as "ZoÃ«".
* Every cell quoted (RFC 4180): commas, quotes and line breaks stay inside
  their cell, so a value cannot start a cell of its own.
* CSV (formula) injection: Excel, LibreOffice and Google Sheets run a cell
  that starts with ``=``, ``+``, ``-`` or ``@``, a tab or a carriage return
  as a formula (OWASP "CSV Injection"; ASVS 1.2.10 adds NUL).  Such a cell
  gets a leading apostrophe, which the spreadsheet takes as "this is text"
  and does not show.  The audit trail keeps what people typed (a reason, a
  question), so any cell may carry one; each cell is escaped, not only
  the free-text ones.  The price: a program reading the file as plain CSV
  sees the apostrophe (``'-5``), the lesser evil.
* Written to a temporary file beside the target and moved into place, so a
  failed export never leaves half a file under the chosen name.

Blocking file work: call it off the UI thread (the audit screen uses the
TaskRunner).
"""
from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..domain.errors import ValidationError
from ..services.audit import ENQUIRY_PERSONAL_FIELDS, LETTER_PERSONAL_FIELDS, AuditLine
from .record_sections import to_london

COLUMNS = ("When (London)", "User", "Action", "Record type", "Reference", "Record id", "Changes")
# Leading characters a spreadsheet takes as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")

ENTITY_LABELS = {
    "enquiry": "Enquiry", "letter": "CTS letter", "user": "User", "member": "Member",
    "outbox": "Outbox message", "drafting_unit": "Drafting unit", "duty_rota": "Duty rota",
    "closure_day": "Closure day", "letter_documents": "Letter documents", "audit_log": "Audit trail",
}


def escape_cell(value: str) -> str:
    """``value``, with an apostrophe in front when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


# The trail's field names as people say them, where the plain spelling reads badly.
FIELD_LABELS = {
    **ENQUIRY_PERSONAL_FIELDS, **LETTER_PERSONAL_FIELDS, "member_id": "member (no.)", "region_code": "region",
    "constituency_mp": "constituency MP", "mp_agreement": "MP's agreement", "ophso": "OPHSO",
    "foi": "FOI", "audit_entry": "audit entry (no.)",
}


def field_label(key: str) -> str:
    """'subject_dob' -> "Date of birth", 'file_needed' -> 'File needed'."""
    text = FIELD_LABELS.get(key, key.replace("_", " ").strip())
    return text[:1].upper() + text[1:]


def value_text(value: Any) -> str:
    """A value from the trail in full (dates stay ISO, which spreadsheets read as dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def change_lines(line: AuditLine) -> list[str]:
    """One line per field: 'Status: open → answered' for [old, new], 'Reason: …' for one value, and the
    bare name of a field whose value the entry does not carry (a search result leaves personal data out)."""
    lines = []
    for key in line.fields:
        if key not in line.changes:
            lines.append(field_label(key))
            continue
        value = line.changes[key]
        if isinstance(value, list) and len(value) == 2:
            lines.append(f"{field_label(key)}: {value_text(value[0]) or '(blank)'} → {value_text(value[1]) or '(blank)'}")
        else:
            lines.append(f"{field_label(key)}: {value_text(value) or '(blank)'}")
    return lines


def record_text(line: AuditLine) -> str:
    """'Enquiry MPH000123', 'User leader', 'Duty rota'."""
    label = entity_label(line.entity)
    if line.reference:
        return f"{label} {line.reference}"
    return f"{label} {line.entity_id}" if line.entity_id is not None else label


def csv_row(line: AuditLine) -> list[str]:
    cells = [to_london(line.at).strftime("%Y-%m-%d %H:%M:%S"), line.username, line.action, entity_label(line.entity),
             line.reference, "" if line.entity_id is None else str(line.entity_id),
             "\n".join(change_lines(line))]
    return [escape_cell(c) for c in cells]


def write_audit_csv(path: Path | str, lines: Iterable[AuditLine]) -> int:
    """Write the entries to ``path`` (replacing it); returns how many rows were written."""
    return write_csv(path, COLUMNS, (csv_row(line) for line in lines))


def write_csv(path: Path | str, columns: Iterable[str], rows: Iterable[Iterable[str]]) -> int:
    """Write a header and rows of already escaped cells to ``path`` as described above (BOM, every
    cell quoted, moved into place whole); returns how many rows were written."""
    path = Path(path)
    count = 0
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out, quoting=csv.QUOTE_ALL)
                writer.writerow(list(columns))
                for row in rows:
                    writer.writerow(list(row))
                    count += 1
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ValidationError(f"cannot save {path.name}: {exc.strerror or exc}") from exc
    return count
