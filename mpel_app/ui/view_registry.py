"""The desk's views, registered statically: one line per view, in tab order.

The main window builds its tabs from ``VIEWS``.  Each view class is imported
here explicitly, never by a name in a string, so a frozen build (PyInstaller)
sees every view, and a view that is missing or broken fails at build or import
time instead of showing "screen not available" on a desk (architecture.md,
"Registries are static").

To add a view: import its class and add one ``ViewEntry`` to ``VIEWS`` where it
should sit among the tabs, e.g.::

    ViewEntry("performance_view", "Performance", PerformanceView, allowed_to(Action.VIEW_PERFORMANCE)),

``key`` is the attribute the window sets to the view (``window.performance_view``,
None when this person's roles do not include it); ``wanted`` says, from the
desk's context, whether this person gets the view; ``follows`` names the change
entities (``db.changes``) whose changes elsewhere refresh it; ``shortcut`` adds a
View-menu command that jumps straight to it; ``options`` names MainWindow
keyword options (``save_chooser``, ``opener``, ``print_dir``) the view takes.
A dialog that is not a tab (a legacy import dialog) opens from its view or a
menu action, not from here.

A view may publish how much work it holds and which items announce themselves
when new, with two signals the window connects to its tab (``ui.work_alerts``):
``count_changed(int)`` ("Region queue (12)") and ``alerts_changed(tuple[WorkAlert, ...])``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ..db.changes import CALLS, ENQUIRIES, LETTERS, ROTA, URGENT
from ..domain import permissions as perm
from ..domain.permissions import Action
from .admin_view import AdminView
from .audit_view import AUDIT_SHORTCUT, AuditView
from .call_view import CallView
from .context import DeskContext
from .data_rights_view import DataRightsView
from .duty_view import DutyView
from .find_view import FindView
from .inbox_view import InboxView
from .letters_view import LettersView, has_cts_role
from .performance_view import PerformanceView
from .queues import FurtherActionView, RegionQueueView
from .telephony.calls_view import CallsView
from .telephony.missed_calls import MissedCallsView

Wanted = Callable[[DeskContext], bool]

def allowed_to(action: Action) -> Wanted:
    """The view is for whoever may do ``action`` (domain.permissions decides, as the services do)."""
    return lambda ctx: perm.allowed(ctx.user, action)


def works_enquiry_queues(ctx: DeskContext) -> bool:
    """Whoever works a region's queue or the Further Action queue (the central inbox's e-mails go to both)."""
    return perm.allowed(ctx.user, Action.WORK_REGION_QUEUE) or perm.allowed(ctx.user, Action.FILTER_FURTHER_ACTION)


def everyone(_ctx: DeskContext) -> bool:
    return True


@dataclass(frozen=True)
class ViewEntry:
    """One tab of the main window."""

    key: str
    title: str
    view_class: type[QWidget]
    wanted: Wanted = everyone
    follows: frozenset[str] = frozenset()
    shortcut: str | None = None
    shortcut_text: str = ""
    shortcut_tip: str = ""
    options: tuple[str, ...] = ()

    def build(self, ctx: DeskContext, available: dict[str, object]) -> QWidget:
        return self.view_class(ctx, **{name: available.get(name) for name in self.options})


# Tab order is fixed, so Ctrl+1… always means the same view for the same person.
VIEWS: tuple[ViewEntry, ...] = (
    ViewEntry("call_view", "New call", CallView, allowed_to(Action.LOG_ENQUIRY)),
    ViewEntry("further_action_view", "Further Action", FurtherActionView,
              allowed_to(Action.FILTER_FURTHER_ACTION), frozenset({ENQUIRIES})),
    ViewEntry("region_queue_view", "Region queue", RegionQueueView, allowed_to(Action.WORK_REGION_QUEUE),
              frozenset({ENQUIRIES})),
    ViewEntry("duty_view", "Duty", DutyView, allowed_to(Action.DUTY_BOARD), frozenset({URGENT, ROTA})),
    ViewEntry("letters_view", "Letters", LettersView, has_cts_role, frozenset({LETTERS})),  # each CTS role's workstack
    # E-mails and faxes taken in from the central inbox (issue 18).
    ViewEntry("inbox_view", "Central inbox", InboxView, works_enquiry_queues, frozenset({ENQUIRIES}),
              options=("save_chooser",)),
    ViewEntry("find_view", "Find", FindView, everyone, frozenset({ENQUIRIES})),
    ViewEntry("admin_view", "Administration", AdminView, AdminView.wanted_by),
    ViewEntry("audit_view", "Audit", AuditView, allowed_to(Action.QUERY_AUDIT), shortcut=AUDIT_SHORTCUT,
              shortcut_text="&Audit trail", shortcut_tip="Who changed or looked at which record",
              options=("save_chooser",)),
    # Telephony (issue 9): the line's missed calls for those who log calls; the 30-second report for leaders.
    ViewEntry("missed_calls_view", "Missed calls", MissedCallsView, allowed_to(Action.LOG_ENQUIRY),
              frozenset({CALLS})),
    ViewEntry("calls_stats_view", "Calls", CallsView, allowed_to(Action.VIEW_CALL_STATISTICS), frozenset({CALLS}),
              options=("save_chooser",)),
    # League tables and chasing lists (issue 11).
    ViewEntry("performance_view", "Performance", PerformanceView, allowed_to(Action.VIEW_PERFORMANCE),
              options=("save_chooser", "csv_chooser")),
    # Subject access and erasure (issue 17): the data protection officer and administrators.
    # It follows changes only to say its results are out of date (``records_changed``), never to search again.
    ViewEntry("data_rights_view", "People's data", DataRightsView, allowed_to(Action.SUBJECT_ACCESS),
              frozenset({ENQUIRIES, LETTERS}), options=("save_chooser",)),
)


def views_for(ctx: DeskContext, views: tuple[ViewEntry, ...] = VIEWS) -> list[ViewEntry]:
    """The entries this person's roles give them, in tab order."""
    return [entry for entry in views if entry.wanted(ctx)]
