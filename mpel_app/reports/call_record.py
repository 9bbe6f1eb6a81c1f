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
"""
from __future__ import annotations

import io
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from mpel_app.domain.records import AuditEntry, EnquiryRecord, EnquiryStatus
from mpel_app.reports.record_sections import (
    WITHHELD_TEXT,
    Section,
    format_datetime,
    or_dash,
    record_sections,
    to_london,
)

__all__ = ["render_call_record", "save_call_record", "MARKING", "WITHHELD_TEXT"]

MARKING = "OFFICIAL-SENSITIVE: PERSONAL"

_STATUS_LABELS = {
    EnquiryStatus.OPEN: "Open",
    EnquiryStatus.REFUSED: "Refused",
    EnquiryStatus.ANSWERED: "Answered",
    EnquiryStatus.FURTHER_ACTION: "Further action",
    EnquiryStatus.WITH_REGION: "With region",
    EnquiryStatus.COMPLETED: "Completed",
}

# Layout -------------------------------------------------------------------

_PAGE_W, _PAGE_H = A4
_MARGIN_X = 18 * mm
_MARGIN_TOP = 20 * mm
_MARGIN_BOTTOM = 22 * mm
_FRAME_PADDING = 6  # platypus Frame default, each side
_CONTENT_W = _PAGE_W - 2 * _MARGIN_X - 2 * _FRAME_PADDING
_LABEL_W = 66 * mm  # fits "Written confirmation requested" on one line
_LABEL_AND_LINES = 60  # points: a text label plus about three lines of text

_INK = colors.HexColor("#1a1a1a")
_GREY = colors.HexColor("#5f6368")
_RULE = colors.HexColor("#d0d4d9")
_ACCENT = colors.HexColor("#1d3f6e")
_SHADE = colors.HexColor("#f3f5f8")
_ALERT = colors.HexColor("#b3261e")
_ALERT_BG = colors.HexColor("#fbe9e7")


# Fonts ----------------------------------------------------------------------

_DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_fonts: tuple[str, str] | None = None


def _font_names() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans when installed, else Helvetica.

    DejaVu covers far more of the alphabet than Helvetica's Latin-1 (names
    such as "Łukasz" or "Şahin"); Helvetica is always available.
    """
    global _fonts
    if _fonts is None:
        regular, bold = _DEJAVU_DIR / "DejaVuSans.ttf", _DEJAVU_DIR / "DejaVuSans-Bold.ttf"
        try:
            pdfmetrics.registerFont(TTFont("MPEL-Sans", str(regular)))
            pdfmetrics.registerFont(TTFont("MPEL-Sans-Bold", str(bold)))
            pdfmetrics.registerFontFamily(
                "MPEL-Sans", normal="MPEL-Sans", bold="MPEL-Sans-Bold",
                italic="MPEL-Sans", boldItalic="MPEL-Sans-Bold",
            )
            _fonts = ("MPEL-Sans", "MPEL-Sans-Bold")
        except Exception:  # font missing or unreadable: the built-in will do
            _fonts = ("Helvetica", "Helvetica-Bold")
    return _fonts


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _font_names()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, textColor=_INK)
    return {
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=11, leading=14, textColor=_GREY),
        "reference": ParagraphStyle("reference", base, fontName=bold, fontSize=24, leading=29,
                                    textColor=_ACCENT, spaceBefore=2, spaceAfter=6),
        "meta_label": ParagraphStyle("meta_label", base, fontSize=7.5, leading=9.5, textColor=_GREY),
        "meta_value": ParagraphStyle("meta_value", base, fontName=bold, fontSize=10, leading=13),
        "section": ParagraphStyle("section", base, fontName=bold, fontSize=11.5, leading=15,
                                  textColor=_ACCENT, spaceBefore=12, spaceAfter=4, keepWithNext=1),
        "label": ParagraphStyle("label", base, fontName=bold, textColor=_GREY),
        "value": base,
        "text_label": ParagraphStyle("text_label", base, fontName=bold, textColor=_GREY,
                                     spaceBefore=7, spaceAfter=3),
        "text": ParagraphStyle("text", base, backColor=_SHADE, borderColor=_RULE, borderWidth=0.5,
                               borderPadding=(5, 6, 5, 6), leftIndent=6, rightIndent=6,
                               spaceBefore=4, spaceAfter=6),
        "withheld": ParagraphStyle("withheld", base, fontName=bold, fontSize=10.5, leading=14,
                                   textColor=_ALERT, backColor=_ALERT_BG, borderColor=_ALERT,
                                   borderWidth=0.75, borderPadding=(5, 6, 5, 6), leftIndent=6,
                                   rightIndent=6, spaceBefore=4, spaceAfter=6),
        "deleted": ParagraphStyle("deleted", base, fontName=bold, fontSize=13, leading=17,
                                  alignment=TA_CENTER, textColor=colors.white, backColor=_ALERT,
                                  borderPadding=(5, 6, 5, 6), leftIndent=6, rightIndent=6,
                                  spaceBefore=4, spaceAfter=8),
        "urgent": ParagraphStyle("urgent", base, fontName=bold, fontSize=11, leading=14,
                                 textColor=_ALERT, backColor=_ALERT_BG, borderColor=_ALERT,
                                 borderWidth=0.75, borderPadding=(4, 6, 4, 6), leftIndent=6,
                                 rightIndent=6, spaceBefore=4, spaceAfter=4),
        "history_head": ParagraphStyle("history_head", base, fontName=bold, fontSize=8.5, leading=11,
                                       textColor=_GREY),
        "history": ParagraphStyle("history", base, fontSize=8.5, leading=11),
    }


# Text helpers --------------------------------------------------------------

def _safe(text: object) -> str:
    """Escape user text for a reportlab Paragraph; keep its line breaks."""
    value = escape(str(text))
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")


def _status_label(status: EnquiryStatus) -> str:
    return _STATUS_LABELS.get(status, str(status).replace("_", " ").capitalize())


# Flowable builders ----------------------------------------------------------

def _section(title: str, st: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(escape(title), st["section"])


def _fields(rows: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    """Label/value table: grey bold labels on the left, wrapped values right."""
    data = [[Paragraph(escape(label), st["label"]), Paragraph(_safe(value), st["value"])]
            for label, value in rows]
    table = Table(data, colWidths=[_LABEL_W, _CONTENT_W - _LABEL_W], hAlign="LEFT", splitInRow=1)
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 3.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("BACKGROUND", (0, 0), (0, -1), _SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.75, _ACCENT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, _RULE),
    ]))
    return table


def _long_text(label: str, text: str, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A labelled block of free text that wraps and may run over pages.

    The label starts a new page only when too little room is left for it and
    a few lines of text; the text itself splits freely rather than being
    pushed whole on to the next page.
    """
    return [
        CondPageBreak(_LABEL_AND_LINES),
        Paragraph(escape(label), st["text_label"]),
        Paragraph(_safe(text), st["text"]),
    ]


def _header(record: EnquiryRecord, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [
        Paragraph("MPs' Enquiry Line — Call record", st["title"]),
        Paragraph(_safe(record.reference), st["reference"]),
    ]
    cells = [
        ("Status", _status_label(record.status)),
        ("Channel", str(record.channel).capitalize()),
        ("Received", format_datetime(record.received_at)),
        ("Logged by", or_dash(record.created_by)),
    ]
    data = [[Paragraph(escape(label), st["meta_label"]) for label, _ in cells],
            [Paragraph(_safe(value), st["meta_value"]) for _, value in cells]]
    meta = Table(data, colWidths=[_CONTENT_W / 4] * 4, hAlign="LEFT")
    meta.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, 0), 5),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 1),
        ("BOTTOMPADDING", (0, 1), (-1, 1), 6),
        ("BACKGROUND", (0, 0), (-1, -1), _SHADE),
        ("LINEBEFORE", (1, 0), (-1, -1), 0.4, _RULE),
    ]))
    flow.append(meta)
    if record.urgent:
        flow.append(Spacer(1, 4))
        flow.append(Paragraph("URGENT", st["urgent"]))
    if record.deleted:
        flow.append(Spacer(1, 4))
        flow.append(Paragraph("DELETED RECORD — this enquiry has been deleted", st["deleted"]))
    return flow


def _render_section(section: Section, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section's title, then its short rows as a label/value table, then each long text as a block."""
    flow: list[Flowable] = [_section(section.title, st)]
    if section.note:
        return flow + [Paragraph(escape(section.note), st["withheld" if section.withheld else "value"])]
    short = [(row.label, row.value) for row in section.rows if not row.long]
    if short:
        flow.append(_fields(short, st))
    for row in section.rows:
        if not row.long:
            continue
        if row.withheld:
            flow += [Paragraph(escape(row.label), st["text_label"]), Paragraph(escape(row.value), st["withheld"])]
        else:
            flow += _long_text(row.label, row.value, st)
    return flow


def _history(audit: Sequence[AuditEntry], st) -> list[Flowable]:
    """Time, user and action only: ``changes`` may hold personal data."""
    if not audit:
        return []
    head = [Paragraph(h, st["history_head"]) for h in ("Time", "User", "Action")]
    rows = [[Paragraph(_safe(format_datetime(e.at)), st["history"]),
             Paragraph(_safe(e.username), st["history"]),
             Paragraph(_safe(e.action), st["history"])]
            for e in sorted(audit, key=lambda e: to_london(e.at))]
    widths = [38 * mm, 42 * mm, _CONTENT_W - 80 * mm]
    table = Table([head, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEABOVE", (0, 0), (-1, 0), 0.75, _ACCENT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, _GREY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, _SHADE]),
    ]))
    return [_section("History", st), table]


# Page furniture ----------------------------------------------------------

class _NumberedCanvas(Canvas):
    """Canvas that holds pages back until the end so it can print "page N of M"."""

    def __init__(self, *args, footer: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_furniture(number, total)
            super().showPage()
        super().save()

    def _draw_furniture(self, number: int, total: int) -> None:
        regular, bold = _font_names()
        self.saveState()
        self.setFillColor(_GREY)
        self.setFont(bold, 7.5)
        self.drawCentredString(_PAGE_W / 2, _PAGE_H - 11 * mm, MARKING)
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        left = _MARGIN_X + _FRAME_PADDING
        self.line(left, 15 * mm, left + _CONTENT_W, 15 * mm)
        self.setFont(regular, 7.5)
        self.drawCentredString(_PAGE_W / 2, 10.5 * mm, f"{self._footer} — page {number} of {total}")
        self.restoreState()


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
    st = _styles()
    story: list[Flowable] = _header(record, st)
    for section in record_sections(record, region_name, printed=True):
        story += _render_section(section, st)
    story += _history(audit, st)
    footer = f"Printed by {printed_by} on {format_datetime(printed_at)} — {MARKING}"

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN_X,
        rightMargin=_MARGIN_X,
        topMargin=_MARGIN_TOP,
        bottomMargin=_MARGIN_BOTTOM,
        # The reference only: document metadata must not carry personal data.
        title=f"Call record {record.reference}",
        author="MPEL Desk",
        creator="MPEL Desk",
    )
    doc.build(story, canvasmaker=lambda *a, **kw: _NumberedCanvas(*a, footer=footer, **kw))
    return buffer.getvalue()


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
