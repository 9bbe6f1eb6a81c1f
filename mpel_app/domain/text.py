"""Text normalisation shared by storage and search, so both fold names the same way."""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Zoë Núñez' -> 'zoe nunez'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def name_tokens(text: str) -> list[str]:
    """The words of a folded name, used for partial (word-prefix) search."""
    seen: list[str] = []
    for token in _NON_WORD.split(fold(text).replace("_", " ")):
        if token and token not in seen:
            seen.append(token)
    return seen


def clean_text(text: str | None, *, field: str, max_length: int, multiline: bool = False) -> str:
    """Trim and check free text typed by a person.

    Control characters are refused rather than stripped silently: they only
    arrive by pasting from somewhere broken, and the person should know.
    """
    from .errors import ValidationError

    value = (text or "").strip()
    if not multiline and ("\n" in value or "\r" in value):
        raise ValidationError(f"{field} must be on one line")
    if _CONTROL.search(value):
        raise ValidationError(f"{field} contains control characters")
    if len(value) > max_length:
        raise ValidationError(f"{field} is too long ({len(value)} characters; at most {max_length})")
    return value


def normalise_reference(text: str | None) -> str:
    """Home Office / CTS references compare upper-case without spaces."""
    return "".join((text or "").split()).upper()
