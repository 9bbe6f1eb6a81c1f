"""Caller ID as the PBX reports it, read as a person's number, a withheld one, an internal extension or junk.

What a PBX puts in ``from`` varies: ``02079460000``, ``+442079460000``,
``00441179460000``, ``+44 (0)20 7946 0000``, ``9 020 7946 0000`` (an
outside-line prefix some switches leave on), ``sip:+4420…@pbx``, ``2001``
(a colleague's extension), ``anonymous``.  ``read_caller`` turns each into a
``CallerNumber`` whose ``e164`` is what the desk matches against members'
office numbers (stored E.164 by ``domain.phones``), or ``""`` when there is
nothing to match: a withheld number, an extension, text that is no number.
Numbers abroad keep their country code.  Never raises: a bridge must not
stop on a strange caller ID.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from .phones import format_phone

NUMBER = "number"
WITHHELD = "withheld"
EXTENSION = "extension"
UNKNOWN = "unknown"

# What PBXs and carriers send when the caller hid their number (compared case-insensitively).
_WITHHELD_WORDS = frozenset({"", "anonymous", "unknown", "withheld", "private", "restricted", "unavailable",
                             "blocked", "hidden", "none", "null", "clip_no_screening", "asterisk"})
# Internal extensions: short, all digits, not a national (0…) or international number.
MAX_EXTENSION_DIGITS = 6
DEFAULT_OUTSIDE_LINE_PREFIX = "9"
_MAX_RAW = 64
_SIP_URI = re.compile(r"^(?:sips?|tel):([^@;>]*)", re.IGNORECASE)


@dataclass(frozen=True)
class CallerNumber:
    raw: str  # as the PBX sent it (trimmed, at most 64 characters)
    kind: str  # NUMBER / WITHHELD / EXTENSION / UNKNOWN
    e164: str = ""  # only for NUMBER

    @property
    def display(self) -> str:
        """For a person: '020 7946 0000', '+33 1 42 68 53 00', 'Number withheld', 'Extension 2001'."""
        if self.kind == NUMBER:
            return format_phone(self.e164)
        if self.kind == WITHHELD:
            return "Number withheld"
        if self.kind == EXTENSION:
            return f"Extension {self.raw}"
        return self.raw or "Unknown number"


def read_caller(raw: object, *, outside_line_prefix: str = DEFAULT_OUTSIDE_LINE_PREFIX) -> CallerNumber:
    """Read a caller ID (see the module docstring); ``outside_line_prefix`` "" when the PBX leaves none."""
    text = raw if isinstance(raw, str) else ""
    text = "".join(ch for ch in text if ch.isprintable()).strip()[:_MAX_RAW]
    value = text.strip('"<> ')
    uri = _SIP_URI.match(value)
    if uri:
        value = uri.group(1)
    if value.lower() in _WITHHELD_WORDS:
        return CallerNumber(text, WITHHELD)
    compact = re.sub(r"[\s\-.()/]", "", value)
    if compact.isdigit() and not compact.startswith("0") and len(compact) <= MAX_EXTENSION_DIGITS:
        return CallerNumber(text, EXTENSION)
    # "+44 (0)20 …": the national trunk 0 written after the country code is not dialled.
    value = re.sub(r"^(\+|00)\s*44\s*\(0\)", "+44", value)
    compact = re.sub(r"[\s\-.()/]", "", value)
    if outside_line_prefix and compact.startswith(outside_line_prefix + "0"):
        compact = compact[len(outside_line_prefix):]
    e164 = _e164(compact)
    return CallerNumber(text, NUMBER, e164) if e164 else CallerNumber(text, UNKNOWN)


def _e164(compact: str) -> str:
    if not compact or not (compact[0] == "+" or compact[0].isdigit()) or not compact.lstrip("+").isdigit():
        return ""
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    try:
        number = phonenumbers.parse(compact, "GB")
    except phonenumbers.NumberParseException:
        return ""
    # Possible rather than valid: a caller ID is what the network delivered, not what someone typed in,
    # and a new number range should not make a known office "unknown".
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def dial_string(e164: str, *, outside_line_prefix: str = DEFAULT_OUTSIDE_LINE_PREFIX) -> str:
    """What the agent's phone dials to ring ``e164`` back through the PBX: the outside-line prefix, then
    the number as dialled from the UK (``9`` ``02079460000``; ``9`` ``0033142685300`` abroad).

    Raises ValueError for anything that is not a number in E.164 (nothing to call back)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not e164.startswith("+") or not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"{e164!r} is not a number to call back")
    if parsed.country_code == 44:
        national = "0" + str(parsed.national_number)
    else:
        national = f"00{parsed.country_code}{parsed.national_number}"
    return outside_line_prefix + national
