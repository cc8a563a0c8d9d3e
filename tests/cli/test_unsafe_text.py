"""Unsafe text and odd money at the command line (docs/domain.md "Text fields", "Money";
docs/operations.md "Exports: CSV cells").

- an act with an odd amount or a control character is refused before anything is sent, naming
  the field and the rule;
- a record that holds an ESC or an RTL override (written before the rules) is printed escaped by
  ``audit history``, also as ``--json``, and never reaches the terminal raw;
- the CSV exports hold no cell a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cli.accounts import os_user
from domain.application import CHAIN_KEY_ENV
from domain.event_store_config import cases_from_env
from domain.models import AssetFinding, AssetKind
from domain.text import first_unsafe
from domain.values import recorded_facts
from projections.csv_cells import FORMULA_PREFIXES
from tests.cli.conftest import Enforce
from tests.support import CLERK, KEY, NUMBER, OFFICER, Driver

ESC_BASIS = "判决书\x1b[2J\x1b]0;pwned\x07第88号"
RTL_NOTE = "到账\u202eXOR\u202c 元"
FORMULAS = ["=HYPERLINK(\"http://evil.example/\",\"点此查看\")", "=2+5", "+1+1", "-1+1",
            "@SUM(1,2)", "\t=1+1"]


@pytest.fixture
def store(tmp_path: Path) -> Enforce:
    """A data directory whose record holds an ESC, an RTL override and would-be formulas."""
    data = tmp_path / "data"
    data.mkdir()
    env = {"ENFORCEMENT_DATA_DIR": str(data), CHAIN_KEY_ENV: KEY.hex()}
    app = cases_from_env(env)
    try:
        driver = Driver(app)
        with recorded_facts():  # as the engine accepted them before the rules
            driver.file(basis=ESC_BASIS)
            driver.send("RecordFundsReceived", date(2026, 1, 12), CLERK, amount="10.00",
                        received_on=date(2026, 1, 12), basis=RTL_NOTE)
        for n, formula in enumerate(FORMULAS, start=1):  # text the rules accept
            driver.send("RegisterAsset", date(2026, 1, 13), OFFICER, basis=formula,
                        found_on=date(2026, 1, 13),
                        asset=AssetFinding(asset_id=f"A{n}", kind=AssetKind.DEPOSIT,
                                           description=formula, value=Decimal("100.00")))
    finally:
        app.close()
    return Enforce(data, env={CHAIN_KEY_ENV: KEY.hex()})


@pytest.fixture
def clerk(offline: Enforce) -> Enforce:
    """``enforce`` with no engine running, as the OS user's clerk account (who acts is
    established before the act is read: docs/operations.md "Identity")."""
    added = offline("users", "add", "clerk-7", "--role", "clerk", "--os-user", os_user())
    assert added.code == 0, added.err
    return offline


def assert_nothing_raw(text: str) -> None:
    for line in text.splitlines():
        assert first_unsafe(line) is None, repr(line)


def test_audit_history_prints_a_recorded_escape_and_override_escaped(store: Enforce) -> None:
    history = store("audit", "history", NUMBER)
    assert history.code == 0, history.err
    assert_nothing_raw(history.out)
    assert "\\x1b[2J" in history.out and "\\u202e" in history.out
    as_json = store("audit", "history", NUMBER, "--json")
    assert as_json.code == 0, as_json.err
    assert_nothing_raw(as_json.out)
    basis = [e["basis"] for e in as_json.json()]
    assert basis[:2] == [ESC_BASIS, RTL_NOTE]  # the same value, escaped only in the text
    state = store("audit", "history", NUMBER, "--version", "3")
    assert state.code == 0, state.err
    assert_nothing_raw(state.out)


def test_csv_exports_hold_no_cell_a_spreadsheet_would_run(store: Enforce, tmp_path: Path
                                                           ) -> None:
    exported = store("audit", "export", "--to", tmp_path / "export")
    assert exported.code == 0, exported.err
    cells = []
    for path in sorted((tmp_path / "export").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as file:
            cells += [cell for row in csv.reader(file) for cell in row]
    assert cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for formula in FORMULAS:  # kept, visibly escaped
        assert "'" + formula in cells
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(("field", "value"), [
    ("amount", "1E+2"), ("amount", "100.000"), ("amount", "0.010"), ("amount", "１００"),
    ("amount", "١٠٠"), ("amount", "100_000"), ("amount", "+100")])
def test_an_act_with_an_odd_amount_is_refused_before_it_is_sent(clerk: Enforce, field: str,
                                                               value: str) -> None:
    refused = clerk("case", "do", NUMBER, "record_payment", "--field", f"{field}={value}")
    assert refused.code == 2
    assert refused.error.startswith("error: invalid record_payment: amount: amount ")
    assert '[docs/domain.md "Money"]' in refused.error
    assert not (clerk.data / "events.sqlite").exists()  # nothing was recorded anywhere


def test_an_act_given_a_float_amount_in_json_is_refused(clerk: Enforce) -> None:
    refused = clerk("case", "do", NUMBER, "record_payment", "--json",
                      json.dumps({"amount": 100.5}))
    assert refused.code == 2 and "floating-point" in refused.error


@pytest.mark.parametrize("bad", ["\x1b[2J", "\x00", "\u202e", "\u2066", "\x7f", "\u200b"])
def test_an_act_with_unsafe_text_is_refused_naming_the_field(clerk: Enforce, bad: str) -> None:
    refused = clerk("case", "do", NUMBER, "submit_lead", "--json",  # JSON: NUL is no argument
                      json.dumps({"lead_id": "L1", "description": f"线索{bad}"}))
    assert refused.code == 2
    assert refused.error.startswith(f"error: invalid submit_lead: description: U+{ord(bad[0]):04X}")
    assert '[docs/domain.md "Text fields"]' in refused.error
    assert_nothing_raw(refused.err)
    note = clerk("case", "do", NUMBER, "record_payment", "--json",
                   json.dumps({"amount": "1.00", "note": f"备注{bad}"}))
    assert note.code == 2 and note.error.startswith("error: invalid record_payment: note: ")
