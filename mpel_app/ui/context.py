"""What every view needs: the services, the signed-in user and the task runner (and where call drafts go)."""
from __future__ import annotations

from dataclasses import dataclass

from ..app import Services
from ..domain.records import UserRecord
from .drafts import DraftStore
from .task_runner import TaskRunner


@dataclass
class DeskContext:
    services: Services
    user: UserRecord
    runner: TaskRunner
    drafts: DraftStore | None = None  # autosave of the call being typed; None: no autosave (most tests)
