"""Turn the raw bytes of an e-mail into what the desk keeps: sender, subject, text, attachments.

Parsed with the standard library's ``email`` package (``policy.default``).
What a hostile or broken message can do is bounded here:

* HTML is never rendered: an HTML-only message is reduced to text
  (``html_text.to_text``), scripts and styles dropped; the HTML itself is kept
  as an attachment, to be opened as a file, never shown live.
* Wrong or missing charsets: decoded with the declared charset, else UTF-8,
  else Windows-1252 (which decodes every byte), never raising.
* Attachments: names made safe (``safe_filename``); archives (zip, 7z, rar,
  gz…) are stored as they came and never unpacked, so a zip bomb is just a
  small file; a part larger than ``MAX_ATTACHMENT_BYTES`` is not stored in the
  database, and the reason is recorded instead (the message itself stays in
  the mailbox's Processed folder, so nothing is lost).  Outlook's ``winmail.dat`` (TNEF) and ``.msg``
  files are kept as documents (kind ``tnef``/``msg``); the files inside a
  ``winmail.dat`` are split out (``tnef.read``, the ``tnefparse`` library) and
  kept as attachments of their own, named and bounded like any other, so the
  enquiry carries the real letter and scan; its text is used when the
  message has none beside it.
* A message the parser cannot make sense of at all raises ``Unreadable``
  with the reason; the caller quarantines it, raw bytes kept.

``content_hash`` identifies a message independently of the mailbox it sits in:
the Message-ID, sender, date, subject and body, not the trace headers a
second delivery changes (Received, Delivered-To, Return-Path).
"""
from __future__ import annotations

import email
import hashlib
import mimetypes
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from datetime import datetime, timezone

from ..domain.inbox_rules import safe_filename
from . import html_text, tnef

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024  # larger parts are not kept; the reason is recorded
MAX_MESSAGE_BYTES = 60 * 1024 * 1024  # the whole message; larger is quarantined unread
MAX_PARTS = 500
MAX_RELEASED_TEXT = 200_000  # of a released message with no text of its own, shown as received
_ARCHIVE_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-7z-compressed",
                            "application/x-rar-compressed", "application/vnd.rar", "application/gzip",
                            "application/x-gzip", "application/x-tar", "application/x-bzip2"})
_ARCHIVE_EXTENSIONS = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
_FAX_IMAGE_TYPES = frozenset({"application/pdf", "image/tiff", "image/tif"})
_TRACE_HEADERS = frozenset({"received", "delivered-to", "return-path", "x-original-to", "status",
                            "x-uid", "x-keywords", "x-status"})


class Unreadable(Exception):
    """The message cannot be taken in; ``str()`` is the reason for the quarantine list."""


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # safe: a bare name
    original_name: str  # as the sender wrote it, for the record
    mime: str
    size: int
    data: bytes | None  # None when not kept (``note`` says why)
    kind: str = "attachment"  # attachment / fax_image / tnef / msg / archive / html / not_kept
    note: str = ""


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    from_address: str
    from_name: str
    to: str
    subject: str
    sent_at: datetime | None
    in_reply_to: str
    references: str
    text: str
    html_only: bool
    content_hash: str
    size: int
    attachments: tuple[ParsedAttachment, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # what was odd but survivable (bad charset, refused part)


def content_hash(raw: bytes) -> str:
    """SHA-256 of the message without its trace headers (see the module docstring)."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    digest = hashlib.sha256()
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    keep = True
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # a folded continuation belongs to the previous header
            if keep:
                digest.update(line.strip() + b" ")
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("latin-1")
        keep = name not in _TRACE_HEADERS
        if keep:
            digest.update(b"\n" + line.rstrip())
    digest.update(b"\n\n" + body.replace(b"\r\n", b"\n"))
    return digest.hexdigest()


def parse(raw: bytes, *, released: bool = False) -> ParsedMessage:
    """Parse ``raw``; ``Unreadable`` when there is no usable message in it.

    ``released``: a person has looked at a quarantined message and released it:
    the limits that put it there (size, number of parts, no sender) no longer
    refuse it; only an empty message still cannot be taken in.
    """
    if not raw or not raw.strip():
        raise Unreadable("the message is empty")
    if len(raw) > MAX_MESSAGE_BYTES and not released:
        raise Unreadable(f"the message is {len(raw) // (1024 * 1024)} MB, over the "
                         f"{MAX_MESSAGE_BYTES // (1024 * 1024)} MB the desk takes in")
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the parser is lenient; anything it still raises means no message
        raise Unreadable(f"the message cannot be parsed: {exc}") from None
    notes: list[str] = []
    from_address, from_name = _sender(msg, notes)
    if not from_address:
        if not released:
            raise Unreadable("the message has no sender address (From)")
        notes.append("no sender address (From): released from quarantine by a person, to be matched by hand")
    subject = _header(msg, "Subject", notes)
    parts = list(_walk(msg))
    if len(parts) > MAX_PARTS and not released:
        raise Unreadable(f"the message has {len(parts)} parts, more than the {MAX_PARTS} the desk takes in")
    inner_texts: list[str] = []
    text, html, attachments = _bodies(parts, notes, inner_texts)
    if not text.strip() and inner_texts:
        text = "\n\n".join(inner_texts)  # Outlook put the text inside winmail.dat, not beside it
    html_only = not text.strip() and bool(html)
    if html_only:
        text = html_text.to_text(html)
    if html:
        # Kept as a file to open deliberately, never rendered by the desk.
        data = _clean(html).encode("utf-8")
        attachments.insert(0, ParsedAttachment("message.html.txt", "message.html", "text/plain", len(data), data,
                                               kind="html", note="the HTML of the message, as text (never rendered)"))
    if msg.defects:
        notes.append("the message is malformed: " + "; ".join(sorted({type(d).__name__ for d in msg.defects})))
    if released and not text.strip():
        # Nothing the parser could call text: the message as it came (as text, never rendered) is what there is.
        text = raw[:MAX_RELEASED_TEXT].decode("utf-8", errors="replace")
        notes.append("no readable text: the message is shown as it was received")
    if not text.strip() and not attachments:
        if msg.defects:
            raise Unreadable("the message is malformed and has neither text nor attachments: "
                             + "; ".join(sorted({type(d).__name__ for d in msg.defects})))
    if "\x00" in text:
        notes.append("NUL characters removed from the text")
    return ParsedMessage(
        message_id=_clean(_header(msg, "Message-ID", notes)).strip(),
        from_address=_clean(from_address), from_name=_clean(from_name),
        to=_clean(_header(msg, "To", notes)), subject=" ".join(_clean(subject).split()),
        sent_at=_date(msg), in_reply_to=_clean(_header(msg, "In-Reply-To", notes)).strip(),
        references=" ".join(_clean(_header(msg, "References", notes)).split()),
        text=_clean(text).strip(), html_only=html_only, content_hash=content_hash(raw), size=len(raw),
        attachments=tuple(attachments), notes=tuple(_clean(n) for n in notes),
    )


def _clean(text: str) -> str:
    """Text without NUL characters, which PostgreSQL cannot store in a text column (and no mail should carry)."""
    return text.replace("\x00", "")


def _header(msg: EmailMessage, name: str, notes: list[str]) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:  # an undecodable encoded-word: fall back to the raw header text
        notes.append(f"the {name} header could not be decoded")
        raw = msg.get_all(name, failobj=[""])
        return str(raw[0]) if raw else ""


def _sender(msg: EmailMessage, notes: list[str]) -> tuple[str, str]:
    text = _header(msg, "From", notes)
    addresses = [(name, addr) for name, addr in getaddresses([text]) if "@" in addr]
    if not addresses:
        return "", ""
    name, addr = addresses[0]
    return addr.strip(), name.strip()


def _date(msg: EmailMessage) -> datetime | None:
    try:
        value = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError, IndexError):
        return None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def _walk(msg: EmailMessage):
    for part in msg.walk():
        if not part.is_multipart():
            yield part


def _decode_text(part: EmailMessage, notes: list[str]) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or ""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    notes.append(f"text in an unknown or wrong character set ({charset or 'none given'}) read as Windows-1252")
    return payload.decode("cp1252", errors="replace")


def _bodies(parts: list[EmailMessage], notes: list[str],
            inner_texts: list[str]) -> tuple[str, str, list[ParsedAttachment]]:
    texts: list[str] = []
    htmls: list[str] = []
    attachments: list[ParsedAttachment] = []
    for part in parts:
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = _filename(part, notes)
        if disposition != "attachment" and not filename and ctype == "text/plain":
            texts.append(_decode_text(part, notes))
        elif disposition != "attachment" and not filename and ctype == "text/html":
            htmls.append(_decode_text(part, notes))
        else:
            attachments.extend(_attachments(part, ctype, filename, notes, inner_texts))
    return "\n\n".join(t for t in texts if t.strip()), "\n".join(htmls), attachments


def _filename(part: EmailMessage, notes: list[str]) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        notes.append("an attachment's name could not be decoded")
        return ""


def _attachments(part: EmailMessage, ctype: str, original: str, notes: list[str],
                 inner_texts: list[str]) -> list[ParsedAttachment]:
    """The part as kept, and for a ``winmail.dat`` the files inside it after it (its text to ``inner_texts``)."""
    data = part.get_payload(decode=True)
    if data is None:
        data = str(part.get_payload()).encode("utf-8", errors="replace")
    fallback = "message.eml" if ctype == "message/rfc822" else "attachment"
    kept = _attachment(data, ctype, original, fallback, notes)
    if kept.kind != "tnef":
        return [kept]
    contents = tnef.read(data)
    inner = [_attachment(body, _guess_type(name), name, "attachment", notes, inside=kept.filename)
             for name, body in contents.files]
    summary = ", ".join(a.filename for a in inner)
    note = "Outlook winmail.dat" + (f", its files split out: {summary}" if inner else ", no files inside")
    if contents.problem:
        note += f" ({contents.problem})"
        notes.append(contents.problem)
    if contents.skipped:
        notes.append(f"winmail.dat holds {contents.skipped} more files than the desk splits out; they stay inside it")
    if contents.text:
        inner_texts.append(contents.text)
    return [ParsedAttachment(kept.filename, kept.original_name, kept.mime, kept.size, kept.data, kind="tnef",
                             note=note)] + inner


def _guess_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _attachment(data: bytes, ctype: str, original: str, fallback: str, notes: list[str], *,
                inside: str = "") -> ParsedAttachment:
    name = safe_filename(original, fallback=fallback)
    if name != original and original:
        notes.append(f"attachment name “{original}” saved as “{name}”")
    lower = name.lower()
    if len(data) > MAX_ATTACHMENT_BYTES:
        note = (f"{name} ({len(data) // (1024 * 1024)} MB) not stored in the desk (over "
                f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB): the message as received stays in the mailbox's "
                "Processed folder")
        notes.append(note)
        return ParsedAttachment(name, original, ctype, len(data), None, kind="not_kept", note=note)
    if not inside and (ctype == "application/ms-tnef" or lower == "winmail.dat"):
        return ParsedAttachment(name, original, "application/ms-tnef", len(data), data, kind="tnef")
    if ctype == "application/vnd.ms-outlook" or lower.endswith(".msg"):
        return ParsedAttachment(name, original, "application/vnd.ms-outlook", len(data), data, kind="msg",
                                note="Outlook message, kept as it came")
    if ctype in _ARCHIVE_TYPES or lower.endswith(_ARCHIVE_EXTENSIONS):
        return ParsedAttachment(name, original, ctype, len(data), data, kind="archive",
                                note="archive kept as it came; the desk never unpacks archives")
    came_from = f"from {inside}" if inside else ""
    if ctype in _FAX_IMAGE_TYPES or lower.endswith((".pdf", ".tif", ".tiff")):
        return ParsedAttachment(name, original, ctype, len(data), data, kind="image", note=came_from)
    return ParsedAttachment(name, original, ctype, len(data), data, note=came_from)
