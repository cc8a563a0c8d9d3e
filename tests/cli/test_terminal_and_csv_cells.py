"""The pieces under the CLI's output: the safe console and CSV cells (docs/operations.md
"Terminal output", "Exports: CSV cells")."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from rich.table import Table

from cli.terminal import SafeConsole, safe_cell
from domain.text import first_unsafe
from projections.csv_cells import csv_cell, csv_row

RAW = "判决书\x1b[2J\x1b]0;pwned\x07\u202eXOR\u2066\x00\x9b31m"


def rendered(*objects: object, terminal: bool) -> str:
    buffer = io.StringIO()
    console = SafeConsole(file=buffer, width=120, force_terminal=terminal, highlight=False,
                          soft_wrap=True, markup=False)
    console.print(*objects)
    return buffer.getvalue()


@pytest.mark.parametrize("terminal", [False, True])
def test_the_safe_console_escapes_lines_and_table_cells(terminal: bool) -> None:
    table = Table(title=f"case {RAW}")
    table.add_column("basis")
    table.add_row(safe_cell(RAW))
    table.add_row(RAW)  # a cell not made by safe_cell: escaped after the layout
    text = rendered(f"note: {RAW}", table, terminal=terminal)
    assert "\\x1b[2J" in text and "\\u202e" in text and "\\x00" in text and "\\x9b" in text
    for bad in ("\x1b[2J", "\x1b]0", "\x07", "\u202e", "\u2066", "\x00", "\x9b"):
        assert bad not in text
    if not terminal:
        assert all(first_unsafe(line) is None for line in text.splitlines())


@pytest.mark.parametrize(("value", "written"), [
    ("=HYPERLINK(\"http://evil.example\",\"x\")", "'=HYPERLINK(\"http://evil.example\",\"x\")"),
    ("=2+5", "'=2+5"), ("+1", "'+1"), ("-1+1", "'-1+1"), ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), (-3, "'-3"),
    ("张三", "张三"), ("a=b", "a=b"), (12, 12), ("100.00", "100.00"), (None, "")])
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(value: object,
                                                            written: object) -> None:
    assert csv_cell(value) == written


def test_a_written_row_reads_back_with_no_formula_cell() -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(["=2+5", "@x", "+1", "-1", "\t=1", "ok", 5, None]))
    (row,) = csv.reader(io.StringIO(buffer.getvalue()))
    assert not [cell for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert row[-3:] == ["ok", "5", ""]


def test_the_termination_audit_csv_on_stdout_is_neutralised_and_escaped(
        capsys: pytest.CaptureFixture[str]) -> None:
    from cli.auditors import write_audit_csv
    from projections.audit import AuditClass
    from projections.audit_view import AuditedTermination
    from projections.facts import Finding

    audited = AuditedTermination(
        case_number="(2018)甘0402执16号", kind="执", court="甘0402", officer="=2+5",
        imported=True, filed_on=None, ruled_on=date(2018, 9, 1), via="ruling",
        ruling_number="@SUM(1)", audit_class=AuditClass.NON_COMPLIANT, label="-不合规",
        findings=[Finding(category="procedural", code="x", subject="\u202e",
                          message="\x1b[2J清屏", source="终本规定")])
    write_audit_csv([audited])
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\u202e" not in printed and "\\x1b[2J" in printed
    rows = list(csv.reader(io.StringIO(printed)))
    assert not [c for row in rows for c in row if c.startswith(("=", "+", "-", "@", "\t"))]
    assert "'=2+5" in rows[1] and "'@SUM(1)" in rows[1] and "'-不合规" in rows[1]
