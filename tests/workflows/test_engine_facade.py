"""The Engine facade in-process (time-skipping server): our models out, our typed errors for
every refusal Temporal carries, and the records side over the event store and read models.
(tests/engine/ drives the documented API from a fresh process against the dev server.)"""

from __future__ import annotations

import inspect
import json
import typing
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError

from domain.errors import (
    CaseAlreadyFiledError,
    InvalidInputError,
    NotPermittedError,
    RuleViolationError,
    UnknownCaseError,
)
from domain.values import Role
from engine.errors import CaseImportedError, EngineUnavailableError
from engine.facade import Engine, FiledCase
from projections.read_store import SQLiteReadModelStore
from tests.principals import TEST_HOST, HarnessEngine
from tests.projections.legacy import NOW, LegacyCase
from tests.support import CLERK, PRESIDENT
from tests.workflows.conftest import Rig
from tests.workflows.dockets import nothing_found, paid_in_full
from workflows.acts import RecordPayment
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.messages import CaseInput, case_workflow_id

PUBLIC = ("connect", "close", "file", "file_case", "act", "notify", "status", "result", "exists",
          "list_cases", "case", "state", "history", "verify", "verify_all", "verify_heads",
          "case_numbers", "export_anchors", "check_anchors", "adopt_anchors",
          "refresh_read_models", "rebuild_read_models", "termination_audit", "audit_summary",
          "metrics_period", "metrics", "deadlines", "export", "stuck_cases", "stuck_case",
          "repair")
"""The facade's documented methods (README, "Embedding")."""


def modules_of(hint: Any) -> set[str]:
    """Top-level packages of every class a type hint mentions (bases included)."""
    found = set()
    for arg in typing.get_args(hint):
        found |= modules_of(arg)
    origin = typing.get_origin(hint) or hint
    if inspect.isclass(origin):
        found |= {base.__module__.split(".")[0] for base in origin.__mro__}
    return found


def test_the_documented_api_shows_no_temporal_or_eventsourcing_type() -> None:
    for name in PUBLIC:
        method = getattr(Engine, name)
        assert inspect.iscoroutinefunction(method), name
        hints = typing.get_type_hints(method)
        seen = set().union(*(modules_of(h) for h in hints.values()))
        assert not seen & {"temporalio", "eventsourcing"}, (name, seen)


def records_engine(rig: Rig, tmp_path: Path) -> Engine:
    """The rig's engine with the records side on the rig's store and a read-model file."""
    return HarnessEngine(rig.engine.client, rig.engine.task_queue, cases=rig.app,
                  views=SQLiteReadModelStore(tmp_path / "views.sqlite"))


async def test_file_answers_the_filed_case_and_refuses_a_second_filing(rig: Rig) -> None:
    case = paid_in_full()
    rig.world.add(case)
    await rig.morning()
    filed = await rig.engine.file_case(case)
    assert isinstance(filed, FiledCase)
    assert (filed.case_number, filed.workflow_id, filed.priority) == (
        case.case_number, f"case:{case.case_number}", 1)
    assert filed.status.stage == "procedure" and filed.status.outstanding == Decimal("38000.00")
    assert rig.app.get_case(case.case_number).version >= 1  # in the event store already

    with pytest.raises(CaseAlreadyFiledError) as twice:
        await rig.engine.file(case.case_number, case.filing())
    assert twice.value.code == "case.already_filed"
    assert twice.value.message.startswith(f"case {case.case_number} is already filed: ")
    await rig.engine.handle(case.case_number).terminate("test over")


async def test_a_refused_filing_raises_the_rule_and_malformed_filings_name_the_field(
        rig: Rig) -> None:
    await rig.morning()
    with pytest.raises(RuleViolationError) as resumed:
        await rig.engine.file("(2026)甘0402执恢151号", paid_in_full().filing())
    assert resumed.value.code == "filing.resumed_number"
    assert resumed.value.source

    with pytest.raises(InvalidInputError) as malformed:
        await rig.engine.file("(2026)甘0402执152号", {"category": "loan", "claim": {
            "principal": "-1"}})
    message = malformed.value.message
    assert "claim.principal" in message and "applicants" in message and "basis" in message
    with pytest.raises(InvalidInputError) as number:
        await rig.engine.file("2026-152", paid_in_full().filing())
    assert "case_number" in number.value.message


async def test_acts_on_unknown_and_closed_cases_raise_typed_errors(rig: Rig) -> None:
    with pytest.raises(UnknownCaseError) as unknown:
        await rig.engine.act("(2026)甘0402执999号", RecordPayment(actor=CLERK,
                                                                 amount=Decimal("1.00")))
    assert unknown.value.code == "case.unknown"
    with pytest.raises(UnknownCaseError):
        await rig.engine.status("(2026)甘0402执999号")
    assert not await rig.engine.exists("(2026)甘0402执999号")

    case = paid_in_full()
    outcome = await rig.run(case)
    assert outcome.closure_mode == "concluded"
    with pytest.raises(RuleViolationError) as closed:
        await rig.engine.act(case.case_number, {"kind": "record_payment", "amount": "5.00",
                                                "actor": {"id": "clerk-1", "role": "clerk"}})
    assert closed.value.code == "case.closed"
    assert "concluded" in closed.value.message
    assert (await rig.engine.result(case.case_number)).closure_mode == "concluded"


async def test_an_imported_case_answers_case_imported_to_acts_and_queries(
        rig: Rig, tmp_path: Path) -> None:
    """A number held by an imported legacy history has no workflow: an act, an act's key or a
    status query answers ``case.imported`` (a subclass of UnknownCaseError), not
    ``case.unknown`` (docs/legacy-format.md § Live cases; the CLI: tests/cli/test_operators.py)."""
    engine = records_engine(rig, tmp_path)
    number = "(2019)甘0402执77号"
    lines = LegacyCase(number, date(2019, 3, 1)).notice().report().lines
    rig.app.import_legacy([json.dumps(x, ensure_ascii=False) for x in lines], NOW)
    for attempt in (engine.act(number, RecordPayment(actor=CLERK, amount=Decimal("1.00"))),
                    engine.status(number), engine.act_status(number, "receipt-1")):
        with pytest.raises(CaseImportedError) as imported:
            await attempt
        assert (imported.value.code, imported.value.source) == (
            "case.imported", "docs/legacy-format.md § Live cases")
        assert isinstance(imported.value, UnknownCaseError)
    with pytest.raises(UnknownCaseError) as unknown:
        await engine.status("(2019)甘0402执78号")
    assert unknown.value.code == "case.unknown"
    [listed] = await engine.list_cases()
    assert (listed.case_number, listed.imported) == (number, True)
    await engine.close()


async def test_a_status_no_worker_answers_is_engine_no_worker(rig: Rig) -> None:
    """A case whose task queue no worker serves: ``status`` gives up after ``wait`` seconds
    with ``engine.no_worker`` naming the queue (the CLI's ``case show`` answers the same)."""
    await rig.morning()
    nobody = Engine(rig.engine.client, "no-worker-serves-this")
    case = paid_in_full()
    await nobody.start(case.case_number, case.filing())
    with pytest.raises(EngineUnavailableError) as waited:
        await nobody.status(case.case_number, wait=1.0)
    assert waited.value.code == "engine.no_worker"
    assert "'no-worker-serves-this'" in waited.value.message
    await nobody.handle(case.case_number).terminate("test over")


async def test_the_records_side_lists_replays_verifies_and_audits(rig: Rig,
                                                                  tmp_path: Path) -> None:
    engine = records_engine(rig, tmp_path)
    paid, quiet = paid_in_full(), nothing_found()
    await rig.run(paid)
    handle = await rig.file(quiet)
    await rig.env.sleep(timedelta(days=120))  # 终本 ruled on day 100
    assert (await engine.status(quiet.case_number)).stage == "monitoring"

    listed = await engine.list_cases()
    assert [c.case_number for c in listed] == [paid.case_number, quiet.case_number]
    assert [c.case_number for c in await engine.list_cases(phase="terminated")] == [
        quiet.case_number]
    assert [c.case_number for c in await engine.list_cases(category=["wages", "support"])] == [
        paid.case_number]
    assert listed[0].closure_mode == "concluded" and listed[0].closure_deadline is None
    assert listed[1].priority == 2 and listed[1].outstanding == Decimal("50000.00")

    filed_on = rig.filed_on(paid.case_number)
    early = await engine.history(paid.case_number, on=filed_on)
    assert early.state.phase.value in ("inquiry", "control", "notice")
    assert [e.event for e in early.events][:2] == ["CaseFiled", "NoticeIssued"]
    now = await engine.history(paid.case_number)
    assert now.state.closure_mode is not None and now.events[-1].event == "CaseConcluded"
    assert (await engine.history(paid.case_number, version=1)).state.version == 1
    with pytest.raises(InvalidInputError):
        await engine.history(paid.case_number, on=filed_on, version=1)

    assert (await engine.verify(paid.case_number)).ok
    assert (await engine.verify_all()).cases == 2
    [audited] = await engine.termination_audit()
    assert (audited.case_number, audited.label) == (quiet.case_number, "合规")
    assert await engine.audit_summary() == {"合规": 1, "不合规": 0, "待完善": 0, "误报结": 0}
    assert await engine.termination_audit(classes=["不合规"]) == []
    last = rig.filed_on(quiet.case_number) + timedelta(days=400)  # the server's clock may
    [metrics] = await engine.metrics(filed_on, last)  # have run on between the two cases
    assert metrics.rates()["终本率"] == Decimal("50.0")
    written = await engine.export(tmp_path / "export", fmt="json", read_model="termination_audit")
    assert sum(written.values()) >= 1
    with pytest.raises(InvalidInputError):
        await engine.termination_audit(classes=["perfect"])
    await handle.terminate("test over")
    await engine.close()


# --- identity: the host system vouches (docs/operations.md "Identity") -------------------------

async def test_an_act_without_a_principal_or_host_or_as_the_system_is_refused(rig: Rig) -> None:
    case = paid_in_full()
    rig.world.add(case)
    await rig.morning()
    await rig.engine.file_case(case)
    number = case.case_number
    before = rig.app.get_case(number).version
    plain = Engine(rig.engine.client, rig.engine.task_queue, host=TEST_HOST)
    with pytest.raises(NotPermittedError) as nobody:
        await plain.act(number, RecordPayment(actor=PRESIDENT, amount=Decimal("1.00")))
    assert (nobody.value.code, nobody.value.source) == ("identity.required",
                                                        "docs/operations.md (Identity)")
    with pytest.raises(NotPermittedError) as unsigned:
        await plain.notify(number, {"kind": "record_payment", "amount": "1.00"})
    assert unsigned.value.code == "identity.required"
    with pytest.raises(NotPermittedError) as hostless:
        await Engine(rig.engine.client, rig.engine.task_queue).act(
            number, RecordPayment(actor=CLERK, amount=Decimal("1.00")),
            principal=TEST_HOST.vouch("clerk-1", "clerk"))
    assert hostless.value.code == "identity.no_host"
    with pytest.raises(NotPermittedError) as system:
        await plain.act(number, RecordPayment(actor=CLERK, amount=Decimal("1.00")),
                        principal=TEST_HOST.vouch("workflow", Role.SYSTEM))
    assert system.value.code == "identity.system_reserved"
    with pytest.raises(NotPermittedError):
        await plain.file("(2026)甘0402执153号", paid_in_full().filing())
    assert rig.app.get_case(number).version == before
    await rig.engine.handle(number).terminate("test over")


async def test_the_recorded_actor_is_the_principal_not_the_acts_claim(rig: Rig) -> None:
    case = paid_in_full()
    rig.world.add(case)
    await rig.morning()
    plain = Engine(rig.engine.client, rig.engine.task_queue, host=TEST_HOST)
    clerk = TEST_HOST.vouch("clerk-5", "clerk")
    await plain.file_case(case, principal=clerk)
    number = case.case_number
    result = await plain.act(number, {"kind": "record_payment", "amount": "1.00",
                                      "actor": {"id": "president-1", "role": "president"}},
                             principal=clerk)
    assert result.events == ("FundsReceived",)
    first, last = rig.app.case_events(number)[0], rig.app.case_events(number)[-1]
    assert (first.actor, last.actor) == (clerk.actor, clerk.actor)
    record = await plain.act_status(number, result.request_id or "")
    assert record is not None and record.actor == clerk.actor
    assert record.vouched_by == "test-harness"  # the host that vouched, from the header
    await rig.engine.handle(number).terminate("test over")


async def test_a_case_started_without_a_signed_filing_fails_and_records_nothing(
        rig: Rig) -> None:
    case = paid_in_full()
    await rig.morning()
    number = case.case_number
    filing = case.filing().model_copy(update={"actor": PRESIDENT})  # a claim: nobody vouches
    handle = await rig.env.client.start_workflow(  # Temporal's own client, no header
        EnforcementCaseWorkflow.run, CaseInput(case_number=number, filing=filing,
                                               category=filing.category),
        id=case_workflow_id(number), task_queue=rig.engine.task_queue)
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "identity.required"
    with pytest.raises(UnknownCaseError):
        rig.app.get_case(number)  # nothing filed
