"""Text normalisation shared by storage and search, so both fold names the same way; and the checks of
text a person typed (``clean_text``, ``clean_name``, ``clean_email``) that every service applies."""
from __future__ import annotations

import re
import unicodedata

from .errors import ValidationError

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Tab, line feed and carriage return are the only control characters a person types.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible formatting characters (Unicode category Cf): bidi overrides and isolates that make text
# display in another order than it is stored (U+202E), zero-width spaces and joiners, the byte-order
# mark, soft hyphens.  Zero-width non-joiner and joiner stay: Persian and Indic names are spelt with them.
_SPELLING_JOINERS = frozenset("\u200c\u200d")
# Line and paragraph separators: line breaks to many programs (a one-line field must not hold one).
_LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029")
# What XML 1.0 (a .docx, an .xlsx) cannot hold at all: control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF.  Replaced on output by U+FFFD, so a document is always written.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet takes a cell starting with one of these for a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@")
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Zoë Núñez' -> 'zoe nunez'."""
    if not text:
        return ""
    if text.isascii():  # nothing to decompose or strip: the same result without the walk per character
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def name_tokens(text: str) -> list[str]:
    """The words of a folded name, used for partial (word-prefix) search, each once, in order."""
    return list(dict.fromkeys(filter(None, _NON_WORD.split(fold(text).replace("_", " ")))))


def is_noncharacter(char: str) -> bool:
    """Unicode's 66 noncharacters (U+FDD0..U+FDEF and every U+xxFFFE, U+xxFFFF): never text a person typed."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def xml_safe(text: str) -> str:
    """``text`` with what XML cannot hold replaced by U+FFFD: for writers of XML documents (.docx), which
    must not fail on a value stored before the input checks refused such characters."""
    return _XML_INVALID.sub("\ufffd", text)


def _as_text(text: object, field: str) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValidationError(f"{field} must be text, not {type(text).__name__}")
    return text


def check_printable(value: str, *, field: str) -> None:
    """Refuse control characters, invisible formatting characters and lone surrogates in ``value``.

    Refused rather than stripped silently: they only arrive by pasting from
    somewhere broken (or by someone disguising text), and the person should know.
    """
    if _CONTROL.search(value):
        raise ValidationError(f"{field} contains control characters")
    if value.isascii():
        return
    for char in value:
        category = unicodedata.category(char)
        if category == "Cf" and char not in _SPELLING_JOINERS:
            name = unicodedata.name(char, "formatting character")
            raise ValidationError(f"{field} contains an invisible character (U+{ord(char):04X} {name}): "
                                  "type the text again rather than pasting it")
        if category == "Cs":
            # Lone surrogates cannot be stored as UTF-8 by either database.
            raise ValidationError(f"{field} contains a broken character (a lone surrogate)")
        if is_noncharacter(char):
            # U+FFFF and kin: not text; XML (a Word reply) cannot hold U+FFFE or U+FFFF at all.
            raise ValidationError(f"{field} contains a character that is not text (U+{ord(char):04X}): "
                                  "type the text again rather than pasting it")


def clean_text(text: str | None, *, field: str, max_length: int, multiline: bool = False) -> str:
    """Trim and check free text typed by a person; None is empty, anything but text is refused."""
    value = _as_text(text, field)
    if len(value) > max_length * 4:
        # Said before scanning a megabyte for characters, and whatever the spaces round it.
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_length})")
    value = value.strip()
    if not multiline and any(mark in value for mark in _LINE_BREAKS):
        raise ValidationError(f"{field} must be on one line")
    check_printable(value, field=field)
    if len(value) > max_length:
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_length})")
    return value


def clean_name(text: str | None, *, field: str, max_length: int) -> str:
    """A person's (or an office's) name: one line of clean text that no spreadsheet takes for a formula."""
    value = clean_text(text, field=field, max_length=max_length)
    if value.startswith(FORMULA_STARTS):
        raise ValidationError(f"{field} may not start with {value[0]!r}: a spreadsheet would take it for a formula")
    return value


def clean_email(text: str | None, *, field: str, max_length: int = 254) -> str:
    """An e-mail address (or empty): one '@', no spaces, a domain with a dot."""
    value = clean_text(text, field=field, max_length=max_length)
    if value and not _EMAIL.fullmatch(value):
        raise ValidationError(f"{field}: {value!r} is not an e-mail address")
    return value


def normalise_reference(text: str | None, *, field: str = "Reference") -> str:
    """Home Office / CTS references compare upper-case without spaces."""
    value = _as_text(text, field)
    if len(value) > 200:
        raise ValidationError(f"{field} is too long ({len(value)} characters)")
    value = "".join(value.split()).upper()
    check_printable(value, field=field)
    return value
