"""Reading a file the person names by its path (keyboard-usable, no native dialog), off the UI thread."""
from __future__ import annotations

from pathlib import Path

from ...domain.errors import ValidationError


def read_pdf(path_text: str, what: str) -> tuple[bytes, str]:
    return read_file(path_text, what, "the PDF")


def read_file(path_text: str, what: str, which: str = "the file") -> tuple[bytes, str]:
    """(bytes, file name) of the file at the path typed; ValidationError naming ``what`` when it cannot be read."""
    path = path_text.strip().strip('"')
    if not path:
        raise ValidationError(f"{what}: give the path of {which}")
    try:
        return Path(path).read_bytes(), Path(path).name
    except OSError as exc:
        raise ValidationError(f"{what}: cannot read {path} ({exc.strerror or exc})") from None
