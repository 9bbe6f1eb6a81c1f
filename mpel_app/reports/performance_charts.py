"""The league table's charts as reportlab drawings: vector in the PDF, SVG on screen (``QSvgWidget``).

* ``trend_chart``: % answered within target, step by step (weeks or months), one line per region
  or unit, with the target line dashed across.
* ``ageing_chart``: the open work of each region or unit by working days since receipt
  (0–5, 6–10, 11–20, over 20), as grouped bars.

Colours differ in lightness as well as hue and every line carries a marker of its own, so the
charts read in greyscale; the table beside each chart is its text alternative.  reportlab is
imported here only, when a chart is first drawn (it is slow to import at start-up).
"""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from ..domain.performance import AGEING_BUCKETS, LeagueRow, Target, bucket_label, percent

# Okabe–Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = [colors.HexColor(c) for c in ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                                        "#000000", "#F0E442")]
MARKERS = ("FilledCircle", "FilledSquare", "FilledDiamond", "FilledTriangle", "Circle", "Square",
           "Diamond", "Triangle")


def trend_chart(steps: Sequence[str], series: dict[str, Sequence[float | None]], target: Target,
                width: int = 480, height: int = 220, title: str = "% answered within target") -> Drawing:
    """``series``: name -> one % per step (None where nothing was answered)."""
    d = _canvas(width, height)
    d.add(String(10, height - 14, title, fontName="Helvetica-Bold", fontSize=10))
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 30, 45, width - 175, height - 75
    data, names = [], []
    for name, values in series.items():
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        if points:
            data.append(points)
            names.append(name)
    plot.data = data or [[(0, 0)]]
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, max(len(steps) - 0.5, 0.5)
    plot.xValueAxis.valueSteps = list(range(len(steps)))
    every = 1 if len(steps) <= 8 else 2  # every other label when they would overlap
    plot.xValueAxis.labelTextFormat = (
        lambda v: steps[int(v)].removeprefix("w/c ") if 0 <= int(v) < len(steps) and int(v) % every == 0 else "")
    plot.xValueAxis.labels.fontSize = 7
    plot.xValueAxis.labels.angle = 30 if len(steps) > 6 else 0
    plot.xValueAxis.labels.boxAnchor = "ne" if len(steps) > 6 else "n"
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.yValueAxis.labels.fontSize = 7
    for i in range(len(data)):
        plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        plot.lines[i].strokeWidth = 1.5
        plot.lines[i].symbol = makeMarker(MARKERS[i % len(MARKERS)], size=5,
                                          fillColor=PALETTE[i % len(PALETTE)], strokeColor=PALETTE[i % len(PALETTE)])
    if not data:
        plot.lines[0].strokeColor = colors.white
    d.add(plot)
    y = plot.y + plot.height * target.share / 100
    d.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.HexColor("#B00000"), strokeWidth=1,
               strokeDashArray=[4, 3]))
    d.add(String(plot.x + plot.width + 4, y - 3, f"target {target.share:.0f} %", fontSize=7,
                 fillColor=colors.HexColor("#B00000")))
    if names:
        legend = Legend()
        legend.x, legend.y = width - 80, height - 30
        legend.fontSize, legend.dx, legend.dy, legend.deltay, legend.columnMaximum = 7, 8, 6, 10, 12
        legend.alignment = "right"
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
        d.add(legend)
    else:
        d.add(String(plot.x + 10, plot.y + plot.height / 2, "Nothing answered in the period", fontSize=9))
    return d


def ageing_chart(rows: Sequence[LeagueRow], width: int = 480, height: int = 220,
                 title: str = "Open work by working days since receipt") -> Drawing:
    d = _canvas(width, height)
    d.add(String(10, height - 14, title, fontName="Helvetica-Bold", fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 45, width - 175, height - 75
    rows = list(rows)
    chart.data = [[r.ageing[i] for r in rows] or [0] for i in range(len(AGEING_BUCKETS))]
    chart.categoryAxis.categoryNames = [r.key for r in rows] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    top = max([max(r.ageing) for r in rows] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.barSpacing, chart.groupSpacing = 1, 8
    for i in range(len(AGEING_BUCKETS)):
        chart.bars[i].fillColor = PALETTE[i]
        chart.bars[i].strokeColor = colors.black
        chart.bars[i].strokeWidth = 0.3
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 80, height - 30
    legend.fontSize, legend.dx, legend.dy, legend.deltay, legend.columnMaximum = 7, 8, 6, 10, 12
    legend.alignment = "right"
    legend.colorNamePairs = [(PALETTE[i], f"{bucket_label(b)} days") for i, b in enumerate(AGEING_BUCKETS)]
    d.add(legend)
    return d


def _canvas(width: int, height: int) -> Drawing:
    """A drawing on white: an SVG viewer would otherwise show its own background (black in a widget grab)."""
    d = Drawing(width, height)
    d.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    return d


def trend_series(points, keys: Sequence[str], steps) -> dict[str, list[float | None]]:
    """From ``PerformanceService.trend`` points: key -> % per step, for ``trend_chart``."""
    found = {(p.step, p.key): p for p in points}
    series = {}
    for key in keys:
        values = []
        for step in steps:
            p = found.get((step, key))
            values.append(None if p is None else percent(p.within, p.answered))
        series[key] = values
    return series


def svg_bytes(drawing: Drawing) -> bytes:
    text = renderSVG.drawToString(drawing)
    return text.encode("utf-8") if isinstance(text, str) else text
