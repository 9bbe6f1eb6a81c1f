"""Attachments made when a message is sent, from facts its transaction stored: the call record PDF.

Rendering the call record (reportlab, some 45 ms of CPU) inside "send to a
region" made every desk wait for it and held the enquiry's row lock meanwhile
(issue 16).  Instead the sending transaction stores, in the outbox row, what the
PDF will say (``reports.call_record.CallRecordPage`` as JSON: the record and its
history as they are at that moment, already cut down to what is printed) and
the PDF is made from it whenever the message is built: by the sender that
delivers it (``OutboxSender``, ``mpel outbox serve``, a desk's own sender), for
"export as a document", and for a subject access export.  The rule of the
outbox still holds: the message, with everything it will carry, commits with
the change or not at all; and the region gets the record as it was sent, not
as it is when the mail goes.

Renderers are registered here statically by kind.  The JSON is read as data
only (text and flags, checked): a desk writes these rows, the mail sender
reads them.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

CALL_RECORD = "call_record"


class LaterAttachment(NamedTuple):
    """An attachment the outbox stores as facts (``kind``'s renderer makes its bytes when the mail is built)."""

    filename: str
    content_type: str
    kind: str
    facts: Mapping[str, Any]


def _call_record(facts: Mapping[str, Any]) -> bytes:
    from ..reports.call_record import CallRecordPage, render_page

    return render_page(CallRecordPage.from_json(facts))


RENDERERS: dict[str, Callable[[Mapping[str, Any]], bytes]] = {CALL_RECORD: _call_record}


def snapshot_text(later: LaterAttachment) -> str:
    """The JSON kept in ``outbox_messages.attachment_snapshot`` for ``later``."""
    if later.kind not in RENDERERS:
        raise ValueError(f"no renderer for attachments of kind {later.kind!r}")
    return json.dumps({"kind": later.kind, "facts": later.facts}, ensure_ascii=False, separators=(",", ":"))


def attachment_data(row: Any) -> bytes | None:
    """The bytes a message carries: its stored ``attachment``, or one made now from ``attachment_snapshot``;
    None for a message without one.  ``row``: an OutboxMessage or anything with the same attributes."""
    stored = getattr(row, "attachment", None)
    if stored is not None:
        return bytes(stored)
    snapshot = getattr(row, "attachment_snapshot", None)
    if not snapshot:
        return None
    try:
        parsed = json.loads(snapshot)
        renderer = RENDERERS[parsed["kind"]]
        facts = parsed["facts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the attachment of this message cannot be made: {type(exc).__name__}: {exc}") from exc
    if not isinstance(facts, Mapping):
        raise ValueError("the attachment of this message cannot be made: its facts are not an object")
    return renderer(facts)
