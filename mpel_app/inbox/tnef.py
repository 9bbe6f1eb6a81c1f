"""A small reader of Outlook's TNEF (``winmail.dat``): the names and contents of the files inside.

Only what the desk needs: the attachments' titles and data, to list them next
to the kept ``winmail.dat`` (which stays the document of record).  Anything
that is not well-formed TNEF gives an empty list rather than an error: the
file is kept whatever this reader makes of it.
"""
from __future__ import annotations

import struct

SIGNATURE = 0x223E9F78
_LVL_ATTACHMENT = 0x02
_ATT_ATTACH_TITLE = 0x8010  # attAttachTitle (id part)
_ATT_ATTACH_DATA = 0x800F  # attAttachData
_ATT_ATTACH_REND = 0x9002  # attAttachRendData: starts a new attachment
MAX_ATTRIBUTES = 10_000


def attachments(data: bytes) -> list[tuple[str, bytes]]:
    """(title, data) of each attachment in a TNEF stream; [] when it is not TNEF."""
    if len(data) < 6 or struct.unpack_from("<I", data, 0)[0] != SIGNATURE:
        return []
    found: list[list] = []
    pos = 6
    for _ in range(MAX_ATTRIBUTES):
        if pos + 9 > len(data):
            break
        level = data[pos]
        attr, length = struct.unpack_from("<II", data, pos + 1)
        start, end = pos + 9, pos + 9 + length
        if end + 2 > len(data):
            break
        value = data[start:end]
        attr_id = attr & 0xFFFF
        if level == _LVL_ATTACHMENT:
            if attr_id == _ATT_ATTACH_REND or not found:
                found.append(["", b""])
            if attr_id == _ATT_ATTACH_TITLE:
                found[-1][0] = value.split(b"\0", 1)[0].decode("cp1252", errors="replace")
            elif attr_id == _ATT_ATTACH_DATA:
                found[-1][1] = value
        pos = end + 2  # the checksum
    return [(title, body) for title, body in found if title or body]


def attachment_names(data: bytes) -> list[str]:
    return [title or "(unnamed)" for title, _ in attachments(data)]


def build(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal TNEF stream holding ``files``: what Outlook sends, reduced to what ``attachments`` reads.

    Used to make test messages (and nothing else): no Outlook is at hand to make real ones.
    """
    out = bytearray(struct.pack("<IH", SIGNATURE, 0x0001))

    def attribute(level: int, attr_id: int, attr_type: int, value: bytes) -> None:
        out.extend(struct.pack("<BII", level, (attr_type << 16) | attr_id, len(value)))
        out.extend(value)
        out.extend(struct.pack("<H", sum(value) & 0xFFFF))

    attribute(0x01, 0x9006, 0x0006, struct.pack("<I", 0x00010000))  # attTnefVersion
    for title, body in files:
        attribute(_LVL_ATTACHMENT, _ATT_ATTACH_REND, 0x0006, b"\0" * 14)
        attribute(_LVL_ATTACHMENT, _ATT_ATTACH_TITLE, 0x0001, title.encode("cp1252") + b"\0")
        attribute(_LVL_ATTACHMENT, _ATT_ATTACH_DATA, 0x0006, body)
    return bytes(out)
