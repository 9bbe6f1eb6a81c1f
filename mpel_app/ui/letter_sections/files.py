"""Reading a PDF the person names by its path (keyboard-usable, no native dialog), off the UI thread."""
from __future__ import annotations

from pathlib import Path

from ...domain.errors import ValidationError


def read_pdf(path_text: str, what: str) -> tuple[bytes, str]:
    path = path_text.strip().strip('"')
    if not path:
        raise ValidationError(f"{what}: give the path of the PDF")
    try:
        return Path(path).read_bytes(), Path(path).name
    except OSError as exc:
        raise ValidationError(f"{what}: cannot read {path} ({exc.strerror or exc})") from None
