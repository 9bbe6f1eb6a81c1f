"""Guards against a Qt binding that would crash a long day at the desk.

PySide6 6.12.0 dropped a reference to None on every Qt call returning void; a
call agent's session reached zero within hours and the process aborted.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive():
    obj = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        obj.setObjectName("desk")
    assert sys.getrefcount(None) >= before - 10
