"""The checklists of docs/architecture.md, "Add an act" and "Add a command": each place a new
act or command must reach has a test here that fails naming what was forgotten.

Places checked elsewhere (referenced, not repeated): the permission table
(``domain/permissions.py`` asserts at import that ``ALLOWED`` names every command;
tests/domain/test_permission_matrix.py ``EXPECTED`` and tests/domain/minimal_commands.py
``FIELDS`` have a row per command), every event handled by the case facts or listed as ignored
(tests/projections/test_facts.py), the published docket schema (tests/workflows/test_boundaries.py),
every workflow and activity registered (tests/workflows/test_registry.py).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import TypeAdapter
from temporalio.exceptions import ApplicationError

from domain.commands import COMMANDS, Command, FileCase
from domain.decide import DECIDE, load_all
from domain.distribution import PlanCommand
from domain.events import CaseFiled
from domain.evolve import APPLY
from domain.legacy import EVENT_TYPES
from domain.suspense import SuspenseCommand
from domain.values import Actor, Role
from engine.errors import parse_act
from workflows import act_rules
from workflows import acts as a
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.context import CaseContext
from workflows.docket import ScheduledAct
from workflows.plan_messages import PLAN_ACT_COMMANDS

ROOT = Path(__file__).resolve().parent.parent
OFFICER = {"id": "officer-3", "role": "officer"}
KINDS = [t.model_fields["kind"].default for t in a.ACT_TYPES]
BY_KIND = dict(zip(KINDS, a.ACT_TYPES, strict=True))

# --- Add an act -----------------------------------------------------------------------------------

EXAMPLES: dict[str, dict[str, Any]] = {
    "record_payment": {"amount": "1000.00"},
    "submit_lead": {"lead_id": "L1", "description": "债务人在某银行有存款"},
    "verify_lead": {"lead_id": "L1"},
    "record_notice_service": {},
    "record_property_report": {"status": "filed"},
    "announce_auction": {"asset_id": "A1", "start_price": "70000.00", "deposit": "7000.00"},
    "record_bid": {"asset_id": "A1", "bidder": "B1", "amount": "70000.00",
                   "bid_at": "2026-04-01T10:00:00+08:00"},
    "record_auction_result": {"asset_id": "A1"},
    "record_buyer_default": {"asset_id": "A1"},
    "sell_asset": {"asset_id": "A1", "price": "50000.00", "buyer": "B1"},
    "transfer_in_lieu": {"asset_id": "A1"},
    "reach_settlement": {"amount": "5000.00", "due_on": "2026-06-01", "terms": "分期履行"},
    "record_settlement_payment": {"amount": "1000.00"},
    "record_settlement_default": {"choice": "resume"},
    "request_extension": {"approval_id": "AP1"},
    "restrict_consumption": {"approval_id": "AP1"},
    "list_dishonest": {"ground": "able_but_refuses", "approval_id": "AP1"},
    "order_measure": {"measure": {"type": "summons", "hours": 2}},
    "record_applicant_hearing": {"record": "申请执行人未提供财产线索"},
    "approve_termination": {"approval_mode": "applicant_signed"},
    "withdraw_application": {"reason": "申请执行人撤回申请"},
    "close_case": {"mode": "withdrawn_filing", "reason": "撤回立案"},
    "request_resumption": {"reason": "发现可供执行的财产"},
    "suspend_enforcement": {"reason": "objection"},
    "end_suspension": {},
    "request_approval": {"measure": "restriction"},
    "give_approval": {"approval_id": "AP1"},
    "refuse_approval": {"approval_id": "AP1", "reason": "理由不足"},
    # the application period (docs/rules.md §1.13)
    "raise_limitation_objection": {"grounds": "申请执行时效已过"},
    "rule_on_limitation_objection": {"upheld": False, "reason": "时效中断"},
    # doors to commands decided in the domain (docs/architecture.md)
    "assess_delay_interest": {},
    "record_search": {"findings": [{"asset_id": "A2", "kind": "movable", "description": "字画",
                                    "value": "20000.00"}]},
    "request_reward": {},
    "decide_reward": {"granted": True},
    "request_audit": {},
    "decide_audit": {"granted": False},
    "record_debtor_missing": {},
    "record_debtor_search": {"located": False},
    "record_obstruction": {"description": "被执行人阻碍执行人员进入住所"},
    "record_control_lapse": {"asset_id": "A1"},
    "adjust_living_allowance": {"asset_id": "W1", "allowance": "2500.00",
                                "panel_decision": "合议庭决定（2026）第3号"},
    "record_garnishee_remittance": {"asset_id": "W1", "amount": "5000.00"},
    "record_garnishee_stopped": {"asset_id": "W1", "reason": "被执行人已离职（用人单位函告）"},
    "pay_out": {"amount": "1000.00", "payee_kind": "applicant"},
    "claim_receipt": {"receipt_id": "R-2026-0001"},
    # objections, reviews, outsiders' claims (docs/rules.md §7)
    "record_objection": {"objector": "被执行人", "standing": "party", "act": "control",
                         "asset_id": "A1", "grounds": "冻结超标的"},
    "record_outsider_claim": {"claimant": "案外人张某", "asset_id": "A1", "grounds": "房屋系其所有"},
    "order_objection_stay": {"objection_id": "OB-1", "reason": "案外人提供担保"},
    "rule_on_objection": {"objection_id": "OB-1", "outcome": "rejected"},
    "record_objection_service": {"objection_id": "OB-1"},
    "apply_for_review": {"objection_id": "OB-1", "applicant": "被执行人"},
    "record_review_decision": {"objection_id": "OB-1", "outcome": "maintained"},
    "record_objection_suit": {"objection_id": "OB-1"},
    "record_suit_judgment": {"objection_id": "OB-1", "judgment": "enforcement_allowed"},
    # security, postponement, 拒执罪 referral (docs/rules.md §§8, 9)
    "record_security": {"security_id": "S1", "form": "property", "provider": "debtor",
                        "amount": "10000.00", "secured_property": "轿车 甘D·12345",
                        "applicant_consents": True},
    "postpone_enforcement": {"security_ids": ["S1"], "months": 6},
    "record_security_breach": {"security_id": "S1", "description": "担保车辆被出售"},
    "end_postponement": {},
    "rule_against_security": {"security_id": "S1"},
    "collect_from_security": {"security_id": "S1", "amount": "10000.00"},
    "find_refusal_to_enforce": {"conduct": "拒不申报财产, 转移车辆"},
    "refer_refusal_to_enforce": {"referral_id": "R1", "route": "court_transfer",
                                 "subject": "被执行人", "facts": "拒不申报财产, 转移车辆"},
    "record_referral_outcome": {"referral_id": "R1", "outcome": "accepted"},
}
"""A minimal valid payload of every act (without ``kind`` and ``actor``): a new act adds one."""

THROUGH_THE_WORKFLOW: dict[str, str] = {
    "request_resumption": "ResumeEnforcement and the new 执恢 case's own workflow "
                          "(workflows/termination.py resume), not a plain command",
}
"""Acts that ``act_rules._apply_any`` hands to workflow code instead of ``act_rules.build``."""

FUTURE_DATES = frozenset({"due_on", "opens_at", "closes_at", "until"})
"""Act dates that may lie after the business date (a settlement's due date, an auction round's
times, a postponement's last day); every other date of an act is checked against it
(``act_rules.DATE_FIELDS``)."""


def example(kind: str) -> dict[str, Any]:
    return {"kind": kind, "actor": OFFICER, **EXAMPLES[kind]}


def _names(classes: typing.Iterable[type]) -> list[str]:
    return sorted(cls.__name__ for cls in classes)


def test_every_act_is_in_act_types_and_the_act_union_once() -> None:
    union = set(typing.get_args(typing.get_args(a.Act)[0]))
    defined = {cls for _, cls in inspect.getmembers(a, inspect.isclass)
               if issubclass(cls, a.ActBase) and cls is not a.ActBase}
    listed = set(a.ACT_TYPES)
    assert len(listed) == len(a.ACT_TYPES), "an act is twice in workflows/acts.py ACT_TYPES"
    assert len(set(KINDS)) == len(KINDS), "two acts share a kind"
    assert not defined - listed, f"workflows/acts.py ACT_TYPES lacks {_names(defined - listed)}"
    assert not defined - union, f"workflows/acts.py Act (the union) lacks {_names(defined - union)}"
    assert union == listed == defined


def test_every_act_is_an_update_of_the_case_workflow_with_its_validator() -> None:
    definition = EnforcementCaseWorkflow.__temporal_workflow_definition  # type: ignore[attr-defined]
    updates = definition.updates
    missing = sorted(set(KINDS) - set(updates))
    assert not missing, f"workflows/case_doors.py has no update for the acts {missing}"
    extra = sorted(set(updates) - set(KINDS))
    assert not extra, f"updates of the case workflow that are no act of ACT_TYPES: {extra}"
    for kind, update in updates.items():
        assert update.arg_types == [BY_KIND[kind]], f"update {kind} takes {update.arg_types}"
        assert update.validator is not None, \
            f"update {kind} has no validator (workflows/case_doors.py: @{kind}.validator)"
    [signalled] = definition.signals["act"].arg_types  # the Act union (Annotated stripped)
    assert set(typing.get_args(signalled)) == set(a.ACT_TYPES)


def test_every_act_has_an_example_here() -> None:
    missing, stale = sorted(set(KINDS) - set(EXAMPLES)), sorted(set(EXAMPLES) - set(KINDS))
    assert not missing and not stale, \
        f"tests/test_checklists.py EXAMPLES: add {missing}, remove {stale}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_facade_the_cli_and_the_docket_take_every_act(kind: str) -> None:
    from cli.acts import ACTS, act_payload

    act_type = BY_KIND[kind]
    assert type(parse_act(example(kind))) is act_type  # Engine.act's JSON entry
    assert type(TypeAdapter(a.Act).validate_python(example(kind))) is act_type  # the signal
    assert ACTS.get(kind) is act_type, f"enforce case do does not know {kind}"
    body = act_payload(kind, [], json.dumps(EXAMPLES[kind]), Actor(id="officer-3",
                                                                   role=Role.OFFICER), None, None)
    assert type(body) is act_type
    scheduled = ScheduledAct.model_validate({"day": 10, "act": example(kind)})
    assert type(scheduled.act) is act_type  # a docket's world may schedule it


class _Case:
    """The little of a CaseContext that translating an act consults (an unfiled view)."""

    case_number = "(2026)甘0402执801号"
    view = None
    NOW = datetime.fromisoformat("2026-04-01T15:00:00+08:00")

    def now(self) -> datetime:
        return self.NOW

    def today(self) -> date:
        return self.NOW.date()

    def at(self, day: date, hour: int | None = None) -> datetime:
        return datetime.combine(day, self.NOW.timetz()).replace(hour=hour or 9)

    def envelope(self, step: str, actor: Actor, basis: str | None = None) -> dict[str, Any]:
        return {"case_number": self.case_number, "command_id": f"case:x/{step}", "actor": actor,
                "recorded_at": self.NOW, "basis": basis}


def _names_in(function: str) -> set[str]:
    """The acts (``a.<Name>``) named in a function of workflows/act_rules.py."""
    tree = ast.parse(Path(act_rules.__file__).read_text("utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.AsyncFunctionDef | ast.FunctionDef)
                and n.name == function)
    return {n.attr for n in ast.walk(body) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "a"}


@pytest.mark.parametrize("kind", KINDS)
def test_every_act_translates_into_domain_commands(kind: str) -> None:
    act = BY_KIND[kind].model_validate(example(kind))
    if kind in THROUGH_THE_WORKFLOW:
        assert BY_KIND[kind].__name__ in _names_in("_apply_any")
        return
    try:
        commands = act_rules.build(cast(CaseContext, _Case()), act, "test")
    except ApplicationError as refused:
        pytest.fail(f"{kind} is not translated into commands: add it to workflows/act_rules.py "
                    f"BUILDERS or _simple ({refused})")
    assert commands, f"{kind} builds no command (workflows/act_rules.py BUILDERS or _simple)"
    assert all(isinstance(cmd, Command) for cmd in commands)


@pytest.mark.parametrize("kind", KINDS)
def test_every_date_of_an_act_is_checked_against_the_business_date(kind: str) -> None:
    dated = {name for name, field in BY_KIND[kind].model_fields.items()
             if any(t in (date, datetime) for t in (field.annotation,
                                                    *typing.get_args(field.annotation)))}
    unchecked = dated - set(act_rules.DATE_FIELDS) - FUTURE_DATES
    assert not unchecked, f"{kind}: add {sorted(unchecked)} to workflows/act_rules.py DATE_FIELDS"


def test_every_act_is_in_the_operator_table_of_docs_workflows_md() -> None:
    text = (ROOT / "docs" / "workflows.md").read_text("utf-8")
    table = text[text.index("| update | fields | command(s) |"):]
    table = table[:table.index("\n\n")]
    rows = re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)
    assert sorted(rows) == sorted(KINDS), \
        f"docs/workflows.md update table: missing {sorted(set(KINDS) - set(rows))}, " \
        f"stale {sorted(set(rows) - set(KINDS))}"


# --- Add a command ------------------------------------------------------------------------------

NO_DOOR: dict[str, str] = {
    "AdvanceQueue": "a queued seizure (轮候查封, 查封规定 art.26) taking effect: no live control "
                    "is ever queued (workflows/control.py controls with queue_position 0 and no "
                    "port reports another court's senior seizure), so a live case holds nothing "
                    "to advance; queued controls arrive only by the legacy import",
}
"""Commands the aggregate decides (domain tests, docs/rules.md) that no act and no workflow step
sends yet: their events reach a store only through the legacy import (docs/legacy-format.md).
A new command belongs here only with its reason; one that gains a door must leave."""


def _command_calls(path: Path) -> set[str]:
    """The domain commands constructed in ``path`` (``c.X(...)`` or ``X(...)`` as imported)."""
    tree = ast.parse(path.read_text("utf-8"))
    modules: set[str] = set()
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "domain":
            modules |= {x.asname or x.name for x in node.names if x.name == "commands"}
        elif isinstance(node, ast.ImportFrom) and node.module == "domain.commands":
            names |= {x.asname or x.name: x.name for x in node.names if x.name in COMMANDS}
        elif isinstance(node, ast.Import):
            modules |= {x.asname or x.name for x in node.names if x.name == "domain.commands"}
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in names:
            found.add(names[func.id])
        elif isinstance(func, ast.Attribute) and func.attr in COMMANDS \
                and ast.unparse(func.value) in modules:
            found.add(func.attr)
    return found


def senders() -> dict[str, set[str]]:
    """Each command constructed in the workflows floor, with the modules that construct it:
    ``workflows/act_rules.py`` for an act, another module for a workflow step."""
    sent: dict[str, set[str]] = {}
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for name in _command_calls(path):
            sent.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return sent


def test_every_command_is_sent_by_an_act_or_a_workflow_step_or_has_no_door_yet() -> None:
    sent = senders()
    nowhere = sorted(set(COMMANDS) - set(sent) - set(NO_DOOR))
    assert not nowhere, (f"commands no act (workflows/act_rules.py) and no workflow step "
                         f"sends: {nowhere}; wire each, or list it in NO_DOOR with its reason")
    stale = sorted(set(NO_DOOR) & set(sent))
    assert not stale, f"NO_DOOR lists commands that are sent now: {stale}"
    assert set(NO_DOOR) <= set(COMMANDS), sorted(set(NO_DOOR) - set(COMMANDS))


IMPORTED_AS: dict[str, str] = {"AdvanceQueue": "QueueAdvanced"}
"""The event each ``NO_DOOR`` command decides, through which the legacy import reaches it."""


def test_a_command_with_no_door_is_reached_by_the_legacy_import() -> None:
    assert set(IMPORTED_AS) == set(NO_DOOR)
    missing = sorted(e for e in IMPORTED_AS.values() if e not in EVENT_TYPES)
    assert not missing, f"the legacy import (domain/legacy.py) takes no {missing}"


def _plan_commands_sent() -> set[str]:
    """The plan commands the distribution plan's workflow sends: the operator acts' commands
    (``PLAN_ACT_COMMANDS``) and each ``plan_command("X", …)`` step of workflows/distribution.py."""
    tree = ast.parse((ROOT / "workflows" / "distribution.py").read_text("utf-8"))
    steps = {node.args[0].value for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr == "plan_command" and node.args
             and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}
    return steps | set(PLAN_ACT_COMMANDS.values())


def _subclasses(base: type) -> set[str]:
    found: set[str] = set()
    for sub in base.__subclasses__():
        found |= {sub.__name__} | _subclasses(sub)
    return found


def test_every_plan_command_is_sent_by_the_plan_workflow_or_a_plan_act() -> None:
    plan = _subclasses(PlanCommand)
    assert plan, "no plan commands found: the scan is broken"
    nowhere = sorted(plan - _plan_commands_sent())
    assert not nowhere, f"plan commands no act and no step of the plan's workflow sends: {nowhere}"
    unknown = sorted(_plan_commands_sent() - plan)
    assert not unknown, f"the plan's workflow sends commands that do not exist: {unknown}"


def test_every_suspense_command_has_a_door_of_the_engine() -> None:
    suspense = _subclasses(SuspenseCommand)
    tree = ast.parse((ROOT / "engine" / "suspense.py").read_text("utf-8"))
    built = {node.func.id for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert suspense and not sorted(suspense - built), sorted(suspense - built)


def test_the_sender_scan_sees_both_import_forms(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "from domain import commands as c\nfrom domain.commands import PayOut as P, Command\n"
        "c.IssueNotice(x=1)\nP(y=2)\nisinstance(z, c.SellAsset)\nCommand()\n")
    assert _command_calls(tmp_path / "m.py") == {"IssueNotice", "PayOut"}


def test_every_command_has_a_decision() -> None:
    load_all()
    undecided = sorted(name for name, cmd in COMMANDS.items()
                       if cmd not in DECIDE and cmd is not FileCase)
    assert not undecided, f"no @decides function in domain/decide/ for {undecided}"


def test_every_event_has_an_evolver() -> None:
    missing = sorted(name for name, event in EVENT_TYPES.items()
                     if event not in APPLY and event is not CaseFiled)
    assert not missing, f"no @applies function in domain/evolve.py for {missing}"
