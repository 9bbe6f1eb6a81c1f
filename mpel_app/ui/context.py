"""What every view needs: the services, the signed-in user and the task runner."""
from __future__ import annotations

from dataclasses import dataclass

from ..app import Services
from ..domain.records import UserRecord
from .task_runner import TaskRunner


@dataclass
class DeskContext:
    services: Services
    user: UserRecord
    runner: TaskRunner
