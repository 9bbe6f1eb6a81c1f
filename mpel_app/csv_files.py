"""Reading a CSV file a spreadsheet saved: the rota, the list of Members (no Qt, no database)."""
from __future__ import annotations

from pathlib import Path


def read_csv_text(path: Path, max_bytes: int, what: str) -> str:
    """The file's text: UTF-8 (with or without Excel's BOM), else Windows-1252, as Excel on Windows saves it.

    ValueError when the file is larger than ``max_bytes``: it is not ``what`` (a few thousand rows at most).
    """
    data = Path(path).read_bytes()[: max_bytes + 1]
    if len(data) > max_bytes:
        raise ValueError(f"{Path(path).name} is larger than {max_bytes // 1_000_000} MB: is it {what}?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
