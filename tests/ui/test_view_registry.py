"""The static view registry: every view imported explicitly, in a fixed tab order, wired into the window."""
from __future__ import annotations

import ast
from pathlib import Path

from mpel_app.domain.records import Role
from mpel_app.ui import view_registry
from mpel_app.ui.context import DeskContext
from mpel_app.ui.main_window import MainWindow
from mpel_app.ui.task_runner import TaskRunner
from mpel_app.ui.view_registry import VIEWS, views_for
from tests.support.world import PASSWORD, build_world

PACKAGE = Path(view_registry.__file__).resolve().parent.parent


def test_nothing_in_the_desk_is_imported_by_a_name_in_a_string():
    """A frozen build sees only static imports: import_module or __import__ would hide a module from it."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                assert name not in {"import_module", "__import__"}, f"{path} imports by name"


def test_every_registered_view_class_is_imported_in_the_registry_module():
    imported = {alias.asname or alias.name for node in ast.walk(ast.parse(Path(view_registry.__file__).read_text()))
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    for entry in VIEWS:
        assert entry.view_class.__name__ in imported
    assert len({entry.key for entry in VIEWS}) == len(VIEWS) and len({entry.title for entry in VIEWS}) == len(VIEWS)


def test_the_window_builds_its_tabs_from_the_registry_in_order(qtbot, sqlite_services):
    world = build_world(sqlite_services)
    admin = sqlite_services.users.authenticate("admin", PASSWORD)
    everything = sqlite_services.users.create_user(admin, username="all", full_name="All Roles", password=PASSWORD,
                                                   roles=set(Role), region_code="LSE", grade="SEO")
    for user, expected in ((everything, [e.title for e in VIEWS]), (world.agent, None)):
        ctx = DeskContext(services=sqlite_services, user=user, runner=TaskRunner())
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert titles == (expected or [e.title for e in views_for(ctx)])
        for entry in VIEWS:  # each key is an attribute: the view, or None when the roles leave it out
            view = getattr(window, entry.key)
            assert (view is None) == (entry.title not in titles)
            if view is not None:
                assert isinstance(view, entry.view_class)
        window.close()
    assert "New call" in titles and "Audit" not in titles  # the call agent's own set


def test_a_view_with_its_own_shortcut_gets_a_view_menu_command(qtbot, sqlite_services):
    build_world(sqlite_services)
    leader = sqlite_services.users.authenticate("leader", PASSWORD)
    window = MainWindow(DeskContext(services=sqlite_services, user=leader, runner=TaskRunner()))
    qtbot.addWidget(window)
    window.show()
    window.show_view(window.views[0])
    window.audit_action.trigger()
    assert window.current_view() is window.audit_view
    window.close()
