"""Validation at the edge: case numbers, identity documents, money, business time.

Bad input never reaches the application: pydantic refuses it with a ValidationError that names
the field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.models import Claim
from domain.values import Actor, OtherDocument, Party, PartyKind, ResidentId, SocialCreditCode
from tests.support import CLERK, at

NOTICE_FIELDS: dict[str, Any] = {
    "command_id": "n-1", "actor": CLERK, "recorded_at": at(date(2026, 3, 3)),
    "issued_on": date(2026, 3, 3), "report_due_on": date(2026, 3, 13)}


def locations(error: pytest.ExceptionInfo[ValidationError]) -> list[tuple[int | str, ...]]:
    """The fields a validation error names."""
    return [e["loc"] for e in error.value.errors()]


# --- case numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("number", ["(2026)甘0402执123号", "(2026)甘0402执恢5号",
                                    "(2026)甘0402执保7号", "(1990)京01执1号"])
def test_accepts_enforcement_case_numbers(number: str) -> None:
    assert c.IssueNotice(case_number=number, **NOTICE_FIELDS).case_number == number


def test_normalises_full_width_brackets_in_case_numbers() -> None:
    cmd = c.IssueNotice(case_number="（2026）甘0402执123号", **NOTICE_FIELDS)
    assert cmd.case_number == "(2026)甘0402执123号"


@pytest.mark.parametrize("number", [
    "2026甘0402执123号",  # no brackets
    "(2026)甘0402民初123号",  # a civil first-instance number, not enforcement
    "(2026)甘0402执0号",  # serial zero
    "(2026)甘0402执123",  # no 号
    "(1989)甘0402执1号",  # year out of range
])
def test_refuses_invalid_case_numbers(number: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        c.IssueNotice(case_number=number, **NOTICE_FIELDS)
    assert locations(invalid) == [("case_number",)]


# --- resident ID numbers (GB 11643) ------------------------------------------------------------

@pytest.mark.parametrize("number", ["620402198001010013", "11010519491231002X",
                                    "620402800101001"])
def test_accepts_resident_id_numbers_with_valid_check_digit_or_old_form(number: str) -> None:
    assert ResidentId(number=number).number == number


def test_normalises_a_lower_case_x_check_digit() -> None:
    assert ResidentId(number="11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize("number", [
    "620402198001010014",  # check digit off by one
    "62040219800101001",  # 17 characters
    "620402198002300012",  # 30 February, check digit valid
    "620402800230001",  # old form, 30 February
])
def test_refuses_invalid_resident_id_numbers(number: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        ResidentId(number=number)
    assert locations(invalid) == [("number",)]


def test_a_party_with_a_bad_id_number_names_the_nested_field() -> None:
    with pytest.raises(ValidationError) as invalid:
        Party(name="李四", kind=PartyKind.PERSON,
              document={"type": "resident_id", "number": "620402198001010014"})
    assert locations(invalid) == [("document", "resident_id", "number")]


# --- unified social credit codes (GB 32100) ---------------------------------------------------

def test_accepts_a_credit_code_with_its_check_character() -> None:
    assert SocialCreditCode(number="91350100m000100y43").number == "91350100M000100Y43"


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",  # check character off by one
    "91350100M000I00Y43",  # I is not in the GB 32100 alphabet
    "91350100M000100Y4",  # 17 characters
])
def test_refuses_invalid_credit_codes(code: str) -> None:
    with pytest.raises(ValidationError) as invalid:
        SocialCreditCode(number=code)
    assert locations(invalid) == [("number",)]


def test_other_documents_are_typed_explicitly() -> None:
    assert OtherDocument(type="passport", number="E12345678").type == "passport"


def test_refuses_an_untyped_other_document() -> None:
    with pytest.raises(ValidationError) as invalid:
        OtherDocument(type="library_card", number="E12345678")  # type: ignore[arg-type]
    assert locations(invalid) == [("type",)]


# --- money -----------------------------------------------------------------------------------

def test_accepts_money_with_two_decimals_and_zero_interest() -> None:
    claim = Claim(principal=Decimal("100000.01"), interest=Decimal("0.00"))
    assert (claim.principal, claim.interest) == (Decimal("100000.01"), Decimal("0.00"))


def test_refuses_money_with_three_decimals() -> None:
    with pytest.raises(ValidationError) as invalid:
        Claim(principal=Decimal("100000.001"))
    assert locations(invalid) == [("principal",)]


def test_refuses_negative_money() -> None:
    with pytest.raises(ValidationError) as invalid:
        Claim(principal=Decimal("100000.00"), fees=Decimal("-0.01"))
    assert locations(invalid) == [("fees",)]


def test_refuses_a_zero_principal() -> None:
    with pytest.raises(ValidationError) as invalid:
        Claim(principal=Decimal("0.00"))
    assert locations(invalid) == [("principal",)]


def test_accepts_the_largest_amount() -> None:
    assert Claim(principal=Decimal("1000000000000.00")).total == Decimal("1000000000000.00")


def test_refuses_an_amount_above_the_bound() -> None:
    with pytest.raises(ValidationError) as invalid:
        Claim(principal=Decimal("1000000000000.01"))
    assert locations(invalid) == [("principal",)]


def test_refuses_a_command_amount_with_three_decimals() -> None:
    with pytest.raises(ValidationError) as invalid:
        c.RecordFundsReceived(case_number="(2026)甘0402执123号", command_id="f-1", actor=CLERK,
                              recorded_at=at(date(2026, 3, 3)), amount=Decimal("500.005"),
                              received_on=date(2026, 3, 3))
    assert locations(invalid) == [("amount",)]


# --- actors and business time ------------------------------------------------------------------

def test_refuses_an_unknown_role() -> None:
    with pytest.raises(ValidationError) as invalid:
        Actor(id="x-1", role="janitor")  # type: ignore[arg-type]
    assert locations(invalid) == [("role",)]


def test_refuses_business_time_without_a_zone() -> None:
    with pytest.raises(ValidationError) as invalid:
        c.IssueNotice(case_number="(2026)甘0402执123号", command_id="n-1", actor=CLERK,
                      recorded_at=datetime(2026, 3, 3, 10, 0), issued_on=date(2026, 3, 3),
                      report_due_on=date(2026, 3, 13))
    assert locations(invalid) == [("recorded_at",)]
