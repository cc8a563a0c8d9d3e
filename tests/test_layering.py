"""The floors of docs/architecture.md hold: no import goes up a floor or across the middle one.

``worker.py``, ``cli`` (and tests, benchmarks, scripts) → ``engine`` → ``workflows`` | ``projections``
→ ``domain``. Every import counts — at module level, inside a function, under ``TYPE_CHECKING``,
relative, or a constant ``importlib.import_module("…")`` — because each is an arrow a maintainer
has to follow.
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
OURS = frozenset({*ALLOWED, "cli", "worker", "bench", "scripts", "tests", "examples"})


def _module_of(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``, relative ones resolved."""
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


def test_no_import_goes_up_a_floor_or_between_workflows_and_projections() -> None:
    assert arrows_up(ROOT) == []


def test_every_package_of_ours_sits_on_a_floor() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages - {"cli", "tests"} == set(ALLOWED)


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
