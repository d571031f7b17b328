"""Dependencies point from the features down to ``contacts`` and ``crm``, never back.

Reads every module's imports (top-level and inside functions) with ``ast``: the kernel
(``crm/``, its settings aside) imports no feature app, and ``contacts`` imports only
``crm`` of the project's apps. Features reach them through registries (tabs, timeline
verbs, hiding rules, file sources, the start page's lists, ``contacts.hooks``).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = {
    "companies",
    "activities",
    "mailbox",
    "files",
    "orders",
    "search",
    "history",
    "cardservices",
}
# What each lower layer may import of the project's own apps.
ALLOWED = {"crm": {"crm"}, "contacts": {"crm", "contacts"}}


def imported_apps(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & (FEATURES | {"crm", "contacts"})


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or parts[:2] == ("crm", "settings"):
            continue
        yield path


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_lower_layers_import_no_feature_app(app):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - ALLOWED[app])
        for path in modules(app)
        if imported_apps(path) - ALLOWED[app]
    }
    assert wrong == {}


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from mailbox.services import x\n    import orders.kid\n")
    assert imported_apps(module) == {"mailbox", "orders"}
