"""Builders of legacy case histories (docs/legacy-format.md): one JSON object per act.

Imported acts are facts, not commands: they may break today's rules (a 终本 after two months,
a known deposit never frozen), which is what the audit must find. Used by the projection tests
and by bench/bench_projections.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.calendar import COURT_ZONE
from domain.values import Party, PartyKind, ResidentId

OFFICER = {"id": "officer-7", "role": "officer"}
CLERK = {"id": "clerk-3", "role": "clerk"}
JUDGE = {"id": "judge-2", "role": "judge"}
PRESIDENT_APPROVAL = {"approver_id": "president-1", "role": "president"}
APPLICANT = Party(name="张三", kind=PartyKind.PERSON,
                  document=ResidentId(number="11010519491231002X")).model_dump(mode="json")
DEBTOR = Party(name="李四", kind=PartyKind.PERSON,
               document=ResidentId(number="620402198001010013")).model_dump(mode="json")
REQUIRED = ("deposits", "vehicles", "real_estate", "securities")
NOW = datetime(2026, 12, 1, 9, tzinfo=COURT_ZONE)
"""The business time of the tests' imports (no act may come after it)."""


def money(value: int | str) -> str:
    return f"{int(value)}.00" if isinstance(value, int) else value


class LegacyCase:
    """One case history, act by act; ``lines`` are ready for ``import_legacy``."""

    def __init__(self, number: str, filed: date, principal: int = 100_000,
                 actor: dict[str, str] = OFFICER, respondents: tuple[dict[str, Any], ...] = (
                     DEBTOR,), category: str = "loan") -> None:
        self.number, self.day, self.actor = number, filed, actor
        self.lines: list[dict[str, Any]] = []
        basis = {"kind": "judgment", "document_number": "(2017)甘0402民初88号",
                 "issued_by": "白银区人民法院", "effective_on": "2017-06-01",
                 "performance_deadline": "2017-07-01"}
        self.add("CaseFiled", filed, CLERK, case_number=number, category=category,
                 applicants=[APPLICANT], respondents=list(respondents),
                 enforcement_basis=basis,
                 claim={"principal": money(principal), "interest": "0.00", "fees": "0.00"},
                 applied_on=filed.isoformat(), filed_on=filed.isoformat())

    def add(self, event: str, day: date | None = None, actor: dict[str, str] | None = None,
            basis: str | None = None, **data: Any) -> LegacyCase:
        self.day = day or self.day
        self.lines.append({
            "case_number": self.number, "seq": len(self.lines) + 1, "event": event,
            "recorded_at": datetime.combine(self.day, time(10), COURT_ZONE).isoformat(),
            "actor": actor or self.actor, "basis": basis,
            "data": {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}})
        return self

    def next(self, days: int = 1) -> date:
        return self.day + timedelta(days=days)

    # --- common acts ------------------------------------------------------------------------
    def notice(self, report_order: bool = True) -> LegacyCase:
        on = self.next()
        return self.add("NoticeIssued", on, CLERK, issued_on=on, report_order=report_order,
                        report_due_on=on + timedelta(days=10) if report_order else None,
                        late=False)

    def report(self, status: str = "filed") -> LegacyCase:
        on = self.next()
        return self.add("PropertyReportRecorded", on, status=status, reported_on=on)

    def inquire(self, *channels: str, post_termination: bool = False) -> LegacyCase:
        for channel in channels or REQUIRED:
            on = self.next()
            self.add("NetworkInquiryMade", on, channel=channel, queried_on=on,
                     post_termination=post_termination)
        return self

    def found(self, asset_id: str, kind: str, value: int, source: str = "deposits"
              ) -> LegacyCase:
        on = self.next()
        return self.add("AssetFound", on, found_on=on, source=source, asset={
            "asset_id": asset_id, "kind": kind, "description": f"{kind} {asset_id}",
            "value": money(value)})

    def restrict(self) -> LegacyCase:
        on = self.next()
        return self.add("ConsumptionRestricted", on, issued_on=on, bound_persons=[],
                        approval={**PRESIDENT_APPROVAL, "approved_on": on.isoformat()})

    def funds(self, amount: int, paid_after: int | None = 10,
              source: str = "debtor_payment") -> LegacyCase:
        on = self.next()
        self.add("FundsReceived", on, CLERK, amount=money(amount), received_on=on,
                 source=source, payout_due_on=None)
        if paid_after is not None:
            paid = self.next(paid_after)
            self.add("FundsPaidOut", paid, amount=money(amount), paid_on=paid, late=False)
        return self

    def hear(self, on: date) -> LegacyCase:
        return self.add("ApplicantHeard", on, heard_on=on, record="约谈笔录")

    def terminate(self, on: date, outstanding: int = 100_000,
                  approval_mode: str = "applicant_signed") -> LegacyCase:
        return self.add("CurrentProcedureTerminated", on, JUDGE, ruled_on=on,
                        ruling_number=f"{self.number}之一", approval_mode=approval_mode,
                        approval=None, outstanding=money(outstanding))

    def serve(self, days: int = 2) -> LegacyCase:
        on = self.next(days)
        return self.add("TerminationRulingServed", on, served_on=on)

    def conclude(self, days: int = 1, by_settlement: bool = False) -> LegacyCase:
        on = self.next(days)
        return self.add("CaseConcluded", on, JUDGE, closed_on=on, by_settlement=by_settlement)

    def compliant_termination(self, after_days: int = 120) -> LegacyCase:
        """Notice, report, the four channels, restriction, hearing, ruling, service."""
        filed = date.fromisoformat(self.lines[0]["data"]["filed_on"])
        ruled = filed + timedelta(days=after_days)
        self.notice().report().inquire().restrict()
        return self.hear(ruled - timedelta(days=3)).terminate(ruled).serve()
