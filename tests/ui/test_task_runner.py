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


class _View(QLabel):
    """A widget whose callbacks are written as views write them: methods and closures over self."""

    def __init__(self, seen: list):
        super().__init__()
        self.seen = seen

    def show_result(self, value):
        self.setText(str(value))  # raises "already deleted" if it ever runs after deletion
        self.seen.append(("method", value))

    def load(self, runner, gate, latest=None):
        def done(value):
            self.setText(str(value))
            self.seen.append(("closure", value))

        runner.submit(lambda: gate.wait(5) and "late", self.show_result)
        runner.submit(lambda: gate.wait(5) and "late", done, lambda exc: self.setText(str(exc)))
        if latest is not None:
            latest.submit(lambda: gate.wait(5) and "late", done, lambda exc: self.setText(str(exc)))


def test_results_for_a_view_deleted_while_loading_are_dropped_without_naming_an_owner(qtbot):
    """A view closed mid-load: its methods' and closures' results are dropped, never delivered."""
    from mpel_app.ui.task_runner import LatestOnly

    runner = TaskRunner()
    gate = threading.Event()
    seen: list = []
    gone, kept = _View(seen), _View(seen)
    gone.load(runner, gate, LatestOnly(runner))
    kept.load(runner, gate)
    gone.deleteLater()
    qtbot.waitUntil(lambda: not isValid(gone))
    gate.set()
    qtbot.waitUntil(lambda: not runner.busy)
    assert sorted(seen) == [("closure", "late"), ("method", "late")]
    assert kept.text() == "late"


def test_callback_owner_finds_the_widget_behind_a_callback():
    from mpel_app.ui.task_runner import callback_owner

    seen: list = []
    view = _View(seen)
    assert callback_owner(view.show_result) is view
    assert callback_owner(None, lambda exc: view.setText("x")) is None  # closes over `view`, not `self`
    assert callback_owner(lambda v: seen.append(v)) is None
