"""The desk's main window: the views a user's roles allow, keyboard shortcuts, and a status bar.

Views are tabs in the fixed order of the static registry, ``ui.view_registry.VIEWS``
(New call, Further Action, Region queue, Duty, Letters, Find, Administration,
Audit), so Ctrl+1… always means the same view for the same person; each sits in
a scroll page (``ui.view_page``) so the window fits a small screen.  A view is
built (and its module imported) when its tab is first shown, or its attribute
first read (``window.find_view``); the person's first view and the views that
announce work (their tabs count it from the start) are built with the window
(issue 16: a faster start).  Each view emits ``open_record(enquiry_id)``; the window opens a
RecordDialog for it. The window also locks itself after a spell without
keyboard or mouse use, because a desk left open shows personal data to
whoever walks past (``ui.desk_lock``; the unlock puts the keyboard back where
the agent was typing).

Background work the window owns:

* mail (``ui.desk_mail``): once signed in, ``start_mail_delivery`` starts the
  outbox sender thread; the banner of undelivered mail; the Outbox dialog.
  The sender stops when the window closes.
* escalation of urgent items nobody acknowledged after 30 working minutes,
  run every minute through the TaskRunner (idempotent, so any desk may);
* live refresh (``ui.change_watcher``): the queues, Duty, Letters and Find
  reload when another desk changes what they show; stopped at close.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from ..domain import alarms, permissions as perm
from ..domain.alarms import Alarm
from ..domain.permissions import Action
from ..domain.records import Role
from ..notify.smtp import SmtpSettings
from .change_watcher import ChangeWatcher
from .telephony.ringing_strip import RingingBar, RingingController
from .context import DeskContext
from .desk_lock import LockingWindow
from .desk_mail import MailWindow
from .mail import MailDelivery
from .outbox_dialog import OUTBOX_SHORTCUT, OutboxBanner, OutboxDialog
from .password_dialog import open_change_password
from .view_registry import VIEWS, ViewEntry, views_for
from .view_page import ViewPage
from .shortcuts_help import ShortcutsDialog, desk_rows
from .viewer import Opener
from .work_alerts import WorkAlerts
from .widgets import SaveChooser

if TYPE_CHECKING:
    from .record_dialog import RecordDialog

log = logging.getLogger(__name__)

OUTBOX_REFRESH_MS = 30_000
ESCALATION_INTERVAL_MS = 60_000
# The letters' two-day sweep at start waits until the first view's lists are up: housekeeping that
# shows on no one's first screen, and its modules and queries were a tenth of a start (issue 16).
FIRST_SWEEP_DELAY_MS = 3_000



class MainWindow(LockingWindow, MailWindow, QMainWindow):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, database_label: str = "",
                 opener: Opener | None = None, print_dir: Path | None = None,
                 idle_lock_minutes: int | None = None, save_chooser: SaveChooser | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.opener = opener
        self.print_dir = print_dir
        self.save_chooser = save_chooser
        self.smtp: SmtpSettings | None = None
        self.mail: MailDelivery | None = None
        self.outbox_dialog: OutboxDialog | None = None
        self._outbox_seq = 0
        self._closed = False  # answers from background work that arrive after closing are dropped
        self.record_dialogs: dict[int, RecordDialog] = {}
        self._home_focused = False
        ctx.mail_configured = lambda: self.mail_configured  # the call screen says "queued, not sent" without it
        user = ctx.user
        self.setWindowTitle(f"MPEL Desk — {user.full_name}")

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Views")
        self.tabs.setDocumentMode(True)
        # Views come from the static registry (view_registry.VIEWS), in its tab order; each entry's key
        # is also an attribute here (self.call_view …), None when this person's roles leave it out.
        # Every tab has its page from the start; a view is built when first shown or read (__getattr__).
        self.view_entries: dict[QWidget, ViewEntry] = {}  # the views built so far
        self.pages_by_view: dict[QWidget, ViewPage] = {}
        self._pages: list[tuple[ViewEntry, ViewPage]] = []  # every tab, in order
        self._unbuilt: dict[str, tuple[ViewEntry, ViewPage]] = {}
        self._view_options = {"save_chooser": save_chooser, "csv_chooser": save_chooser, "opener": opener,
                              "print_dir": print_dir}
        self.work_alerts = WorkAlerts(self, self.tabs, user)  # tab counts, new urgent work (ui.work_alerts)
        for entry in views_for(ctx):
            self._add_page(entry)
        for entry in VIEWS:
            if entry.key not in self._unbuilt:
                setattr(self, entry.key, None)
        home = self._home_key()
        for entry, _page in self._pages:
            if entry.key == home or entry.announces:
                self._build(entry.key)
        # While locked the views are swapped for a notice, so nothing personal shows behind the dialog.
        self.lock_notice = QLabel("Desk locked. Sign in again to carry on.")
        self.lock_notice.setAlignment(Qt.AlignCenter)
        self.lock_notice.setStyleSheet("color: #555; font-size: 14pt;")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.lock_notice)
        self.outbox_banner = OutboxBanner()
        self.outbox_banner.show_requested.connect(self.open_outbox)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.outbox_banner)
        self.ringing_bar = RingingBar()  # above the views: seen whichever view is open
        column.addWidget(self.ringing_bar)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar(database_label)
        self.tabs.currentChanged.connect(self._view_changed)
        self.tabs.setCurrentWidget(self.pages_by_view[getattr(self, home)])
        self.resize(1280, 800)

        self._setup_lock(idle_lock_minutes)  # ui.desk_lock

        self.outbox_timer = QTimer(self)
        self.outbox_timer.setInterval(OUTBOX_REFRESH_MS)
        self.outbox_timer.timeout.connect(self.refresh_outbox)
        self.outbox_timer.start()
        self.escalation_timer = QTimer(self)
        self.escalation_timer.setInterval(ESCALATION_INTERVAL_MS)
        self.escalation_timer.timeout.connect(self.run_escalation)
        self.escalation_timer.start()
        self.refresh_outbox()
        # At once too: after a restart, what waited overnight is escalated now.
        self.run_escalation(sweep_letters=False)
        QTimer.singleShot(FIRST_SWEEP_DELAY_MS, self, self._sweep_letters)
        # Live refresh: lists reload by themselves when another desk changes what they show (db/changes.py).
        self.changes = ChangeWatcher(ctx.services.engine, self)
        for view, entry in self.view_entries.items():
            if entry.follows and hasattr(view, "refresh"):
                # A view that must not reload by itself (People's data) says instead what changed.
                self.changes.follow(view, entry.follows, getattr(view, "records_changed", None))
        self.changes.changed.connect(lambda entities: self.work_alerts.refresh_hidden(
            entities, lambda v: self.view_entries[v].follows))
        self.ringing = None
        if perm.allowed(user, Action.LOG_ENQUIRY):  # a call ringing for this person's phone shows on the strip
            self.ringing = RingingController(ctx, self.ringing_bar, self.changes.changed)
            self.ringing.refresh()
            if self.has_view("call_view"):  # answering starts the record; Ctrl+Shift+R starts it from the strip
                self.ringing_bar.answered.connect(lambda call: self._record_from_phone(call, automatic=True))
                self.ringing_bar.start_record.connect(lambda call: self._record_from_phone(call, automatic=False))
        self.changes.start()

    # --------------------------------------------------------------- views

    def _add_page(self, entry: ViewEntry) -> None:
        page = ViewPage(None, entry.title)  # scrolls when the screen is small (view_page)
        index = self.tabs.addTab(page, entry.title)
        if index < 9:
            self.tabs.setTabToolTip(index, f"{entry.title} (Ctrl+{index + 1})")
        self._pages.append((entry, page))
        self._unbuilt[entry.key] = (entry, page)

    def _build(self, key: str) -> QWidget:
        """Build the view of a tab not built yet, and wire it into the window."""
        entry, page = self._unbuilt[key]
        view = entry.build(self.ctx, self._view_options)
        del self._unbuilt[key]  # only once built: a view that failed to build is tried again next time
        page.set_view(view)
        setattr(self, key, view)
        self.view_entries[view] = entry
        self.pages_by_view[view] = page
        self.work_alerts.watch(view, page, entry.title)
        signal = getattr(view, "open_record", None)
        if signal is not None:
            signal.connect(self.open_record)
        queued = getattr(view, "outbox_changed", None)
        if queued is not None:
            queued.connect(self._outbox_changed)
        changes = self.__dict__.get("changes")  # None while the window itself is being built (see __init__)
        if changes is not None and entry.follows and hasattr(view, "refresh"):
            changes.follow(view, entry.follows, getattr(view, "records_changed", None))
        return view

    def __getattr__(self, name: str):
        # Only for a view's key whose view is not built yet: reading it builds it (``window.find_view``).
        unbuilt = self.__dict__.get("_unbuilt")
        if unbuilt and name in unbuilt:
            return self._build(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def has_view(self, key: str) -> bool:
        """Whether this person has the view (built or not), without building it."""
        return key in self._unbuilt or self.__dict__.get(key) is not None

    def built_view(self, key: str) -> QWidget | None:
        """The view if it is built already (None otherwise): for work that need not build it."""
        return None if key in self._unbuilt else self.__dict__.get(key)

    @property
    def views(self) -> list[QWidget]:
        """Every view this person has, in tab order (building those not built yet)."""
        return [getattr(self, entry.key) for entry, _page in self._pages]

    def _home_key(self) -> str:
        """Where each person starts: their own work first."""
        user = self.ctx.user
        if self.has_view("further_action_view") and user.has(Role.MPEL_TEAM_LEADER):
            return "further_action_view"
        if self.has_view("duty_view") and user.has(Role.DUTY_MANAGER):
            return "duty_view"
        if self.has_view("region_queue_view") and user.has(Role.ACCOUNT_MANAGER, Role.SUPPORT_ACCOUNT_MANAGER,
                                                           Role.DUTY_MANAGER):
            return "region_queue_view"
        return self._pages[0][0].key

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if not self._home_focused:
            self._home_focused = True
            QTimer.singleShot(0, self.focus_home)

    def focus_home(self) -> None:
        """The focus where the person's work starts in the current view (not the banner or the tab bar):
        the call's channel, the search box, or the list of their work."""
        view = self.current_view()
        start = getattr(view, "focus_start", None) or getattr(view, "focus_search", None)
        if start is not None:
            start()
            return
        table = getattr(view, "table", None)
        (table if isinstance(table, QWidget) else view).setFocus(Qt.OtherFocusReason)

    def _record_from_phone(self, call, *, automatic: bool) -> None:
        """The call screen, with a record started for the telephone call (ui/call/from_phone.py)."""
        if self.locked:
            return
        self.show_view(self.call_view)
        self.call_view.phone.start(call, automatic=automatic)

    def show_view(self, view: QWidget) -> None:
        self.tabs.setCurrentWidget(self.pages_by_view[view])
        view.setFocus(Qt.ShortcutFocusReason)

    def show_view_number(self, number: int) -> None:
        if 1 <= number <= len(self._pages):
            self.show_view(getattr(self, self._pages[number - 1][0].key))

    def current_view(self) -> QWidget:
        """The view on show (built now if its tab has just been switched to)."""
        page = self.tabs.currentWidget()
        if not isinstance(page, ViewPage):
            return page
        if page.view is None:
            return self._build(next(entry.key for entry, p in self._pages if p is page))
        return page.view

    def refresh_current(self) -> None:
        refresh = getattr(self.current_view(), "refresh", None)
        if refresh is not None:
            refresh()

    def _view_changed(self, _index: int) -> None:
        # Queues change as colleagues work: show them fresh. Not the call
        # screen, where a refresh could throw away a call being logged.
        if self._closed:  # tabs going as the window goes: nothing to show, nor to build
            return
        view = self.current_view()  # built here when its tab is first shown
        if self.view_entries[view].key not in ("call_view", "find_view"):
            self.refresh_current()

    def new_call(self) -> None:
        if not self.has_view("call_view"):
            self.statusBar().showMessage("Your roles do not include logging calls.", 8000)
            return
        self.show_view(self.call_view)
        start = getattr(self.call_view, "new_call", None)
        if start is not None:
            start()

    def find(self) -> None:
        self.tabs.setCurrentWidget(self.pages_by_view[self.find_view])
        self.find_view.focus_search()

    # -------------------------------------------------------------- records

    def open_record(self, enquiry_id: int) -> RecordDialog:
        """Open (or bring forward) the record; several may be open side by side."""
        dialog = self.record_dialogs.get(enquiry_id)
        if dialog is not None:
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        # Imported at the first record opened, not with the window: it brings the record's editors, its
        # printing and its calls (issue 16: a faster start).
        from .record_dialog import RecordDialog

        dialog = RecordDialog(self.ctx, enquiry_id, self, opener=self.opener, print_dir=self.print_dir)
        dialog.deleted.connect(self._record_deleted)
        dialog.finished.connect(lambda _result, i=enquiry_id: self._record_closed(i))
        self.record_dialogs[enquiry_id] = dialog
        dialog.show()
        return dialog

    def _record_closed(self, enquiry_id: int) -> None:
        dialog = self.record_dialogs.pop(enquiry_id, None)
        if dialog is not None:
            dialog.deleteLater()

    def _record_deleted(self, enquiry_id: int) -> None:
        dialog = self.record_dialogs.get(enquiry_id)
        reference = dialog.record.reference if dialog and dialog.record else f"#{enquiry_id}"
        self.statusBar().showMessage(f"Record {reference} deleted.", 15000)
        for view, entry in list(self.view_entries.items()):  # those built: the others load when first shown
            if entry.key != "call_view" and hasattr(view, "refresh"):
                view.refresh()

    # ------------------------------------------------------- menus, status

    def _action(self, text: str, shortcut: QKeySequence | str | None, slot, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # the shortcut works whether or not the menu is open
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        # No Alt+letter on the menu titles: the views need those letters (Alt+F file
        # needed, Alt+V verify, Alt+H Home Office reference). Alt alone or F10 still
        # opens the menus, and every command has its own shortcut.
        desk = bar.addMenu("File")
        self.new_call_action = self._action("&New call", "Ctrl+N", self.new_call, "Start logging a new call")
        self.new_call_action.setEnabled(self.has_view("call_view"))
        self.find_action = self._action("&Find…", "Ctrl+F", self.find, "Find a record")
        self.lock_action = self._action("&Lock", "Ctrl+L", self.lock, "Lock the desk until you sign in again")
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.outbox_action = self._action("&Outbox…", OUTBOX_SHORTCUT, self.open_outbox,
                                          "E-mail not yet delivered: call notes, escalations, line managers")
        for action in (self.new_call_action, self.find_action, self.outbox_action):
            desk.addAction(action)
        desk.addSeparator()
        self.password_action = self._action("Change my &password…", None,
                                            lambda: open_change_password(self.ctx, self),
                                            "Change the password you sign in with")
        desk.addAction(self.password_action)
        desk.addAction(self.lock_action)
        desk.addAction(self.quit_action)

        view_menu = bar.addMenu("View")
        self.view_actions: list[QAction] = []
        for number, (entry, _page) in enumerate(self._pages[:9], start=1):
            title = entry.title
            action = self._action(f"&{number} {title}", f"Ctrl+{number}",
                                  lambda _=False, n=number: self.show_view_number(n))
            view_menu.addAction(action)
            self.view_actions.append(action)
        view_menu.addSeparator()
        self.refresh_action = self._action("&Refresh", "F5", self.refresh_current, "Refresh the current view")
        view_menu.addAction(self.refresh_action)
        for entry, _page in self._pages:
            if entry.shortcut:  # a view with its own shortcut besides Ctrl+number (the audit trail)
                action = self._action(entry.shortcut_text or entry.title, entry.shortcut,
                                      lambda _=False, k=entry.key: self.show_view(getattr(self, k)),
                                      entry.shortcut_tip)
                view_menu.addAction(action)
                setattr(self, f"{entry.key.removesuffix('_view')}_action", action)

        help_menu = bar.addMenu("Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", "F1", self.show_shortcuts))
        self.menu_action = self._action("Menus", "F10", lambda: bar.setActiveAction(desk.menuAction()))

    def _build_status_bar(self, database_label: str) -> None:
        user = self.ctx.user
        roles = ", ".join(sorted(r.label for r in user.roles))
        region = f" · {user.region_code}" if user.region_code else ""
        self.user_label = QLabel(f"Signed in as {user.full_name} ({user.username}) · {roles}{region}")
        self.user_label.setAccessibleName(self.user_label.text())
        self.database_label = QLabel(database_label)
        self.database_label.setAccessibleName(f"Database: {database_label}" if database_label else "Database")
        self.busy_label = QLabel("Working…")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # moving bar: something is happening, length unknown
        self.busy_bar.setMaximumWidth(100)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Working")
        status = self.statusBar()
        status.addWidget(self.user_label)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.database_label)
        self._set_busy(self.ctx.runner.busy)
        self.ctx.runner.busy_changed.connect(self._set_busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)

    def show_shortcuts(self) -> ShortcutsDialog:
        """F1: every key, read from the window's and the views' own actions (``ui.shortcuts_help``)."""
        views = [(self.view_entries[view].title, view) for view in self.views]  # the views, not their scroll pages
        dialog = ShortcutsDialog(desk_rows(self.actions(), views), self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    # ----------------------------------------------------------------- urgent

    def run_escalation(self, *, sweep_letters: bool = True) -> None:
        """Escalate urgent items unacknowledged after 30 working minutes (every minute; idempotent), and
        enforce the letters' two-day rule (``sweep_letters``)."""
        def done(references: list[str]) -> None:
            if not references or self._closed:
                return
            if alarms.shown_to(self.ctx.user, Alarm.ESCALATION):  # not to call agents, who cannot acknowledge
                self.statusBar().showMessage("Escalated to the region's team leader (not acknowledged after 30 "
                                             f"minutes): {', '.join(references)}. {alarms.ESCALATION_WHAT_TO_DO}",
                                             30_000)
            self._outbox_changed()
            duty = self.built_view("duty_view")
            if duty is not None and self.current_view() is duty:
                duty.refresh()

        self.ctx.runner.submit(self.ctx.services.urgent.escalate_overdue, done,
                               lambda exc: log.warning("escalating overdue urgent items failed: %s", exc))
        if sweep_letters:
            self._sweep_letters()

    def _sweep_letters(self) -> None:
        if self._closed:
            return

        def enforced(references: list[str]) -> None:
            if references and not self._closed:
                self.statusBar().showMessage("Enforced under the two-day rule: " + ", ".join(references), 30_000)

        # The CTS two-day rule runs on the same clock: idempotent, so any desk may run it.  The letters'
        # service is asked for in the task: building it the first time imports its modules, off the UI thread.
        self.ctx.runner.submit(lambda: self.ctx.services.letters.two_day_sweep(), enforced,
                               lambda exc: log.warning("the two-day sweep failed: %s", exc))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self._closed = True
        for dialog in list(self.record_dialogs.values()):
            dialog.close()
        if self.outbox_dialog is not None:
            self.outbox_dialog.close()
        self.outbox_timer.stop()
        self.escalation_timer.stop()
        self.changes.stop()
        if self.mail is not None:
            # A round in progress finishes (at most one SMTP conversation); what is left waits
            # in the outbox for the next start.
            self.mail.stop()
        self._stop_idle_watch()
        # Let a save in flight finish rather than cutting it off mid-transaction.
        self.ctx.runner.wait(10_000)
        super().closeEvent(event)
