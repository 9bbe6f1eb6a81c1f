"""Administration: a person's roles, region and deactivation (issue 19, issue 14), through the real services.

On both databases the dialog saves, the change is audited, a deactivated
person cannot sign in and keeps their history; a non-administrator is refused
by the service.  On a per-person PostgreSQL deployment the same save, made by
the administrator's own login, changes and disables the person's login.
"""
from __future__ import annotations

import psycopg
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from mpel_app.db.models import AuditLog
from mpel_app.domain.errors import AuthenticationFailed, PermissionDenied
from mpel_app.domain.records import Channel, Role
from tests.db.test_pg_boundary import boundary, desk_as  # noqa: F401 (fixture)
from tests.support.world import PASSWORD, build_world
from tests.ui.accessibility import assert_accessible
from tests.ui.test_admin_view import _view


def _select(qtbot, view, username):
    view.users.refresh()
    qtbot.waitUntil(lambda: any(u.username == username for u in view.users._users))
    row = next(r for r, u in enumerate(view.users._users) if u.username == username)
    view.users.table.selectRow(row)
    assert view.users.access_button.isEnabled()


def _tick(dialog, role: Role, on: bool) -> None:
    for i in range(dialog.roles.count()):
        if dialog.roles.item(i).data(Qt.UserRole) == role:  # Qt hands back the value
            dialog.roles.item(i).setCheckState(Qt.Checked if on else Qt.Unchecked)


def test_admin_changes_roles_region_and_deactivates_on_sqlite(qtbot, sqlite_services, tmp_path):
    services = sqlite_services
    world = build_world(services)
    started = services.enquiries.start(world.agent, Channel.TELEPHONE)  # history the agent keeps
    view = _view(qtbot, services, world.admin)
    _select(qtbot, view, "agent")
    dialog = view.users.open_access()
    assert_accessible(dialog)
    assert dialog.active.isChecked() and dialog.chosen_roles() == {Role.CALL_AGENT}
    view.grab().save(str(tmp_path / "users.png"))
    dialog.grab().save(str(tmp_path / "access.png"))
    _tick(dialog, Role.ACCOUNT_MANAGER, True)
    dialog.save()  # an account manager without a region: the service says so, nothing saved
    qtbot.waitUntil(lambda: "region" in dialog.message.text())
    dialog.region.setCurrentIndex(dialog.region.findData("NWE"))
    dialog.active.setChecked(False)
    dialog.save()
    qtbot.waitUntil(lambda: "saved" in view.users.message.text())
    changed = next(u for u in services.users.list_users(world.admin) if u.username == "agent")
    assert changed.roles == {Role.CALL_AGENT, Role.ACCOUNT_MANAGER}
    assert changed.region_code == "NWE" and not changed.active
    with pytest.raises(AuthenticationFailed):
        services.users.authenticate("agent", PASSWORD)
    assert services.enquiries.header(world.admin, started.id).reference == started.reference  # history kept
    with services.uow.read() as s:
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.entity == "user",
                                                              AuditLog.entity_id == changed.id)))
    assert {"roles changed", "region changed", "deactivated"} <= actions
    with pytest.raises(PermissionDenied):
        services.users.set_access(world.leader, changed.id, roles={Role.CALL_AGENT}, region_code=None, active=True)
    services.users.set_access(world.admin, changed.id, roles={Role.CALL_AGENT}, region_code=None, active=True)
    assert services.users.authenticate("agent", PASSWORD).roles == {Role.CALL_AGENT}


def test_admin_login_deactivates_a_person_and_their_database_login(qtbot, pg_cluster, boundary):
    world = boundary["world"]
    boundary["services"].users.create_user(world.admin, username="leaver", full_name="Lee Vere", password=PASSWORD,
                                           roles={Role.CALL_AGENT}, demo=True)
    with desk_as(boundary, "admin") as desk:
        view = _view(qtbot, desk, world.admin)
        _select(qtbot, view, "leaver")
        dialog = view.users.open_access()
        _tick(dialog, Role.DUTY_MANAGER, True)
        dialog.active.setChecked(False)
        dialog.save()
        qtbot.waitUntil(lambda: "saved" in view.users.message.text())
    with pg_cluster.connect(boundary["dbname"]) as su:
        assert su.execute("SELECT rolcanlogin, pg_has_role('leaver', 'mpel_duty_manager', 'MEMBER') "
                          "FROM pg_roles WHERE rolname = 'leaver'").fetchone() == (False, True)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(host=str(pg_cluster.socket_dir), user="leaver", dbname=boundary["dbname"])
    with desk_as(boundary, "agent") as desk:  # a non-administrator's login: refused by the service first
        with pytest.raises(PermissionDenied):
            desk.users.set_access(world.agent, world.admin.id, roles={Role.CALL_AGENT}, region_code=None,
                                  active=False)
    with pg_cluster.connect(boundary["dbname"]) as su:  # and by the database, whatever a client says
        assert su.execute("SELECT has_function_privilege('agent', 'mpel_disable_login(text)', 'EXECUTE')"
                          ).fetchone() == (False,)
