"""Auditor tools: state as of a date or version, hash-chain verification, exports."""

from __future__ import annotations

import csv
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from domain.application import EnforcementCases
from domain.encryption import aes, key_file_for, read_key_file
from domain.ids import case_id
from projections.auditor import (
    READ_MODELS,
    export_all,
    export_read_model,
    state_as_of,
    verify_case,
    verify_store,
)
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from tests.projections.dockets import Script, terminated
from tests.support import KEY

PAID, TERMINATED = "(2026)甘0402执401号", "(2026)甘0402执402号"


@pytest.fixture
def app(tmp_path: Path) -> EnforcementCases:
    app = EnforcementCases.sqlite(tmp_path / "events.db", chain_key=KEY)
    Script(app, PAID, principal="30000.00").notice().funds("30000.00").conclude()
    terminated(app, TERMINATED)
    return app


def test_state_as_of_a_date_or_a_version_is_replayed_from_the_events(
        app: EnforcementCases) -> None:
    before_payment = state_as_of(app, PAID, on=date(2026, 1, 11))
    assert (before_payment.version, before_payment.received, before_payment.phase.value) == \
        (2, Decimal("0.00"), "notice")
    paid = state_as_of(app, PAID, version=4)
    assert (paid.received, paid.paid_out, paid.closure_mode) == \
        (Decimal("30000.00"), Decimal("30000.00"), None)
    assert state_as_of(app, PAID, version=5).closure_mode is not None
    assert state_as_of(app, PAID, version=4) == app.get_case(PAID, version=4)
    with pytest.raises(ValueError, match="exactly one"):
        state_as_of(app, PAID)


def test_verification_names_the_first_tampered_event(app: EnforcementCases,
                                                     tmp_path: Path) -> None:
    assert verify_case(app, PAID).ok
    whole = verify_store(app)
    assert (whole.ok, whole.cases, whole.broken) == (True, 2, [])
    assert whole.events == len(app.case_events(PAID)) + len(app.case_events(TERMINATED))

    cipher = aes(read_key_file(key_file_for(tmp_path / "events.db")))
    assert cipher is not None
    with sqlite3.connect(tmp_path / "events.db") as db:  # an attacker edits a stored amount
        (state,) = db.execute("SELECT state FROM stored_events WHERE originator_id = ? AND "
                              "originator_version = 3", (case_id(PAID).hex,)).fetchone()
        edited = cipher.decrypt(state).replace(b"30000.00", b"3000.00")  # (holding the key)
        db.execute("UPDATE stored_events SET state = ? WHERE originator_id = ? AND "
                   "originator_version = 3", (cipher.encrypt(edited), case_id(PAID).hex))
    broken = verify_case(app, PAID)
    assert (broken.ok, broken.first_break.version if broken.first_break else None) == (False, 3)
    whole = verify_store(app)
    assert (whole.ok, [v.case_id for v in whole.broken]) == (False, [case_id(PAID)])


def test_every_read_model_exports_to_csv_and_json(app: EnforcementCases,
                                                  tmp_path: Path) -> None:
    store = SQLiteReadModelStore(tmp_path / "views.db")
    ReadModelRunner(app, store).catch_up()
    written = export_all(store, tmp_path / "csv")
    tables = {t.name for name, ts in READ_MODELS.items() if name != "case_facts" for t in ts}
    assert {p.name for p in written} == {f"{t}.csv" for t in tables}
    with (tmp_path / "csv" / "timeline.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == written[tmp_path / "csv" / "timeline.csv"] == \
        store.query("SELECT COUNT(*) FROM timeline")[0][0]
    assert rows[0]["case_number"] == PAID and rows[0]["amount"] == "30000.00"

    json_files = export_read_model(store, "termination_audit", tmp_path / "json", "json")
    audit = orjson.loads((tmp_path / "json" / "termination_audit.json").read_bytes())
    assert [(a["case_number"], a["label"]) for a in audit] == [(TERMINATED, "合规")]
    assert json_files[tmp_path / "json" / "audit_findings.json"] == 0
    export_read_model(store, "timeline", tmp_path / "json", "json")
    events = orjson.loads((tmp_path / "json" / "timeline.json").read_bytes())
    assert events[2]["details"] == {"amount": "30000.00", "received_on": "2026-01-12",
                                    "source": "debtor_payment",
                                    "payout_due_on": events[2]["details"]["payout_due_on"],
                                    "payer": None, "receipt_id": None, "asset_id": None,
                                    "allocations": [{
                                        "payee_kind": "applicant", "payee": "张三",
                                        "amount": "30000.00",
                                        "due_on": events[2]["details"]["payout_due_on"]}]}
    with pytest.raises(ValueError, match="no read model"):
        export_read_model(store, "nonsense", tmp_path)
