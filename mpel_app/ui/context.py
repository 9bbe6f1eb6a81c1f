"""What every view needs: the services, the signed-in user and the task runner (and where call drafts go)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QSettings

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
    # Whether this desk delivers mail (an SMTP server is set up); None: it does not. The call screen says
    # "queued, not sent" rather than "sent" for an urgent call note that cannot go.
    mail_configured: Callable[[], bool] | None = None
    # Where each person's choices for the views are kept between sessions (a list's filter and order,
    # ui.steer); None: not kept (most tests).
    view_settings: QSettings | None = None
