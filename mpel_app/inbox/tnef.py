"""Outlook's TNEF (``winmail.dat``): the files inside it, read with the maintained ``tnefparse`` library.

Outlook wraps a message's real attachments (and sometimes its text) in a
``winmail.dat`` that other mail programs cannot open; the desk splits them
out so the enquiry carries the letter and the scan themselves.  The
``winmail.dat`` stays the document of record.  Anything ``tnefparse`` cannot
read gives nothing (and a reason) rather than an error: the file is kept
whatever becomes of its contents.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

MAX_FILES = 200  # more than any real letter carries; a hostile file with thousands stops here


@dataclass(frozen=True)
class TnefContents:
    files: tuple[tuple[str, bytes], ...] = ()  # (name as Outlook gave it, data)
    text: str = ""  # the message text Outlook put inside, when it did
    problem: str = ""  # why nothing (or not everything) could be read
    skipped: int = field(default=0)  # files beyond MAX_FILES


def read(data: bytes) -> TnefContents:
    """The files (and plain text) inside a TNEF stream; empty, with ``problem`` set, when it is not readable TNEF."""
    try:
        import tnefparse
    except ImportError:  # a broken installation: keep the winmail.dat, say why it was not opened
        return TnefContents(problem="the TNEF reader (tnefparse) is not installed")
    # tnefparse logs every odd attribute at WARNING; a hostile file would flood the service log.
    logging.getLogger("tnefparse").setLevel(logging.ERROR)
    try:
        parsed = tnefparse.TNEF(data, do_checksum=False)
        found = []
        for attachment in parsed.attachments:
            name = attachment.long_filename() or attachment.name or ""
            if isinstance(name, bytes):
                name = name.decode("cp1252", errors="replace")
            body = attachment.data or b""
            if name or body:
                found.append((str(name).rstrip("\x00"), bytes(body)))
        text = parsed.body or ""
        if isinstance(text, bytes):
            text = text.decode("cp1252", errors="replace")
    except Exception as exc:  # noqa: BLE001 - malformed input of any kind: keep the file, report why
        return TnefContents(problem=f"winmail.dat could not be opened ({type(exc).__name__}: {exc})"[:300])
    return TnefContents(files=tuple(found[:MAX_FILES]), text=str(text).strip("\x00").strip(),
                        skipped=max(0, len(found) - MAX_FILES))
