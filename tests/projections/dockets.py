"""Hand-built dockets for the projection tests: live cases driven through the aggregate."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.application import EnforcementCases
from domain.models import ApprovalMode, AssetFinding, ControlMeasure
from domain.rules import AssetKind, Channel
from domain.values import Actor, Role
from tests.support import CLERK, JUDGE, Driver

REQUIRED = (Channel.DEPOSITS, Channel.VEHICLES, Channel.REAL_ESTATE, Channel.SECURITIES)


def officer(n: int) -> Actor:
    return Actor(id=f"officer-{n}", role=Role.OFFICER)


class Script:
    """One live case, step by step; each step a day or more after the previous one."""

    def __init__(self, app: EnforcementCases, number: str, filed: date = date(2026, 1, 10),
                 principal: str = "1000000.00", by: Actor | None = None,
                 **file_fields: Any) -> None:
        self.d, self.day, self.by = Driver(app, number), filed, by or officer(1)
        self.number = number
        self.d.file(filed, principal=principal, **file_fields)

    @classmethod
    def existing(cls, app: EnforcementCases, number: str, day: date, by: Actor) -> Script:
        """A case filed by other means (a resumed 执恢 case), continued from ``day``."""
        script = cls.__new__(cls)
        script.d, script.day, script.by, script.number = Driver(app, number), day, by, number
        return script

    def at(self, day: date | None = None, after: int = 1) -> date:
        self.day = day or self.day + timedelta(days=after)
        return self.day

    def send(self, name: str, day: date, actor: Actor | None = None, **fields: Any) -> None:
        self.d.send(name, day, actor or self.by, **fields)

    def notice(self, day: date | None = None) -> Script:
        on = self.at(day)
        self.send("IssueNotice", on, CLERK, issued_on=on, report_due_on=on + timedelta(days=10))
        return self

    def report(self, status: str = "filed") -> Script:
        on = self.at()
        self.send("RecordPropertyReport", on, CLERK, status=status, reported_on=on)
        return self

    def inquire(self, *channels: Channel, findings: tuple[AssetFinding, ...] = ()) -> Script:
        """Query the channels (default: the four required); ``findings`` come from the first."""
        for n, channel in enumerate(channels or REQUIRED):
            on = self.at()
            self.send("RecordNetworkInquiry", on, channel=channel, queried_on=on,
                      findings=() if n else findings)
        return self

    def restrict(self) -> Script:
        on = self.at()
        self.send("RestrictConsumption", on, issued_on=on, approved=on)
        return self

    def terminate(self, day: date, *, hear: bool = True, serve: bool = True) -> Script:
        if hear:
            self.send("RecordApplicantHearing", self.at(day - timedelta(days=3)),
                      heard_on=self.day, record="约谈笔录")
        self.send("TerminateCurrentProcedure", self.at(day), JUDGE, ruled_on=day,
                  ruling_number=f"{self.number}之一",
                  approval_mode=ApprovalMode.APPLICANT_SIGNED)
        if serve:
            on = self.at(after=2)
            self.send("RecordTerminationService", on, served_on=on)
        return self

    def funds(self, amount: str, pay_after: int | None = 10, source: str = "debtor_payment",
              on: date | None = None) -> Script:
        on = self.at(on)
        self.send("RecordFundsReceived", on, CLERK, amount=Decimal(amount), received_on=on,
                  source=source)
        if pay_after is not None:
            paid = self.at(after=pay_after)
            self.send("PayOut", paid, amount=Decimal(amount), paid_on=paid)
        return self

    def freeze_and_transfer(self, asset_id: str, amount: str, pay_after: int = 10) -> Script:
        deposit = AssetFinding(asset_id=asset_id, kind=AssetKind.DEPOSIT,
                               description="银行账户", value=Decimal(amount))
        self.inquire(Channel.DEPOSITS, findings=(deposit,))
        on = self.at()
        self.send("ControlAsset", on, asset_id=asset_id, measure=ControlMeasure.FREEZE,
                  amount=Decimal(amount), effective_on=on, expires_on=on + timedelta(days=360))
        on = self.at(after=5)
        self.send("TransferDeposit", on, asset_id=asset_id, amount=Decimal(amount),
                  transferred_on=on)
        paid = self.at(after=pay_after)
        self.send("PayOut", paid, amount=Decimal(amount), paid_on=paid)
        return self

    def settle(self, amount: str, paid_in: int = 20) -> Script:
        on = self.at()
        self.send("ReachSettlement", on, reached_on=on, amount=Decimal(amount),
                  due_on=on + timedelta(days=paid_in), terms="分期履行")
        paid = self.at(after=paid_in)
        self.send("RecordSettlementPayment", paid, CLERK, amount=Decimal(amount), paid_on=paid)
        self.send("RecordSettlementPerformed", paid, performed_on=paid)
        return self

    def conclude(self, day: date | None = None) -> Script:
        on = self.at(day)
        self.send("ConcludeCase", on, JUDGE, closed_on=on)
        return self

    def end(self, ground: str = "applicant_withdrew") -> Script:
        on = self.at()
        self.send("EndEnforcement", on, JUDGE, closed_on=on, ground=ground, reason="申请撤回")
        return self

    def resume(self, new_number: str) -> Script:
        on = self.at(after=30)
        self.send("ResumeEnforcement", on, JUDGE, new_case_number=new_number, resumed_on=on,
                  reason="发现财产")
        return self


def terminated(app: EnforcementCases, number: str, filed: date = date(2026, 1, 10),
               **terminate: Any) -> Script:
    """A case that met every condition and was terminated (终本) four months after filing."""
    s = Script(app, number, filed).notice().report().inquire().restrict()
    return s.terminate(filed + timedelta(days=120), **terminate)


# --- a random live docket, command by command, for the runner tests -------------------------

Step = Callable[[], object]


def _lifecycle(app: EnforcementCases, number: str, rng: random.Random) -> Iterator[Step]:
    """The steps of one random live case (filing, then one of several lifecycles)."""
    filed = date(2026, 1, 1) + timedelta(days=rng.randrange(60))
    box: dict[str, Script] = {}
    by = officer(rng.randrange(1, 4))
    principal = f"{rng.randrange(20, 900)}000.00"

    def file() -> None:
        box["s"] = Script(app, number, filed, principal=principal, by=by)

    yield file
    plan = rng.choice(["paid", "deposit", "terminated", "settled", "resumed"])
    yield lambda: box["s"].notice()
    yield lambda: box["s"].report()
    if plan == "paid":
        yield lambda: box["s"].funds("10000.00")
    elif plan == "deposit":
        yield lambda: box["s"].freeze_and_transfer("acct-1", "15000.00")
    elif plan == "settled":
        yield lambda: box["s"].settle("12000.00")
        yield lambda: box["s"].conclude()
        return
    yield lambda: box["s"].inquire()
    yield lambda: box["s"].restrict()
    serve = rng.random() < 0.7
    yield lambda: box["s"].terminate(filed + timedelta(days=130), serve=serve)
    if plan == "resumed":
        yield lambda: box["s"].resume(number.replace("执", "执恢"))


def live_docket(app: EnforcementCases, cases: int, seed: int) -> Iterator[Step]:
    """Steps of ``cases`` random cases, interleaved at random (each case's own order kept)."""
    rng = random.Random(seed)
    pending = [_lifecycle(app, f"(2026)甘0402执{n}号", rng) for n in range(1, cases + 1)]
    while pending:
        lifecycle = rng.choice(pending)
        step = next(lifecycle, None)
        if step is None:
            pending.remove(lifecycle)
        else:
            yield step
