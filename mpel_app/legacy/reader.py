"""The one interface the import reads an Access database through, and the choice of reader.

``open_reader(path)`` checks the file itself first (there, not empty, an
Access header, whole pages: an Access file is made of 2 KB or 4 KB pages, so
one cut short is truncated), then picks the Microsoft Access ODBC driver
through pyodbc when it is installed (Windows, where administrators run the
import), else mdbtools, else says what to install.  A reader yields each
table's rows as dicts keyed by column name, with Python values: text or
None, ``datetime`` (naive, UK local as typed) or None, ``bool``, ``int`` or None.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .errors import LegacyFileError, ReaderMissing

# Page 0 of every Jet (.mdb) and ACE (.accdb) file: 4 bytes, then the engine's name.
_MAGIC = {b"Standard Jet DB\x00": "Jet", b"Standard ACE DB\x00": "ACE"}
_JET3_VERSION = 0  # byte 0x14: 0 is Jet 3 (Access 97, 2 KB pages); later versions use 4 KB pages
# Jet 4 and ACE keep the header page from 0x18 on masked by a fixed RC4 stream (mdbtools and Jackcess
# unmask it alike).  The 4 bytes at 0x3E are the database's encoding key: when they are the mask itself
# the key is 0 and the pages are plain.  An ACE file (Access 2007 on) with a key is encrypted with a
# database password ("Encrypt with Password"): its pages are ciphertext that only the password opens,
# which mdbtools cannot do.  (A Jet 4 key is the old "Encode database", which mdbtools reads.)
_KEY_AT, _NO_KEY = 0x3E, bytes.fromhex("fb8abc4e")

INSTALL_HINT = ("install mdbtools (Debian/Ubuntu: sudo apt-get install mdbtools) or, on Windows, the "
                "Microsoft Access Database Engine 2016 Redistributable with pyodbc")


class LegacyReader(Protocol):
    name: str

    def tables(self) -> list[str]: ...

    def rows(self, table: str) -> Iterator[dict]: ...

    def count(self, table: str) -> int | None:
        """The table's rows as the file records them, without reading them (for progress), or None when the
        reader cannot tell; ``rows`` is what counts."""


def check_file(path: Path) -> str:
    """'Jet' or 'ACE' when ``path`` looks like a whole Access file; LegacyFileError saying why not."""
    shown = str(path)
    if not path.exists():
        raise LegacyFileError(f"{shown}: no such file")
    if not path.is_file():
        raise LegacyFileError(f"{shown} is not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(0x80)
    except OSError as exc:
        raise LegacyFileError(f"{shown} cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise LegacyFileError(f"{shown} is empty (0 bytes): not an Access database")
    engine = _MAGIC.get(head[4:20])
    if engine is None:
        raise LegacyFileError(f"{shown} is not a Microsoft Access database (.mdb or .accdb): its first bytes "
                              "are not an Access file's")
    page = 2048 if engine == "Jet" and len(head) > 0x14 and head[0x14] == _JET3_VERSION else 4096
    if size % page or size < 2 * page:
        raise LegacyFileError(f"{shown} is truncated: {size} bytes is not a whole number of {page}-byte "
                              "Access pages; copy the file again from where the database is kept")
    if engine == "ACE" and head[_KEY_AT:_KEY_AT + 4] != _NO_KEY:
        raise LegacyFileError(f"{shown} is password-protected (encrypted with a database password), which "
                              f"this import cannot open: {DECRYPT_HINT}")
    return engine


DECRYPT_HINT = ("open it in Microsoft Access with the password, remove the password (File > Info > "
                "Decrypt Database), save a copy and import that copy")


def unreadable(path: Path, detail: str = "") -> LegacyFileError:
    """The header is an Access file's but the tables cannot be read: encrypted or damaged."""
    more = f" ({detail})" if detail else ""
    return LegacyFileError(
        f"{path} cannot be read{more}: it is password-protected (encrypted) or damaged. Remove the database "
        "password in Access (File > Info > Decrypt Database), or run Compact & Repair, and try again")


def open_reader(path: str | os.PathLike) -> LegacyReader:
    """A reader over the Access file at ``path``, after checking the file; LegacyFileError if it cannot be."""
    from . import mdbtools, odbc  # registered here, statically: the readers this desk knows

    path = Path(path)
    check_file(path)
    if odbc.available():
        return odbc.OdbcReader(path)
    if mdbtools.available():
        return mdbtools.MdbToolsReader(path)
    raise ReaderMissing(f"no program to read Access files is installed: {INSTALL_HINT}")
