"""The acts that gave a door to commands the aggregate decided but no act sent (docs/architecture.md,
"What the checklists found"): each through the case workflow on the time-skipping server, and
what the workflow makes of it (the 终本 waits for the decisions it needs, a searched asset is
controlled, a lapsed control is controlled again)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain import events as ev
from domain.errors import NotPermittedError, RuleViolation, RuleViolationError
from domain.models import ApprovalMode, AssetFinding
from domain.rules import AssetKind, Channel
from tests.support import CLERK, COMPANY, JUDGE, OFFICER
from tests.workflows.conftest import Rig
from tests.workflows.dockets import case
from workflows.acts import (
    ActBase,
    AdjustLivingAllowance,
    ApproveTermination,
    AssessDelayInterest,
    DecideAudit,
    DecideReward,
    RecordApplicantHearing,
    RecordControlLapse,
    RecordDebtorMissing,
    RecordDebtorSearch,
    RecordObstruction,
    RecordPayment,
    RecordSearch,
    RequestAudit,
    RequestReward,
    RestrictConsumption,
    act_name,
)
from workflows.docket import DocketCase, PropertyReport, World, WorldAsset

CAR = AssetFinding(asset_id="car-s", kind=AssetKind.VEHICLE, description="a car in the garage",
                   value=Decimal("40000.00"))
WAGES = WorldAsset(channel=Channel.DEPOSITS, asset=AssetFinding(
    asset_id="wage-1", kind=AssetKind.WAGES, description="monthly wages at 某某公司",
    value=Decimal("6000.00")))
PLAIN = World(report=PropertyReport(day=1))


@dataclass(frozen=True)
class Door:
    """A case, and acts sent to it in turn with the events each must write."""

    number: str
    steps: tuple[tuple[ActBase, tuple[str, ...]], ...]
    world: World = PLAIN
    organisation: bool = False

    def docket(self) -> DocketCase:
        subject = case(self.number, self.world)
        return subject.model_copy(update={"respondents": (COMPANY,)}) \
            if self.organisation else subject


DOORS = [
    Door("(2026)甘0402执701号", ((AssessDelayInterest(actor=OFFICER), ("DelayInterestAssessed",)),)),
    Door("(2026)甘0402执702号", ((RecordSearch(actor=OFFICER, findings=(CAR,)),
                                 ("SearchConducted", "AssetFound")),)),
    Door("(2026)甘0402执703号", ((RequestReward(actor=CLERK), ("RewardRequested",)),
                                (DecideReward(actor=JUDGE, granted=True), ("RewardDecided",)))),
    Door("(2026)甘0402执704号", ((RequestAudit(actor=CLERK), ("AuditRequested",)),
                                (DecideAudit(actor=JUDGE, granted=False), ("AuditDecided",))),
         organisation=True),
    Door("(2026)甘0402执705号", ((RecordDebtorMissing(actor=OFFICER), ("DebtorMissingRecorded",)),
                                (RecordDebtorSearch(actor=OFFICER, located=True),
                                 ("DebtorSearched",)))),
    Door("(2026)甘0402执706号", ((RecordObstruction(actor=OFFICER, description="阻拦执行人员进入住所"),
                                 ("ObstructionRecorded",)),)),
    Door("(2026)甘0402执707号", ((AdjustLivingAllowance(
        actor=JUDGE, asset_id="wage-1", allowance=Decimal("2500.00"),
        panel_decision="合议庭评议：被执行人患病，生活费提高至2500元"), ("LivingAllowanceAdjusted",)),),
         world=World(report=PropertyReport(day=1), assets=(WAGES,))),
]


@pytest.mark.parametrize("door", DOORS, ids=lambda d: act_name(d.steps[-1][0]))
async def test_each_door_act_writes_its_event_through_the_workflow(rig: Rig, door: Door) -> None:
    handle = await rig.file(door.docket())
    await rig.env.sleep(timedelta(days=3))
    for act, events in door.steps:
        result = await rig.engine.act(door.number, act)
        assert result.events == events, act_name(act)
    actors = {type(e).__name__: e.actor for e in rig.app.case_events(door.number)}
    assert all(actors[name] == act.actor for act, events in door.steps for name in events)
    await handle.terminate("test over")


async def test_the_court_decides_a_reward_request_an_officer_may_not(rig: Rig) -> None:
    number = "(2026)甘0402执708号"
    handle = await rig.file(case(number, PLAIN))
    await rig.env.sleep(timedelta(days=2))
    await rig.engine.act(number, RequestReward(actor=CLERK))
    with pytest.raises(NotPermittedError) as officer:
        await rig.engine.act(number, DecideReward(actor=OFFICER, granted=True))
    assert officer.value.code == "role.not_permitted"
    with pytest.raises(RuleViolationError) as early:  # before the request: nothing to decide
        await rig.engine.act(number, DecideAudit(actor=JUDGE, granted=True))
    assert (early.value.code, early.value.source) == ("audit.nothing_to_decide",
                                                      "财产调查规定 art.17")
    await rig.env.sleep(timedelta(days=14))
    late = await rig.engine.act(number, DecideReward(actor=JUDGE, granted=False))
    decided = next(e for e in rig.app.case_events(number) if isinstance(e, ev.RewardDecided))
    assert late.events == ("RewardDecided",) and decided.late and not decided.granted
    await handle.terminate("test over")


async def test_assessed_delay_interest_grows_the_balance(rig: Rig) -> None:
    number = "(2026)甘0402执709号"
    handle = await rig.file(case(number, PLAIN))
    await rig.env.sleep(timedelta(days=10))
    before = (await rig.engine.status(number)).outstanding
    assessed = await rig.engine.act(number, AssessDelayInterest(actor=OFFICER))
    interest = next(e for e in rig.app.case_events(number)
                    if isinstance(e, ev.DelayInterestAssessed))
    assert interest.amount > 0 and interest.to_date == rig.filed_on(number) + timedelta(10)
    assert before is not None and assessed.outstanding == before + interest.amount
    with pytest.raises(RuleViolationError) as again:  # the period up to today is counted
        await rig.engine.act(number, AssessDelayInterest(actor=OFFICER))
    assert again.value.code == "interest.period_empty"
    await handle.terminate("test over")


async def test_assessed_delay_interest_counts_period_by_period(rig: Rig) -> None:
    """The act's assessment runs period by period on the principal not yet performed
    (docs/rules.md §1.2): ¥100,000.00 due 30 days before filing, ¥40,000.00 paid on day 3,
    assessed on day 10: 33 days × 100,000.00 × 0.000175 = 577.50 (the payment's day still
    bears it) plus 7 days × 60,000.00 × 0.000175 = 73.50, i.e. 651.00, not 700.00 on the
    whole principal."""
    number = "(2026)甘0402执712号"
    handle = await rig.file(case(number, PLAIN))
    await rig.env.sleep(timedelta(days=3))
    await rig.engine.act(number, RecordPayment(actor=OFFICER, amount=Decimal("40000.00")))
    await rig.env.sleep(timedelta(days=7))
    await rig.engine.act(number, AssessDelayInterest(actor=OFFICER))
    interest = next(e for e in rig.app.case_events(number)
                    if isinstance(e, ev.DelayInterestAssessed))
    filed = rig.filed_on(number)
    assert (interest.to_date, interest.amount) == (filed + timedelta(10), Decimal("651.00"))
    await handle.terminate("test over")


async def test_what_a_search_finds_is_controlled_by_the_workflow(rig: Rig) -> None:
    number = "(2026)甘0402执710号"
    handle = await rig.file(case(number, PLAIN))
    await rig.env.sleep(timedelta(days=3))
    await rig.engine.act(number, RecordSearch(actor=OFFICER, findings=(CAR,)))
    await rig.env.sleep(timedelta(hours=1))
    controlled = [e for e in rig.app.case_events(number) if isinstance(e, ev.AssetControlled)]
    assert [(e.asset_id, e.measure.value) for e in controlled] == [("car-s", "seize")]
    found = next(e for e in rig.app.case_events(number) if isinstance(e, ev.AssetFound))
    assert found.source == "search"
    await handle.terminate("test over")


async def test_termination_waits_for_the_reward_decision_and_the_debtor_search(rig: Rig) -> None:
    """终本规定 art.1(3), (5): a reward request decided and a missing debtor searched for; the
    status names the acts that are owed, and the ruling is refused until they are given."""
    number = "(2026)甘0402执711号"
    handle = await rig.file(case(number, World(report=PropertyReport(day=5))))
    await rig.env.sleep(timedelta(days=3))
    await rig.engine.act(number, await rig.approved(number, RestrictConsumption(actor=OFFICER)))
    await rig.engine.act(number, RecordApplicantHearing(actor=OFFICER, record="约谈笔录"))
    await rig.engine.act(number, RequestReward(actor=CLERK))
    await rig.engine.act(number, RecordDebtorMissing(actor=OFFICER))
    await rig.env.sleep(timedelta(days=95))

    owed = {d.update: d.source for d in (await rig.engine.status(number)).approvals_due}
    assert owed == {"decide_reward": "财产调查规定 art.21",
                    "record_debtor_search": "终本规定 art.1(5)"}
    ruling = ApproveTermination(actor=JUDGE, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    with pytest.raises(RuleViolationError) as refused:
        await rig.engine.act(number, ruling)
    assert refused.value.code == "termination.reward_undecided"
    assert "termination.debtor_not_searched" in refused.value.message

    await rig.engine.act(number, DecideReward(actor=JUDGE, granted=False))
    await rig.engine.act(number, RecordDebtorSearch(actor=OFFICER, located=False))
    owed = {d.update: d.source for d in (await rig.engine.status(number)).approvals_due}
    assert list(owed) == ["approve_termination"]
    assert (await rig.engine.act(number, ruling)).events == ("CurrentProcedureTerminated",)
    await handle.terminate("test over")


async def test_a_lapsed_control_is_recorded_and_the_asset_controlled_again(
        rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    """A renewal that did not go through (here the store refuses it, as a renewal the registry
    never took): the seizure of a car that failed twice at auction expires; before its expiry
    the lapse is refused, after it the officer records it and the workflow seizes the car again
    (查封规定 art.27)."""
    number = "(2026)甘0402执712号"
    execute = rig.app.execute

    def no_renewal(cmd: c.Command) -> Any:
        if isinstance(cmd, c.RenewControl):
            raise RuleViolation("test.renewal_lost", "the registry did not take the renewal",
                                "test")
        return execute(cmd)

    monkeypatch.setattr(rig.app, "execute", no_renewal)
    handle = await rig.file(case(number, World(report=PropertyReport(day=1), assets=(
        WorldAsset(channel=Channel.VEHICLES, asset=CAR),))))
    await rig.env.sleep(timedelta(days=710))  # the renewal was due 30 days before the expiry
    status = await rig.engine.status(number)
    assert [p.code for p in status.problems] == ["test.renewal_lost"]
    with pytest.raises(RuleViolationError) as early:
        await rig.engine.act(number, RecordControlLapse(actor=OFFICER, asset_id="car-s"))
    assert (early.value.code, early.value.source) == ("control.not_expired", "查封规定 art.27")

    await rig.env.sleep(timedelta(days=25))  # a vehicle is seized for 2 years at most
    frozen = next(e for e in rig.app.case_events(number) if isinstance(e, ev.AssetControlled))
    assert frozen.expires_on is not None
    lapsed = await rig.engine.act(number, RecordControlLapse(actor=OFFICER, asset_id="car-s"))
    assert lapsed.events == ("ControlLapsed",)
    await rig.env.sleep(timedelta(hours=1))
    names = [type(e).__name__ for e in rig.app.case_events(number)]
    assert names[names.index("ControlLapsed"):] == ["ControlLapsed", "AssetControlled"]
    again = [e for e in rig.app.case_events(number) if isinstance(e, ev.AssetControlled)][-1]
    assert again.effective_on is not None and again.effective_on > frozen.expires_on
    await handle.terminate("test over")
