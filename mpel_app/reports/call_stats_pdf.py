"""The 30-second report drawn: a service-level bar chart (reportlab graphics) for the Calls view (as SVG) and
the PDF (as vector graphics), and the PDF itself: the chart, its table, the formula, the longest waits.

One drawing for screen and paper, so they cannot disagree.  Imported when a
chart is first drawn: reportlab is not loaded at the desk's start.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..domain.call_records import CallReport
from ..domain.call_stats import FORMULA, CallCounts
from .call_stats import COLUMNS, GROUPINGS, grouped, longest_rows, row_cells, title
from .pdf_page import ACCENT, GREY, INK, RULE, SHADE, A4Pages
from .record_sections import to_london

BAR = colors.HexColor("#1d3f6e")
_PAGES = A4Pages(margin_x=15 * mm)


def chart_drawing(rows: Sequence[tuple[str, CallCounts]], width: float = 480, height: float = 260, *,
                  heading: str = "Service level") -> Drawing:
    """Bars of service level (0–100 %) per row; a group with no service level (nothing to answer) shows none."""
    drawing = Drawing(width, height)
    # A white ground: an SVG is transparent, and a dark window theme would swallow the black text.
    drawing.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    drawing.add(String(8, height - 16, heading, fontName="Helvetica-Bold", fontSize=11, fillColor=INK))
    if not rows:
        drawing.add(String(width / 2, height / 2, "No calls in this period", textAnchor="middle",
                           fontName="Helvetica", fontSize=11, fillColor=GREY))
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y = 44, 52
    chart.width, chart.height = width - 60, height - 84
    # None: no bar and no label for a group with nothing to answer (a "0 %" there would be a false alarm).
    chart.data = [[None if c.service_level is None else c.service_level * 100 for _label, c in rows]]
    chart.categoryAxis.categoryNames = [_short(label) for label, _c in rows]
    many = len(rows) > 8
    # Many bars: labels turned upright, hanging below the axis (read from the bottom up).
    chart.categoryAxis.labels.angle = 90 if many else 0
    chart.categoryAxis.labels.boxAnchor = "e" if many else "n"
    chart.categoryAxis.labels.dy = -4 if many else -2
    if many:
        chart.y, chart.height = 64, height - 96
    chart.categoryAxis.labels.fontSize = 7 if len(rows) > 14 else 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: "" if v is None else f"{v:.0f}%"
    chart.barLabels.fontSize = 7 if len(rows) > 10 else 8
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(Line(chart.x, chart.y, chart.x + chart.width, chart.y, strokeColor=GREY, strokeWidth=0.5))
    return drawing


def _short(label: str) -> str:
    """Chart labels: 'Sun 01 Nov 2026' -> '01 Nov' (the table beside it has the full date)."""
    day = re.fullmatch(r"\w{3} (\d\d \w{3}) \d{4}", label)
    if day:
        return day.group(1)
    return label if len(label) <= 16 else label[:15] + "…"


def chart_svg(rows: Sequence[tuple[str, CallCounts]], width: float = 480, height: float = 260, *,
              heading: str = "Service level") -> bytes:
    return renderSVG.drawToString(chart_drawing(rows, width, height, heading=heading)).encode("utf-8")


def build_calls_pdf(report: CallReport, grouping: str, *, printed_at: datetime) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12, textColor=INK)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY)
    rows = grouped(report, grouping)
    story = [Paragraph(title(report), ParagraphStyle("h", parent=styles["Heading2"], textColor=ACCENT)),
             Paragraph(f"By {GROUPINGS[grouping].lower()}. Printed "
                       f"{to_london(printed_at).strftime('%d %b %Y %H:%M')} (London).", small),
             Spacer(1, 3 * mm),
             chart_drawing(rows, _PAGES.width, 250, heading=f"Service level by {GROUPINGS[grouping].lower()}"),
             Paragraph(FORMULA, small), Spacer(1, 4 * mm)]
    table_rows = [[GROUPINGS[grouping], *COLUMNS]] + [[label, *row_cells(c)] for label, c in rows]
    table_rows.append(["Total", *row_cells(report.totals)])
    story.append(_table(table_rows, body))
    if report.longest:
        story += [Spacer(1, 5 * mm), Paragraph("<b>Longest waits</b>", body),
                  _table([["Offered (London)", "Wait (s)", "Outcome", "Queue"], *longest_rows(report)], body)]
    return _PAGES.build(story, title="MPEL Desk call report", subject="The 30-second report")


def _table(rows: list[list[str]], style: ParagraphStyle) -> Table:
    header = ParagraphStyle("th", parent=style, fontName="Helvetica-Bold", fontSize=7.5, leading=9)
    cell = ParagraphStyle("td", parent=style, fontSize=8, leading=10)
    data = [[Paragraph(_escape(c), header) for c in rows[0]]] + [[Paragraph(_escape(c), cell) for c in r]
                                                                  for r in rows[1:]]
    table = Table(data, repeatRows=1)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE), ("LINEBELOW", (0, 0), (-1, 0), 0.6, GREY),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
