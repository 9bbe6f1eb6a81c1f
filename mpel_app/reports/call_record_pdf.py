"""The call record set on A4 with reportlab; ``call_record.render_call_record`` is the way in.

Kept apart from ``call_record`` so that reportlab is imported only when a
record is first printed, not at every start of the desk (issue 5).
``call_record`` decides what is printed (the sections, the footer); this
module sets it on the page, following the rules listed in its docstring.
"""
from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from mpel_app.reports.call_record import MARKING, CallRecordPage, _font_names, _safe
from mpel_app.reports.pdf_page import (ACCENT, ALERT, ALERT_BG, FOOTER_Y, GREY, HEADER_Y, INK, PAGE_W, RULE, SHADE,
                                       A4Pages)
from mpel_app.reports.record_sections import Section

# Layout -------------------------------------------------------------------

_PAGES = A4Pages(margin_x=18 * mm)
_CONTENT_W = _PAGES.width
_LABEL_W = 66 * mm  # fits "Written confirmation requested" on one line
_LABEL_AND_LINES = 60  # points: a text label plus about three lines of text
# The red panels: a withheld value, an urgent call.
_ALERT_PANEL = {"textColor": ALERT, "backColor": ALERT_BG, "borderColor": ALERT, "borderWidth": 0.75}


def _boxed(name: str, parent: ParagraphStyle, **style) -> ParagraphStyle:
    """A paragraph set in a padded box, inset from the text's edges: free text, and the panels."""
    return ParagraphStyle(name, parent, **{"borderPadding": (5, 6, 5, 6), "leftIndent": 6, "rightIndent": 6,
                                           **style})


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _font_names()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=11, leading=14, textColor=GREY),
        "reference": ParagraphStyle("reference", base, fontName=bold, fontSize=24, leading=29,
                                    textColor=ACCENT, spaceBefore=2, spaceAfter=6),
        "meta_label": ParagraphStyle("meta_label", base, fontSize=7.5, leading=9.5, textColor=GREY),
        "meta_value": ParagraphStyle("meta_value", base, fontName=bold, fontSize=10, leading=13),
        "section": ParagraphStyle("section", base, fontName=bold, fontSize=11.5, leading=15,
                                  textColor=ACCENT, spaceBefore=12, spaceAfter=4, keepWithNext=1),
        "label": ParagraphStyle("label", base, fontName=bold, textColor=GREY),
        "value": base,
        "text_label": ParagraphStyle("text_label", base, fontName=bold, textColor=GREY,
                                     spaceBefore=7, spaceAfter=3),
        "text": _boxed("text", base, backColor=SHADE, borderColor=RULE, borderWidth=0.5,
                       spaceBefore=4, spaceAfter=6),
        "withheld": _boxed("withheld", base, fontName=bold, fontSize=10.5, leading=14, **_ALERT_PANEL,
                           spaceBefore=4, spaceAfter=6),
        "deleted": _boxed("deleted", base, fontName=bold, fontSize=13, leading=17, alignment=TA_CENTER,
                          textColor=colors.white, backColor=ALERT, spaceBefore=4, spaceAfter=8),
        "urgent": _boxed("urgent", base, fontName=bold, fontSize=11, leading=14, **_ALERT_PANEL,
                         borderPadding=(4, 6, 4, 6), spaceBefore=4, spaceAfter=4),
        "history_head": ParagraphStyle("history_head", base, fontName=bold, fontSize=8.5, leading=11,
                                       textColor=GREY),
        "history": ParagraphStyle("history", base, fontSize=8.5, leading=11),
    }


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
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.75, ACCENT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
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


def _header(page: CallRecordPage, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [
        Paragraph("MPs' Enquiry Line — Call record", st["title"]),
        Paragraph(_safe(page.reference), st["reference"]),
    ]
    cells = [
        ("Status", page.status),
        ("Channel", page.channel),
        ("Received", page.received),
        ("Logged by", page.logged_by),
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
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LINEBEFORE", (1, 0), (-1, -1), 0.4, RULE),
    ]))
    flow.append(meta)
    if page.urgent:
        flow.append(Spacer(1, 4))
        flow.append(Paragraph("URGENT", st["urgent"]))
    if page.deleted:
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


def _history(history: Sequence[tuple[str, str, str]], st) -> list[Flowable]:
    """Time, user and action only (``call_record_page`` left ``changes`` out: they may hold personal data)."""
    if not history:
        return []
    head = [Paragraph(h, st["history_head"]) for h in ("Time", "User", "Action")]
    rows = [[Paragraph(_safe(at), st["history"]), Paragraph(_safe(who), st["history"]),
             Paragraph(_safe(what), st["history"])]
            for at, who, what in history]
    widths = [38 * mm, 42 * mm, _CONTENT_W - 80 * mm]
    table = Table([head, *rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEABOVE", (0, 0), (-1, 0), 0.75, ACCENT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, GREY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, SHADE]),
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
        self.setFillColor(GREY)
        self.setFont(bold, 7.5)
        self.drawCentredString(PAGE_W / 2, HEADER_Y, MARKING)
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        _PAGES.footer_rule(self)
        self.setFont(regular, 7.5)
        self.drawCentredString(PAGE_W / 2, FOOTER_Y, f"{self._footer} — page {number} of {total}")
        self.restoreState()


# The PDF ------------------------------------------------------------------

def build_call_record(page: CallRecordPage) -> bytes:
    """The PDF of ``call_record.render_page``: the page's header, its sections, its history.

    ``page.footer`` is printed at the foot of every page, before the page number.
    """
    st = _styles()
    story: list[Flowable] = _header(page, st)
    for section in page.sections:
        story += _render_section(section, st)
    story += _history(page.history, st)
    # The reference only: document metadata must not carry personal data.
    return _PAGES.build(story, title=f"Call record {page.reference}",
                        canvasmaker=lambda *a, **kw: _NumberedCanvas(*a, footer=page.footer, **kw))
