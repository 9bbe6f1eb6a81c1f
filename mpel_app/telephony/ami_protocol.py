"""Asterisk Manager Interface framing: the bytes on the wire, turned into frames and back.

On connecting, Asterisk sends one banner line (``Asterisk Call Manager/5.0.1``).
After that everything is a *frame*: ``Key: Value`` lines ended by CRLF, the
frame ended by an empty line.  A frame with ``Response`` answers an action
(matched by ``ActionID``); one with ``Event`` reports something that happened.

``AmiParser`` is incremental: it is fed whatever the socket returned (a frame
may arrive split at any byte, several frames may arrive at once) and gives
back the frames completed so far.  It never raises on what the server sends:
invalid UTF-8 is decoded with replacement characters, a line with no ``:`` is
skipped, and a line longer than ``max_line`` bytes (a broken or hostile peer)
makes the parser drop that whole frame without buffering the line, and carry
on with the next one.  Each kind of trouble is logged once per connection
(a parser is made per connection), then only counted, so a flood of bad input
cannot flood the log.

``format_action`` writes an action; values may not contain CR or LF, which
would let a caller-controlled string (a caller ID) inject headers.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

EOL = b"\r\n"
BANNER_PREFIX = "Asterisk Call Manager/"
# Longest line accepted. Real AMI lines are well under 1 KiB (a long ChanVariable
# or a dial string perhaps a few KiB); 64 KiB leaves room and bounds memory.
MAX_LINE = 64 * 1024
# Lines in one frame: CoreShowChannel-style events have ~30; a frame with more is junk.
MAX_FIELDS = 512


@dataclass(frozen=True)
class Frame:
    """One AMI message: its ``Key: Value`` pairs in order, looked up case-insensitively.

    Asterisk's own spelling varies (``ActionID`` / ``ActionId``); a repeated key
    (``ChanVariable``) keeps all its values in ``pairs`` and the first in ``get``.
    """

    pairs: tuple[tuple[str, str], ...]
    _index: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        for key, value in self.pairs:
            index.setdefault(key.lower(), value)
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, **fields: str) -> Frame:
        return cls(tuple((k, str(v)) for k, v in fields.items()))

    def get(self, key: str, default: str = "") -> str:
        return self._index.get(key.lower(), default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._index

    @property
    def event(self) -> str:
        return self.get("Event")

    @property
    def response(self) -> str:
        return self.get("Response")

    @property
    def action_id(self) -> str:
        return self.get("ActionID")


class AmiParser:
    """Incremental AMI reader: ``feed(data)`` returns the frames completed by ``data``."""

    def __init__(self, *, max_line: int = MAX_LINE, max_fields: int = MAX_FIELDS,
                 expect_banner: bool = True) -> None:
        self.max_line = max_line
        self.max_fields = max_fields
        self.banner: str | None = None
        self._expect_banner = expect_banner
        self._buffer = bytearray()
        self._pairs: list[tuple[str, str]] = []
        self._skipping_line = False   # inside an over-long line: drop bytes up to its end
        self._skipping_frame = False  # the frame had an over-long line: drop it up to the blank line
        self._warned: set[str] = set()
        self.skipped_frames = 0
        self.malformed_lines = 0

    def feed(self, data: bytes) -> list[Frame]:
        frames: list[Frame] = []
        self._buffer += data
        while True:
            if self._skipping_line:
                end = self._buffer.find(b"\n")
                if end < 0:
                    self._buffer.clear()  # never keep an over-long line in memory
                    return frames
                del self._buffer[:end + 1]
                self._skipping_line = False
                continue
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > self.max_line:
                    self._refuse_long_line()
                    continue
                return frames
            if end > self.max_line:
                del self._buffer[:end + 1]
                self._refuse_long_line(line_done=True)
                continue
            raw = bytes(self._buffer[:end])
            del self._buffer[:end + 1]
            frame = self._line(raw.rstrip(b"\r").decode("utf-8", errors="replace"))
            if frame is not None:
                frames.append(frame)

    def _line(self, line: str) -> Frame | None:
        if self._expect_banner and self.banner is None:
            self._expect_banner = False
            if ":" not in line or line.startswith(BANNER_PREFIX):
                self.banner = line
                return None
        if not line:
            return self._end_frame()
        if self._skipping_frame:
            return None
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or not key:
            self.malformed_lines += 1
            self._warn_once("malformed", "AMI line without 'Key: Value' skipped (further ones only counted)")
            return None
        if len(self._pairs) >= self.max_fields:
            self._skipping_frame = True
            self._pairs.clear()
            self._warn_once("fields", f"AMI frame with more than {self.max_fields} lines skipped "
                                      "(further ones only counted)")
            return None
        self._pairs.append((key, value[1:] if value.startswith(" ") else value))
        return None

    def _end_frame(self) -> Frame | None:
        if self._skipping_frame:
            self._skipping_frame = False
            self.skipped_frames += 1
            return None
        if not self._pairs:
            return None  # stray blank lines between frames
        frame = Frame(tuple(self._pairs))
        self._pairs = []
        return frame

    def _refuse_long_line(self, *, line_done: bool = False) -> None:
        if not line_done:
            self._buffer.clear()  # the line goes on beyond what we hold: drop it as it comes
            self._skipping_line = True
        self._pairs.clear()
        self._skipping_frame = True
        self._warn_once("long", f"AMI line longer than {self.max_line} bytes: its frame is skipped "
                                "(further ones only counted)")

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            log.warning(message)


def format_action(action: str, action_id: str, fields: Mapping[str, object] | Iterable[tuple[str, object]] = ()
                  ) -> bytes:
    """The bytes of one AMI action: ``Action``, ``ActionID``, then ``fields`` in order.

    Values are sent as text; ``None`` values are left out; a value with CR or LF is refused.
    """
    items = fields.items() if isinstance(fields, Mapping) else fields
    lines = [f"Action: {action}", f"ActionID: {action_id}"]
    for key, value in items:
        if value is None:
            continue
        text = str(value)
        if any(c in text or c in key for c in "\r\n") or ":" in key:
            raise ValueError(f"AMI field {key!r} may not contain a line break (or ':' in its name)")
        lines.append(f"{key}: {text}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def format_frame(pairs: Iterable[tuple[str, object]]) -> bytes:
    """A frame as the server writes it (used by tests' fake Asterisk and for logging)."""
    return ("".join(f"{k}: {v}\r\n" for k, v in pairs) + "\r\n").encode("utf-8")

