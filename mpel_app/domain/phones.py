"""UK telephone numbers: checked and stored as E.164, shown in the national format.

A number abroad is written with its country code (``+33 1 42 68 53 00`` or
``0033 …``); anything else is read as a UK number.  Premium-rate numbers are
refused: no MP's office or official is reached on one, and one typed into the
desk would cost whoever rings it.
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType

from .errors import ValidationError
from .text import check_printable

# The longest number (with spaces, brackets and an extension) anyone writes down.
MAX_PHONE_LENGTH = 40
_REFUSED_TYPES = {PhoneNumberType.PREMIUM_RATE: "a premium-rate number"}


def normalise_phone(text: str | None, *, field: str = "telephone number") -> str:
    """'020 7219 3000' -> '+442072193000'; empty stays empty; nonsense is refused."""
    if text is not None and not isinstance(text, str):
        raise ValidationError(f"{field} must be text, not {type(text).__name__}")
    value = (text or "").strip()
    if not value:
        return ""
    if len(value) > MAX_PHONE_LENGTH:
        raise ValidationError(f"{field} is too long for a telephone number ({len(value)} characters)")
    check_printable(value, field=field)
    if not (value[0].isascii() and (value[0].isdigit() or value[0] in "+(")):
        # phonenumbers would skip a leading '=' or letter; a spreadsheet formula is not a number.
        raise ValidationError(f"{field} '{value}' is not a telephone number: it starts with a digit or +")
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"{field} '{value}' is not a telephone number") from exc
    if not phonenumbers.is_valid_number(number):
        hint = ("" if value.startswith(("+", "00")) else
                ": a number abroad starts with + (or 00) and its country code")
        raise ValidationError(f"{field} '{value}' is not a valid number{hint}")
    refused = _REFUSED_TYPES.get(phonenumbers.number_type(number))
    if refused:
        raise ValidationError(f"{field} '{value}' is {refused}: give the office's ordinary number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """Display form: national for UK numbers, international for the rest."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 44
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)
