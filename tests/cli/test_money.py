"""The court's suspense account through `enforce funds suspense` against the real engine
(docs/rules.md §10): money booked without a case, claimed into a case by its act (the case then
holds it), a second claim refused, another receipt returned to its payer by the court."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Enforce
from tests.workflows.dockets import case
from workflows.docket import World

NUMBER = "(2026)甘0402执851号"
COURT = "甘0402"


def test_a_receipt_is_booked_claimed_once_into_a_case_and_another_returned(
        own_engine: Enforce, tmp_path: Path) -> None:
    enforce = own_engine
    path = tmp_path / "case.json"
    path.write_text(case(NUMBER, World(), principal="90000.00").model_dump_json(), "utf-8")
    assert (filed := enforce("case", "file", path)).code == 0, filed.err
    officer = {"ENFORCE_TOKEN": enforce.token("officer-3")}

    booked = enforce("funds", "suspense", "add", COURT, "R-1", "--amount", "3000.00",
                     "--payer", "李四", "--reference", "货款")  # the clerk (OS account)
    assert booked.code == 0, booked.err
    assert "UnidentifiedReceiptRecorded" in booked.out
    again = enforce("funds", "suspense", "add", COURT, "R-1", "--amount", "3000.00",
                    "--payer", "李四", "--reference", "货款", "--request-id",
                    booked.request_id)
    assert again.code == 0 and "already recorded" in again.out, again.err
    listed = enforce("funds", "suspense", "list", COURT, "--json").json()
    assert [(x["receipt_id"], x["amount"], x["status"]) for x in listed] == [
        ("R-1", "3000.00", "unclaimed")]
    waiting = enforce("audit", "ledger", "suspense", "--court", COURT, "--json").json()
    assert [(x["receipt_id"], x["amount"], x["age_days"]) for x in waiting] == [
        ("R-1", "3000.00", 0)]

    clerk_claim = enforce("funds", "suspense", "claim", NUMBER, "R-1")
    assert clerk_claim.code == 1
    assert "role.not_permitted" in clerk_claim.error
    claimed = enforce("funds", "suspense", "claim", NUMBER, "R-1", "--json", **officer)
    assert claimed.code == 0, claimed.err
    assert "FundsReceived" in claimed.json()["events"]
    before = enforce.events()
    twice = enforce("funds", "suspense", "claim", NUMBER, "R-1", **officer)
    assert twice.code == 1
    assert twice.error.startswith(f"error: claim_receipt refused for {NUMBER}: "
                                  "suspense.already_claimed: receipt R-1 was claimed into")
    assert enforce.events() == before

    assert enforce("funds", "suspense", "add", COURT, "R-2", "--amount", "12.50",
                   "--payer", "王五").code == 0
    by_clerk = enforce("funds", "suspense", "return", COURT, "R-2", "--reason", "付款人要求退回")
    assert by_clerk.code == 1 and "role.not_permitted" in by_clerk.error
    returned = enforce("funds", "suspense", "return", COURT, "R-2", "--reason", "付款人要求退回",
                       **officer)
    assert returned.code == 0, returned.err
    assert enforce("funds", "suspense", "list", COURT, "--json").json() == []
    every = enforce("funds", "suspense", "list", COURT, "--all", "--json").json()
    assert [(x["receipt_id"], x["status"], x["case_number"]) for x in every] == [
        ("R-1", "claimed", NUMBER), ("R-2", "returned", None)]

    history = enforce("audit", "history", NUMBER, "--json").json()
    received = [e for e in history if e["event"] == "FundsReceived"]
    assert [(e["receipt_id"], e["payer"], e["actor"]["id"])
            for e in received] == [("R-1", "李四", "officer-3")]
    ledger = enforce("audit", "ledger", NUMBER, "--json").json()
    assert [(x["entry"], x["amount"], x["payer"], x["receipt_id"]) for x in ledger] == [
        ("receipt", "3000.00", "李四", "R-1")]
    due = enforce("audit", "ledger", "payouts", "--court", COURT, "--json").json()
    assert [(x["case_number"], x["payee_kind"], x["unpaid"], x["overdue"]) for x in due] == [
        (NUMBER, "applicant", "3000.00", False)]
    assert enforce("audit", "ledger", "suspense", "--json").json() == []
    verified = enforce("audit", "verify", "--json")
    assert verified.code == 0, verified.err
