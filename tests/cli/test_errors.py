"""The CLI is a thin skin over the Engine facade: one function (``cli.errors.refusal``) turns
every refusal into its line and exit code (README "The CLI": 1 refused or failed, 2 bad input,
3 not yet confirmed); no CLI module talks to Temporal or opens the stores itself, no money goes
through ``float``, and ``enforce --help`` does not load Temporal's SDK."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from cli.errors import BAD_INPUT, REFUSED, UNCONFIRMED, refusal
from domain.errors import (
    ChainKeyError,
    EnforcementError,
    EngineBusyError,
    InvalidInputError,
    NotPermittedError,
    RuleViolationError,
    UnknownCaseError,
)
from engine.errors import (
    ActNotConfirmedError,
    CaseImportedError,
    CaseStuckError,
    EngineUnavailableError,
)
from engine.records import EngineConfigurationError
from workflows.principals import IdentityError

CLI = Path(__file__).resolve().parents[2] / "cli"
NUMBER = "(2026)甘0402执801号"

CASES: list[tuple[EnforcementError, int]] = [
    (RuleViolationError("case.closed", f"{NUMBER} is closed", "执行工作规定 art.64"), REFUSED),
    (UnknownCaseError(NUMBER), REFUSED),
    (CaseImportedError(NUMBER), REFUSED),
    (InvalidInputError("input.invalid", "invalid act: amount: …", "docs/workflows.md"),
     BAD_INPUT),
    (EngineBusyError("engine.busy", f"case {NUMBER} stayed busy", "docs/operations.md"),
     REFUSED),
    (EngineUnavailableError("engine.unavailable", "cannot reach Temporal", "engine"), REFUSED),
    (EngineUnavailableError("engine.no_worker", "no worker filed it", "engine"), REFUSED),
    (ActNotConfirmedError(NUMBER, "record_payment", "receipt-1", 30.0), UNCONFIRMED),
    (CaseStuckError(NUMBER, "a bug", 3, "docs/operations.md (Stuck cases)"), REFUSED),
    (NotPermittedError("role.not_permitted", "auditors do not act", "docs/rules.md"), REFUSED),
    (IdentityError("identity.claim_refused", "--actor: not claimed"), REFUSED),
    (EngineConfigurationError("config.invalid", "TEMPORAL_TLS_CERT without its key",
                              "docs/operations.md"), BAD_INPUT),
    (EngineConfigurationError("store.missing", "no event store", "README (Stores)"), REFUSED),
    (ChainKeyError("chain.key_missing", "no chain key", "docs/operations.md"), REFUSED),
]


@pytest.mark.parametrize(("error", "code"), CASES, ids=[e.code for e, _ in CASES])
def test_every_refusal_is_one_line_with_its_documented_exit_code(error: EnforcementError,
                                                                 code: int) -> None:
    line, exit_code = refusal(error)
    assert exit_code == code
    assert line == f"{error.code}: {error.message}" + (f" [{error.source}]" if error.source
                                                        else "")


def test_an_acts_refusal_names_the_act_and_the_case_but_not_a_missing_engine() -> None:
    closed = RuleViolationError("case.closed", "it is closed", "执行工作规定 art.64")
    assert refusal(closed, act="record_payment", case=NUMBER) == (
        f"record_payment refused for {NUMBER}: case.closed: it is closed [执行工作规定 art.64]",
        REFUSED)
    late = InvalidInputError("input.invalid", "paid_on is after the business date", "x")
    assert refusal(late, act="record_payment", case=NUMBER).line.startswith(
        f"record_payment invalid for {NUMBER}: input.invalid: ")
    for where in (UnknownCaseError(NUMBER), CaseImportedError(NUMBER),
                  ActNotConfirmedError(NUMBER, "record_payment", "k-1", 30.0),
                  EngineUnavailableError("engine.unavailable", "down", "engine")):
        assert refusal(where, act="record_payment", case=NUMBER) == refusal(where)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return found


STORES = ("domain.application", "domain.event_store_config.cases_from_env",
          "domain.event_store_config.cases_without_cipher", "projections.read_store_config",
          "projections.runner", "projections.audit_view.termination_audit",
          "projections.audit_view.audit_summary", "projections.auditor.export_",
          "projections.auditor.state_as_of", "projections.auditor.verify_store",
          "projections.metrics.quality_metrics", "projections.watch.deadline_watch",
          "domain.anchor_export.export_anchors", "domain.anchor_export.verify_against",
          "domain.keys.load_anchor_key")
"""What opens or reads the stores beside the facade."""
OWN_STORES = {"everyone.py": {"domain.event_store_config.cases_from_env"}}
"""``enforce import`` writes legacy histories into the event store itself (no facade method
imports; docs/legacy-format.md)."""


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_no_cli_module_talks_to_temporal_or_opens_the_stores(path: Path) -> None:
    imported = imports_of(path)
    assert not {m for m in imported if m.split(".")[0] == "temporalio"}, path.name
    direct = {m for m in imported if m.startswith(STORES)} - OWN_STORES.get(path.name, set())
    assert not direct, (path.name, direct)


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_no_money_passes_through_float(path: Path) -> None:
    calls = [n.lineno for n in ast.walk(ast.parse(path.read_text("utf-8")))
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "float"]
    assert not calls, f"{path.name}: float() at line(s) {calls}"


def test_the_cli_starts_without_temporals_sdk() -> None:
    done = subprocess.run([sys.executable, "-c", "import sys, cli; "
                           "print(sorted(m for m in sys.modules if m.startswith('temporalio')))"],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
