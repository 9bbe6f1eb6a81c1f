"""The desk's views, registered statically: one line per view, in tab order.

The main window builds its tabs from ``VIEWS``.  Each view class is imported
here explicitly, never by a name in a string, so a frozen build (PyInstaller)
sees every view, and a view that is missing or broken fails at build or import
time instead of showing "screen not available" on a desk (architecture.md,
"Registries are static").

A view's module is imported, and the view built, when its tab is first shown
(issue 16: the desk starts without the modules of views nobody has opened yet).
So an entry names a small loader function holding a plain ``import`` of the
class, which a frozen build sees like any other, rather than the class itself.

To add a view: a loader, and one ``ViewEntry`` in ``VIEWS`` where it should sit
among the tabs, e.g.::

    def _performance() -> type[QWidget]:
        from .performance_view import PerformanceView
        return PerformanceView

    ViewEntry("performance_view", "Performance", _performance, allowed_to(Action.VIEW_PERFORMANCE)),

(an entry given the class itself works too, imported with the registry).
``key`` is the attribute the window sets to the view (``window.performance_view``,
None when this person's roles do not include it; reading it builds the view);
``wanted`` says, from the desk's context, whether this person gets the view;
``follows`` names the change entities (``db.changes``) whose changes elsewhere
refresh it; ``shortcut`` adds a View-menu command that jumps straight to it;
``options`` names MainWindow keyword options (``save_chooser``, ``opener``,
``print_dir``) the view takes; ``announces`` marks a view that publishes
``alerts_changed``: it is built with the window, shown or not, so its tab counts
and announces new work from the start.
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
from . import view_access
from .context import DeskContext
from .view_access import AUDIT_SHORTCUT

Wanted = Callable[[DeskContext], bool]
ViewClass = type[QWidget]


def allowed_to(action: Action) -> Wanted:
    """The view is for whoever may do ``action`` (domain.permissions decides, as the services do)."""
    return lambda ctx: perm.allowed(ctx.user, action)


def works_enquiry_queues(ctx: DeskContext) -> bool:
    """Whoever works a region's queue or the Further Action queue (the central inbox's e-mails go to both)."""
    return view_access.works_enquiry_queues(ctx.user)


def has_cts_role(ctx: DeskContext) -> bool:
    return view_access.has_cts_role(ctx.user)


def administers(ctx: DeskContext) -> bool:
    return view_access.administers(ctx.user)


def everyone(_ctx: DeskContext) -> bool:
    return True


@dataclass(frozen=True)
class ViewEntry:
    """One tab of the main window."""

    key: str
    title: str
    load: Callable[[], ViewClass] | ViewClass  # a loader importing the class (or the class itself)
    wanted: Wanted = everyone
    follows: frozenset[str] = frozenset()
    shortcut: str | None = None
    shortcut_text: str = ""
    shortcut_tip: str = ""
    options: tuple[str, ...] = ()
    announces: bool = False

    @property
    def view_class(self) -> ViewClass:
        """The view's class, its module imported now if it was not yet."""
        return self.load if isinstance(self.load, type) else self.load()

    def build(self, ctx: DeskContext, available: dict[str, object]) -> QWidget:
        return self.view_class(ctx, **{name: available.get(name) for name in self.options})


# ------------------------------------------------- loaders: one plain import each

def _call() -> ViewClass:
    from .call_view import CallView
    return CallView


def _further_action() -> ViewClass:
    from .queues import FurtherActionView
    return FurtherActionView


def _region_queue() -> ViewClass:
    from .queues import RegionQueueView
    return RegionQueueView


def _duty() -> ViewClass:
    from .duty_view import DutyView
    return DutyView


def _letters() -> ViewClass:
    from .letters_view import LettersView
    return LettersView


def _inbox() -> ViewClass:
    from .inbox_view import InboxView
    return InboxView


def _find() -> ViewClass:
    from .find_view import FindView
    return FindView


def _admin() -> ViewClass:
    from .admin_view import AdminView
    return AdminView


def _audit() -> ViewClass:
    from .audit_view import AuditView
    return AuditView


def _missed_calls() -> ViewClass:
    from .telephony.missed_calls import MissedCallsView
    return MissedCallsView


def _calls_stats() -> ViewClass:
    from .telephony.calls_view import CallsView
    return CallsView


def _performance() -> ViewClass:
    from .performance_view import PerformanceView
    return PerformanceView


def _data_rights() -> ViewClass:
    from .data_rights_view import DataRightsView
    return DataRightsView


# Tab order is fixed, so Ctrl+1… always means the same view for the same person.
VIEWS: tuple[ViewEntry, ...] = (
    ViewEntry("call_view", "New call", _call, allowed_to(Action.LOG_ENQUIRY)),
    ViewEntry("further_action_view", "Further Action", _further_action,
              allowed_to(Action.FILTER_FURTHER_ACTION), frozenset({ENQUIRIES}), announces=True),
    ViewEntry("region_queue_view", "Region queue", _region_queue, allowed_to(Action.WORK_REGION_QUEUE),
              frozenset({ENQUIRIES}), announces=True),
    ViewEntry("duty_view", "Duty", _duty, allowed_to(Action.DUTY_BOARD), frozenset({URGENT, ROTA}),
              announces=True),
    ViewEntry("letters_view", "Letters", _letters, has_cts_role, frozenset({LETTERS}),  # each CTS role's workstack
              announces=True),
    # E-mails and faxes taken in from the central inbox (issue 18).
    ViewEntry("inbox_view", "Central inbox", _inbox, works_enquiry_queues, frozenset({ENQUIRIES}),
              options=("save_chooser",)),
    ViewEntry("find_view", "Find", _find, everyone, frozenset({ENQUIRIES})),
    ViewEntry("admin_view", "Administration", _admin, administers),
    ViewEntry("audit_view", "Audit", _audit, allowed_to(Action.QUERY_AUDIT), shortcut=AUDIT_SHORTCUT,
              shortcut_text="&Audit trail", shortcut_tip="Who changed or looked at which record",
              options=("save_chooser",)),
    # Telephony (issue 9): the line's missed calls for those who log calls; the 30-second report for leaders.
    ViewEntry("missed_calls_view", "Missed calls", _missed_calls, allowed_to(Action.LOG_ENQUIRY),
              frozenset({CALLS})),
    ViewEntry("calls_stats_view", "Calls", _calls_stats, allowed_to(Action.VIEW_CALL_STATISTICS), frozenset({CALLS}),
              options=("save_chooser",)),
    # League tables and chasing lists (issue 11).
    ViewEntry("performance_view", "Performance", _performance, allowed_to(Action.VIEW_PERFORMANCE),
              options=("save_chooser", "csv_chooser")),
    # Subject access and erasure (issue 17): the data protection officer and administrators.
    # It follows changes only to say its results are out of date (``records_changed``), never to search again.
    ViewEntry("data_rights_view", "People's data", _data_rights, allowed_to(Action.SUBJECT_ACCESS),
              frozenset({ENQUIRIES, LETTERS}), options=("save_chooser",)),
)


def views_for(ctx: DeskContext, views: tuple[ViewEntry, ...] = VIEWS) -> list[ViewEntry]:
    """The entries this person's roles give them, in tab order."""
    return [entry for entry in views if entry.wanted(ctx)]
