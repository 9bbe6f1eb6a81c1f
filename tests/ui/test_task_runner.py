"""The task runner does blocking work off the UI thread and reports back on it."""
from __future__ import annotations

import threading

from PySide6.QtCore import QThread

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
