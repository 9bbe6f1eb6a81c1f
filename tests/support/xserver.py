"""A throwaway X server (Xvfb) for the few tests that need Qt's real X11 platform (xcb) rather than offscreen.

Qt's key bindings come from the platform: under offscreen a line edit
behaves as on Windows, under xcb as on Linux (Ctrl+U deletes to the start
of the line).  ``x_display()`` starts Xvfb on a free display number it
chooses itself (``-displayfd``) and stops it afterwards.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def x_display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: run scripts/bootstrap.sh test"
    read, write = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write), "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
