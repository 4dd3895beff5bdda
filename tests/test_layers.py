"""No package imports one above it: the import graph between packages has no cycle."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("contracts", "files", "fixers", "loaders", "pipeline", "plugin", "reporting")


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute (the project has no relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _package_graph() -> dict[str, set[str]]:
    """Each package (a folder) and the packages its modules import, the folder's own and its parent's excluded."""
    packages = {
        ".".join(p.parent.relative_to(ROOT).parts) for top in PACKAGES for p in (ROOT / top).rglob("__init__.py")
    }
    graph: dict[str, set[str]] = {package: set() for package in packages}
    for top in PACKAGES:
        for path in (ROOT / top).rglob("*.py"):
            package = ".".join(path.parent.relative_to(ROOT).parts)
            for module in _imports(path):
                parts = module.split(".")
                # The deepest package the imported name lies in: `loaders.rules.guard` is in `loaders.rules`.
                target = next(
                    (".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in packages), None
                )
                if target is not None and target != package and not package.startswith(f"{target}."):
                    graph[package].add(target)
    return graph


def test_no_package_imports_one_above_it():
    try:
        order = list(TopologicalSorter(_package_graph()).static_order())
    except CycleError as error:
        raise AssertionError(f"packages import each other: {' -> '.join(error.args[1])}") from None
    assert "loaders.dynamodb" in order and "loaders.rules" in order and "loaders.deploy" in order


def test_top_level_packages_import_each_other_one_way():
    top = {}
    for package, targets in _package_graph().items():
        top.setdefault(package.split(".")[0], set()).update(
            t.split(".")[0] for t in targets if t.split(".")[0] != package.split(".")[0]
        )
    try:
        list(TopologicalSorter(top).static_order())
    except CycleError as error:
        raise AssertionError(f"top-level packages import each other: {' -> '.join(error.args[1])}") from None
