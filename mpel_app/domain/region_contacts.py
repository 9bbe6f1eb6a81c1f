"""A region's contact details: checked when an administrator changes them, and judged where a note goes.

The regions' inboxes, team leaders' addresses and fax numbers are reference data
an administrator keeps (issue 14); they started as placeholders in
``resources/regions.json``.  A call note or an escalation sent to a region goes
to its inbox address, so a missing, malformed or placeholder address is a
problem to show wherever a note would be sent, not something to find out when
the region never hears of an urgent case.

*Decision*: a placeholder is an address whose domain is reserved for examples
and tests (RFC 2606, RFC 6761: a label ``example``, or the top-level domains
``test``, ``invalid``, ``localhost``), which the shipped seed file uses.
"""
from __future__ import annotations

import re

from .errors import ValidationError
from .text import clean_email, clean_text

_RESERVED_TLDS = {"test", "invalid", "localhost", "example"}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_INBOX_NAME = 120
MAX_REGION_NAME = 80


def inbox_problem(address: str | None) -> str | None:
    """Why a note to ``address`` would not reach anyone, in words for the screen; None when it would."""
    value = (address or "").strip()
    if not value:
        return "no inbox address: notes to this region cannot be sent"
    if not _EMAIL.fullmatch(value):
        return f"the inbox address {value!r} is not an e-mail address"
    labels = value.rsplit("@", 1)[1].lower().split(".")
    if labels[-1] in _RESERVED_TLDS or "example" in labels:
        return f"the inbox address {value} is a placeholder: notes sent there reach nobody"
    return None


def inbox_problem_in_brief(address: str | None) -> str | None:
    """The problem in two or three words, for a table cell: "none", "not an address", "placeholder"."""
    problem = inbox_problem(address)
    if problem is None:
        return None
    if problem.startswith("no inbox"):
        return "no address"
    return "placeholder address" if "placeholder" in problem else "not an e-mail address"


def note_warning(region_name: str, inbox_address: str | None, *, mail_configured: bool = True) -> str | None:
    """What to tell the person about to send a note to a region's inbox when it will not arrive by itself:
    the inbox does not work (``inbox_problem``), or this desk has no mail set up; None when it will arrive.

    The one wording for every place a note is sent from (a Further Action Case sent on, an e-mail
    enquiry's notes, the urgent call note), so each says the same thing and what to do about it.
    """
    problem = inbox_problem(inbox_address)
    if problem:
        return (f"Notes to {region_name} will not arrive: {problem}. Telephone the region instead, and tell "
                "an administrator (Administration → Regions).")
    if not mail_configured:
        return (f"Mail is not set up on this desk: a note to {region_name} waits in the outbox, unsent. "
                "Telephone the region, and send it by other means (Outbox → save as a document).")
    return None


def check_region_contacts(*, name: str, inbox_name: str, inbox_address: str, team_leader_email: str) -> dict:
    """The cleaned text fields of a region, or ValidationError naming the field.

    An inbox address must be a real-looking working address: saving a placeholder
    or nothing would silently send the region's urgent notes nowhere.
    """
    values = {
        "name": clean_text(name, field="Region name", max_length=MAX_REGION_NAME),
        "inbox_name": clean_text(inbox_name, field="Inbox name", max_length=MAX_INBOX_NAME),
        "inbox_address": clean_email(inbox_address, field="Inbox address"),
        "team_leader_email": clean_email(team_leader_email, field="Team leader's e-mail"),
    }
    if not values["name"]:
        raise ValidationError("give the region's name")
    problem = inbox_problem(values["inbox_address"])
    if problem:
        raise ValidationError(f"Inbox address: {problem}")
    if values["team_leader_email"] and inbox_problem(values["team_leader_email"]):
        raise ValidationError(f"Team leader's e-mail {values['team_leader_email']} is a placeholder: "
                              "give the team leader's real address, or leave it empty")
    return values
