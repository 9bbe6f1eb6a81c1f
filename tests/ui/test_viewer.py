"""Files handed to the viewer (ui/viewer.py): copies older than a day are cleared, by pattern; a viewer that fails
or answers False is reported, never raised."""
from __future__ import annotations

import os
import time
from pathlib import Path

from mpel_app.ui.viewer import COPY_LIFETIME_SECONDS, open_in_viewer, remove_old_copies


def _file(folder: Path, name: str, age_seconds: float) -> Path:
    path = folder / name
    path.write_bytes(b"personal data")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


def test_old_copies_of_every_kind_go_and_recent_ones_stay(tmp_path):
    old_pdf = _file(tmp_path, "1-reply.pdf", COPY_LIFETIME_SECONDS + 60)
    old_docx = _file(tmp_path, "2-reply.docx", COPY_LIFETIME_SECONDS + 60)
    recent_docx = _file(tmp_path, "3-reply.docx", 60)
    remove_old_copies(tmp_path)
    assert (old_pdf.exists(), old_docx.exists(), recent_docx.exists()) == (False, False, True)


def test_a_pattern_limits_what_is_cleared(tmp_path):
    old_pdf = _file(tmp_path, "MPH000001-20261123.pdf", 3 * 86400)
    old_note = _file(tmp_path, "notes.txt", 3 * 86400)
    remove_old_copies(tmp_path, "*.pdf")
    assert (old_pdf.exists(), old_note.exists()) == (False, True)


def test_open_in_viewer_reports_a_refusal_and_a_broken_viewer(tmp_path):
    path = tmp_path / "a.pdf"
    opened: list[Path] = []
    assert open_in_viewer(opened.append, path) is True and opened == [path]  # None: nothing said, taken as opened
    assert open_in_viewer(lambda p: True, path) is True
    assert open_in_viewer(lambda p: False, path) is False

    def broken(p: Path) -> bool:
        raise OSError("no viewer installed")
    assert open_in_viewer(broken, path) is False
