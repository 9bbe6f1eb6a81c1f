"""Counts on the view tabs, and new urgent work announcing itself (issue 14).

A view may publish two signals, and the main window hands every view to
``WorkAlerts.watch``:

* ``count_changed(int)``: how many items it holds; the tab reads
  "Region queue (12)".  ``count_at_least(int)`` instead, when the view read no
  more than that many (Find's results cut at 200): "Find (200+)".
* ``alerts_changed(tuple[WorkAlert, ...])``: the items in it that announce
  themselves when new: an urgent item nobody has acknowledged
  (``domain.alarms.needs_action_now``), a letter in a workstack.

When an item arrives that this desk has not seen before, and the person is on
another view or in another window, the desk tells them: a badge on the view's
tab (until they open it), a system notification (``QSystemTrayIcon.showMessage``
where the desktop has a tray) and a taskbar flash (``QApplication.alert``).
Once per item, whichever views show it; and never by moving the focus,
raising the window or switching tabs, so nobody's typing is interrupted.
What a view holds at its first load is taken as known: a restart is not news.

Hidden views are not refreshed by the live-refresh watcher (it marks them
stale); ``refresh_hidden`` reloads the ones that announce work when what they
follow changed, so news reaches the tab while the person is elsewhere.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QTabWidget, QWidget

from ..domain import alarms
from ..domain.alarms import Alarm, needs_action_now
from ..domain.records import UserRecord
from .change_watcher import typing_in

BADGE = "● "


@dataclass(frozen=True)
class WorkAlert:
    """One item that announces itself: ``key`` identifies it across views ("enquiry:42", "letter:7")."""

    key: str
    text: str
    alarm: Alarm = Alarm.NEW_URGENT


def urgent_alerts(items: Iterable) -> tuple[WorkAlert, ...]:
    """Enquiries (``EnquirySummary``) waiting for someone to acknowledge them."""
    return tuple(WorkAlert(f"enquiry:{i.id}", f"Urgent: {i.reference} ({i.member_name or 'no member'})")
                 for i in items if needs_action_now(i.urgent, i.acknowledged))


def board_alerts(items: Iterable) -> tuple[WorkAlert, ...]:
    """The duty board's lines (``UrgentItem``): every one is urgent and not yet acknowledged."""
    return tuple(WorkAlert(f"enquiry:{i.id}", f"Urgent: {i.reference} ({i.member_name or 'no member'})")
                 for i in items)


def letter_alerts(items: Iterable) -> tuple[WorkAlert, ...]:
    """A workstack's letters (``LetterSummary``): each one reaching it is news."""
    return tuple(WorkAlert(f"letter:{i.id}", f"{'Urgent letter' if i.urgent else 'Letter'}: {i.reference} "
                                             f"({i.state.label})", Alarm.NEW_LETTER) for i in items)


class _Watched:
    def __init__(self, view: QWidget, page: QWidget, title: str):
        self.view, self.page, self.title = view, page, title
        self.count: int | None = None
        self.more = False  # the count is only a lower bound: the view read no further
        self.badge = False
        self.known = False  # its first load is not news
        self.seen: set[str] = set()  # what this view has held: new to it earns its tab a badge


class WorkAlerts(QObject):
    """Tab counts and badges for a window's views; system notification and taskbar flash for new work."""

    announced = Signal(object)  # tuple[WorkAlert, ...] just announced (tests, status bar)

    def __init__(self, window: QWidget, tabs: QTabWidget, user: UserRecord, *,
                 tray: QSystemTrayIcon | None = None, parent: QObject | None = None):
        super().__init__(parent or window)
        self._window, self._tabs, self._user = window, tabs, user
        self._watched: dict[QWidget, _Watched] = {}
        self._seen: set[str] = set()
        self.tray = tray if tray is not None else _tray(window)
        self.notifications: list[str] = []  # what was shown as system notifications, newest last
        tabs.currentChanged.connect(lambda _i: self._clear_current_badge())

    # ------------------------------------------------------------- public API

    def watch(self, view: QWidget, page: QWidget, title: str) -> None:
        """Follow ``view``'s count and alerts, if it publishes them; ``page`` is its tab."""
        watched = _Watched(view, page, title)
        self._watched[view] = watched
        counted = getattr(view, "count_changed", None)
        if counted is not None:
            counted.connect(lambda n, w=watched: self._count(w, n))
        at_least = getattr(view, "count_at_least", None)
        if at_least is not None:
            at_least.connect(lambda n, w=watched: self._count(w, n, more=True))
        alerted = getattr(view, "alerts_changed", None)
        if alerted is not None:
            alerted.connect(lambda alerts, w=watched: self._alerts(w, alerts))
            # A view that announces work is read once at the start, shown or not (a view that is not
            # shown first is otherwise read only when opened): its tab counts from the start, and what
            # it holds now is known, so only what arrives later is news.
            refresh = getattr(view, "refresh", None)
            if refresh is not None:
                QTimer.singleShot(0, lambda w=watched, r=refresh: r() if w.count is None else None)

    def refresh_hidden(self, changed: set[str], follows: Callable[[QWidget], frozenset[str]]) -> None:
        """Reload the views that announce work, not showing now, when what they follow changed."""
        current = self._current_view()
        for view, watched in self._watched.items():
            if (view is current or getattr(view, "alerts_changed", None) is None or not follows(view) & changed
                    or typing_in(view)):
                continue
            refresh = getattr(view, "refresh", None)
            if refresh is not None:
                refresh()

    def tab_text(self, view: QWidget) -> str:
        w = self._watched[view]
        return self._tabs.tabText(self._tabs.indexOf(w.page))

    def has_badge(self, view: QWidget) -> bool:
        return self._watched[view].badge

    # ------------------------------------------------------------- helpers

    def _current_view(self) -> QWidget | None:
        page = self._tabs.currentWidget()
        return next((v for v, w in self._watched.items() if w.page is page), None)

    def _count(self, watched: _Watched, n: int, *, more: bool = False) -> None:
        watched.count, watched.more = n, more
        self._show_tab(watched)

    def _show_tab(self, w: _Watched) -> None:
        index = self._tabs.indexOf(w.page)
        if index < 0:
            return
        plus = "+" if w.more else ""
        count = f" ({w.count:,}{plus})" if w.count is not None else ""
        self._tabs.setTabText(index, f"{BADGE if w.badge else ''}{w.title}{count}")
        what = (f"{w.title}: {w.count:,}{' or more' if w.more else ''} item{'s' if w.count != 1 else ''}"
                if w.count is not None else w.title)
        self._tabs.setTabToolTip(index, what + (" — new work since you last looked" if w.badge else "")
                                 + (f" (Ctrl+{index + 1})" if index < 9 else ""))

    def _alerts(self, watched: _Watched, alerts: tuple[WorkAlert, ...]) -> None:
        """New work in a view: its tab gets a badge (each view that holds it: the region queue and the
        duty board both show an urgent item), and the person is notified once per item across views."""
        keys = {a.key for a in alerts}
        if not watched.known:
            watched.known = True
            watched.seen |= keys
            self._seen |= keys
            return
        new_here = [a for a in alerts if a.key not in watched.seen and alarms.shown_to(self._user, a.alarm)]
        watched.seen |= keys
        new = [a for a in new_here if a.key not in self._seen]
        self._seen |= keys
        if not new_here:
            return
        looking = self._window.isActiveWindow() and self._current_view() is watched.view
        if looking:
            return  # it is on their screen already
        if self._current_view() is not watched.view:
            watched.badge = True
            self._show_tab(watched)
        if new:
            self._notify(watched.title, new)

    def _notify(self, title: str, new: list[WorkAlert]) -> None:
        text = "; ".join(a.text for a in new[:3]) + (f"; and {len(new) - 3} more" if len(new) > 3 else "")
        self.notifications.append(f"{title}: {text}")
        if self.tray is not None:
            # A notification does not take the focus: the person finishes what they are typing.
            self.tray.showMessage(f"MPEL Desk — new in {title}", text, QSystemTrayIcon.Information, 15_000)
        QApplication.alert(self._window, 0)  # the taskbar button flashes until the window is next active
        self.announced.emit(tuple(new))

    def _clear_current_badge(self) -> None:
        view = self._current_view()
        watched = self._watched.get(view) if view is not None else None
        if watched is not None and watched.badge:
            watched.badge = False
            self._show_tab(watched)


def _tray(window: QWidget) -> QSystemTrayIcon | None:
    """A tray icon to carry notifications, where the desktop has a tray (not offscreen, not every Linux)."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    icon = window.windowIcon()
    if icon.isNull():
        icon = window.style().standardIcon(QStyle.SP_MessageBoxInformation)
    tray = QSystemTrayIcon(QIcon(icon), window)
    tray.setToolTip("MPEL Desk")
    tray.show()
    return tray
