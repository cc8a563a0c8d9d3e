"""Operators and auditors through `enforce` against the real engine (worker + dev server): file
live cases, send a valid act, a refused one and malformed ones (nothing written), query, list,
replay at a date and a version, verify (and catch tampering), deadlines, audit and metrics."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from cli.accounts import os_user
from console.labels import PHASES
from domain.calendar import COURT_ZONE
from domain.models import CaseCategory
from engine.facade import Engine
from engine.key_ring import KEY_FILE, KEY_FILE_ENV
from engine.runtime import EmbeddedServer
from tests.cli.conftest import OS_ACCOUNT, Enforce
from tests.projections.legacy import LegacyCase
from tests.workflows.dockets import case
from workflows.docket import Docket, World

LOAN = "(2026)甘0402执801号"  # ¥120,000: priority 3
WAGES = "(2026)甘0402执802号"  # livelihood: priority 1


@pytest.fixture(scope="module")
def filed(enforce: Enforce, tmp_path_factory: pytest.TempPathFactory) -> Enforce:
    """Both cases filed live through `enforce case file` (a whole docket, loan first)."""
    docket = Docket(cases=(case(LOAN, World(), principal="120000.00"),
                           case(WAGES, World(), principal="20000.00",
                                category=CaseCategory.WAGES)))
    path = tmp_path_factory.mktemp("docket") / "docket.json"
    path.write_text(docket.model_dump_json(), "utf-8")
    result = enforce("case", "file", path, "--json", ENFORCE_TOKEN=enforce.token("clerk-9"))
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
    assert result.error == (f"error: case.already_filed: case {LOAN} is already filed: a case "
                            "with this number already has a workflow [立案结案意见 (one case per "
                            "number)]")  # the facade's answer (tests/workflows/test_engine_facade.py)


def test_a_valid_act_is_applied_and_records_who_acted(filed: Enforce) -> None:
    before = filed.events()
    result = filed("case", "do", LOAN, "record_payment", "--field", "amount=1000.00",
                   "--request-id", "receipt-0001")
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
                                  f"{phase} ({PHASES[phase][0]}), outstanding ¥119,000.00")

    # the same request again writes nothing
    repeat = filed("case", "do", LOAN, "record_payment", "--json",
                   '{"amount": "1000.00", "request_id": "receipt-0001"}', "--json-result")
    assert repeat.code == 0, repeat.err
    assert (repeat.json()["duplicate"], repeat.json()["outstanding"]) == (True, "119000.00")
    assert filed.events() == before + 1


def test_a_refused_act_names_the_rule_and_writes_nothing(filed: Enforce) -> None:
    filed("case", "do", LOAN, "record_payment", "--field", "amount=1000.00",
          "--request-id", "receipt-0001")  # the balance is ¥119,000.00 from here on
    before = filed.events()
    too_much = filed("case", "do", LOAN, "record_payment", "--field", "amount=500000.00")
    assert too_much.code == 1
    assert too_much.error == (
        f"error: record_payment refused for {LOAN}: funds.exceed_balance: 500000.00 exceeds "
        "the outstanding balance 119000.00 and the enforcement fee still due 1700.00 "
        "[engine invariant (docs/rules.md §5)]")
    auditor = filed("case", "do", LOAN, "record_payment", "--field", "amount=10.00",
                    ENFORCE_TOKEN=filed.token("audit-1"))
    assert auditor.code == 1
    assert "role.not_permitted" in auditor.error and "RecordFundsReceived" in auditor.error
    assert filed.events() == before


def test_approvals_are_acts_of_the_approver(filed: Enforce) -> None:
    """Issue 11 at the CLI door: a self-signed approval typed into list_dishonest is refused;
    a request is approved by another president, never by its requester (docs/rules.md,
    "Approvals"). Each acts as their own account (a signed token), never as a claim."""
    before = filed.events()
    assert filed("users", "add", "president-2", "--role", "president").code == 0
    first = {"ENFORCE_TOKEN": filed.token("president-1")}
    second = {"ENFORCE_TOKEN": filed.token("president-2")}
    forged = filed("case", "do", LOAN, "list_dishonest", "--field", "ground=able_but_refuses",
                   "--field", "approval.approver_id=president-1", "--field",
                   "approval.role=president", "--field", "approval.approved_on=2000-01-01",
                   **first)
    assert forged.code == 1
    assert "approval.typed_not_accepted" in forged.error and "失信规定 art.5" in forged.error
    missing = filed("case", "do", LOAN, "list_dishonest", "--field", "ground=able_but_refuses",
                    **first)
    assert missing.code == 1 and "approval.required" in missing.error
    assert filed.events() == before

    asked = filed("case", "do", LOAN, "request_approval", "--field", "measure=dishonest",
                  "--field", "approval_id=listing-1", **first)
    assert asked.code == 0, asked.err
    assert "approval request listing-1" in asked.out
    pending = filed("case", "show", LOAN, "--json").json()["approvals_due"]
    assert [d["update"] for d in pending if "listing-1" in d["reason"]] == ["give_approval"]
    own = filed("case", "do", LOAN, "give_approval", "--field", "approval_id=listing-1",
                **first)
    assert own.code == 1 and "approval.self_approval" in own.error
    given = filed("case", "do", LOAN, "give_approval", "--field", "approval_id=listing-1",
                  **second)
    assert given.code == 0, given.err
    assert filed.events() == before + 2
    asked_event, given_event = filed("audit", "history", LOAN, "--json").json()[-2:]
    assert (asked_event["event"], asked_event["actor"]) == (
        "ApprovalRequested", {"id": "president-1", "role": "president"})
    assert (given_event["event"], given_event["actor"]) == (
        "ApprovalGiven", {"id": "president-2", "role": "president"})


def test_malformed_acts_are_refused_before_temporal_and_write_nothing(filed: Enforce) -> None:
    before = filed.events()
    negative = filed("case", "do", LOAN, "record_payment", "--field", "amount=-5")
    assert negative.code == 2
    assert negative.error == (
        "error: invalid record_payment: amount: amount '-5' refused: no sign is written (amounts "
        "are never negative); write ASCII digits with at most 2 decimal places, e.g. 1234.50 "
        "[docs/domain.md \"Money\"] [workflows/acts.py RecordPayment; docs/workflows.md "
        "(operator contract)]")
    # validated locally: the same answer with Temporal out of reach
    dead = filed("case", "do", LOAN, "record_payment", "--field", "amount=-5",
                 TEMPORAL_ADDRESS="127.0.0.1:9")
    assert (dead.code, dead.error) == (2, negative.error)
    cents = filed("case", "do", LOAN, "record_payment", "--json", '{"amount": "1.005"}')
    assert cents.code == 2 and "amount: amount '1.005' refused: 3 decimal places written, at " \
        "most 2" in cents.error
    # the workflow's validator: an act date after the business date
    future = (datetime.now(COURT_ZONE).date() + timedelta(days=30)).isoformat()
    late = filed("case", "do", LOAN, "record_payment", "--field", "amount=10.00",
                 "--field", f"paid_on={future}")
    assert late.code == 2
    assert late.error.startswith(f"error: record_payment invalid for {LOAN}: input.invalid: "
                                 f"record_payment: paid_on {future} is after the business date")
    bad_json = filed("case", "do", LOAN, "record_payment", "--json", '{"amount": ')
    assert (bad_json.code, bad_json.error) == (
        2, "error: invalid --json: Expecting value at line 1 column 12")
    unknown_act = filed("case", "do", LOAN, "pay", "--field", "amount=1")
    assert unknown_act.code == 2 and unknown_act.error.startswith("error: unknown act 'pay'; "
                                                                  "acts: ")
    assert "record_payment" in unknown_act.error
    number = filed("case", "do", "(2026)执1号", "record_payment", "--field", "amount=1")
    assert number.code == 2 and number.error.startswith("error: invalid case number")
    assert filed.events() == before


def test_unknown_cases_and_an_unreachable_temporal_are_one_line(filed: Enforce) -> None:
    unknown = filed("case", "do", "(2026)甘0402执899号", "record_payment", "--field",
                    "amount=1.00")
    assert unknown.code == 1 and unknown.error.startswith(
        "error: case.unknown: no enforcement case (2026)甘0402执899号")
    assert filed("case", "show", "(2026)甘0402执899号").code == 1
    down = filed("case", "show", LOAN, TEMPORAL_ADDRESS="127.0.0.1:9")
    assert down.code == 1 and down.error.startswith(
        "error: engine.unavailable: cannot reach Temporal at 127.0.0.1:9 (namespace default): ")


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
          "--request-id", "receipt-0001")
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
    for store in ("events.sqlite", "events.anchors.sqlite"):  # the anchor log goes with it
        with sqlite3.connect(filed.data / store) as live, \
                sqlite3.connect(copy / store) as target:
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


def test_an_import_into_a_live_case_is_refused_and_writes_nothing(filed: Enforce,
                                                                   tmp_path: Path) -> None:
    """Issue 11: ¥999,999 received and 执行完毕 by "nobody (president)", stamped in the future,
    imported onto a live case; then the same two acts by a real president, dated in the past.
    Each file is refused whole (docs/legacy-format.md § Time, § Actors, § Live cases)."""
    before = filed("audit", "history", LOAN, "--json").json()
    version = len(before)

    def legacy(name: str, day: date, actor: str) -> Path:
        when = f"{day.isoformat()}T10:00:00+08:00"
        lines = [{"case_number": LOAN, "seq": version + 1, "event": "FundsReceived",
                  "recorded_at": when, "actor": {"id": actor, "role": "president"},
                  "data": {"amount": "999999.00", "received_on": day.isoformat(),
                           "source": "debtor_payment", "payout_due_on": None}},
                 {"case_number": LOAN, "seq": version + 2, "event": "CaseConcluded",
                  "recorded_at": when, "actor": {"id": actor, "role": "president"},
                  "data": {"closed_on": day.isoformat(), "by_settlement": False}}]
        path = tmp_path / name
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines),
                        "utf-8")
        return path

    future = legacy("future.jsonl", date.today() + timedelta(days=400), "nobody")
    refused = filed("import", future)
    assert refused.code == 2
    assert refused.error.startswith(f"error: import of {future} refused (nothing written): "
                                    "legacy.future_act: line 1, recorded_at: ")
    past = legacy("past.jsonl", date(2026, 1, 2), "president-3")
    refused = filed("import", past)
    assert refused.code == 2
    assert refused.error == (
        f"error: import of {past} refused (nothing written): legacy.live_case: line 1, "
        f"case_number: case {LOAN} is live (its event 1, CaseFiled, was recorded by the engine, "
        "not imported): an import may create a case or extend a case holding nothing but "
        "imported events [docs/legacy-format.md § Live cases]")
    # the workflow may record its own routine acts meanwhile (the day's 09:00 inquiry): compare
    # what was there, and look for anything of the two files
    after = filed("audit", "history", LOAN, "--json").json()
    assert after[:version] == before
    assert not [e for e in after if e["imported"] or e["event"] == "CaseConcluded"]
    listed = {c["case_number"]: c for c in filed("case", "list", "--json").json()}
    assert (listed[LOAN]["imported"], listed[LOAN]["closure_mode"]) == (False, None)
    assert Decimal(listed[LOAN]["outstanding"]) > 0
    assert filed("audit", "verify", LOAN).code == 0


def test_an_imported_case_is_named_imported_by_show_and_do(filed: Enforce,
                                                           tmp_path: Path) -> None:
    """Against the running engine's Temporal, with a store of its own (the module's store
    keeps its two live cases)."""
    ring = {KEY_FILE_ENV: str(filed.data / KEY_FILE)}  # the engine's identity key ring
    filed = Enforce(tmp_path / "data", filed.address, env=ring)
    mine = filed("users", "add", OS_ACCOUNT, "--role", "clerk", "--os-user", os_user())
    assert mine.code == 0, mine.err
    number = "(2019)甘0402执77号"
    lines = LegacyCase(number, date(2019, 3, 1)).notice().report().lines
    path = tmp_path / "legacy.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    imported = filed("import", path, "--json")
    assert imported.code == 0, imported.err
    assert imported.json()["events_written"] == 3
    line = (f"error: case.imported: case {number} is an imported legacy history: no workflow "
            "runs it and no act is recorded on it; read it with `enforce audit history` "
            "[docs/legacy-format.md § Live cases]")
    shown = filed("case", "show", number)
    assert (shown.code, shown.error) == (1, line)
    acted = filed("case", "do", number, "record_payment", "--field", "amount=1000.00",
                  "--request-id", "receipt-legacy")
    assert (acted.code, acted.error) == (1, line)
    assert [e["imported"] for e in filed("audit", "history", number, "--json").json()] == [
        True, True, True]
# --- identity: principals, not claims (docs/operations.md "Identity") -------------------------

def test_claimed_identities_are_refused_and_write_nothing(filed: Enforce) -> None:
    before = filed.events()
    dishonest = filed("case", "do", LOAN, "list_dishonest", "--field", "ground=evading",
                      "--actor", "mallory", "--role", "president")
    assert dishonest.code == 1
    assert dishonest.error.startswith("error: identity.claim_refused: --actor, --role: who acts "
                                      "is not claimed")
    assert dishonest.error.endswith("[docs/operations.md (Identity)]")
    engine = filed("case", "do", LOAN, "record_payment", "--field", "amount=1.00",
                   "--actor", "workflow", "--role", "system")
    assert engine.code == 1 and "identity.claim_refused" in engine.error
    from_env = filed("case", "do", LOAN, "record_payment", "--field", "amount=1.00",
                     ENFORCE_ACTOR="clerk-9", ENFORCE_ROLE="president")
    assert from_env.code == 1 and "identity.claim_refused: ENFORCE_ACTOR, ENFORCE_ROLE" in \
        from_env.error
    in_payload = filed("case", "do", LOAN, "record_payment", "--json",
                       '{"amount": "1.00", "actor": {"id": "president-1", "role": "president"}}')
    assert in_payload.code == 1 and "identity.claim_refused: the payload's actor" in \
        in_payload.error
    filing = filed("case", "file", "nowhere.json", "--actor", "clerk-9", "--role", "clerk")
    assert filing.code == 2  # the file is read first; a claim on a real docket is refused too
    assert filed.events() == before


def test_the_recorded_actor_is_the_account_of_the_os_user_or_of_the_token(
        filed: Enforce) -> None:
    mine = filed("case", "do", LOAN, "record_payment", "--field", "amount=2.00")
    assert mine.code == 0, mine.err
    assert filed("audit", "history", LOAN, "--json").json()[-1]["actor"] == {
        "id": "clerk-7", "role": "clerk"}
    officer = filed("case", "do", LOAN, "record_payment", "--field", "amount=3.00",
                    ENFORCE_TOKEN=filed.token("officer-3"))
    assert officer.code == 0, officer.err
    assert filed("audit", "history", LOAN, "--json").json()[-1]["actor"] == {
        "id": "officer-3", "role": "officer"}
    key = officer.request_id
    record = filed("case", "act", LOAN, key, "--json").json()
    assert record["actor"] == {"id": "officer-3", "role": "officer"}
    assert record["vouched_by"] == "enforce-cli:token:officer-3"


def test_forged_expired_and_disabled_tokens_are_refused(filed: Enforce) -> None:
    before = filed.events()
    token = filed.token("president-1")
    head, kid, body, mac = token.split(".")
    forged = ".".join((head, kid, body, mac[:-2] + ("AA" if mac[-2:] != "AA" else "BB")))
    refused = filed("case", "do", LOAN, "record_payment", "--field", "amount=1.00",
                    ENFORCE_TOKEN=forged)
    assert refused.code == 1 and refused.error.startswith(
        "error: identity.invalid_token: the principal's token is refused: its signature does "
        "not verify")
    assert filed("users", "add", "temp-1", "--role", "judge").code == 0
    temp = filed.token("temp-1")
    assert filed("users", "disable", "temp-1").code == 0
    disabled = filed("case", "do", LOAN, "record_payment", "--field", "amount=1.00",
                     ENFORCE_TOKEN=temp)
    assert disabled.code == 1 and "identity.unknown: a disabled account 'temp-1'" in \
        disabled.error
    assert filed.events() == before


def test_an_act_on_a_closed_case_is_case_closed_as_at_the_facade(filed: Enforce,
                                                                 tmp_path: Path) -> None:
    """The CLI acts through the Engine: a closed case answers ``case.closed`` as the facade
    does (tests/workflows/test_engine_facade.py), not "no running workflow"."""
    number = "(2026)甘0402执803号"
    path = tmp_path / "docket.json"
    path.write_text(Docket(cases=(case(number, World(), principal="8000.00"),))
                    .model_dump_json(), "utf-8")
    assert filed("case", "file", path).code == 0
    ended = filed("case", "do", number, "withdraw_application", "--field",
                  "reason=the applicant withdrew", ENFORCE_TOKEN=filed.token("president-1"))
    assert ended.code == 0, ended.err
    paid = filed("case", "do", number, "record_payment", "--field", "amount=5.00")
    assert paid.code == 1
    assert paid.error.startswith(f"error: record_payment refused for {number}: case.closed: "), \
        paid.error


async def test_the_cli_finds_the_engine_and_its_task_queue_in_server_json(
        filed: Enforce, tmp_path: Path) -> None:
    """Without TEMPORAL_ADDRESS or ENFORCEMENT_TASK_QUEUE the CLI finds the engine where its
    worker recorded it, through ``Engine.connect`` (the facade's pair:
    tests/engine/test_facade_process.py): a data directory whose ``server.json`` names the
    running server and another task queue, which no worker serves: a case started there
    answers ``engine.no_worker`` to ``case show`` as to ``Engine.status``
    (tests/workflows/test_engine_facade.py)."""
    data = tmp_path / "data"
    recorded = EmbeddedServer.read(filed.data)
    assert recorded is not None
    recorded.model_copy(update={"task_queue": "court-7"}).write(data)
    run = Enforce(data)
    found = run("case", "stuck")
    assert found.code == 0, found.err
    assert found.out.strip() == "no stuck case on task queue 'court-7'"

    number = "(2026)甘0402执809号"
    async with await Engine.connect(data_dir=data) as door:
        assert door.task_queue == "court-7"
        await door.start(number, case(number, World()).filing())
        try:
            shown = run("case", "show", number)
        finally:
            await door.handle(number).terminate("test over")
    assert shown.code == 1
    assert shown.error.startswith(f"error: engine.no_worker: no worker answered for {number} "
                                  "within 10 s: is a worker serving task queue 'court-7'?")
