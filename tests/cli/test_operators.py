"""Operators and auditors through `enforce` against the real engine (worker + dev server): file
live cases, send a valid act, a refused one and malformed ones (nothing written), query, list,
replay at a date and a version, verify (and catch tampering), deadlines, audit and metrics."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domain.calendar import COURT_ZONE
from domain.models import CaseCategory
from tests.cli.conftest import Enforce
from tests.workflows.dockets import case
from workflows.scenario import Docket, World

LOAN = "(2026)甘0402执801号"  # ¥120,000: priority 3
WAGES = "(2026)甘0402执802号"  # livelihood: priority 1
CLERK = ("--actor", "clerk-7", "--role", "clerk")


@pytest.fixture(scope="module")
def filed(enforce: Enforce, tmp_path_factory: pytest.TempPathFactory) -> Enforce:
    """Both cases filed live through `enforce case file` (a whole docket, loan first)."""
    docket = Docket(cases=(case(LOAN, World(), principal="120000.00"),
                           case(WAGES, World(), principal="20000.00",
                                category=CaseCategory.WAGES)))
    path = tmp_path_factory.mktemp("docket") / "docket.json"
    path.write_text(docket.model_dump_json(), "utf-8")
    result = enforce("case", "file", path, "--actor", "clerk-9", "--role", "clerk", "--json")
    assert result.code == 0, result.err
    assert [(f["case_number"], f["priority"], f["stage"]) for f in result.json()] == [
        (LOAN, 3, "procedure"), (WAGES, 1, "procedure")]
    return enforce


def test_filing_records_the_clerk_and_refuses_a_second_filing(filed: Enforce,
                                                              tmp_path: Path) -> None:
    first = filed("audit", "history", LOAN, "--json").json()[0]
    assert (first["event"], first["actor"]) == ("CaseFiled", {"id": "clerk-9", "role": "clerk"})
    again = tmp_path / "case.json"
    again.write_text(case(LOAN, World(), principal="120000.00").model_dump_json(), "utf-8")
    result = filed("case", "file", again)
    assert result.code == 1
    assert result.error == f"error: case.already_filed: case {LOAN} is already filed [engine]"


def test_a_valid_act_is_applied_and_records_who_acted(filed: Enforce) -> None:
    before = filed.events()
    result = filed("case", "do", LOAN, "record_payment", "--field", "amount=1000.00",
                   "--request-id", "receipt-0001", *CLERK)
    assert result.code == 0, result.err
    assert filed.events() == before + 1
    last = filed("audit", "history", LOAN, "--json").json()[-1]
    assert (last["event"], last["amount"], last["actor"]) == (
        "FundsReceived", "1000.00", {"id": "clerk-7", "role": "clerk"})
    # the phase the answer names is the record's at the act's version: notice, or inquiry once
    # the day's network inquiry has run (routine steps run at 09:00 court time)
    phase = filed("audit", "history", LOAN, "--version", str(last["originator_version"]),
                  "--json").json()["phase"]
    assert phase in ("notice", "inquiry")
    assert result.out.strip() == (f"record_payment applied to {LOAN}: FundsReceived; phase "
                                  f"{phase}, outstanding ¥119,000.00")

    # the same request again writes nothing; identity from the environment this time
    repeat = filed("case", "do", LOAN, "record_payment", "--json",
                   '{"amount": "1000.00", "request_id": "receipt-0001"}', "--json-result",
                   ENFORCE_ACTOR="clerk-7", ENFORCE_ROLE="clerk")
    assert repeat.code == 0, repeat.err
    assert (repeat.json()["duplicate"], repeat.json()["outstanding"]) == (True, "119000.00")
    assert filed.events() == before + 1


def test_a_refused_act_names_the_rule_and_writes_nothing(filed: Enforce) -> None:
    filed("case", "do", LOAN, "record_payment", "--field", "amount=1000.00",
          "--request-id", "receipt-0001", *CLERK)  # the balance is ¥119,000.00 from here on
    before = filed.events()
    too_much = filed("case", "do", LOAN, "record_payment", "--field", "amount=500000.00", *CLERK)
    assert too_much.code == 1
    assert too_much.error == (
        f"error: record_payment refused for {LOAN}: funds.exceed_balance: 500000.00 exceeds "
        "the outstanding balance 119000.00 [engine invariant (docs/rules.md §5)]")
    auditor = filed("case", "do", LOAN, "record_payment", "--field", "amount=10.00",
                    "--actor", "audit-1", "--role", "auditor")
    assert auditor.code == 1
    assert "role.not_permitted" in auditor.error and "RecordFundsReceived" in auditor.error
    assert filed.events() == before


def test_malformed_acts_are_refused_before_temporal_and_write_nothing(filed: Enforce) -> None:
    before = filed.events()
    negative = filed("case", "do", LOAN, "record_payment", "--field", "amount=-5", *CLERK)
    assert negative.code == 2
    assert negative.error == (
        "error: invalid record_payment: amount: Input should be greater than 0 "
        "[workflows/acts.py RecordPayment; docs/workflows.md (operator contract)]")
    # validated locally: the same answer with Temporal out of reach
    dead = filed("case", "do", LOAN, "record_payment", "--field", "amount=-5", *CLERK,
                 TEMPORAL_ADDRESS="127.0.0.1:9")
    assert (dead.code, dead.error) == (2, negative.error)
    cents = filed("case", "do", LOAN, "record_payment", "--json", '{"amount": "1.005"}', *CLERK)
    assert cents.code == 2 and "amount: Decimal input should have no more than 2 decimal " \
        "places" in cents.error
    # the workflow's validator: an act date after the business date
    future = (datetime.now(COURT_ZONE).date() + timedelta(days=30)).isoformat()
    late = filed("case", "do", LOAN, "record_payment", "--field", "amount=10.00",
                 "--field", f"paid_on={future}", *CLERK)
    assert late.code == 2
    assert late.error.startswith(f"error: record_payment invalid for {LOAN}: input.invalid: "
                                 f"record_payment: paid_on {future} is after the business date")
    bad_json = filed("case", "do", LOAN, "record_payment", "--json", '{"amount": ', *CLERK)
    assert (bad_json.code, bad_json.error) == (
        2, "error: invalid --json: Expecting value at line 1 column 12")
    unknown_act = filed("case", "do", LOAN, "pay", "--field", "amount=1", *CLERK)
    assert unknown_act.code == 2 and unknown_act.error.startswith("error: unknown act 'pay'; "
                                                                  "acts: announce_auction")
    nobody = filed("case", "do", LOAN, "record_payment", "--field", "amount=1.00")
    assert nobody.code == 2 and "who acts?" in nobody.error
    number = filed("case", "do", "(2026)执1号", "record_payment", "--field", "amount=1", *CLERK)
    assert number.code == 2 and number.error.startswith("error: invalid case number")
    assert filed.events() == before


def test_unknown_cases_and_an_unreachable_temporal_are_one_line(filed: Enforce) -> None:
    unknown = filed("case", "do", "(2026)甘0402执899号", "record_payment", "--field",
                    "amount=1.00", *CLERK)
    assert unknown.code == 1 and unknown.error.startswith(
        "error: case.unknown: no enforcement case (2026)甘0402执899号")
    assert filed("case", "show", "(2026)甘0402执899号").code == 1
    down = filed("case", "show", LOAN, TEMPORAL_ADDRESS="127.0.0.1:9")
    assert down.code == 1 and down.error.startswith(
        "error: cannot reach Temporal at 127.0.0.1:9")


def test_case_show_answers_the_get_status_query(filed: Enforce) -> None:
    status = filed("case", "show", WAGES, "--json")
    assert status.code == 0, status.err
    data = status.json()
    assert (data["case_number"], data["stage"], data["outstanding"]) == (
        WAGES, "procedure", "20000.00")
    assert "closure" in [d["name"] for d in data["deadlines"]]
    table = filed("case", "show", WAGES)
    assert table.code == 0 and "live status (get_status)" in table.out


def test_case_list_puts_livelihood_first_with_priority(filed: Enforce) -> None:
    listed = filed("case", "list", "--json").json()
    assert [c["case_number"] for c in listed] == [LOAN, WAGES]  # filing order
    first = filed("case", "list", "--priority", "--json").json()
    assert [(c["case_number"], c["priority"]) for c in first] == [(WAGES, 1), (LOAN, 3)]
    wages = filed("case", "list", "--category", "wages", "--json").json()
    assert [c["case_number"] for c in wages] == [WAGES]
    assert filed("case", "list", "--phase", "closed", "--json").json() == []


def test_history_replays_a_case_at_a_version_and_at_a_date(filed: Enforce) -> None:
    filed("case", "do", LOAN, "record_payment", "--field", "amount=1000.00",
          "--request-id", "receipt-0001", *CLERK)
    events = filed("audit", "history", LOAN, "--json").json()
    paid = next(e for e in events if e["event"] == "FundsReceived")
    paid_on = datetime.fromisoformat(paid["recorded_at"]).astimezone(COURT_ZONE).date()

    filing = filed("audit", "history", LOAN, "--version", "1", "--json").json()
    assert (filing["version"], filing["phase"], filing["outstanding"]) == (1, "filed",
                                                                            "120000.00")
    on_payment_day = filed("audit", "history", LOAN, "--at", paid_on.isoformat(), "--json")
    assert on_payment_day.json()["outstanding"] == "119000.00"
    assert on_payment_day.json()["version"] >= paid["originator_version"]
    filed_on = date.fromisoformat(filing["filed_on"])
    before = filed("audit", "history", LOAN, "--at", (filed_on - timedelta(days=1)).isoformat())
    assert before.code == 1
    assert before.error == (f"error: case.unknown: no enforcement case {LOAN} on "
                            f"{filed_on - timedelta(days=1)} [engine]")
    both = filed("audit", "history", LOAN, "--at", "2026-01-01", "--version", "2")
    assert (both.code, both.error) == (2, "error: give --at or --version, not both")
    table = filed("audit", "history", LOAN)
    assert table.code == 0 and "FundsReceived" in table.out and "clerk-7 (clerk)" in table.out


def test_verify_passes_and_catches_a_tampered_copy(filed: Enforce, tmp_path: Path) -> None:
    whole = filed("audit", "verify", "--json")
    assert whole.code == 0, whole.err
    assert (whole.json()["ok"], whole.json()["cases"]) == (True, 2)
    one = filed("audit", "verify", LOAN)
    assert one.code == 0 and "1 of 1 case(s) verify" in one.out

    copy = tmp_path / "copy"
    copy.mkdir()
    with sqlite3.connect(filed.data / "events.sqlite") as live, \
            sqlite3.connect(copy / "events.sqlite") as target:
        live.backup(target)
    for key in ("events.chainkey", "events.cipherkey"):
        shutil.copy(filed.data / key, copy / key)
    with sqlite3.connect(copy / "events.sqlite") as db:
        rowid, blob = db.execute("SELECT rowid, state FROM stored_events ORDER BY rowid "
                                 "DESC LIMIT 1").fetchone()
        db.execute("UPDATE stored_events SET state = ? WHERE rowid = ?",
                   (bytes(blob[:-1]) + bytes([blob[-1] ^ 1]), rowid))
    tampered = Enforce(copy)("audit", "verify")
    assert tampered.code == 1
    assert tampered.error.startswith("error: TAMPERED: case ")
    assert "1 of 2 case(s) verify" in tampered.out


def test_deadlines_audit_and_metrics_of_the_live_store(filed: Enforce) -> None:
    watch = filed("deadlines", "--within", "400", "--json")
    assert watch.code == 0, watch.err
    assert {LOAN, WAGES} <= {i["case_number"] for i in watch.json()
                             if i["watch"] == "closure_deadline"}
    assert filed("audit", "termination", "--json").json() == []  # no 终本 in a live week
    metrics = filed("audit", "metrics", "--json").json()
    assert [(m["metrics"]["kind"], m["metrics"]["new"], m["metrics"]["closed"])
            for m in metrics] == [("执", 2, 0)]
    assert Decimal(metrics[0]["rates"]["执结率"]) == Decimal("0.0")
