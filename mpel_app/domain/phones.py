"""UK telephone numbers: checked and stored as E.164, shown in the national format."""
from __future__ import annotations

import phonenumbers

from .errors import ValidationError


def normalise_phone(text: str, *, field: str = "telephone number") -> str:
    """'020 7219 3000' -> '+442072193000'; empty stays empty; nonsense is refused."""
    value = (text or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(f"{field} '{value}' is not a telephone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"{field} '{value}' is not a valid number")
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
