"""Every public rule in ``domain/correspondence/`` is something the desk does (issue 15).

A rule with tests that nothing calls is a case a drafter still has to
remember.  A public function there must be reached from code outside
``domain/`` (services, reports, ui, cli), directly or through other domain
code that is itself reached.  Names are matched as written (``foo(...)`` or
``x.foo``), which is how every call site in this package reads.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mpel_app"
DOMAIN = PACKAGE / "domain"
CORRESPONDENCE = DOMAIN / "correspondence"


def _names(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
    return found


def _domain_graph() -> tuple[dict[str, set[str]], set[str]]:
    """Each top-level function or class of domain/ → the names its body uses; and what module-level code uses."""
    edges: dict[str, set[str]] = {}
    module_level: set[str] = set()
    for path in DOMAIN.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                edges.setdefault(node.name, set()).update(_names(node) - {node.name})
            elif not isinstance(node, (ast.Import, ast.ImportFrom)) and path.name != "__init__.py":
                module_level |= _names(node)  # tables and constants built when the module loads
    return edges, module_level


def _used_outside_domain() -> set[str]:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(DOMAIN):
            continue
        used |= _names(ast.parse(path.read_text(encoding="utf-8")))
    return used


def _public_rules() -> dict[str, str]:
    rules: dict[str, str] = {}
    for path in sorted(CORRESPONDENCE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                rules[node.name] = path.name
    return rules


def reached() -> set[str]:
    edges, module_level = _domain_graph()
    seen: set[str] = set()
    todo = list(_used_outside_domain() | module_level)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(edges.get(name, ()))
    return seen


def test_every_public_correspondence_rule_is_called_by_the_desk():
    done = reached()
    idle = sorted(f"{module}: {name}" for name, module in _public_rules().items() if name not in done)
    assert not idle, ("rules in domain/correspondence/ that nothing outside domain/ reaches; wire them into a "
                      "service (or make them private helpers): " + ", ".join(idle))


def test_the_check_sees_a_rule_nobody_calls():
    """The test above can fail: a name nothing uses is not reached, one the services call is."""
    rules = _public_rules()
    assert "correspondent_reply" in rules and "late_mp_addressing" in rules
    assert "late_mp_addressing" in reached()  # called from the services today
    assert "a_rule_nobody_calls_xyz" not in reached()
