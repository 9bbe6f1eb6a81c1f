"""The subject-access export as a PDF a person can read, and the bundle (zip) it travels in (issue 17).

``render`` sets ``services.subject_access.SubjectAccessExport`` on A4: a first page saying who it is
about, when it was made and a summary of what was found where; then each section, one block per item,
field names in plain words.  ``write_bundle`` writes the zip: the PDF, ``subject-access.json`` (the same
content, machine-readable) and the documents themselves under ``documents/``.

reportlab is imported only here, when an export is made (not at the desk's start, issue 5).
"""
from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..domain.calendar import LONDON
from ..services.subject_access import SubjectAccessExport
from .fonts import font_names, markup
from .pdf_page import ACCENT, GREY, INK, RULE, SHADE, A4Pages

_PAGES = A4Pages(margin_x=18 * mm)
MARKING = "OFFICIAL-SENSITIVE: PERSONAL DATA"
PDF_NAME, JSON_NAME = "subject-access.pdf", "subject-access.json"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = font_names()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=12, textColor=INK)
    return {
        "marking": ParagraphStyle("marking", base, fontName=bold, textColor=GREY, fontSize=8),
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=18, leading=23, textColor=ACCENT,
                                spaceBefore=4, spaceAfter=6),
        "section": ParagraphStyle("section", base, fontName=bold, fontSize=12, leading=16, textColor=ACCENT,
                                  spaceBefore=12, spaceAfter=4, keepWithNext=1),
        "label": ParagraphStyle("label", base, fontName=bold, textColor=GREY),
        "head": ParagraphStyle("head", base, fontName=bold),
        "value": base,
    }


_WORDS = {"ho": "Home Office", "cts": "CTS", "dob": "date of birth", "mp": "MP", "qa": "QA", "e164": "number"}


def _label(key: str) -> str:
    words = [_WORDS.get(w, w) for w in key.split("_") if w != "at"]
    text = " ".join(words) or key
    return text[:1].upper() + text[1:]


def _value(value: Any) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):  # an audit entry's changes: one line each, old → new
        return "\n".join(f"{_label(k)}: {_change(v)}" for k, v in value.items() if not k.startswith("_"))
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    return _when(str(value))


def _change(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_value(value[0])} → {_value(value[1])}"
    return _value(value)


def _when(text: str) -> str:
    """An instant (ISO, with its offset) as UK time; anything else as it is."""
    if len(text) >= 19 and text[10:11] == "T" and text[4:5] == "-":
        try:
            return datetime.fromisoformat(text).astimezone(LONDON).strftime("%d %b %Y %H:%M")
        except ValueError:
            return text
    return text


def _table(rows: list[list[Any]], widths: list[float], header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(style))
    return table


def render(export: SubjectAccessExport) -> bytes:
    st = _styles()
    width = _PAGES.width
    made = export.made_at.astimezone(LONDON)
    born = f", born {export.date_of_birth:%d %B %Y}" if export.date_of_birth else ""
    story: list[Any] = [
        Paragraph(MARKING, st["marking"]),
        Paragraph(markup(f"What MPEL Desk holds on {export.name}{born}"), st["title"]),
        Paragraph(markup(f"Made {made:%d %B %Y at %H:%M} (UK time) by {export.made_by}, data protection. "
                         "Staff are named where they acted in their official role."), st["value"]),
        Paragraph("Summary: what was found, and where", st["section"]),
        _table([[Paragraph("What", st["head"]), Paragraph("How many", st["head"]),
                 Paragraph("Where it is kept", st["head"])]]
               + [[Paragraph(markup(t), st["value"]), Paragraph(str(n), st["value"]),
                   Paragraph(markup(w), st["value"])] for t, n, w in export.summary()],
               [width * 0.4, width * 0.15, width * 0.45], header=True),
    ]
    for section in export.sections:
        story.append(Paragraph(markup(f"{section.title} ({len(section.items)})"), st["section"]))
        if not section.items:
            story.append(Paragraph("None held.", st["value"]))
        for item in section.items:
            rows = [[Paragraph(markup(_label(k)), st["label"]), Paragraph(markup(_value(v)), st["value"])]
                    for k, v in item.items()]
            story += [_table(rows, [width * 0.28, width * 0.72]), Spacer(1, 6)]
    if export.documents:
        story.append(Paragraph("Documents in the bundle", st["section"]))
        story.append(_table([[Paragraph(markup(d.name), st["value"]), Paragraph(markup(d.where), st["value"])]
                             for d in export.documents], [width * 0.6, width * 0.4]))
    return _PAGES.build(story, title="Subject access export", subject="MPEL Desk")


def write_bundle(export: SubjectAccessExport, path: Path) -> Path:
    """The zip at ``path``: the PDF, the JSON and the documents."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(PDF_NAME, render(export))
        z.writestr(JSON_NAME, json.dumps(export.as_json(), ensure_ascii=False, indent=2))
        for d in export.documents:
            z.writestr(d.name, d.data)
    return path
