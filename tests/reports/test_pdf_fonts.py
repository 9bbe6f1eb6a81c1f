"""Issue #19 finding 6: names in any script print as themselves, on any PC.

The PDFs embed fonts shipped with the desk (resources/fonts, found through paths.fonts_dir so a frozen
build finds them too), not ones looked for at a Linux path: the call record of "Łukasz", of an Arabic and
of a Chinese name embeds a font whose glyphs those names use, and the text reads back.
"""
from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFont

from mpel_app import paths
from mpel_app.reports import fonts
from mpel_app.reports.call_record import render_call_record
from tests.reports.test_call_record import PRINTED_AT, make_record

NAMES = {"polish": "Łukasz Wójcik", "arabic": "محمد", "chinese": "王小明", "mixed": "Li 王 Ørsted"}


def embedded_fonts(data: bytes) -> dict[str, frozenset[int]]:
    """Each embedded font file's base name (subset prefix dropped) -> the code points its ToUnicode maps."""
    found: dict[str, set[int]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/FontFile2" not in descriptor.get_object():
                continue  # not an embedded TrueType font
            name = str(font["/BaseFont"]).split("+")[-1]
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            codes = found.setdefault(name, set())
            for line in cmap.splitlines():
                parts = line.strip().strip("<>").split("> <")
                if len(parts) == 2 and all(len(p) >= 2 for p in parts):
                    text = bytes.fromhex(parts[1]).decode("utf-16-be", "replace")
                    codes.update(ord(c) for c in text)
    return {k: frozenset(v) for k, v in found.items()}


@pytest.mark.parametrize("script", list(NAMES))
def test_a_name_in_any_script_is_embedded_with_its_glyphs(script):
    name = NAMES[script]
    record = make_record()
    record = dataclasses.replace(record, subject=dataclasses.replace(record.subject, name=name))
    data = render_call_record(record, printed_by="Carla Agent", printed_at=PRINTED_AT)
    embedded = embedded_fonts(data)
    shipped = {n: frozenset(TTFont(n, str(paths.fonts_dir() / f)).face.charToGlyph)
               for n, f in fonts.FILES.items()}
    for char in name.replace(" ", ""):
        # Some embedded font maps the character, and that font's file (shipped) has a glyph for it.
        holders = [font for font, codes in embedded.items() if ord(char) in codes]
        assert holders, f"{char!r} ({script}) is in no embedded font: {sorted(embedded)}"
        assert any(ord(char) in glyphs for glyphs in shipped.values())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    if script != "arabic":  # reportlab does not shape Arabic: its letters read back in isolated forms
        assert name in text


def test_the_fonts_are_found_through_paths_so_a_frozen_build_finds_them(monkeypatch, tmp_path):
    assert paths.fonts_dir() == paths.resources_dir() / "fonts"
    for file in fonts.FILES.values():
        assert (paths.fonts_dir() / file).is_file()
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert paths.fonts_dir() == tmp_path / "resources" / "fonts"


def test_markup_escapes_and_switches_font_only_for_what_dejavu_lacks():
    fonts.font_names()
    assert fonts.markup("<b>Ł</b>\nx") == "&lt;b&gt;Ł&lt;/b&gt;<br/>x"
    assert fonts.markup("Li 王小明 & co") == f'Li <font face="{fonts.FALLBACK}">王小明</font> &amp; co'
