"""The shell: sign-in, the first administrator, the main window's views, shortcuts, status bar and lock."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QDialog, QLabel

from mpel_app.__main__ import DemoLogins
from mpel_app.domain.records import Role
from mpel_app.ui.context import DeskContext
from mpel_app.ui.login import FirstAdminDialog, LoginDialog
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSWORD, build_world
from tests.ui.accessibility import assert_accessible


def _login(qtbot, services, **kwargs) -> LoginDialog:
    dialog = LoginDialog(services, TaskRunner(), **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _window(qtbot, services, user, **kwargs) -> MainWindow:
    window = MainWindow(DeskContext(services=services, user=user, runner=TaskRunner()),
                        database_label="SQLite file /tmp/test.sqlite3", **kwargs)
    qtbot.addWidget(window)
    window.show()
    return window


# ---------------------------------------------------------------- sign in

def test_sign_in_with_enter(qtbot, sqlite_services):
    build_world(sqlite_services)
    dialog = _login(qtbot, sqlite_services)
    assert_accessible(dialog)
    qtbot.keyClicks(dialog.username, "Agent")
    qtbot.keyClick(dialog.username, Qt.Key_Tab)
    qtbot.keyClicks(dialog.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password, Qt.Key_Return)
    assert dialog.user.username == "agent" and dialog.user.full_name == "Carla Agent"


def test_enter_still_signs_in_after_a_wrong_password(qtbot, sqlite_services):
    build_world(sqlite_services)
    dialog = _login(qtbot, sqlite_services)
    dialog.username.setText("agent")
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.keyClick(dialog.password, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == "Wrong username or password.")
    qtbot.keyClicks(dialog.password, PASSWORD)
    dialog.username.setFocus()  # Enter from any field, as before the failure
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.username, Qt.Key_Return)
    assert dialog.user.username == "agent"


def test_wrong_password_is_shown_inline_as_an_alert(qtbot, sqlite_services):
    build_world(sqlite_services)
    dialog = _login(qtbot, sqlite_services)
    dialog.username.setText("agent")
    dialog.password.setText("not the password")
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Wrong username or password.")
    assert dialog.message.isVisible() and dialog.result() != QDialog.Accepted
    assert dialog.password.text() == "" and dialog.password.hasFocus()
    iface = QAccessible.queryAccessibleInterface(dialog.message)
    assert iface.role() == QAccessible.Role.AlertMessage
    assert iface.text(QAccessible.Text.Name) == "Wrong username or password."
    dialog.grab().save("/tmp/ui_login_error.png")

    # An unknown user gets exactly the same words: no hint which usernames exist.
    dialog.username.setText("nobody")
    dialog.password.setText("whatever it is")
    dialog.message.clear()
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Wrong username or password.")


def test_empty_form_asks_for_both(qtbot, sqlite_services):
    dialog = _login(qtbot, sqlite_services)
    dialog.sign_in_button.click()
    assert dialog.message.text() == "Enter your username and password."


def test_demo_hint_lists_accounts_and_fills_the_form(qtbot, sqlite_services):
    build_world(sqlite_services)
    demo = DemoLogins(password=PASSWORD, usernames={"call agent": "agent", "MPEL team leader": "leader"},
                      passcode_hint="Every demo passcode is the last four digits of the office number.")
    dialog = _login(qtbot, sqlite_services, demo=demo)
    assert_accessible(dialog)
    dialog.grab().save("/tmp/ui_login_demo.png")
    accounts = dialog.demo_accounts
    assert [accounts.item(i).text() for i in range(accounts.count())] == [
        "agent  —  call agent", "leader  —  MPEL team leader"]
    assert PASSWORD in " ".join(label.text() for label in dialog.findChildren(QLabel))
    accounts.setFocus()
    accounts.setCurrentRow(1)
    qtbot.keyClick(accounts, Qt.Key_Return)
    assert dialog.username.text() == "leader" and dialog.password.text() == PASSWORD
    with qtbot.waitSignal(dialog.accepted):
        dialog.sign_in_button.click()
    assert dialog.user.username == "leader"


# ------------------------------------------------------ first administrator

def test_first_admin_walkthrough_creates_the_administrator(qtbot, sqlite_services):
    assert sqlite_services.users.needs_first_admin()
    dialog = FirstAdminDialog(sqlite_services, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    assert_accessible(dialog)
    qtbot.keyClicks(dialog.username, "ada.admin")
    qtbot.keyClicks(dialog.full_name, "Ada Administrator")
    qtbot.keyClicks(dialog.password, "short")
    assert dialog.strength.text().startswith("Too weak: a password needs at least 10 characters")
    dialog.password.setText("a long enough passphrase")
    assert dialog.strength.text() == "Long enough."
    dialog.confirm.setText("a long enough passphrasf")
    assert dialog.match.text() == "The passwords do not match yet."
    dialog.create_button.click()
    assert "different" in dialog.message.text()
    assert sqlite_services.users.needs_first_admin()
    dialog.grab().save("/tmp/ui_first_admin.png")

    dialog.confirm.setText("a long enough passphrase")
    assert dialog.match.text() == "The passwords match."
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.confirm, Qt.Key_Return)
    assert dialog.user.username == "ada.admin"
    assert not sqlite_services.users.needs_first_admin()
    assert sqlite_services.users.authenticate("ada.admin", "a long enough passphrase").full_name == "Ada Administrator"


def test_first_admin_shows_the_services_validation_message(qtbot, sqlite_services):
    dialog = FirstAdminDialog(sqlite_services, TaskRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("ada admin!")
    dialog.full_name.setText("Ada Administrator")
    dialog.password.setText("a long enough passphrase")
    dialog.confirm.setText("a long enough passphrase")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.message.text().startswith("A username has letters, digits"))
    assert dialog.username.hasFocus() and dialog.result() != QDialog.Accepted
    dialog.full_name.clear()
    dialog.username.setText("ada")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Give the user's full name.")


# -------------------------------------------------------------- main window

@pytest.mark.parametrize("who, tabs", [
    ("agent", ["New call", "Find", "Missed calls"]),
    ("leader", ["New call", "Further Action", "Region queue", "Duty", "Central inbox", "Find", "Administration",
                "Audit", "Missed calls", "Calls", "Performance"]),
    ("am_lse", ["New call", "Region queue", "Central inbox", "Find", "Missed calls"]),
    ("case_owner", ["Letters", "Find"]),
    ("admin", ["New call", "Further Action", "Region queue", "Duty", "Central inbox", "Find", "Administration",
               "Audit", "Missed calls", "Calls", "Performance", "People's data"]),
    # The duty rota is theirs to keep; the evening line's 30-second figures and the targets theirs to watch.
    ("duty", ["New call", "Region queue", "Duty", "Central inbox", "Find", "Administration", "Missed calls", "Calls",
              "Performance"]),
    ("unit_leader", ["Letters", "Find", "Audit", "Performance"]),  # CTS: no part in the enquiry log's rota or deletions
])
def test_views_follow_the_roles(qtbot, sqlite_services, who, tabs):
    world = build_world(sqlite_services)
    extra = {"duty": ("Dee Duty", Role.DUTY_MANAGER), "unit_leader": ("Una Unit", Role.UNIT_TEAM_LEADER)}
    if who in extra:
        full_name, role = extra[who]
        user = sqlite_services.users.create_user(world.admin, username=who, full_name=full_name, password=PASSWORD,
                                                 roles={role}, demo=True)
    else:
        user = getattr(world, who)
    window = _window(qtbot, sqlite_services, user)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == tabs
    assert window.windowTitle() == f"MPEL Desk — {user.full_name}"
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def test_home_view_is_the_persons_own_work(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    assert _window(qtbot, sqlite_services, world.agent).current_view().title == "New call"
    assert _window(qtbot, sqlite_services, world.leader).current_view().title == "Further Action"
    assert _window(qtbot, sqlite_services, world.am_lse).current_view().title == "Region queue"


def test_shortcuts_switch_views_and_focus_find(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.leader)
    window.activateWindow()
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)
    window.find_action.trigger()  # Ctrl+F
    assert window.current_view() is window.find_view
    qtbot.waitUntil(window.find_view.search_box.hasFocus)
    for number, action in enumerate(window.view_actions, start=1):
        assert action.shortcut().toString() == f"Ctrl+{number}"
        action.trigger()
        assert window.tabs.currentIndex() == number - 1
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.new_call_action.shortcut().toString() == "Ctrl+N"
    assert window.refresh_action.shortcut().toString() == "F5"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    window.new_call_action.trigger()
    assert window.current_view() is window.call_view
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def test_real_key_presses_reach_the_shortcuts(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.agent)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window, Qt.Key_2, Qt.ControlModifier)
    assert window.current_view() is window.find_view
    qtbot.keyClick(window, Qt.Key_1, Qt.ControlModifier)
    assert window.current_view() is window.call_view
    qtbot.keyClick(window, Qt.Key_F, Qt.ControlModifier)
    assert window.current_view() is window.find_view
    qtbot.waitUntil(lambda: not window.ctx.runner.busy)


def test_status_bar_shows_user_database_and_busy(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.am_lse)
    assert window.user_label.text() == "Signed in as Lena South (amlse) · Account manager · LSE"
    assert window.database_label.text() == "SQLite file /tmp/test.sqlite3"
    runner = window.ctx.runner
    qtbot.waitUntil(lambda: not runner.busy)
    assert not window.busy_bar.isVisible()
    release = threading.Event()
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is True):
        runner.submit(lambda: release.wait(10))
    assert window.busy_bar.isVisible() and window.busy_label.text() == "Working…"
    release.set()
    qtbot.waitUntil(lambda: not window.busy_bar.isVisible())
    window.grab().save("/tmp/ui_main_am.png")


def test_lock_hides_the_desk_until_the_same_user_signs_in(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.agent)
    window.lock()
    assert window.locked and not window.tabs.isVisible()
    dialog = window.lock_dialog
    assert dialog.username.text() == "agent" and dialog.username.isReadOnly()
    assert not window.new_call_action.isEnabled()
    qtbot.keyClick(dialog.password, Qt.Key_Escape)  # Esc does not quit from the lock screen
    assert window.locked and dialog.isVisible() and window.isVisible()
    dialog.password.setText("wrong password")
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "Wrong username or password.")
    assert window.locked
    dialog.password.setText(PASSWORD)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.locked)
    assert window.tabs.isVisible() and window.new_call_action.isEnabled()


def test_lock_hides_letter_windows_too(qtbot, sqlite_services):
    from tests.support.letters_world import build_letters_world

    lw = build_letters_world(sqlite_services)
    rec = lw.register()
    window = _window(qtbot, sqlite_services, lw.mpcs)
    letter = window.letters_view.open_letter(rec.id)
    qtbot.waitUntil(lambda: letter.isVisible() and letter.record is not None)
    window.lock()
    assert not letter.isVisible() and window.lock_dialog.isVisible()
    window.lock_dialog.password.setText(PASSWORD)
    window.lock_dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.locked)
    assert letter.isVisible()


def test_a_window_opened_by_late_work_while_locked_waits_for_the_unlock(qtbot, sqlite_services):
    from tests.support.letters_world import build_letters_world

    lw = build_letters_world(sqlite_services)
    rec = lw.register()
    window = _window(qtbot, sqlite_services, lw.mpcs)
    window.lock()
    letter = window.letters_view.open_letter(rec.id)  # as "get next case" answering after the lock would
    qtbot.waitUntil(lambda: not letter.isVisible())
    assert window.lock_dialog.isVisible()
    window.lock_dialog.password.setText(PASSWORD)
    window.lock_dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.locked)
    assert letter.isVisible()


def test_idle_desk_locks_itself(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.agent, idle_lock_minutes=15)
    assert window._idle_timer.interval() == 15 * 60_000
    window._idle_timer.start(30)  # the same timer, made quick for the test
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    window.grab().save("/tmp/ui_locked.png")
    window.lock_dialog.grab().save("/tmp/ui_lock_dialog.png")
    window.lock_dialog.quit_button.click()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_find_view_and_window_chrome_are_accessible(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    window = _window(qtbot, sqlite_services, world.agent)
    window.find()
    assert_accessible(window.find_view)


def test_the_desk_runs_the_two_day_rule(qtbot, sqlite_services, clock):
    """A letter left undecided past its two working days is enforced by any open desk's timer."""
    from mpel_app.domain.correspondence import LetterState
    from tests.support.letters_world import build_letters_world

    letters = build_letters_world(sqlite_services)
    rec = letters.register()
    sqlite_services.letters.allocate(letters.mpcs, rec.id, "ASY1")
    clock.advance(days=7)
    window = _window(qtbot, sqlite_services, letters.admin)
    qtbot.waitUntil(lambda: sqlite_services.letters.get(letters.admin, rec.id).enforced, timeout=10_000)
    after = sqlite_services.letters.get(letters.admin, rec.id)
    assert after.state == LetterState.ALLOCATED and after.enforced
    window.close()
