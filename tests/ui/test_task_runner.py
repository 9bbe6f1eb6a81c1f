"""The task runner does blocking work off the UI thread and reports back on it."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QLabel
from shiboken6 import isValid

from mpel_app.ui.task_runner import TaskRunner


def test_result_arrives_on_ui_thread(qtbot):
    runner = TaskRunner()
    seen = {}

    def work():
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    def done(value):
        seen["value"] = value
        seen["ui"] = QThread.currentThread() is runner.thread()

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        runner.submit(work, done)
    assert seen == {"worker": False, "value": 42, "ui": True}
    assert not runner.busy


def test_error_is_handed_to_on_error(qtbot):
    runner = TaskRunner()
    errors = []

    def boom():
        raise ValueError("no database")

    runner.submit(boom, lambda v: errors.append(("done", v)), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError) and str(errors[0]) == "no database"


def test_callbacks_of_a_deleted_owner_are_dropped(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    kept, dropped = QLabel(), QLabel()
    seen = []
    runner.submit(lambda: gate.wait(5) and "late", lambda v: seen.append(("dropped", v)), owner=dropped)
    runner.submit(lambda: gate.wait(5) and "late", lambda v: seen.append(("kept", v)), owner=kept)
    dropped.deleteLater()
    qtbot.waitUntil(lambda: not isValid(dropped))
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert seen == [("kept", "late")]
