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
import tempfile
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
    """mdbtools writes nothing on stderr for a sound file; anything it says there ("offset … is beyond
    EOF", "Unable to read page") means pages it could not read, whose rows it silently left out.  So any
    such output refuses the file: a partial import would be worse than none."""

    name = "mdbtools"

    def __init__(self, path: Path):
        self.path = path

    def _run(self, args: list[str], stderr) -> subprocess.Popen:
        try:
            return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr)
        except FileNotFoundError:
            raise LegacyFileError(f"{args[0]} is not installed: sudo apt-get install mdbtools") from None

    def tables(self) -> list[str]:
        with tempfile.TemporaryFile() as err:
            proc = self._run(["mdb-tables", "-1", str(self.path)], err)
            out, _ = proc.communicate()
            problem = _problem(err)
        names = [t for t in out.decode("utf-8", "replace").splitlines() if t.strip()]
        if proc.returncode != 0 or not names or problem:
            raise unreadable(self.path, problem)
        return names

    def count(self, table: str) -> int | None:
        """``mdb-count``: the row count the table's definition holds.  None when it is not installed (it is
        in mdbtools 0.9 on) or says anything else: the import then surveys the table before it writes."""
        if shutil.which("mdb-count") is None:
            return None
        with tempfile.TemporaryFile() as err:
            proc = self._run(["mdb-count", str(self.path), table], err)
            out, _ = proc.communicate()
            problem = _problem(err)
        text = out.decode("ascii", "replace").strip()
        return int(text) if proc.returncode == 0 and not problem and text.isdigit() else None

    def rows(self, table: str) -> Iterator[dict]:
        with tempfile.TemporaryFile() as err:
            proc = self._run(["mdb-export", "-T", DATE_FORMAT, str(self.path), table], err)
            try:
                text = io.TextIOWrapper(proc.stdout, encoding="utf-8", errors="replace", newline="")
                reader = csv.reader(text)
                header = next(reader, None)
                if header is None:
                    proc.wait()
                    raise unreadable(self.path, _problem(err))
                for record in reader:
                    yield {c: _convert(c, v) for c, v in zip(header, record)}
            except ValueError as exc:
                raise unreadable(self.path, f"{table}: {exc}") from None
            finally:
                proc.stdout.close()
                code = proc.wait()
            problem = _problem(err)
        if code != 0 or problem:
            raise unreadable(self.path, problem or f"mdb-export ended with status {code}")


def _problem(err) -> str:
    """The last thing mdbtools said on stderr (a temporary file), or ''."""
    err.seek(0)
    return _first_line(err.read())


def _first_line(err: bytes) -> str:
    lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip()[:200] if lines else ""
