"""docs/architecture.md cannot go stale silently: every code reference in it is checked.

A reference is written `` `path/to/module.py:123` `Symbol` `` (``Symbol`` as the module spells
it: ``Engine.act`` for a method, ``ACT_TYPES`` for a module-level name). It holds when the file
exists and ``Symbol`` — a ``def``, ``async def``, ``class`` or assigned name, qualified by its
classes — is defined at that line or within the ``SLACK`` lines after it (a decorator line
is fine). A ``path.py:line`` without its symbol is refused: nothing in the doc goes unchecked.

When code moves, the failure names each reference and where its symbol is now;
``python -m tests.test_architecture_doc --fix`` rewrites every moved reference to the symbol's
current line (a symbol that is gone or renamed must be fixed by hand).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
SLACK = 3
"""A reference may point up to this many lines above its definition (decorators)."""
REF = re.compile(r"`(?P<path>[\w./-]+\.py):(?P<line>\d+)`(?:[ \t]+|[ \t]*\n[ \t]*)"
                 r"`(?P<symbol>[A-Za-z_][\w.]*)`")
"""``path:line`` and its symbol, side by side (a line break between them is fine)."""
ANY_LINE_REF = re.compile(r"`[\w./-]+\.py:\d+`")


@dataclass(frozen=True)
class Reference:
    doc_line: int
    path: str
    line: int
    symbol: str
    span: tuple[int, int]  # of the ``line`` digits within the doc's text

    def __str__(self) -> str:
        return f"`{self.path}:{self.line}` `{self.symbol}`"


def references(text: str) -> list[Reference]:
    found = []
    for match in REF.finditer(text):
        found.append(Reference(doc_line=text.count("\n", 0, match.start()) + 1,
                               path=match["path"], line=int(match["line"]),
                               symbol=match["symbol"], span=match.span("line")))
    return found


def bare_references(text: str, name: str) -> list[str]:
    """``path.py:line`` written without the symbol it points at."""
    covered = {m.start() for m in REF.finditer(text)}
    return [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()}: give the symbol it "
            "points at (`path.py:line` `Symbol`)"
            for m in ANY_LINE_REF.finditer(text) if m.start() not in covered]


def _targets(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Tuple | ast.List):
        return [name for element in node.elts for name in _targets(element)]
    return []


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, list[int]]) -> None:
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.setdefault(prefix + node.name, []).append(node.lineno)
            if isinstance(node, ast.ClassDef):
                _collect(node.body, f"{prefix}{node.name}.", found)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _targets(target):
                    found.setdefault(prefix + name, []).append(node.lineno)
        elif isinstance(node, ast.AnnAssign):
            for name in _targets(node.target):
                found.setdefault(prefix + name, []).append(node.lineno)
        elif isinstance(node, ast.If | ast.For | ast.While | ast.With):
            _collect(node.body, prefix, found)
            _collect(node.orelse if not isinstance(node, ast.With) else [], prefix, found)
        elif isinstance(node, ast.Try):
            for part in (node.body, node.orelse, node.finalbody,
                         *(handler.body for handler in node.handlers)):
                _collect(part, prefix, found)


def definitions(path: Path) -> dict[str, list[int]]:
    """Every name defined in ``path`` (module level and in classes, qualified), with the
    lines that define it."""
    found: dict[str, list[int]] = {}
    _collect(ast.parse(path.read_text("utf-8"), filename=str(path)).body, "", found)
    return found


def check(ref: Reference, root: Path = ROOT) -> tuple[str | None, int | None]:
    """``(None, None)`` if ``ref`` holds; else what is wrong and, if the symbol merely moved,
    the line it is at now."""
    path = root / ref.path
    if not path.is_file():
        return f"{ref}: {ref.path} does not exist", None
    defined = definitions(path)
    lines = defined.get(ref.symbol)
    if not lines:
        last = ref.symbol.rsplit(".", 1)[-1]
        alike = sorted(n for n in defined if n.rsplit(".", 1)[-1] == last)
        hint = f" (defined there: {', '.join(alike)})" if alike else ""
        return f"{ref}: {ref.symbol} is not defined in {ref.path}{hint}: fix it by hand", None
    if any(ref.line <= line <= ref.line + SLACK for line in lines):
        return None, None
    now = min(lines, key=lambda line: abs(line - ref.line))
    return (f"{ref}: {ref.symbol} moved: it is now at {ref.path}:{now} — write "
            f"`{ref.path}:{now}`"), now


def problems(doc: Path = DOC, root: Path = ROOT) -> list[str]:
    text = doc.read_text("utf-8")
    found = [f"{doc.name}:{ref.doc_line}: {problem}" for ref in references(text)
             for problem, _ in [check(ref, root)] if problem]
    return found + bare_references(text, doc.name)


def fix(doc: Path = DOC, root: Path = ROOT) -> list[str]:
    """Rewrite every moved reference to its symbol's line; the problems left for a human."""
    text = doc.read_text("utf-8")
    left = []
    for ref in reversed(references(text)):  # from the end: spans stay valid
        problem, now = check(ref, root)
        if now is not None:
            text = text[:ref.span[0]] + str(now) + text[ref.span[1]:]
        elif problem:
            left.append(f"{doc.name}:{ref.doc_line}: {problem}")
    doc.write_text(text, "utf-8")
    return list(reversed(left)) + bare_references(text, doc.name)


# --- the doc ------------------------------------------------------------------------------------

def test_every_code_reference_of_the_architecture_doc_holds() -> None:
    found = problems()
    assert not found, ("docs/architecture.md is stale (python -m tests.test_architecture_doc "
                       "--fix moves references to where their symbol is now):\n"
                       + "\n".join(found))


def test_the_doc_follows_its_act_through_every_floor() -> None:
    """The end-to-end trace touches each floor, so a parser that finds nothing cannot pass."""
    paths = {ref.path.split("/")[0] for ref in references(DOC.read_text("utf-8"))}
    assert {"cli", "engine", "workflows", "domain", "projections"} <= paths


# --- the checker ----------------------------------------------------------------------------------

MODULE = '''"""A module."""

X: int = 1


class Door:
    @property
    def name(self) -> str:
        return "door"

    async def act(self) -> None:
        pass


def helper() -> None:
    pass
'''


def _doc(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pkg").mkdir(exist_ok=True)
    (tmp_path / "pkg" / "mod.py").write_text(MODULE)
    doc = tmp_path / "architecture.md"
    doc.write_text(body)
    return doc


def test_a_reference_at_its_definition_or_its_decorator_holds(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "`pkg/mod.py:3` `X`, `pkg/mod.py:7` `Door.name`, "
                         "`pkg/mod.py:11` `Door.act`, `pkg/mod.py:15`\n   `helper`\n")
    assert problems(doc, tmp_path) == []


def test_a_moved_symbol_is_named_with_its_new_line_and_fixed(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "intro\n\nthe door acts: `pkg/mod.py:4` `Door.act` and `pkg/mod.py:15` "
                         "`helper`\n")
    assert problems(doc, tmp_path) == [
        "architecture.md:3: `pkg/mod.py:4` `Door.act`: Door.act moved: it is now at "
        "pkg/mod.py:11 — write `pkg/mod.py:11`"]
    assert fix(doc, tmp_path) == []
    assert doc.read_text() == ("intro\n\nthe door acts: `pkg/mod.py:11` `Door.act` and "
                               "`pkg/mod.py:15` `helper`\n")
    assert problems(doc, tmp_path) == []


def test_a_missing_file_an_unknown_symbol_and_a_bare_line_fail(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "`pkg/gone.py:1` `X`\n`pkg/mod.py:11` `act`\nsee `pkg/mod.py:15`\n")
    assert problems(doc, tmp_path) == [
        "architecture.md:1: `pkg/gone.py:1` `X`: pkg/gone.py does not exist",
        "architecture.md:2: `pkg/mod.py:11` `act`: act is not defined in pkg/mod.py "
        "(defined there: Door.act): fix it by hand",
        "architecture.md:3: `pkg/mod.py:15`: give the symbol it points at "
        "(`path.py:line` `Symbol`)"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--fix"]:
        sys.exit("usage: python -m tests.test_architecture_doc --fix")
    remaining = fix()
    print("\n".join(remaining) or f"{DOC.relative_to(ROOT)}: every reference holds")
    sys.exit(1 if remaining else 0)
