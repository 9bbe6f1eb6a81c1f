"""The fonts every PDF is set in, shipped with the desk (resources/fonts, found via paths.fonts_dir).

DejaVu Sans (regular and bold) sets Latin, Greek, Cyrillic and Arabic; Droid Sans Fallback sets what
DejaVu has no glyph for, Chinese, Japanese and Korean above all.  ``markup`` turns a person's text into
reportlab Paragraph markup with each run of such characters in the fallback font, so "王小明" prints as
itself and not as black boxes, on Windows as on Linux.  Registered once, on first use (reportlab is not
imported at start-up).  Without the files (a broken install) the built-in Helvetica is used, as before.
"""
from __future__ import annotations

import logging
from xml.sax.saxutils import escape

from mpel_app.paths import fonts_dir

log = logging.getLogger(__name__)

REGULAR, BOLD, FALLBACK = "MPEL-Sans", "MPEL-Sans-Bold", "MPEL-Fallback"
FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", FALLBACK: "DroidSansFallbackFull.ttf"}


class _Fonts:
    def __init__(self) -> None:
        self.names: tuple[str, str] | None = None
        self.covered: frozenset[int] = frozenset()  # code points the main font has glyphs for
        self.fallback: frozenset[int] = frozenset()  # ... and the fallback font


_state = _Fonts()


def font_names() -> tuple[str, str]:
    """(regular, bold) names to set text in."""
    if _state.names is None:
        _register()
    return _state.names


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = fonts_dir()
    try:
        regular = TTFont(REGULAR, str(folder / FILES[REGULAR]))
        bold = TTFont(BOLD, str(folder / FILES[BOLD]))
    except Exception:  # noqa: BLE001 - the files missing or unreadable: Helvetica will do
        log.warning("the PDF fonts are missing from %s: using Helvetica (Latin-1 only)", folder)
        _state.names = ("Helvetica", "Helvetica-Bold")
        return
    for font in (regular, bold):
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    # What both weights can set: a character the bold lacks goes to the fallback in either.
    _state.covered = frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)
    try:
        fallback = TTFont(FALLBACK, str(folder / FILES[FALLBACK]))
        pdfmetrics.registerFont(fallback)
        _state.fallback = frozenset(fallback.face.charToGlyph)
    except Exception:  # noqa: BLE001 - without it CJK shows as boxes, the rest as before
        log.warning("the fallback font is missing from %s: Chinese, Japanese and Korean will not print", folder)
    _state.names = (REGULAR, BOLD)


def _needs_fallback(char: str) -> bool:
    code = ord(char)
    return code not in _state.covered and code in _state.fallback


def markup(text: object) -> str:
    """``text`` escaped for a reportlab Paragraph, its line breaks kept, each run of characters only the
    fallback font has set in that font."""
    font_names()
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    run: list[str] = []
    in_fallback = False
    for char in value + "\0":  # a sentinel ends the last run
        fallback = char != "\0" and char != "\n" and _needs_fallback(char)
        if fallback != in_fallback or char in "\n\0":
            piece = escape("".join(run))
            out.append(f'<font face="{FALLBACK}">{piece}</font>' if in_fallback and piece else piece)
            run, in_fallback = [], fallback
            if char == "\n":
                out.append("<br/>")
                continue
            if char == "\0":
                break
        run.append(char)
    return "".join(out)
