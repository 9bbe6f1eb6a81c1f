"""What the desk's PDFs share with reportlab: the house colours, an A4 page's geometry, the build, the footer rule.

Imported only by the layouts (``call_record_pdf``, ``letter_pdf``), which are
themselves imported when a PDF is first made: reportlab is not loaded at the
desk's start (issue 5).
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

PAGE_W, PAGE_H = A4
FRAME_PADDING = 6  # platypus Frame default, each side
HEADER_Y = PAGE_H - 11 * mm  # a line above the text: the marking, a letter's heading
FOOTER_RULE_Y = 15 * mm
FOOTER_Y = 10.5 * mm

INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#5f6368")
RULE = colors.HexColor("#d0d4d9")
ACCENT = colors.HexColor("#1d3f6e")
SHADE = colors.HexColor("#f3f5f8")
ALERT = colors.HexColor("#b3261e")
ALERT_BG = colors.HexColor("#fbe9e7")


@dataclass(frozen=True)
class A4Pages:
    """A4 pages with these margins; ``left`` and ``width`` are the text's, inside platypus's frame."""

    margin_x: float
    margin_top: float = 20 * mm
    margin_bottom: float = 22 * mm

    @property
    def left(self) -> float:
        return self.margin_x + FRAME_PADDING

    @property
    def width(self) -> float:
        return PAGE_W - 2 * self.margin_x - 2 * FRAME_PADDING

    def build(self, story: Sequence[Flowable], *, title: str, subject: str | None = None, **furniture) -> bytes:
        """The PDF bytes of ``story`` set on these pages.

        ``title`` and ``subject`` are the document's metadata: they name the
        document only, never a person.  ``furniture`` goes to platypus's
        ``build`` (``canvasmaker``, ``onFirstPage``, ``onLaterPages``).
        """
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=self.margin_x,
            rightMargin=self.margin_x,
            topMargin=self.margin_top,
            bottomMargin=self.margin_bottom,
            title=title,
            author="MPEL Desk",
            creator="MPEL Desk",
            subject=subject,
        )
        doc.build(list(story), **furniture)
        return buffer.getvalue()

    def footer_rule(self, canvas: Canvas) -> None:
        """The thin line across the text's width above the footer, in the canvas's stroke colour."""
        canvas.line(self.left, FOOTER_RULE_Y, self.left + self.width, FOOTER_RULE_Y)
