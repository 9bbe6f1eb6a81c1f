"""The Access reader on Linux: mdbtools' ``mdb-tables`` and ``mdb-export`` (Debian package ``mdbtools``).

mdb-export writes CSV: dates in the format asked for (``-T``), Yes/No as
0/1, memo fields with their line breaks unescaped (so the CSV is read with
``newline=''``).  mdbtools 1.0 writes NULL and '' alike, so both come back
as None: the import's rules treat them the same (domain/legacy).
"""
from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..domain import legacy as L
from .errors import LegacyFileError
from .reader import unreadable

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
_FLAGS = set(L.FLAG_COLUMNS) | {"Active"}
_NUMBERS = set(L.NUMBER_COLUMNS)
_DATES = set(L.DATE_COLUMNS)
# csv's default limit (128 KB) is below what a memo field can hold (1 GB in Access).
csv.field_size_limit(2**31 - 1)


def available() -> bool:
    return shutil.which("mdb-export") is not None and shutil.which("mdb-tables") is not None


def _convert(column: str, value: str):
    if value == "":
        return None
    if column in _NUMBERS:
        return int(value)
    if column in _FLAGS:
        return value not in ("0", "FALSE", "false")
    if column in _DATES:
        return datetime.strptime(value, DATE_FORMAT)
    return value


class MdbToolsReader:
    name = "mdbtools"

    def __init__(self, path: Path):
        self.path = path

    def _run(self, *args: str) -> subprocess.Popen:
        try:
            return subprocess.Popen([*args, str(self.path)] if args[0] == "mdb-tables" else list(args),
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except FileNotFoundError:
            raise LegacyFileError(f"{args[0]} is not installed: sudo apt-get install mdbtools") from None

    def tables(self) -> list[str]:
        proc = self._run("mdb-tables", "-1")
        out, err = proc.communicate()
        names = [t for t in out.decode("utf-8", "replace").splitlines() if t.strip()]
        if proc.returncode != 0 or not names:
            raise unreadable(self.path, _first_line(err))
        return names

    def rows(self, table: str) -> Iterator[dict]:
        proc = self._run("mdb-export", "-T", DATE_FORMAT, str(self.path), table)
        try:
            text = io.TextIOWrapper(proc.stdout, encoding="utf-8", errors="replace", newline="")
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                raise unreadable(self.path, _first_line(proc.stderr.read()))
            for record in reader:
                yield {c: _convert(c, v) for c, v in zip(header, record)}
        except ValueError as exc:
            raise unreadable(self.path, f"{table}: {exc}") from None
        finally:
            proc.stdout.close()
            err = proc.stderr.read()
            proc.stderr.close()
            code = proc.wait()
        if code != 0:
            raise unreadable(self.path, _first_line(err))


def _first_line(err: bytes) -> str:
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""
