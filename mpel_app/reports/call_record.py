"""The printed call record: one enquiry on A4, as a PDF.

``render_call_record`` turns an :class:`EnquiryRecord` (plus, optionally, its
audit trail) into PDF bytes; ``save_call_record`` writes them to a file.

What each section says (labels, values, dates, the withheld rule) comes from
``record_sections``, which the record window uses too; this module only sets
it on the page.  Rules the layout follows:

* Every instant is shown in UK local time (Europe/London, so BST in summer),
  e.g. ``23 Nov 2026 14:05``; calendar dates read ``4 March 1981``.
* User-entered text is escaped before it reaches reportlab, so text such as
  ``<b>x</b>`` prints literally and is never taken for paragraph markup.
  Long text wraps and flows on to further pages.
* A record whose passcode was not verified (``record.subject is None`` or
  ``record.locked``) prints "Withheld: passcode not verified" in place of the
  subject, enquiry and response text: no personal data or case content is
  printed, even if the record happens to carry some.
* Each page carries the protective marking and a footer
  ``Printed by X on <date time> — OFFICIAL-SENSITIVE: PERSONAL — page N of M``.
* The audit history prints time, user and action only, never the changed
  values (they can hold personal data).

The layout itself is in ``call_record_pdf``, imported when a record is first
printed: reportlab takes about a tenth of a second to import, which the desk
does not spend at every start (issue 5).
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from mpel_app.domain.records import AuditEntry, EnquiryRecord
from mpel_app.reports.fonts import font_names, markup
from mpel_app.reports.record_sections import WITHHELD_TEXT, format_datetime, record_sections

__all__ = ["render_call_record", "save_call_record", "MARKING", "WITHHELD_TEXT"]

MARKING = "OFFICIAL-SENSITIVE: PERSONAL"


# Fonts and text: reports/fonts.py (shipped fonts, fallback for scripts DejaVu lacks) -----

def _font_names() -> tuple[str, str]:
    """(regular, bold) font names for the PDFs."""
    return font_names()


def _safe(text: object) -> str:
    """Escape user text for a reportlab Paragraph; keep its line breaks; set CJK in the fallback font."""
    return markup(text)


# Public API --------------------------------------------------------------

def render_call_record(
    record: EnquiryRecord,
    *,
    audit: Sequence[AuditEntry] = (),
    printed_by: str,
    printed_at: datetime,
    region_name: str | None = None,
) -> bytes:
    """Render one enquiry as an A4 PDF and return its bytes.

    ``audit`` adds a History table (time, user, action). ``region_name`` is
    the display name of ``record.region_code`` when the caller knows it.
    ``printed_at`` should be timezone-aware; a naive value is taken as UTC.
    """
    from mpel_app.reports.call_record_pdf import build_call_record

    footer = f"Printed by {printed_by} on {format_datetime(printed_at)} — {MARKING}"
    return build_call_record(record, record_sections(record, region_name, printed=True), audit, footer)


def save_call_record(
    path: str | os.PathLike[str],
    record: EnquiryRecord,
    *,
    audit: Sequence[AuditEntry] = (),
    printed_by: str,
    printed_at: datetime,
    region_name: str | None = None,
) -> Path:
    """Render ``record`` (see :func:`render_call_record`) and write it to ``path``."""
    data = render_call_record(
        record, audit=audit, printed_by=printed_by, printed_at=printed_at, region_name=region_name,
    )
    target = Path(path)
    target.write_bytes(data)
    return target
