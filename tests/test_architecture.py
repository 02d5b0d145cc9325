"""The code's shape: no import cycles, and nothing outside dcpower/techs asks for a kind.

Technologies live in dcpower/techs (one subpackage each, registered); everything else loops
over the registry. These tests read the source with ``ast``, so they fail on the line that
breaks the rule, whether or not a test runs that line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dcpower import techs

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parents[1] / "dcpower"
TECHS = PACKAGE / "techs"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(path: Path, name: str, modules: set[str]) -> set[str]:
    """The dcpower modules a module imports, at any depth (functions too), except typing-only.

    ``from a.b import c`` counts as importing ``a.b.c`` if that is a module, else ``a.b``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking_only(node)
        for child in ast.walk(node)
    }
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    files = source_files()
    modules = set(files)
    return {name: imported_modules(path, name, modules) for name, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of the graph, as the list of modules around it, or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_dcpower():
    """Imports point down (lazy ones inside functions count too)."""
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()))


def technology_class_names() -> set[str]:
    """Names of the classes defined in dcpower/techs subpackages (technologies, specs)."""
    names = set()
    for path in TECHS.rglob("*.py"):
        if path.parent == TECHS:
            continue  # the shared contract (behaviours, readbacks) is not a technology
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    return names


def _is_kind(node: ast.AST) -> bool:
    """``kind``, ``x.kind`` or ``x.get("kind")``."""
    if isinstance(node, ast.Name):
        return node.id == "kind"
    if isinstance(node, ast.Attribute):
        return node.attr == "kind"
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "kind"
    )


def _kind_literals(node: ast.AST, kinds: set[str]) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in kinds
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_kind_literals(e, kinds) for e in node.elts)
    return False


def kind_violations(tree: ast.AST, class_names: set[str], kinds: set[str]) -> list[int]:
    """Lines with ``isinstance(x, <technology class>)`` or ``kind == "<registered kind>"``."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "isinstance":
            classes = node.args[1] if len(node.args) > 1 else None
            named = (
                {
                    n.id if isinstance(n, ast.Name) else getattr(n, "attr", None)
                    for n in ast.walk(classes)
                }
                if classes is not None
                else set()
            )
            if named & class_names:
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_kind(o) for o in operands) and any(
                _kind_literals(o, kinds) for o in operands
            ):
                lines.append(node.lineno)
    return lines


def test_kind_rule_catches_both_forms():
    code = (
        "if isinstance(t, GasTech): pass\n"
        "if spec.kind == 'gas': pass\n"
        "if raw.get('kind') in ('pv', 'wind'): pass\n"
        "if horizon.kind == 'blocks': pass\n"
        "if isinstance(b, Store): pass\n"
    )
    assert kind_violations(ast.parse(code), {"GasTech"}, {"gas", "pv", "wind"}) == [1, 2, 3]


def test_no_technology_class_or_kind_literal_outside_techs():
    """Outside dcpower/techs the code loops over the registry: no isinstance chains on
    technology classes, no branches on a kind literal."""
    class_names = technology_class_names()
    assert {"PVTech", "GasTech", "Battery", "Gas"} <= class_names
    kinds = set(techs.kinds())
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if TECHS in path.parents:
            continue
        lines = kind_violations(ast.parse(path.read_text(encoding="utf-8")), class_names, kinds)
        if lines:
            found[str(path.relative_to(PACKAGE.parent))] = lines
    assert not found, found
