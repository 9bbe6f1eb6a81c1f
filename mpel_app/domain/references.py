"""Parsing and formatting of the references agents type and read out.

Hotline references (domain-rules §2) are a region code or ``MPH`` followed by
six digits, e.g. ``MPH123456``.  CTS references (domain-rules §6) are ``M``
(Ministerial) or ``B`` (Official), five digits, a slash and a two-digit
year, e.g. ``M12345/10``.  Both are accepted in any case with surrounding
whitespace, and always shown in canonical upper case.

Malformed text raises ``ValidationError`` (a ``ValueError``) whose message
names the kind of reference and says exactly what is wrong; anything but text
is refused the same way.  Digits are ASCII only: full-width (``１``) or
Arabic-Indic (``١``) digits are not taken for ``1``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mpel_app.domain.calendar import HOTLINE_PREFIX, REGION_CODES
from mpel_app.domain.errors import ValidationError

HOTLINE_PREFIXES = (HOTLINE_PREFIX, *REGION_CODES)
HOTLINE_DIGITS = 6
HOTLINE_MAX = 10**HOTLINE_DIGITS - 1

CTS_KINDS = {"M": "ministerial", "B": "official"}
CTS_DIGITS = 5

# str.isdigit() accepts superscripts and non-Latin digits; references are ASCII.
_DIGITS = frozenset("0123456789")


def _all_digits(text: str) -> bool:
    return bool(text) and all(c in _DIGITS for c in text)


def _first_non_digit(text: str) -> str:
    return next(c for c in text if c not in _DIGITS)


@dataclass(frozen=True)
class HotlineReference:
    prefix: str
    number: int

    def __post_init__(self) -> None:
        # Validate here, not only in make(), so no invalid reference can exist.
        if self.prefix not in HOTLINE_PREFIXES:
            raise ValueError(
                f"unknown hotline prefix {self.prefix!r}; expected one of {', '.join(HOTLINE_PREFIXES)}"
            )
        if not 1 <= self.number <= HOTLINE_MAX:
            raise ValueError(f"hotline number must be between 1 and {HOTLINE_MAX}, got {self.number}")

    @classmethod
    def make(cls, prefix: str, number: int) -> HotlineReference:
        return cls(prefix.strip().upper(), number)

    def __str__(self) -> str:
        return f"{self.prefix}{self.number:0{HOTLINE_DIGITS}d}"


def _reference_text(text: object, what: str) -> str:
    if not isinstance(text, str):
        raise ValidationError(f"{what} must be text, not {type(text).__name__}")
    return text.strip().upper()


def parse_hotline_reference(text: str) -> HotlineReference:
    """Parse e.g. ``" mph000123 "``; ValidationError (a ValueError) says exactly what is wrong."""
    ref = _reference_text(text, "hotline reference")
    if not ref:
        raise ValidationError("hotline reference is empty")
    prefix, digits = ref[:3], ref[3:]
    if prefix not in HOTLINE_PREFIXES:
        raise ValidationError(
            f"hotline reference {ref[:20]!r} does not start with a valid prefix; "
            f"expected one of {', '.join(HOTLINE_PREFIXES)}"
        )
    if digits and not _all_digits(digits):
        raise ValidationError(
            f"hotline reference {ref[:20]!r}: only digits may follow the prefix, "
            f"found {_first_non_digit(digits)!r}"
        )
    if len(digits) != HOTLINE_DIGITS:
        raise ValidationError(
            f"hotline reference {ref!r}: expected {HOTLINE_DIGITS} digits after {prefix}, got {len(digits)}"
        )
    number = int(digits)
    if number == 0:
        raise ValidationError(f"hotline reference {ref!r}: {prefix}000000 is not a valid reference")
    return HotlineReference(prefix, number)


def is_hotline_reference(text: str) -> bool:
    try:
        parse_hotline_reference(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CtsReference:
    kind: str  # "ministerial" or "official"
    sequence: int
    year: int  # two-digit year, as written on the reference

    @property
    def letter(self) -> str:
        return "M" if self.kind == "ministerial" else "B"

    def __str__(self) -> str:
        return f"{self.letter}{self.sequence:0{CTS_DIGITS}d}/{self.year:02d}"


def parse_cts_reference(text: str) -> CtsReference:
    """Parse e.g. ``"m12345/10"``; ValidationError (a ValueError) says exactly what is wrong."""
    ref = _reference_text(text, "CTS reference")
    if not ref:
        raise ValidationError("CTS reference is empty")
    shown = repr(ref[:20])
    letter, rest = ref[0], ref[1:]
    if letter not in CTS_KINDS:
        raise ValidationError(
            f"CTS reference {shown}: a CTS reference starts with M (Ministerial) or B (Official), e.g. M12345/10"
        )
    sequence, slash, year = rest.partition("/")
    if not slash:
        raise ValidationError(f"CTS reference {shown}: expected a '/' before the two-digit year, e.g. M12345/10")
    if not _all_digits(sequence) or len(sequence) != CTS_DIGITS:
        raise ValidationError(
            f"CTS reference {shown}: expected {CTS_DIGITS} digits between {letter} and '/', got {sequence[:20]!r}"
        )
    if not _all_digits(year) or len(year) != 2:
        raise ValidationError(f"CTS reference {shown}: expected a two-digit year after '/', got {year[:20]!r}")
    return CtsReference(CTS_KINDS[letter], int(sequence), int(year))


def is_cts_reference(text: str) -> bool:
    try:
        parse_cts_reference(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------
# Recognising what an agent typed into Find: which key it is, from its shape.

_SHORT_HOTLINE = re.compile(r"^(?P<prefix>[A-Z]{3})\s*(?P<digits>[0-9]{1,6})$")
_SHORT_CTS = re.compile(r"^(?P<letter>[MB])\s*(?P<sequence>[0-9]{1,5})\s*/\s*(?P<year>[0-9]{2})$")
# A Home Office reference: a letter and seven digits (S1234567), sometimes with a /number after it.
_HO = re.compile(r"^[A-Z][0-9]{7}(/[0-9]{1,4})?$")
_NAME = re.compile(r"^[^\W\d_]+(?:[\s'’.\-][^\W\d_]*)*$")


@dataclass(frozen=True)
class Recognised:
    """What Find will search for: the key (a ``SearchKey`` value) and the text in its canonical form.

    ``key`` is None when the text could be more than one kind of reference, or
    none: then ``said`` explains, and the agent chooses the key.
    """

    key: str | None
    text: str
    said: str


def recognise_search(text: str) -> Recognised:
    """The key Find should use for ``text``, from the reference patterns; a name otherwise.

    Short forms are accepted where only one reference can be meant: a hotline
    reference with its leading zeros left off (``MPH2840`` is ``MPH002840``)
    and a CTS reference likewise (``m123/26`` is ``M00123/26``).
    """
    if not isinstance(text, str):
        raise ValidationError(f"search text must be text, not {type(text).__name__}")
    typed = " ".join(text.split())
    upper = typed.upper()
    hotline = _SHORT_HOTLINE.match(upper)
    if hotline and hotline["prefix"] in HOTLINE_PREFIXES and int(hotline["digits"]) > 0:
        ref = str(HotlineReference(hotline["prefix"], int(hotline["digits"])))
        short = "" if ref == upper.replace(" ", "") else f", completed from “{typed}”"
        return Recognised("hotline reference", ref, f"Hotline reference {ref}{short}")
    cts = _SHORT_CTS.match(upper)
    if cts:
        ref = str(CtsReference(CTS_KINDS[cts["letter"]], int(cts["sequence"]), int(cts["year"])))
        return Recognised("CTS reference", ref, f"CTS reference {ref}")
    compact = upper.replace(" ", "")
    if _HO.match(compact):
        return Recognised("Home Office reference", compact, f"Home Office reference {compact}")
    if typed and _NAME.match(typed):
        return Recognised("subject name", typed, f"Subject name “{typed}”")
    if not typed:
        return Recognised(None, "", "Type a reference or a name.")
    return Recognised(None, typed, f"“{typed[:40]}” is not a reference Find knows, nor a name: choose what to "
                                   "find by (Alt+R hotline, Alt+O Home Office, Alt+C CTS, Alt+S name, "
                                   "Alt+N nationality)")
