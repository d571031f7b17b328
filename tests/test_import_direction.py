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
    "imports",
    "exports",
    "duplicates",
    "api",
}
APPS = FEATURES | {"crm", "contacts"}
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


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``from <another app of ours> import _name``: reaching into another app's insides."""
    own = path.relative_to(root).parts[0]
    return [
        f"{node.module}.{alias.name}"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and node.module
        and node.module.split(".")[0] in APPS - {own}
        for alias in node.names
        if alias.name.startswith("_")
    ]


def test_no_module_imports_another_apps_private_names():
    wrong = {
        str(path.relative_to(ROOT)): private_imports(path)
        for app in sorted(APPS)
        for path in modules(app)
        if private_imports(path)
    }
    assert wrong == {}


def test_the_private_name_check_sees_them(tmp_path):
    (tmp_path / "search").mkdir()
    module = tmp_path / "search" / "m.py"
    module.write_text("from contacts.sorting import _FROM, norwegian_sort_key\n")
    assert private_imports(module, root=tmp_path) == ["contacts.sorting._FROM"]


def test_the_check_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from mailbox.services import x\n    import orders.kid\n")
    assert imported_apps(module) == {"mailbox", "orders"}
