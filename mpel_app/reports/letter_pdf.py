"""A composed letter set on A4 with reportlab; ``letters.render_letter_pdf`` is the way in.

Kept apart from ``letters`` so that reportlab is imported only when a letter
is first made as a PDF, not at every start of the desk (issue 5).  The rules
a letter follows are checked in ``letters`` before it gets here.
"""
from __future__ import annotations

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from mpel_app.reports.call_record import _font_names, _safe
from mpel_app.reports.letters import ComposedLetter
from mpel_app.reports.pdf_page import ACCENT, FOOTER_Y, GREY, HEADER_Y, INK, PAGE_W, RULE, A4Pages

_PAGES = A4Pages(margin_x=25 * mm)
_CONTENT_W = _PAGES.width
_SIGNATURE_SPACE = 16 * mm  # room for a wet or scanned signature


def _pdf_styles() -> dict[str, ParagraphStyle]:
    regular, bold = _font_names()
    base = ParagraphStyle("letter", fontName=regular, fontSize=11, leading=15, textColor=INK)
    return {
        "org": ParagraphStyle("org", base, fontName=bold, fontSize=17, leading=20, textColor=ACCENT),
        "org_line": ParagraphStyle("org_line", base, fontSize=8.5, leading=11, textColor=GREY, alignment=TA_RIGHT),
        "address": ParagraphStyle("address", base, leading=14),
        "ref_label": ParagraphStyle("ref_label", base, fontSize=9.5, leading=14, textColor=GREY),
        "ref_value": ParagraphStyle("ref_value", base, fontSize=9.5, leading=14),
        "heading": ParagraphStyle("heading", base, fontName=bold, spaceAfter=10),
        "salutation": ParagraphStyle("salutation", base, spaceAfter=10),
        "body": ParagraphStyle("body", base, spaceAfter=9),
        "signatory": ParagraphStyle("signatory", base, fontName=bold),
        "small": ParagraphStyle("small", base, fontSize=9.5, leading=13),
    }


def _pdf_story(letter: ComposedLetter, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    name, lines = letter.letterhead
    head = Table(
        [[Paragraph(_safe(name), st["org"]), Paragraph("<br/>".join(_safe(l) for l in lines), st["org_line"])]],
        colWidths=[_CONTENT_W * 0.55, _CONTENT_W * 0.45],
    )
    head.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LINEBELOW", (0, 0), (-1, 0), 1, ACCENT),
    ]))

    refs = Table(
        [[Paragraph(_safe(label), st["ref_label"]), Paragraph(_safe(value), st["ref_value"])]
         for label, value in letter.references],
        colWidths=[30 * mm, 38 * mm],
    )
    refs.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    address = Paragraph("<br/>".join(_safe(l) for l in letter.addressee), st["address"])
    top = Table([[address, refs]], colWidths=[_CONTENT_W - 68 * mm, 68 * mm])
    top.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))

    story: list[Flowable] = [head, Spacer(1, 14 * mm), top, Spacer(1, 12 * mm)]
    if letter.heading:
        story.append(Paragraph(_safe(letter.heading), st["heading"]))
    story.append(Paragraph(_safe(letter.salutation), st["salutation"]))
    paragraphs = [Paragraph(_safe(p), st["body"]) for p in letter.paragraphs]
    closing: list[Flowable] = [
        Spacer(1, 4),
        Paragraph(_safe(letter.sign_off), st["body"]),
        Spacer(1, _SIGNATURE_SPACE),
        Paragraph(_safe(letter.signatory[0]), st["signatory"]),
        Paragraph(_safe(letter.signatory[1]), st["body"]),
    ]
    # The signature never stands alone on a page: it keeps the last paragraph with it.
    story += paragraphs[:-1]
    story.append(KeepTogether(paragraphs[-1:] + closing))
    if letter.enclosure:
        story += [Spacer(1, 6), Paragraph(_safe(letter.enclosure), st["small"])]
    if letter.cc:
        cc = Table([[Paragraph("cc", st["small"]), Paragraph("<br/>".join(_safe(n) for n in letter.cc), st["small"])]],
                   colWidths=[12 * mm, _CONTENT_W - 12 * mm], hAlign="LEFT")
        cc.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
        ]))
        story += [Spacer(1, 6), cc]
    return story


def _page_furniture(letter: ComposedLetter):
    """Every page: the heading (e.g. IN CONFIDENCE) at the top; continuation pages: reference and number."""
    regular, bold = _font_names()
    reference = letter.references[0][1]

    def draw(canvas, doc) -> None:
        canvas.saveState()
        if letter.heading:
            canvas.setFont(bold, 9)
            canvas.setFillColor(INK)
            canvas.drawCentredString(PAGE_W / 2, HEADER_Y, letter.heading)
        if doc.page > 1:
            canvas.setFont(regular, 8)
            canvas.setFillColor(GREY)
            canvas.setStrokeColor(RULE)
            _PAGES.footer_rule(canvas)
            canvas.drawString(_PAGES.left, FOOTER_Y, reference)
            canvas.drawRightString(_PAGES.left + _CONTENT_W, FOOTER_Y, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def build_letter_pdf(letter: ComposedLetter, *, title: str, subject: str) -> bytes:
    """The PDF bytes of ``letter``, with ``title`` and ``subject`` as the document's metadata."""
    furniture = _page_furniture(letter)
    return _PAGES.build(_pdf_story(letter, _pdf_styles()), title=title, subject=subject,
                        onFirstPage=furniture, onLaterPages=furniture)
