"""House rules that a reviewer would otherwise have to remember (architecture.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mpel_app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_domain_imports_neither_qt_nor_sqlalchemy(path):
    assert not _imports(path) & {"PySide6", "sqlalchemy", "alembic"}


@pytest.mark.parametrize("path", _modules("services") + _modules("db"), ids=lambda p: p.name)
def test_services_and_db_import_no_qt(path):
    assert "PySide6" not in _imports(path)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_says_what_it_is_for(path):
    if path.name == "__init__.py" and not path.read_text().strip():
        pytest.fail(f"{path} is empty: give the package a docstring")
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path} has no module docstring"


def test_rules_never_read_the_system_clock():
    for path in _modules("domain") + _modules("services"):
        text = path.read_text(encoding="utf-8")
        if path.name == "clock.py":
            continue
        assert "datetime.now(" not in text and "date.today(" not in text, f"{path} reads the clock directly"
