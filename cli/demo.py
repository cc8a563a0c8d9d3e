"""What ``make run`` shows (``python worker.py --demo``), next to the worker it serves.

1. **Live cases** (first start only): five cases filed into the persistent stores on the real
   dev server, each driven as far as the law allows today through the Engine facade — filing,
   the notice with its report order, the network inquiry of every channel, freezes and seals,
   payments, service, a lead, a settlement, a withdrawal, and one act the aggregate refuses.
   Then they wait on their real legal timers (a deposit transfer in 7 days, a payout in 3, a
   reference price in 5 …): nothing is accelerated, every recorded date is true. Their
   simulated outside world (registries, delivery) must outlive the process so that the worker
   answers their ports again after a restart: ``<data>/live-docket.json`` records only the
   year they were filed in (``{"version": 2, "year": 2026}``, mode 0600) and the docket is
   rebuilt from :func:`live_docket`, so no party's name or ID number rests in that file (a file
   written by an earlier version, the whole docket, is rewritten so at the next start). Later
   starts show how far they have come.
2. **The sample docket** simulated on the time-skipping server (``engine.simulate``):
   complete lifecycles over years of legal time in seconds, the 终本 audit and the metrics.
3. Where everything is, and what to try next.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.text import Text

from domain.calendar import COURT_ZONE
from domain.errors import EnforcementError
from domain.models import AssetFinding, BasisKind, CaseCategory, Claim
from domain.private import open_private
from domain.rules import AssetKind, Channel
from domain.values import Actor, Party, PartyKind, ResidentId, Role, SocialCreditCode
from engine.facade import Engine
from engine.runtime import EmbeddedServer
from workflows import acts as a
from workflows.adapters.simulated import SimulatedWorld
from workflows.docket import Docket, DocketCase, World, WorldAsset
from workflows.messages import BasisSpec, Policy, case_workflow_id
from workflows.principals import IdentityError, Principal

LIVE_DOCKET = "live-docket.json"
LIVE_POLICY = Policy(routine_hour=0)
"""The live cases run their day's routine steps at once, whatever the hour (docs/workflows.md)."""
COURT = "甘肃省白银市白银区人民法院"
DEMO_HOST = "demo-court-system"
"""The host system of the demo: the court's case system it plays vouches for its users."""
CLERK = Actor(id="clerk-7", role=Role.CLERK)
OFFICER = Actor(id="officer-3", role=Role.OFFICER)
JUDGE = Actor(id="judge-2", role=Role.JUDGE)
MODES = {"concluded": "执行完毕", "terminated": "终本", "ended": "终结执行",
         "withdrawn_filing": "销案", "not_enforced": "不予执行", "rejected": "驳回申请"}
PHASES = {"filed": "立案", "notice": "执行通知", "inquiry": "财产调查", "control": "控制财产",
          "disposal": "处置财产", "settlement": "执行和解", "suspended": "中止执行",
          "terminated": "终本 (监控中)", "closed": "结案"}
TASKS = {"notice_check": "check service of the notice", "report_check": "check the property "
         "report is in", "inquire": "network inquiry", "verify_lead": "verify the lead",
         "onsite": "on-site investigation", "control": "control an asset",
         "transfer": "transfer frozen money to the court", "renew": "renew a control",
         "value": "ask for a reference price", "price": "collect the reference price",
         "announce": "announce the auction", "close": "close the auction round",
         "buyer": "check the buyer paid", "sale_proceeds": "record sale proceeds",
         "payout": "pay out to the applicant", "conclude": "conclude the case",
         "settlement_performed": "record the settlement performed",
         "settlement_due": "settlement due date", "deadline": "closure-deadline reminder",
         "remit": "ask the employer for the month's wage remittance"}


# --- the live cases ------------------------------------------------------------------------------

def _party(name: str, number: str) -> Party:
    return Party(name=name, kind=PartyKind.PERSON, document=ResidentId(number=number))


def _deposit(asset_id: str, value: str, description: str = "储蓄账户") -> WorldAsset:
    return WorldAsset(channel=Channel.DEPOSITS, asset=AssetFinding(
        asset_id=asset_id, kind=AssetKind.DEPOSIT, description=description,
        value=Decimal(value)))


def live_docket(year: int) -> Docket:
    """The live cases, numbered in the year they are filed."""
    def case(seq: int, category: CaseCategory, applicant: Party, respondent: Party,
             principal: str, world: World, document: str) -> DocketCase:
        return DocketCase(
            case_number=f"({year})甘0402执{seq}号", category=category, applicants=(applicant,),
            respondents=(respondent,), claim=Claim(principal=Decimal(principal)), world=world,
            basis=BasisSpec(kind=BasisKind.JUDGMENT, document_number=document, issued_by=COURT,
                            effective_days_before_filing=45, performance_days_before_filing=30))

    worker_party = _party("马国平", "620402197909190574")
    return Docket(cases=(
        case(801, CaseCategory.WAGES, worker_party, Party(
            name="白银某建筑劳务有限公司", kind=PartyKind.ORGANISATION,
            document=SocialCreditCode(number="91350100M000100Y43"), legal_representative="孙立军"),
             "38000.00", World(assets=(_deposit("acct-801", "12000.00", "基本存款账户"),)),
             f"({year})甘0402民初3101号"),
        case(802, CaseCategory.LOAN, _party("陈明", "620402197505050110"),
             _party("周海涛", "62040219820830019X"), "120000.00",
             World(assets=(_deposit("acct-802", "150000.00"),)), f"({year})甘0402民初3102号"),
        case(803, CaseCategory.CONTRACT, _party("黄丽", "620402198601260489"),
             _party("林伟", "620402198407070534"), "300000.00", World(assets=(WorldAsset(
                 channel=Channel.REAL_ESTATE, reference_price=Decimal("600000.00"),
                 asset=AssetFinding(asset_id="flat-803", kind=AssetKind.REAL_ESTATE,
                                    description="住宅 白银区人民路803号", indivisible=True,
                                    value=Decimal("800000.00"))),)), f"({year})甘0402民初3103号"),
        case(804, CaseCategory.LOAN, _party("梁静", "620402198309090822"),
             _party("宋涛", "620402197911110959"), "80000.00", World(),
             f"({year})甘0402民初3104号"),
        case(805, CaseCategory.LOAN, _party("曾华", "620402197601010012"),
             _party("彭军", "620402198308080219"), "50000.00",
             World(assets=(_deposit("acct-805", "50000.00"),)), f"({year})甘0402民初3105号"),
    ))


def operator_acts(number: str, today: date) -> list[tuple[str, a.ActBase]]:
    """What people do today on each live case (the request ids make a re-send harmless)."""
    seq = number.rsplit("执", 1)[1].removesuffix("号")

    def rid(step: str) -> str:
        return f"demo-{seq}-{step}"

    acts: dict[str, list[tuple[str, a.ActBase]]] = {
        "801": [("the company pays ¥26,000 of the wages at the court's cashier",
                 a.RecordPayment(actor=CLERK, amount=Decimal("26000.00"), request_id=rid("pay"),
                                 note="被执行人到院缴纳部分工资款"))],
        "802": [("the notice is served on the debtor in person",
                 a.RecordNoticeService(actor=CLERK, served_on=today, request_id=rid("served"))),
                ("the debtor files the property report",
                 a.RecordPropertyReport(actor=CLERK, status="filed", request_id=rid("report")))],
        "803": [("the applicant gives a lead: the debtor's car",
                 a.SubmitLead(actor=CLERK, lead_id="lead-803", request_id=rid("lead"),
                              description="被执行人名下轿车停放于白银区某小区")),
                ("an officer tries to announce an auction of the flat today at ¥150,000",
                 a.AnnounceAuction(actor=OFFICER, asset_id="flat-803", request_id=rid("auction"),
                                   start_price=Decimal("150000.00"),
                                   deposit=Decimal("15000.00")))],
        "804": [("the parties settle: ¥80,000 within 60 days",
                 a.ReachSettlement(actor=OFFICER, amount=Decimal("80000.00"),
                                   due_on=today + timedelta(days=60), request_id=rid("settle"),
                                   terms="60日内分两期付清")),
                ("the first instalment of ¥20,000 is paid",
                 a.RecordSettlementPayment(actor=CLERK, amount=Decimal("20000.00"),
                                           request_id=rid("instalment")))],
        "805": [("the applicant withdraws the application",
                 a.WithdrawApplication(actor=JUDGE, request_id=rid("withdraw"),
                                       reason="双方庭外和解, 申请执行人撤回执行申请"))],
    }
    return acts[seq]


class LiveCasesFile(BaseModel):
    """What ``live-docket.json`` holds: the year the live cases were filed, nothing personal."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    version: Literal[2] = 2
    year: Annotated[int, Field(ge=1990, le=2100)]


def save_live_docket(data_dir: Path, year: int) -> None:
    """Record the live cases' year in ``<data>/live-docket.json`` (0600)."""
    with open_private(data_dir / LIVE_DOCKET, "w", encoding="utf-8") as out:
        out.write(LiveCasesFile(year=year).model_dump_json() + "\n")


def load_live_docket(data_dir: Path) -> Docket | None:
    """The live cases filed on an earlier start (None: none yet). A file in the earlier form
    (the whole docket, parties with their ID numbers) is replaced by the year alone."""
    path = data_dir / LIVE_DOCKET
    if not path.exists():
        return None
    raw = json.loads(path.read_text("utf-8"))
    if isinstance(raw, dict) and raw.get("version") == 2:
        return live_docket(LiveCasesFile.model_validate(raw).year)
    earlier = Docket.model_validate(raw)
    year = int(earlier.cases[0].case_number[1:5]) if earlier.cases else \
        datetime.now(COURT_ZONE).year
    save_live_docket(data_dir, year)
    return live_docket(year)


async def open_live_cases(engine: Engine, world: SimulatedWorld, data_dir: Path,
                          console: Console) -> list[str]:
    """File the live cases on the first start and drive today's acts; the case numbers."""
    today = datetime.now(COURT_ZONE).date()
    docket = load_live_docket(data_dir)
    first = docket is None
    if docket is None:
        docket = live_docket(today.year)
        save_live_docket(data_dir, today.year)
    for case in docket.cases:
        world.add(case)
    numbers = [c.case_number for c in docket.cases]
    if not first and all([await engine.exists(n) for n in numbers]):
        console.print(f"Live cases: filed on an earlier start; today is {today}.")
        return numbers
    console.print(f"[bold]Live cases[/bold]: filing {len(numbers)} cases today ({today}) and "
                  "acting on them through the Engine facade, as a court's case system would:")
    for case in docket.cases:
        if not await engine.exists(case.case_number):
            await engine.file_case(case, policy=LIVE_POLICY, principal=vouched(engine, CLERK))
        await _settle(engine, case.case_number)
        for what, act in operator_acts(case.case_number, today):
            await _act(engine, console, case.case_number, what, act)
        await _settle(engine, case.case_number)
    return numbers


def vouched(engine: Engine, actor: Actor) -> Principal:
    """The demo's court users as the demo's host system vouches for them (the engine the
    worker builds for the demo has the host ``DEMO_HOST``)."""
    if engine.host is None:
        raise IdentityError("identity.no_host", "the demo acts through an engine with a host")
    return engine.host.vouch(actor.id, actor.role)


async def _act(engine: Engine, console: Console, number: str, what: str, act: a.ActBase
               ) -> None:
    try:
        result = await engine.act(number, act, principal=vouched(engine, act.actor))
    except EnforcementError as err:
        console.print(Text.assemble(f"  {number} {what}: ", ("refused", "red"),
                                    f" — {err.code}: {err.message} [{err.source}]; nothing "
                                    "written"))
        return
    console.print(f"  {number} {what}: {', '.join(result.events) or 'nothing new'}",
                  markup=False)


async def _settle(engine: Engine, number: str, seconds: float = 30.0) -> None:
    """Wait until the case's immediate steps are done: the first network inquiry of every
    channel is recorded and nothing on the workflow's agenda is due now."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        status = await engine.status(number)
        if status.stage != "filing":
            state = await engine.state(number)
            soon = datetime.now(COURT_ZONE) + timedelta(seconds=30)
            if (state.closure_mode or len(state.channels_queried) == len(Channel)) \
                    and all(p.when > soon for p in status.agenda):
                return
        await asyncio.sleep(0.2)


async def print_live(engine: Engine, console: Console, numbers: Sequence[str]) -> None:
    """Each live case: where it stands, what is recorded, what comes next and who owes what."""
    console.print("\n[bold]Live cases on the dev server[/bold] (their legal timers run in real "
                  "time; the worker must be running for them to advance):")
    for number in numbers:
        status = await engine.status(number)
        line = await engine.case(number)
        where = f"{PHASES.get(line.phase, line.phase)} ({line.phase})"
        if line.closure_mode:
            where = f"closed: {MODES.get(line.closure_mode, line.closure_mode)} " \
                    f"({line.closure_mode}) on {line.closed_on}"
        console.print(Text.assemble(
            (f"  {number}", "bold"), f"  {line.category.value}, priority {line.priority} · "
            f"{where} · claim ¥{line.claim:,.2f}, outstanding ¥{line.outstanding:,.2f}"
            + (f" · close by {line.closure_deadline}" if line.closure_deadline else "")))
        history = await engine.history(number)
        console.print(f"      recorded: {_events([e.event for e in history.events])}",
                      markup=False)
        upcoming = [f"{p.when.astimezone(COURT_ZONE):%Y-%m-%d %H:%M} "
                    f"{TASKS.get(p.task, p.task)}" for p in status.agenda[:3]]
        if upcoming:
            console.print("      next: " + " · ".join(upcoming), markup=False)
        for due in status.approvals_due[:2]:
            console.print(f"      waiting for people: {due.update} — {due.reason}",
                          markup=False)


def _events(names: Sequence[str]) -> str:
    """Event names in order, repeats folded (``NetworkInquiryMade ×7``)."""
    out: list[str] = []
    for name, group in itertools.groupby(names):
        n = len(list(group))
        out.append(name if n == 1 else f"{name} ×{n}")
    return ", ".join(out)


# --- the simulated docket ---------------------------------------------------------------------

async def simulate(docket_path: Path, data_dir: Path, console: Console) -> Path:
    """Simulate the docket on the time-skipping server and print the report; its store."""
    from cli.render import print_simulation
    from engine.simulate import default_out, simulate_docket

    docket = Docket.model_validate_json(docket_path.read_text("utf-8"))
    console.print(f"\n[bold]Simulating {docket_path.name}[/bold]: {len(docket.cases)} cases "
                  "through the same workflows on Temporal's time-skipping server, their outside "
                  "world simulated (years of legal time in seconds; every legal date true) …")
    report = await simulate_docket(docket, default_out(data_dir, docket_path))
    print_simulation(report)  # with the legend of the closure modes
    return report.out


# --- where to look next --------------------------------------------------------------------------

def where(console: Console, server: EmbeddedServer | None, data_dir: Path,
          live: Sequence[str], simulated: Path | None, web: str | None = None) -> None:
    first = live[0] if live else "(2026)甘0402执801号"
    settled = live[3] if len(live) > 3 else first
    lines = []
    if server is not None:
        lines += [f"Temporal server  {server.address} (namespace {server.namespace}, task queue "
                  f"{server.task_queue})",
                  f"Temporal Web UI  {server.ui}  — payloads decoded through the codec server "
                  f"once the UI's Codec Server setting (browser) is {server.codec_endpoint}/"
                  f"<token>",
                  f"codec endpoint   {server.codec_endpoint} (token: {data_dir / 'codec.token'};"
                  " temporal … --codec-auth \"Bearer <token>\")"]
    lines.append(f"data directory   {data_dir} (events.sqlite = the legal record, "
                 "views.sqlite = read models, temporal.sqlite, keys; kept across runs)")
    if web:
        lines.append(f"console          {web}  — log in as the demo's people (officer-3, "
                     f"clerk-7, judge-2, president-1, audit-1; passwords in "
                     f"{data_dir / 'console-logins.txt'})")
    console.print("\n[bold]Where things are[/bold]")
    for line in lines:
        console.print("  " + line, highlight=False, markup=False)
    sim = f"--data-dir {simulated} " if simulated else ""
    codec = f" --codec-endpoint {server.codec_endpoint} --codec-auth \"Bearer $(cat " \
        f"{data_dir / 'codec.token'})\"" if server and server.codec_endpoint else ""
    wid = json.dumps(case_workflow_id(first), ensure_ascii=False)
    tries = [
        ("see where a live case stands", f"enforce case show '{first}'"),
        ("list the live cases, livelihood first", "enforce case list --priority"),
        ("give your OS user an account (once; acts are your account's)",
         "enforce users add \"$(id -un)\" --role clerk"),
        ("record a payment (as your account)", f"enforce case do '{settled}' "
         "record_settlement_payment --field amount=30000.00"),
        ("accounts for an officer and the president (each acts by a signed token)",
         "enforce users add officer-3 --role officer; enforce users add president-1 --role "
         "president"),
        ("the officer asks for the president's approval of a 失信 listing",
         "ENFORCE_TOKEN=$(enforce users token officer-3) "
         f"enforce case do '{first}' request_approval --field measure=dishonest "
         "--field approval_id=listing-1"),
        ("the president gives it (the requester may not)",
         "ENFORCE_TOKEN=$(enforce users token president-1) "
         f"enforce case do '{first}' give_approval --field approval_id=listing-1"),
        ("the officer lists the debtor on that approval (from the day after the notice: a "
         "listing follows the notice's period passed unperformed, docs/rules.md §1.9)",
         "ENFORCE_TOKEN=$(enforce users token officer-3) "
         f"enforce case do '{first}' list_dishonest --field ground=able_but_refuses "
         "--field approval_id=listing-1"),
        ("what falls due in the next 30 days", "enforce deadlines --within 30"),
        ("replay a case from the event store", f"enforce audit history '{first}'"),
        ("verify every hash chain", "enforce audit verify"),
        ("the 终本 audit of the simulated docket", f"enforce {sim}audit termination"),
        ("its quality metrics", f"enforce {sim}audit metrics"),
        ("simulate another docket", "enforce simulate examples/sample-docket.json"),
        ("the same query with Temporal's own CLI", f"temporal workflow query --workflow-id "
         f"{wid} --name get_status{codec}"),
    ]
    console.print("\n[bold]Try next[/bold] (in another terminal, from this directory: "
                  ". .venv/bin/activate)")
    for what, command in tries:
        console.print(f"  {command}\n      # {what}", highlight=False, markup=False)
