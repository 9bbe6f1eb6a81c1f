"""Rules for mail arriving at the central MPEL inbox: who sent it, is it a fax, which case it answers.

Pure functions over plain values (no IMAP, no database), the one place these
decisions are made:

* ``office_address_key`` / ``match_office``: an MP's office is recognised by
  its *exact* e-mail address, compared case-insensitively.  A bare domain
  (``parliament.uk``) or a partial address matches no one: one MP's office
  must never receive another's case.
* ``is_fax`` / ``FaxGateway``: a fax-to-e-mail gateway is recognised by a
  configurable sender address or subject pattern.
* ``find_cts_reference``: the CTS reference (``B12345/26``) a reply or a
  follow-up cites in its subject, so it is checked in against that enquiry
  rather than opening a new one.
* ``email_targets``: the 10 and 20 working-day targets of an e-mail enquiry
  [MPEL] (constants from domain/targets.py).
* ``DESK_INTAKE_LEASE``: the setting through which one desk at a time takes
  the mailbox in (inbox/desk_intake.py); on PostgreSQL the only setting the
  MPEL team leader's own login may write (db/pg_roles.py).
* ``safe_filename``: an attachment's name made harmless (no directories, no
  drive letters, no control characters), so a file called ``..\\..\\x.exe``
  can be saved without escaping the folder it is saved in.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import WorkingCalendar
from .references import CtsReference, parse_cts_reference
from .targets import EMAIL_DAYS_90, EMAIL_DAYS_100

# A CTS reference anywhere in a subject: a word boundary, M or B, five digits, '/', two digits.
DESK_INTAKE_LEASE = "inbox.desk_lease"
_CTS_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([MBmb]\d{5}/\d{2})(?!\d)")
MAX_FILENAME = 120
_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                               *(f"LPT{i}" for i in range(1, 10))})


def office_address_key(address: str | None) -> str:
    """The form in which addresses are compared: trimmed and lower-cased; "" when it is no address.

    Only a full ``local@domain`` counts: a bare domain, or text without '@', gives "".
    """
    text = (address or "").strip().strip("<>").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or "." not in domain or any(c.isspace() for c in text):
        return ""
    return text


def match_office(sender: str | None, offices: Mapping[str, int]) -> int | None:
    """The member whose office address is exactly the sender's, or None.

    ``offices`` maps ``office_address_key(office_email)`` to member id (built by the
    caller from the Members' records; entries with an empty key are ignored).
    """
    key = office_address_key(sender)
    if not key:
        return None
    return offices.get(key)


@dataclass(frozen=True)
class FaxGateway:
    """How faxes arriving by e-mail are told apart: the gateway's sender addresses, or a subject pattern."""

    senders: frozenset[str] = frozenset()
    subject_pattern: str = ""

    @classmethod
    def from_text(cls, senders: str, subject_pattern: str) -> FaxGateway:
        """From settings text: addresses separated by commas, semicolons or whitespace; a regular expression."""
        keys = {office_address_key(a) for a in re.split(r"[,;\s]+", senders or "")}
        pattern = (subject_pattern or "").strip()
        if pattern:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"the fax subject pattern is not a valid regular expression: {exc}") from None
        return cls(frozenset(k for k in keys if k), pattern)


DEFAULT_FAX_GATEWAY = FaxGateway(subject_pattern=r"(?i)^\s*fax\s+(from|received)\b")


def is_fax(sender: str | None, subject: str | None, gateway: FaxGateway) -> bool:
    if office_address_key(sender) in gateway.senders:
        return True
    return bool(gateway.subject_pattern and re.search(gateway.subject_pattern, subject or ""))


def find_cts_reference(subject: str | None) -> CtsReference | None:
    """The first well-formed CTS reference in the subject, or None."""
    for match in _CTS_IN_TEXT.finditer(subject or ""):
        try:
            return parse_cts_reference(match.group(1))
        except ValueError:
            continue
    return None


def fax_number_digits(text: str | None) -> str:
    """The national significant digits of a fax number found in text (e.g. a gateway's subject), or ""."""
    match = re.search(r"(\+?\d[\d\s().-]{7,}\d)", text or "")
    if not match:
        return ""
    digits = re.sub(r"\D", "", match.group(1))
    if digits.startswith("44"):
        digits = digits[2:]
    return digits.lstrip("0")


def match_fax_office(subject: str | None, office_faxes: Mapping[str, int]) -> int | None:
    """The member whose office fax number (national digits, see ``fax_number_digits``) the subject names."""
    digits = fax_number_digits(subject)
    return office_faxes.get(digits) if digits else None


@dataclass(frozen=True)
class EmailTargets:
    """An e-mail enquiry's two targets [MPEL]: 90 % answered by ``due_90``, all by ``due_100``."""

    due_90: date
    due_100: date

    def status_text(self, today: date, done: bool = False) -> str:
        if done:
            return "answered"
        if today > self.due_100:
            return "past the 20-day limit"
        if today > self.due_90:
            return "past the 10-day target"
        return "within target"


def email_targets(received_at: datetime, calendar: WorkingCalendar) -> EmailTargets:
    return EmailTargets(calendar.due_date(received_at, EMAIL_DAYS_90), calendar.due_date(received_at, EMAIL_DAYS_100))


def safe_filename(name: str | None, *, fallback: str = "attachment") -> str:
    """A file name that is only a name: the last path component, no control or reserved characters.

    ``..\\..\\x.exe`` becomes ``x.exe``; a name that is nothing but dots or
    separators becomes ``fallback``; Windows device names get a ``_`` prefix.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    text = re.split(r"[\\/]", text)[-1]
    text = re.sub(r'[:*?"<>|]', "_", text).strip().strip(".").strip()
    if not text:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if (stem if dot else text).upper() in _WINDOWS_RESERVED:
        text = "_" + text
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext[:16] if dot else ""
        text = (stem if dot else text)[: MAX_FILENAME - len(ext) - 1] + ("." + ext if ext else "")
    return text


def offices_by_address(rows: Iterable[tuple[int, str]]) -> dict[str, int]:
    """``match_office``'s map from (member id, office e-mail) pairs; an address shared by two offices matches neither."""
    seen: dict[str, int] = {}
    shared: set[str] = set()
    for member_id, address in rows:
        key = office_address_key(address)
        if not key:
            continue
        if key in seen and seen[key] != member_id:
            shared.add(key)
        seen[key] = member_id
    return {k: v for k, v in seen.items() if k not in shared}
