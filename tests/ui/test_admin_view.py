"""Administration screens: users (locked accounts, unlock, password reset, e-mail addresses), members' passcodes
and closure days, through the real services."""
from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from mpel_app.db.models import AuditLog

from mpel_app.domain.errors import AuthenticationFailed
from mpel_app.domain.records import MAX_FAILED_SIGN_INS, CallerKind, Channel, Role
from mpel_app.ui.admin_view import AdminView, NewUserDialog
from mpel_app.ui.context import DeskContext
from mpel_app.ui.task_runner import TaskRunner
from tests.support.world import PASSWORD, build_world
from tests.ui.accessibility import assert_accessible


EMAIL, SIGN_IN = 2, 6  # the Users table's columns


def _view(qtbot, services, user):
    view = AdminView(DeskContext(services=services, user=user, runner=TaskRunner()))
    qtbot.addWidget(view)
    view.resize(1000, 760)
    view.show()
    return view


def test_admin_creates_user_who_can_sign_in(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    view.refresh()
    qtbot.waitUntil(lambda: view.users.table.rowCount() == 6)
    view.users.create(username="new.agent", full_name="Nia Agent", password="a long enough one",
                      roles={Role.CALL_AGENT}, region_code=None, grade="EO")
    qtbot.waitUntil(lambda: "created" in view.users.message.text())
    qtbot.waitUntil(lambda: view.users.table.rowCount() == 7)
    assert sqlite_services.users.authenticate("new.agent", "a long enough one").full_name == "Nia Agent"
    view.users.create(username="bad", full_name="Bad", password="short", roles={Role.CALL_AGENT},
                      region_code=None, grade=None)
    qtbot.waitUntil(lambda: "at least" in view.users.message.text())


def test_the_new_user_form_takes_an_e_mail_address(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    dialog = NewUserDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert_accessible(dialog)
    assert dialog.email.accessibleName() == "E-mail"
    dialog.username.setText("nia")
    dialog.full_name.setText("Nia Agent")
    dialog.password.setText("a long enough one")
    dialog.email.setText("nia.agent@homeoffice.example.gov.uk")
    dialog.roles.item(0).setCheckState(Qt.Checked)
    values = dialog.values()
    assert values["email"] == "nia.agent@homeoffice.example.gov.uk"
    view = _view(qtbot, sqlite_services, world.admin)
    view.users.create(**values)
    qtbot.waitUntil(lambda: view.users.message.text() == "User nia created.")
    qtbot.waitUntil(lambda: view.users.table.rowCount() == 7)
    row = _user_row(view.users.table, "nia")
    assert view.users.table.item(row, EMAIL).text() == "nia.agent@homeoffice.example.gov.uk"
    assert view.users.selected().username == "nia"  # the new account is selected
    dialog.email.setText("nia at home")
    dialog.username.setText("nia2")
    view.users.create(**dialog.values())
    qtbot.waitUntil(lambda: "is not an e-mail address" in view.users.message.text())


def test_admin_changes_a_users_e_mail_address(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    tab = view.users
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 6)
    assert tab.table.horizontalHeaderItem(EMAIL).text() == "E-mail"
    assert tab.table.item(_user_row(tab.table, "admin"), EMAIL).text() == "none"
    assert tab.table.item(_user_row(tab.table, "leader"), EMAIL).text() == "tom.leader@homeoffice.example.gov.uk"
    assert not tab.email_button.isEnabled()  # nothing selected
    tab.table.selectRow(_user_row(tab.table, "leader"))
    assert tab.email_button.isEnabled() and tab.email_button.text() == "C&hange e-mail…"

    dialog = tab.change_email()
    qtbot.waitUntil(dialog.isVisible)
    assert_accessible(dialog)
    assert dialog.email.text() == "tom.leader@homeoffice.example.gov.uk" and dialog.focusWidget() is dialog.email
    dialog.email.setText("tom leader at ukba")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "E-mail: 'tom leader at ukba' is not an e-mail address.")
    assert dialog.isVisible() and sqlite_services.users.list_users(world.admin)  # still open, nothing saved
    dialog.grab().save("/tmp/ui_change_email.png")
    dialog.email.setText("Tom.Leader@ukba.example.gov.uk")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.email, Qt.Key_Return)  # Enter saves
    qtbot.waitUntil(lambda: tab.message.text() == "E-mail address of Tom Leader (leader) set to "
                                                  "Tom.Leader@ukba.example.gov.uk.")
    qtbot.waitUntil(lambda: tab.table.item(_user_row(tab.table, "leader"), EMAIL).text() ==
                    "Tom.Leader@ukba.example.gov.uk")
    assert tab.selected().username == "leader"
    assert next(u for u in sqlite_services.users.list_users(world.admin)
                if u.username == "leader").email == "Tom.Leader@ukba.example.gov.uk"
    view.grab().save("/tmp/ui_admin_users_email.png")

    # Emptied: removed.
    dialog = tab.change_email()
    qtbot.waitUntil(dialog.isVisible)
    dialog.email.clear()
    with qtbot.waitSignal(dialog.accepted):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: tab.message.text() == "E-mail address of Tom Leader (leader) removed.")
    qtbot.waitUntil(lambda: tab.table.item(_user_row(tab.table, "leader"), EMAIL).text() == "none")


def test_closure_day_added(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.admin)
    view.closures.day.setDate(QDate(2026, 12, 24))
    view.closures.nation.setCurrentIndex(view.closures.nation.findData("ENG"))
    view.closures.reason.setText("Christmas Eve closure")
    view.closures.add_button.click()
    qtbot.waitUntil(lambda: view.closures.table.rowCount() == 1)
    assert sqlite_services.reference.closures() == [(date(2026, 12, 24), "ENG", "Christmas Eve closure")]
    assert "Thursday 24 December 2026" in view.closures.message.text()


def test_team_leader_changes_passcode_but_sees_no_user_admin(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    view = _view(qtbot, sqlite_services, world.leader)
    assert not hasattr(view, "users") and not hasattr(view, "closures")
    # One Members tab (issue 14): the passcode is set where the Member is edited.
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())].count("&Members") == 1
    members = view.member_list
    members.search.setText("smith")
    members.refresh()
    qtbot.waitUntil(lambda: members.table.rowCount() == 1)
    members.table.selectRow(0)
    members.edit.passcode.setText("246810")
    members.edit.set_passcode_button.click()
    qtbot.waitUntil(lambda: "Passcode changed" in members.message.text())
    assert members.edit.passcode.text() == ""  # never left on screen
    with sqlite_services.uow.read() as s:
        action, changes = s.execute(select(AuditLog.action, AuditLog.changes).where(
            AuditLog.entity == "member", AuditLog.entity_id == world.mp.id).order_by(AuditLog.id.desc())).first()
    assert action == "passcode changed" and "246810" not in (changes or "")  # that it changed, never what to
    qtbot.waitUntil(lambda: members.table.item(0, 7).text() == "set")
    view.grab().save("/tmp/ui_admin_members.png")
    e = sqlite_services.enquiries
    rec = e.start(world.agent, Channel.TELEPHONE)
    e.set_caller(world.agent, rec.id, member_id=world.mp.id, caller_kind=CallerKind.MEMBER)
    assert e.verify_passcode(world.agent, rec.id, "246810").passcode_verified


def _user_row(table, username: str) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, 0).text() == username)


def test_locked_accounts_shown_one_unlocked_the_other_given_a_new_password(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    users = sqlite_services.users
    for username in ("agent", "leader"):
        for _ in range(MAX_FAILED_SIGN_INS):
            with pytest.raises(AuthenticationFailed):
                users.authenticate(username, "a wrong guess")
    view = _view(qtbot, sqlite_services, world.admin)
    tab = view.users
    tab.refresh()
    qtbot.waitUntil(lambda: tab.table.rowCount() == 6)
    assert tab.locked_label.text() == ("2 accounts locked after 5 failed sign-ins: agent, leader. Select one, then "
                                       "Unlock or Reset password.")
    agent_row = _user_row(tab.table, "agent")
    assert tab.table.item(agent_row, SIGN_IN).text() == "LOCKED after 5 failed sign-ins"
    assert tab.table.item(_user_row(tab.table, "amlse"), SIGN_IN).text() == "Can sign in"
    assert not tab.unlock_button.isEnabled() and not tab.reset_button.isEnabled()  # nothing selected
    tab.table.selectRow(_user_row(tab.table, "admin"))
    assert not tab.unlock_button.isEnabled() and not tab.reset_button.isEnabled()  # own: Change my password
    tab.table.selectRow(agent_row)
    assert tab.unlock_button.isEnabled() and tab.reset_button.isEnabled()
    assert_accessible(view)
    view.grab().save("/tmp/ui_admin_users_locked.png")

    tab.unlock_button.click()
    qtbot.waitUntil(lambda: tab.message.text() == "Carla Agent (agent) can sign in again.")
    qtbot.waitUntil(lambda: tab.table.item(_user_row(tab.table, "agent"), SIGN_IN).text() == "Can sign in")
    assert tab.selected().username == "agent" and not tab.unlock_button.isEnabled()
    assert tab.locked_label.text().startswith("1 account locked after 5 failed sign-ins: leader.")
    assert users.authenticate("agent", PASSWORD).id == world.agent.id

    tab.table.selectRow(_user_row(tab.table, "leader"))
    dialog = tab.reset_password()
    qtbot.waitUntil(dialog.isVisible)
    assert "resetting unlocks it" in dialog.note.text()
    assert_accessible(dialog)
    dialog.new.password.setText("short")
    dialog.new.confirm.setText("short")
    dialog.action_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "A password needs at least 10 characters.")
    dialog.new.password.setText("a fresh start for tom")
    dialog.new.confirm.setText("a fresh start for tom")
    dialog.grab().save("/tmp/ui_reset_password.png")
    with qtbot.waitSignal(dialog.accepted):
        dialog.action_button.click()
    qtbot.waitUntil(lambda: tab.message.text() == "New password set for Tom Leader (leader). The account is unlocked.")
    qtbot.waitUntil(lambda: tab.locked_label.text() == "No account is locked.")
    with pytest.raises(AuthenticationFailed):
        users.authenticate("leader", PASSWORD)
    assert users.authenticate("leader", "a fresh start for tom").id == world.leader.id
