"""Security and postponement (执行担保, 暂缓执行: docs/rules.md §8) through the public API:
the security given, the postponement of at most one year, its end (term or breach) and the
enforcement against the guarantor within the security's amount. Refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain import events as ev
from domain.application import EnforcementCases
from domain.models import (
    ApprovalMode,
    ControlMeasure,
    FundsSource,
    PostponementEnd,
    SecurityForm,
    SecurityProvider,
)
from domain.state import Phase
from domain.values import Party, PartyKind, ResidentId
from tests.domain.test_rules_termination import RULING, _ready
from tests.support import CLERK, JUDGE, NUMBER, OFFICER, SYSTEM, Driver, new_app, refusal, refuses

GUARANTOR = Party(name="王五", kind=PartyKind.PERSON,
                  document=ResidentId(number="620402197505050014"))
CAR = "小型轿车 甘D·54321, 王五所有, 停放于白银区"
SRC_PERIOD = "民诉法解释 art.467; 执行担保规定 art.10"
SRC_ENFORCE = "民诉法 art.242; 民诉法解释 art.469; 执行担保规定 art.11"


def _case(principal: str = "100000.00") -> tuple[EnforcementCases, Driver]:
    """A case filed 2026-01-10 for ``principal``, its notice issued 2026-01-12."""
    app = new_app()
    d = Driver(app)
    d.file(date(2026, 1, 10), principal=principal)
    d.send("IssueNotice", date(2026, 1, 12), CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    return app, d


def _securing(on: date, *, security_id: str = "S1", amount: str = "60000.00",
              form: SecurityForm = SecurityForm.PROPERTY,
              provider: SecurityProvider = SecurityProvider.THIRD_PARTY,
              consents: bool = True, **fields: Any) -> dict[str, Any]:
    """A security given on ``on`` (by 王五 with his car, unless told otherwise):
    RecordSecurity's fields."""
    if provider is SecurityProvider.THIRD_PARTY:
        fields.setdefault("guarantor", GUARANTOR)
    if form is SecurityForm.PROPERTY:
        fields.setdefault("secured_property", CAR)
    return {"security_id": security_id, "form": form, "provider": provider,
            "amount": Decimal(amount), "applicant_consents": consents, "given_on": on, **fields}


def _security(d: Driver, on: date, **security: Any) -> None:
    d.send("RecordSecurity", on, **_securing(on, **security))


# --- the postponement: at most one year -------------------------------------------------------

@pytest.mark.parametrize(("decided_on", "last_day", "days"), [
    (date(2026, 3, 10), date(2027, 3, 10), 365),
    (date(2027, 3, 1), date(2028, 3, 1), 366),  # a year across 29 February 2028
], ids=["2026-03-10", "across-29-february"])
def test_a_postponement_runs_at_most_one_year(decided_on: date, last_day: date,
                                              days: int) -> None:
    app, d = _case()
    _security(d, decided_on)
    refused = refusal(d, "PostponeEnforcement", decided_on, JUDGE, decided_on=decided_on,
                      until=last_day + timedelta(days=1), security_ids=("S1",))
    assert (refused.code, refused.source) == ("postponement.too_long", SRC_PERIOD)
    assert last_day.isoformat() in refused.message
    d.send("PostponeEnforcement", decided_on, JUDGE, decided_on=decided_on, until=last_day,
           security_ids=("S1",))
    state = app.get_case(NUMBER)
    assert state.phase is Phase.SUSPENDED and state.postponement is not None
    assert (state.postponement.until - state.postponement.decided_on).days == days


def test_no_postponement_without_the_applicants_consent() -> None:
    _, d = _case()
    _security(d, date(2026, 3, 10), consents=False)
    refused = refusal(d, "PostponeEnforcement", date(2026, 3, 10), JUDGE,
                      decided_on=date(2026, 3, 10), until=date(2026, 9, 10),
                      security_ids=("S1",))
    assert (refused.code, refused.source) == ("postponement.no_consent",
                                              "民诉法 art.242; 执行担保规定 art.6")
    _security(d, date(2026, 3, 11), security_id="S2", consents=True)
    d.send("PostponeEnforcement", date(2026, 3, 11), JUDGE, decided_on=date(2026, 3, 11),
           until=date(2026, 9, 11), security_ids=("S2",))


def test_refuses_a_postponement_on_an_unknown_security() -> None:
    _, d = _case()
    refused = refusal(d, "PostponeEnforcement", date(2026, 3, 10), JUDGE,
                      decided_on=date(2026, 3, 10), until=date(2026, 9, 10),
                      security_ids=("S9",))
    assert (refused.code, refused.source) == ("security.unknown",
                                              "民诉法 art.242; 执行担保规定 art.2")


# --- the security ---------------------------------------------------------------------------

def test_the_debtor_secures_with_property_never_with_a_guarantee_of_his_own() -> None:
    app, d = _case()
    refuses(d, "security.debtor_guarantee", "民诉法 art.242; 执行担保规定 art.2", "RecordSecurity",
            date(2026, 3, 10), **_securing(date(2026, 3, 10), form=SecurityForm.GUARANTEE,
                                           provider=SecurityProvider.DEBTOR))
    _security(d, date(2026, 3, 10), provider=SecurityProvider.DEBTOR,
              secured_property="商品房 3-2-501, 李四所有")
    assert app.get_case(NUMBER).securities["S1"].provider_name == "李四"


def test_a_security_secures_at_most_what_is_owed() -> None:
    _, d = _case("100000.00")
    refuses(d, "security.exceeds_debt", "执行担保规定 art.1", "RecordSecurity", date(2026, 3, 10),
            **_securing(date(2026, 3, 10), amount="100000.01"))
    _security(d, date(2026, 3, 10), amount="100000.00")


def test_a_third_partys_security_names_the_guarantor_and_a_property_security_its_property(
        ) -> None:
    _, d = _case()
    refused = refusal(d, "RecordSecurity", date(2026, 3, 10), **_securing(
        date(2026, 3, 10), form=SecurityForm.GUARANTEE, guarantor=None))
    assert refused.code == "security.guarantor_required"
    refuses(d, "security.property_required", "执行担保规定 art.4", "RecordSecurity",
            date(2026, 3, 10), **_securing(date(2026, 3, 10), secured_property=None))


# --- while postponed ------------------------------------------------------------------------

def _postponed(until: date = date(2026, 9, 10), **security: Any
               ) -> tuple[EnforcementCases, Driver]:
    app, d = _case()
    _security(d, date(2026, 3, 10), **security)
    d.send("PostponeEnforcement", date(2026, 3, 10), JUDGE, decided_on=date(2026, 3, 10),
           until=until, security_ids=("S1",))
    return app, d


def test_while_postponed_enforcement_waits_and_no_suspension_ends_it() -> None:
    _, d = _postponed()
    d.send("RegisterAsset", date(2026, 3, 20), asset={
        "asset_id": "acct-1", "kind": "deposit", "description": "工商银行存款",
        "value": "5000.00"}, found_on=date(2026, 3, 20))
    refused = refusal(d, "ControlAsset", date(2026, 3, 20), OFFICER, asset_id="acct-1",
                      measure=ControlMeasure.FREEZE, amount=Decimal("5000.00"),
                      effective_on=date(2026, 3, 20), expires_on=date(2027, 3, 20))
    assert (refused.code, refused.source) == ("case.suspended",
                                              "民诉法 art.242; 执行担保规定 art.8")
    refused = refusal(d, "EndSuspension", date(2026, 3, 21), JUDGE, ended_on=date(2026, 3, 21))
    assert (refused.code, refused.source) == ("suspension.postponed",
                                              "民诉法解释 art.467; 执行担保规定 art.11")
    refused = refusal(d, "SuspendEnforcement", date(2026, 3, 21), JUDGE,
                      suspended_on=date(2026, 3, 21), reason="objection")
    assert refused.code == "suspension.already"
    d.send("RecordFundsReceived", date(2026, 3, 22), CLERK, amount=Decimal("1000.00"),
           received_on=date(2026, 3, 22))  # the debtor may still pay


def test_the_postponement_ends_the_day_after_its_last_day() -> None:
    app, d = _postponed(until=date(2026, 9, 10))
    refused = refusal(d, "EndPostponement", date(2026, 9, 10), SYSTEM,
                      ended_on=date(2026, 9, 10), cause=PostponementEnd.PERIOD_ENDED)
    assert (refused.code, refused.source) == ("postponement.not_ended", SRC_PERIOD)
    d.send("EndPostponement", date(2026, 9, 11), SYSTEM, ended_on=date(2026, 9, 11),
           cause=PostponementEnd.PERIOD_ENDED)
    state = app.get_case(NUMBER)
    assert state.phase is Phase.INQUIRY and state.postponement is None
    assert state.postponements[0].cause is PostponementEnd.PERIOD_ENDED
    assert state.suspensions[-1].start == date(2026, 3, 10)
    assert state.suspensions[-1].end == date(2026, 9, 11)  # the period is not counted


def test_a_breach_of_the_secured_property_ends_the_postponement_early() -> None:
    app, d = _postponed()
    refused = refusal(d, "EndPostponement", date(2026, 4, 1), JUDGE,
                      ended_on=date(2026, 4, 1), cause=PostponementEnd.BREACH)
    assert (refused.code, refused.source) == ("postponement.no_breach",
                                              "民诉法解释 art.467; 执行担保规定 art.11")
    d.send("RecordSecurityBreach", date(2026, 4, 2), security_id="S1",
           occurred_on=date(2026, 4, 1), description="担保人将担保车辆出售给他人")
    d.send("EndPostponement", date(2026, 4, 2), JUDGE, ended_on=date(2026, 4, 2),
           cause=PostponementEnd.BREACH)
    assert app.get_case(NUMBER).phase is Phase.INQUIRY


def test_a_guarantee_has_no_property_to_breach() -> None:
    _, d = _postponed(form=SecurityForm.GUARANTEE)
    refused = refusal(d, "RecordSecurityBreach", date(2026, 4, 2), OFFICER,
                      security_id="S1", occurred_on=date(2026, 4, 1),
                      description="担保人转移财产")
    assert (refused.code, refused.source) == ("security.breach_not_property",
                                              "民诉法解释 art.467; 执行担保规定 art.11")


# --- enforcement against the security ---------------------------------------------------------

def _ended(**security: Any) -> tuple[EnforcementCases, Driver]:
    app, d = _postponed(until=date(2026, 9, 10), **security)
    d.send("EndPostponement", date(2026, 9, 11), SYSTEM, ended_on=date(2026, 9, 11),
           cause=PostponementEnd.PERIOD_ENDED)
    return app, d


def test_the_guarantor_answers_for_at_most_the_security_amount() -> None:
    app, d = _ended(form=SecurityForm.GUARANTEE, amount="60000.00")
    result = d.send("RuleAgainstSecurity", date(2026, 9, 14), JUDGE, security_id="S1",
                    ruled_on=date(2026, 9, 14))
    assert result.events == ("SecurityEnforcementRuled",)
    state = app.get_case(NUMBER)
    assert state.bound_persons == ["王五"] and GUARANTOR not in state.respondents
    d.send("CollectFromSecurity", date(2026, 9, 20), security_id="S1",
           amount=Decimal("40000.00"), collected_on=date(2026, 9, 20))
    refused = refusal(d, "CollectFromSecurity", date(2026, 9, 25), OFFICER,
                      security_id="S1", amount=Decimal("20000.01"),
                      collected_on=date(2026, 9, 25))
    assert (refused.code, refused.source) == ("security.exceeds_amount", SRC_ENFORCE)
    result = d.send("CollectFromSecurity", date(2026, 9, 25), security_id="S1",
                    amount=Decimal("20000.00"), collected_on=date(2026, 9, 25))
    assert result.events == ("SecurityCollected", "FundsReceived")
    refused = refusal(d, "CollectFromSecurity", date(2026, 9, 26), OFFICER,
                      security_id="S1", amount=Decimal("0.01"), collected_on=date(2026, 9, 26))
    assert refused.code == "security.exceeds_amount"
    state = app.get_case(NUMBER)
    assert state.received == Decimal("60000.00") and state.outstanding == Decimal("40000.00")
    receipts = [e for e in app.case_events(NUMBER) if isinstance(e, ev.FundsReceived)]
    assert {e.source for e in receipts} == {FundsSource.SECURITY}


def test_no_ruling_against_the_security_before_the_postponement_ends() -> None:
    _, d = _postponed()
    refused = refusal(d, "RuleAgainstSecurity", date(2026, 4, 2), JUDGE, security_id="S1",
                      ruled_on=date(2026, 4, 2))
    assert (refused.code, refused.source) == ("case.suspended",
                                              "民诉法 art.242; 执行担保规定 art.8")
    _, d = _case()
    _security(d, date(2026, 3, 10))
    refused = refusal(d, "RuleAgainstSecurity", date(2026, 4, 2), JUDGE, security_id="S1",
                      ruled_on=date(2026, 4, 2))
    assert (refused.code, refused.source) == ("security.not_due", SRC_ENFORCE)
    refused = refusal(d, "CollectFromSecurity", date(2026, 4, 2), OFFICER,
                      security_id="S1", amount=Decimal("1.00"), collected_on=date(2026, 4, 2))
    assert (refused.code, refused.source) == ("security.not_ruled", SRC_ENFORCE)


def test_the_security_is_enforced_within_its_period_from_the_end_of_the_postponement() -> None:
    _, d = _ended()  # postponed until 2026-09-10; a security period of one year (default)
    refused = refusal(d, "RuleAgainstSecurity", date(2027, 9, 11), JUDGE, security_id="S1",
                      ruled_on=date(2027, 9, 11))
    assert (refused.code, refused.source) == ("security.period_expired",
                                              "执行担保规定 arts.12, 13")
    d.send("RuleAgainstSecurity", date(2027, 9, 11), JUDGE, security_id="S1",
           ruled_on=date(2027, 9, 10))


def test_a_shorter_security_period_ends_sooner() -> None:
    _, d = _ended(security_months=3)
    refused = refusal(d, "RuleAgainstSecurity", date(2026, 12, 11), JUDGE, security_id="S1",
                      ruled_on=date(2026, 12, 11))
    assert refused.code == "security.period_expired"
    d.send("RuleAgainstSecurity", date(2026, 12, 11), JUDGE, security_id="S1",
           ruled_on=date(2026, 12, 10))


# --- 终本 and an unenforced security ----------------------------------------------------------

def test_no_termination_while_a_security_whose_postponement_ended_is_left_unenforced() -> None:
    app, d = _ready()  # meets every 终本 condition from 2026-04-11
    _security(d, date(2026, 4, 9), form=SecurityForm.GUARANTEE)
    d.send("PostponeEnforcement", date(2026, 4, 9), JUDGE, decided_on=date(2026, 4, 9),
           until=date(2026, 4, 12), security_ids=("S1",))
    d.send("EndPostponement", date(2026, 4, 13), SYSTEM, ended_on=date(2026, 4, 13),
           cause=PostponementEnd.PERIOD_ENDED)
    refused = refusal(d, "TerminateCurrentProcedure", date(2026, 4, 15), JUDGE,
                      ruled_on=date(2026, 4, 15), ruling_number=RULING,
                      approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert (refused.code, refused.source) == ("termination.security_unenforced",
                                              "终本规定 art.1(3); " + SRC_ENFORCE)
    assert "S1" in refused.message
    d.send("RuleAgainstSecurity", date(2026, 4, 15), JUDGE, security_id="S1",
           ruled_on=date(2026, 4, 15))  # the guarantor turns out to have nothing
    d.send("TerminateCurrentProcedure", date(2026, 4, 15), JUDGE, ruled_on=date(2026, 4, 15),
           ruling_number=RULING, approval_mode=ApprovalMode.APPLICANT_SIGNED)
    assert app.get_case(NUMBER).phase is Phase.TERMINATED
