"""The Access reader through ODBC and pyodbc: on Windows the Microsoft Access Database Engine's driver
("Microsoft Access Driver (*.mdb, *.accdb)"), which keeps NULL and '' apart.  The tests check this
reader's call records against mdbtools' through the MDBTools ODBC driver; that driver is never chosen
for an import (it runs away on some small tables, e.g. tblRegion, in mdbtools 1.0).

The driver returns typed values already (datetime, bool, int, str); only the
column names are taken from the cursor.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .errors import LegacyFileError
from .reader import unreadable

ACCESS_DRIVER = "Microsoft Access Driver (*.mdb, *.accdb)"
MDBTOOLS_DRIVER = "MDBTools"


def _drivers() -> list[str]:
    try:
        import pyodbc  # noqa: PLC0415 - optional: missing (or without unixODBC) means no ODBC reader
    except ImportError:
        return []
    try:
        return list(pyodbc.drivers())
    except Exception:  # noqa: BLE001 - a broken ODBC manager is the same as none
        return []


def available() -> bool:
    """Whether Microsoft's Access ODBC driver is installed (the MDBTools one is never chosen)."""
    return ACCESS_DRIVER in _drivers()


class OdbcReader:
    def __init__(self, path: Path, driver: str | None = None):
        self.path = path
        drivers = _drivers()
        self.driver = driver or (ACCESS_DRIVER if ACCESS_DRIVER in drivers else MDBTOOLS_DRIVER)
        self.name = f"ODBC ({self.driver})"

    def _connect(self):
        import pyodbc  # noqa: PLC0415

        try:
            return pyodbc.connect(f"DRIVER={{{self.driver}}};DBQ={self.path};", autocommit=True)
        except pyodbc.Error as exc:
            text = " ".join(str(exc).split())
            if "password" in text.lower():
                raise LegacyFileError(f"{self.path} is password-protected: remove the database password in "
                                      "Access (File > Info > Decrypt Database) and try again") from None
            raise unreadable(self.path, text[:200]) from None

    def tables(self) -> list[str]:
        conn = self._connect()
        try:
            return [t.table_name for t in conn.cursor().tables(tableType="TABLE")]
        finally:
            conn.close()

    def count(self, table: str) -> int | None:
        import pyodbc  # noqa: PLC0415

        conn = self._connect()
        try:
            return int(conn.cursor().execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0])
        except (pyodbc.Error, TypeError, ValueError):
            return None  # the import then surveys the table before it writes
        finally:
            conn.close()

    def rows(self, table: str) -> Iterator[dict]:
        import pyodbc  # noqa: PLC0415

        conn = self._connect()
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(f"SELECT * FROM [{table}]")
            except pyodbc.Error as exc:
                raise LegacyFileError(f"{self.path}: cannot read {table}: {' '.join(str(exc).split())[:200]}") from None
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(1000):
                for values in batch:
                    yield dict(zip(names, values))
        finally:
            conn.close()
