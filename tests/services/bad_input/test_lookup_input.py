"""Malformed references and search texts: finding an enquiry or a letter, and the members' type-ahead.

A mistyped hotline or CTS reference is told what is wrong with it (six digits
after MPH, ASCII digits only) rather than answered "no records"; text no search
could mean (control characters, a megabyte, a number) is refused, naming it.
"""
from __future__ import annotations

from mpel_app.domain.errors import NotFound
from mpel_app.domain.records import SearchKey

from .cases import (ARABIC_INDIC_DIGITS, FULLWIDTH_DIGITS, MEGABYTE, NUL, SQL, Bad, refusal_tests,
                    text_cases)

MALFORMED_HOTLINE = {
    "five-digits": "MPH12345", "seven-digits": "MPH1234567", "unknown-prefix": "XYZ123456",
    "fullwidth-digits": "MPH" + FULLWIDTH_DIGITS, "arabic-indic-digits": "MPH" + ARABIC_INDIC_DIGITS,
    "superscript-digit": "MPH12345\u00b2", "all-zeros": "MPH000000", "space-inside": "MPH 123 456",
    "nul": "MPH" + NUL + "12345", "sql": "MPH000001" + SQL, "empty": "",
}
PG_ALSO = {"nul", "fullwidth-digits", "sql"}


def _find(key, text):
    return lambda w: w.services.enquiries.find(w.base.agent, key, text)


BY_REFERENCE = [
    *[Bad(f"get-by-reference-{name}", (lambda w, v=value: w.services.enquiries.get_by_reference(w.base.agent, v)),
          "hotline reference", pg=name in PG_ALSO) for name, value in MALFORMED_HOTLINE.items()],
    Bad("get-by-reference-none", lambda w: w.services.enquiries.get_by_reference(w.base.agent, None),
        "hotline reference"),
    Bad("get-by-reference-int", lambda w: w.services.enquiries.get_by_reference(w.base.agent, 123456),
        "hotline reference"),
    *[Bad(f"find-hotline-reference-{name}", _find(SearchKey.REFERENCE, value),
          "search text" if name == "nul" else "hotline reference", pg=name in PG_ALSO)
      for name, value in MALFORMED_HOTLINE.items() if name != "empty"],
    *[Bad(f"find-cts-reference-{name}", _find(SearchKey.CTS_REFERENCE, value), "cts reference")
      for name, value in {"four-digits": "M1234/26", "fullwidth-digits": "M１２３４５/26",
                          "wrong-letter": "X12345/26", "hotline-reference": "MPH123456"}.items()],
]

SEARCH_TEXTS = [
    *[c for key in (SearchKey.SUBJECT_NAME, SearchKey.NATIONALITY, SearchKey.HO_REFERENCE)
      for c in text_cases(f"find-{key.name.lower().replace('_', '-')}", "search text",
                          (lambda w, v, key=key: _find(key, v)(w)), good="Rezaei")],
    Bad("find-key-unknown", _find("colour", "red"), "search by"),
    Bad("find-key-none", _find(None, "Rezaei"), "search by"),
    *text_cases("member-type-ahead", "search text", lambda w, v: w.services.members.search(v), good="Smith",
                one_line=False),
    *text_cases("letter-search", "search text", lambda w, v: w.services.letters.search(w.lw.mpcs, v),
                good="Rezaei"),
    Bad("letter-by-reference-nul", lambda w: w.services.letters.get_by_reference(w.lw.mpcs, "M" + NUL + "0001/26"),
        "reference", pg=True),
    Bad("letter-by-reference-int", lambda w: w.services.letters.get_by_reference(w.lw.mpcs, 12345), "reference"),
    Bad("letter-by-reference-1MB", lambda w: w.services.letters.get_by_reference(w.lw.mpcs, MEGABYTE),
        "reference"),
    Bad("letter-by-reference-unknown", lambda w: w.services.letters.get_by_reference(w.lw.mpcs, "M99999/26"),
        "M99999/26", error=NotFound),
    Bad("letter-workstack-unknown-role", lambda w: w.services.letters.workstack(w.lw.wm, "king"), "role"),
]

CASES = BY_REFERENCE + SEARCH_TEXTS

test_refused_on_sqlite, test_refused_on_postgresql = refusal_tests(CASES)
