"""The league table as a PDF a director reads: the period, each table best to worst with its
target line and shortfalls marked in words and colour, the charts beside them, the quarterly
return to the Cabinet Office, and the definitions printed under each figure.

Imported only when a PDF is made (reportlab is slow to import at start-up).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..domain.calendar import LONDON
from ..domain.performance import TARGETS, LeagueTable, trend_buckets
from .call_record import _font_names
from .pdf_page import ACCENT, ALERT, ALERT_BG, GREY, INK, RULE, SHADE
from .performance_charts import ageing_chart, trend_chart, trend_series
from .performance_table import (AGEING_COLUMNS, COLUMNS, SHORT, Cell, ageing_cells, definitions_text, extra_cells,
                                extra_columns, extra_notes, row_cells, sections, target_line)

RETURN_DEFINITION = ("Quarterly return (Cabinet Office): per calendar quarter, MPs' letters received in it, the "
                     "target in working days (20), the % of the answered letters answered within the target and "
                     "the % answered within 20 working days, counted as above.")


def _styles():
    regular, bold = _font_names()
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=11, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=16, leading=20, textColor=ACCENT),
        "meta": ParagraphStyle("meta", base, fontSize=9, textColor=GREY),
        "section": ParagraphStyle("section", base, fontName=bold, fontSize=12, leading=16, spaceBefore=8,
                                  spaceAfter=4, textColor=ACCENT),
        "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=7.5, leading=9, textColor=GREY),
        "short": ParagraphStyle("short", base, fontName=bold, fontSize=7.5, leading=9, textColor=ALERT),
        "note": ParagraphStyle("note", base, fontSize=7.5, leading=9.5, textColor=GREY),
    }


def _table(header: Sequence[str], rows: Sequence[Sequence], st, widths=None) -> Table:
    data = [[Paragraph(escape(h), st["head"]) for h in header]]
    style = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, cell in enumerate(row):
            if cell is None:
                cells.append("")
                continue
            cells.append(Paragraph(escape(cell.text), st["short" if cell.short else "cell"]))
            if cell.short:
                style.append(("BACKGROUND", (c, r), (c, r), ALERT_BG))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _notes(lines: Sequence[str], st) -> list:
    return [Paragraph(escape(line), st["note"]) for line in lines]


def league_pdf(table: LeagueTable, trend_points=(), quarterly=()) -> bytes:
    st = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=f"League table {table.period.title}",
                            author="MPEL Desk")
    story: list = [
        Paragraph("Performance against the targets: league table", st["title"]),
        Paragraph(escape(f"Received {table.period.title}. Made {table.made_at.astimezone(LONDON):%d %b %Y %H:%M} "
                         "(London); items counted as they stand at that time."), st["meta"]),
        Spacer(1, 4 * mm),
    ]
    steps = trend_buckets(table.period)
    labels = [s.label for s in steps]
    for title, target, rows in sections(table):
        is_regions = rows is table.regions
        header = list(COLUMNS) + extra_columns(is_regions)
        body = [row_cells(i, r, target) + extra_cells(r, is_regions) for i, r in enumerate(rows, start=1)]
        story += [CondPageBreak(60 * mm), Paragraph(escape(title), st["section"]),
                  _table(header, body, st) if body else Paragraph("Nothing received in the period.", st["base"]),
                  Spacer(1, 2 * mm),
                  *_notes([target_line(target), *extra_notes(is_regions), *definitions_text()], st)]
        series = trend_series(trend_points, [r.key for r in rows], steps)
        charts = Table([[trend_chart(labels, series, target, width=370, height=200,
                                     title=f"{title}: % answered within target"),
                         ageing_chart(rows, width=370, height=200, title=f"{title}: open work by age")]])
        story += [Spacer(1, 3 * mm), KeepTogether([charts, *_notes([
            "Left: % of the items received in each step that were answered within target (dashed: the target "
            "line). Right: items still open by working days since receipt. The tables are the charts' text "
            "alternative."], st)])]
        if rows:
            story += [Spacer(1, 2 * mm), _table(["Code", *AGEING_COLUMNS],
                                                [[row_cells(0, r, target)[1], *ageing_cells(r)] for r in rows], st)]
    for figure in table.more:  # figures a later source adds (calls answered within 30 s), once they exist
        story += [KeepTogether([Paragraph(escape(figure.title), st["section"]),
                                *_notes(list(figure.lines), st)])]
    if quarterly:
        def pct(v):
            return Cell("–" if v is None else f"{v:.1f} %" + (f" ({SHORT})" if v < TARGETS["letters"].share else ""),
                        v is not None and v < TARGETS["letters"].share)
        story += [CondPageBreak(50 * mm), Paragraph("Quarterly return to the Cabinet Office", st["section"]),
                  _table(["Quarter", "Letters received", "Target (working days)", "% answered within target",
                          "% answered within 20 working days"],
                         [[Cell(q.quarter.label), Cell(str(q.letters_received)), Cell(str(q.target_days)),
                           pct(q.percent_within_target), pct(q.percent_within_20)] for q in quarterly], st),
                  Spacer(1, 2 * mm), *_notes([RETURN_DEFINITION], st)]
    doc.build(story)
    return out.getvalue()


