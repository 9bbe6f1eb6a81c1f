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

What is printed is worked out first, as text (:class:`CallRecordPage`, cheap
and plain Python), then set on the page (``render_page``, reportlab, tens of
milliseconds).  The call note sent to a region keeps the page as JSON in its
outbox row, written in the sending transaction, and the PDF is made from it
when the mail goes (notify/attachments.py): the region gets the record as it
was sent, and the desk does not wait for reportlab (issue 16).

The layout itself is in ``call_record_pdf``, imported when a record is first
printed: reportlab takes about a tenth of a second to import, which the desk
does not spend at every start (issue 5).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mpel_app.domain.records import AuditEntry, EnquiryRecord, EnquiryStatus
from mpel_app.reports.fonts import font_names, markup
from mpel_app.reports.record_sections import (WITHHELD_TEXT, Row, Section, format_datetime, or_dash,
                                              record_sections, to_london)

__all__ = ["render_call_record", "save_call_record", "call_record_page", "render_page", "CallRecordPage",
           "MARKING", "WITHHELD_TEXT"]

MARKING = "OFFICIAL-SENSITIVE: PERSONAL"

_STATUS_LABELS = {
    EnquiryStatus.OPEN: "Open",
    EnquiryStatus.REFUSED: "Refused",
    EnquiryStatus.ANSWERED: "Answered",
    EnquiryStatus.FURTHER_ACTION: "Further action",
    EnquiryStatus.WITH_REGION: "With region",
    EnquiryStatus.COMPLETED: "Completed",
}


def _status_label(status: EnquiryStatus) -> str:
    return _STATUS_LABELS.get(status, str(status).replace("_", " ").capitalize())


@dataclass(frozen=True)
class CallRecordPage:
    """Everything the printed call record says, as text, in the order it is set: the header's cells and panels,
    the sections, the history (time, user, action) and the footer.  No personal data is added here that the
    record's sections did not already decide to print (the withheld rule stays in ``record_sections``)."""

    reference: str
    status: str
    channel: str
    received: str
    logged_by: str
    urgent: bool
    deleted: bool
    sections: tuple[Section, ...]
    history: tuple[tuple[str, str, str], ...]
    footer: str

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (strings, booleans, lists), for an outbox row."""
        return {
            "reference": self.reference, "status": self.status, "channel": self.channel,
            "received": self.received, "logged_by": self.logged_by, "urgent": self.urgent,
            "deleted": self.deleted, "footer": self.footer,
            "sections": [{"title": x.title, "note": x.note, "withheld": x.withheld,
                          "rows": [[r.label, r.value, r.long, r.withheld] for r in x.rows]} for x in self.sections],
            "history": [list(h) for h in self.history],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallRecordPage:
        """The page back from ``to_json``; anything not of that shape is refused (``ValueError``): the
        row was written by a desk, and what the mail sender renders must be exactly text and flags."""
        try:
            sections = tuple(
                Section(_text(x["title"]), tuple(Row(_text(label), _text(value), _flag(long), _flag(withheld))
                                                 for label, value, long, withheld in x["rows"]),
                        note=_text(x["note"]), withheld=_flag(x["withheld"]))
                for x in data["sections"])
            history = tuple((_text(at), _text(who), _text(what)) for at, who, what in data["history"])
            return cls(reference=_text(data["reference"]), status=_text(data["status"]),
                       channel=_text(data["channel"]), received=_text(data["received"]),
                       logged_by=_text(data["logged_by"]), urgent=_flag(data["urgent"]),
                       deleted=_flag(data["deleted"]), sections=sections, history=history,
                       footer=_text(data["footer"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not a call record page: {exc}") from exc


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, found {type(value).__name__}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, found {type(value).__name__}")
    return value


# Fonts and text: reports/fonts.py (shipped fonts, fallback for scripts DejaVu lacks) -----

def _font_names() -> tuple[str, str]:
    """(regular, bold) font names for the PDFs."""
    return font_names()


def _safe(text: object) -> str:
    """Escape user text for a reportlab Paragraph; keep its line breaks; set CJK in the fallback font."""
    return markup(text)


# Public API --------------------------------------------------------------

def call_record_page(
    record: EnquiryRecord,
    *,
    audit: Sequence[AuditEntry] = (),
    printed_by: str,
    printed_at: datetime,
    region_name: str | None = None,
) -> CallRecordPage:
    """What :func:`render_call_record` prints, as text: no reportlab, a fraction of a millisecond."""
    return CallRecordPage(
        reference=record.reference,
        status=_status_label(record.status),
        channel=str(record.channel).capitalize(),
        received=format_datetime(record.received_at),
        logged_by=or_dash(record.created_by),
        urgent=bool(record.urgent),
        deleted=bool(record.deleted),
        sections=tuple(record_sections(record, region_name, printed=True)),
        history=tuple((format_datetime(e.at), e.username, e.action)
                      for e in sorted(audit, key=lambda e: to_london(e.at))),
        footer=f"Printed by {printed_by} on {format_datetime(printed_at)} — {MARKING}",
    )


def render_page(page: CallRecordPage) -> bytes:
    """The PDF of a call record page (reportlab, imported now if not yet)."""
    from mpel_app.reports.call_record_pdf import build_call_record

    return build_call_record(page)


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
    return render_page(call_record_page(record, audit=audit, printed_by=printed_by, printed_at=printed_at,
                                        region_name=region_name))


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
