"""The floors of docs/architecture.md hold: no import goes up a floor or across the middle one.

``worker.py``, ``cli``, ``console`` (and tests, benchmarks, scripts) → ``engine`` →
``workflows`` | ``projections`` → ``domain``. Every import counts — at module level, inside a
function, under ``TYPE_CHECKING``, relative, or a constant ``importlib.import_module("…")`` —
because each is an arrow a maintainer has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: What each floor's packages may import of ours (besides themselves).
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "workflows": frozenset({"domain"}),
    "projections": frozenset({"domain"}),
    "engine": frozenset({"workflows", "projections", "domain"}),
}
OURS = frozenset({*ALLOWED, "cli", "console", "worker", "bench", "scripts", "tests",
                  "examples"})


def _module_of(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported(path: Path, root: Path, names: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``, relative ones resolved; with ``names``,
    also ``module.name`` for each name of a ``from module import name`` (it may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_of(path, root)
    package = here if path.name == "__init__.py" else here[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            if names:
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value))
    return found


def arrows_up(root: Path) -> list[str]:
    """Every import in a floored package that reaches a package its floor may not use."""
    wrong: list[str] = []
    for floor, allowed in ALLOWED.items():
        for path in sorted((root / floor).rglob("*.py")):
            for line, module in imported(path, root):
                top = module.split(".")[0]
                if top in OURS and top != floor and top not in allowed:
                    wrong.append(f"{path.relative_to(root)}:{line} {floor} imports {module}")
    return wrong


def import_cycles(root: Path, accepted: frozenset[tuple[str, str]] = frozenset()
                  ) -> list[list[str]]:
    """Groups of our modules that import each other, directly or round a loop (Tarjan),
    not counting the ``accepted`` arrows."""
    modules = {".".join(_module_of(p, root)): p
               for floor in ALLOWED for p in (root / floor).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = set()
        for _, target in imported(path, root, names=True):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if (target and target != name and not name.startswith(f"{target}.")
                    and (name, target) not in accepted):
                graph[name].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (top := stack.pop()) != node:
                group.append(top)
            if group:
                groups.append(sorted([*group, node]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


#: The one arrow back, by design: eventsourcing rebuilds an aggregate by calling each stored
#: event's ``mutate``, so ``domain.events.CaseEvent.mutate`` imports ``domain.case`` inside
#: the method (the aggregate, and the decisions it calls, import the events).
MUTATE_HOOK = frozenset({("domain.events", "domain.case")})


def test_no_import_cycles_but_the_event_sourcing_mutate_hook() -> None:
    assert import_cycles(ROOT, accepted=MUTATE_HOOK) == []
    assert import_cycles(ROOT) != []  # the hook is really there (else drop it from the list)


def test_an_import_cycle_is_found(tmp_path: Path) -> None:
    for name in ALLOWED:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "domain" / "a.py").write_text("from domain import b\n")
    (tmp_path / "domain" / "b.py").write_text("def f() -> None:\n    import domain.a\n")
    assert import_cycles(tmp_path) == [["domain.a", "domain.b"]]


def test_no_import_goes_up_a_floor_or_between_workflows_and_projections() -> None:
    assert arrows_up(ROOT) == []


def test_every_package_of_ours_sits_on_a_floor() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"cli", "console", "tests"} == set(ALLOWED)


@pytest.mark.parametrize(("floor", "statement"), [
    ("workflows", "from engine.facade import Engine"),
    ("workflows", "from projections import runner"),
    ("projections", "import workflows.messages"),
    ("domain", "from cli.render import x"),
    ("engine", "from cli import render"),
    ("domain", "importlib.import_module('projections.runner')"),
])
def test_an_injected_upward_import_is_found_even_inside_a_function(
        tmp_path: Path, floor: str, statement: str) -> None:
    for name in ALLOWED:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text('"""A floor."""\n')
    (tmp_path / floor / "module.py").write_text(
        f"import importlib\n\n\ndef late() -> None:\n    if True:\n        {statement}\n")
    assert arrows_up(tmp_path) == [
        f"{floor}/module.py:6 {floor} imports {statement.split()[1].split('(')[0]}"
        if "import_module" not in statement
        else f"{floor}/module.py:6 {floor} imports projections.runner"]


def test_a_relative_import_is_resolved(tmp_path: Path) -> None:
    for name in ALLOWED:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / "projections" / "sub").mkdir()
    (tmp_path / "projections" / "sub" / "__init__.py").write_text("")
    (tmp_path / "projections" / "sub" / "m.py").write_text("from ...workflows import messages\n")
    assert arrows_up(tmp_path) == ["projections/sub/m.py:1 projections imports workflows"]
