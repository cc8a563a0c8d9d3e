"""Text and money hygiene at the edge (docs/domain.md "Text fields", "Money").

New input refuses control, format and bidirectional characters in every text field, and amounts
written in any form but ASCII decimal with at most 2 places; the field is named and nothing is
written. What is already on record loads exactly as it was written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.application import EnforcementCases
from domain.errors import UnknownCase
from domain.legacy import LegacyImportError
from domain.models import AssetFinding, Claim
from domain.text import first_unsafe, json_printable, printable
from domain.values import Party, recorded_facts
from tests.domain.test_legacy_import import OLD, old_case
from tests.projections.legacy import NOW
from tests.support import APPLICANT, CLERK, KEY, NUMBER, Driver, at, new_app
from workflows.acts import RecordPayment, SubmitLead
from workflows.messages import BasisSpec

UNSAFE = {
    "NUL": "\x00", "ESC clear screen": "\x1b[2J", "BEL": "\x07", "carriage return": "\r",
    "DEL": "\x7f", "C1 CSI": "\x9b31m", "RTL override": "\u202e", "LTR embedding": "\u202a",
    "first-strong isolate": "\u2068", "pop isolate": "\u2069", "RLM": "\u200f",
    "zero-width space": "\u200b", "byte-order mark": "\ufeff", "line separator": "\u2028",
}
BAD_AMOUNTS = ["1E+2", "1e2", "100.000", "0.010", "１００", "١٠٠", "100_000", "+100", "-100",
               "1,000", " 100", "100 ", "", ".5", "100.", "NaN", "Infinity", 100.5, 1e2, True]


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> tuple[tuple[int | str, ...], str,
                                                                    str]:
    """The one error's field, type and message."""
    (only,) = error.value.errors()
    return only["loc"], only["type"], only["msg"]


def payment(amount: Any) -> c.RecordFundsReceived:
    return c.RecordFundsReceived(case_number=NUMBER, command_id="f-1", actor=CLERK,
                                 recorded_at=at(date(2026, 3, 3)), amount=amount,
                                 received_on=date(2026, 3, 3))


# --- money -------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_an_amount_not_written_as_ascii_decimal_with_two_places_is_refused(amount: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        payment(amount)
    loc, kind, message = refusal(refused)
    assert (loc, kind) == (("amount",), "money.format")
    assert message.endswith('[docs/domain.md "Money"]')


@pytest.mark.parametrize(("written", "stored"), [
    ("100", "100.00"), ("100.5", "100.50"), ("0.01", "0.01"), ("1000000000000.00",
                                                                "1000000000000.00"),
    (100, "100.00"), (Decimal("100"), "100.00"), (Decimal("100.000"), "100.00"),
    (Decimal("1E+2"), "100.00")])
def test_an_amount_is_stored_canonical_with_two_places(written: Any, stored: str) -> None:
    amount = payment(written).amount
    assert str(amount) == stored
    assert payment(written).model_dump(mode="json")["amount"] == stored


def test_a_decimal_from_a_python_caller_must_be_exact_to_the_cent() -> None:
    with pytest.raises(ValidationError) as refused:
        payment(Decimal("0.001"))
    assert refusal(refused)[:2] == (("amount",), "money.format")
    for bad in (Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValidationError):
            payment(bad)


def test_the_refusal_says_what_is_wrong_with_the_amount() -> None:
    reasons = {}
    for written in ("1E+2", "100.000", "１００", "100_000", "+100"):
        with pytest.raises(ValidationError) as refused:
            payment(written)
        reasons[written] = refusal(refused)[2]
    assert "no exponent" in reasons["1E+2"]
    assert "3 decimal places written, at most 2" in reasons["100.000"]
    assert "ASCII digits" in reasons["１００"]
    assert "separators" in reasons["100_000"]
    assert "no sign" in reasons["+100"]


@pytest.mark.parametrize("where", ["claim.principal", "claim.fees", "asset.value", "act.amount"])
def test_every_money_field_uses_the_one_rule(where: str) -> None:
    with pytest.raises(ValidationError) as refused:
        if where == "claim.principal":
            Claim(principal="1E+2")  # type: ignore[arg-type]
        elif where == "claim.fees":
            Claim(principal=Decimal("1.00"), fees="0.010")  # type: ignore[arg-type]
        elif where == "asset.value":
            AssetFinding(asset_id="A1", kind="deposit", description="存款",
                         value="１００")  # type: ignore[arg-type]
        else:
            RecordPayment(actor=CLERK, amount="100_000")  # type: ignore[arg-type]
    assert refusal(refused)[0] == (where.split(".")[1],)
    assert refusal(refused)[1] == "money.format"


def test_a_refused_amount_writes_nothing() -> None:
    app = new_app()
    Driver(app).file()
    before = len(app.case_events(NUMBER))
    with pytest.raises(ValidationError):
        c.COMMANDS["RecordFundsReceived"].model_validate({
            "case_number": NUMBER, "command_id": "f-9", "actor": CLERK,
            "recorded_at": at(date(2026, 3, 3)), "amount": "1E+2",
            "received_on": "2026-03-03"})
    assert len(app.case_events(NUMBER)) == before


# --- text --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bad", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_characters_are_refused_in_a_note(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        c.RecordFundsReceived(case_number=NUMBER, command_id="f-1", actor=CLERK,
                              recorded_at=at(date(2026, 3, 3)), amount=Decimal("1.00"),
                              received_on=date(2026, 3, 3), basis=f"执行款{bad}到账")
    loc, kind, message = refusal(refused)
    assert (loc, kind) == (("basis",), "text.unsafe")
    assert message.startswith(f"U+{ord(bad[0]):04X} (") and " at position 3 refused" in message
    assert message.endswith('[docs/domain.md "Text fields"]')


@pytest.mark.parametrize("bad", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_characters_are_refused_in_nested_and_listed_fields(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Party(name=f"王{bad}五", kind="person",  # type: ignore[arg-type]
              document={"type": "passport", "number": "E12345678"})  # type: ignore[arg-type]
    assert refusal(refused)[:2] == (("name",), "text.unsafe")
    with pytest.raises(ValidationError) as refused:
        c.RestrictConsumption.model_validate({
            "case_number": NUMBER, "command_id": "r-1", "actor": CLERK,
            "recorded_at": at(date(2026, 3, 3)), "issued_on": "2026-03-03",
            "bound_persons": ["法定代表人", f"赵{bad}六"],
            "approval": {"approver_id": "president-1", "role": "president",
                         "approved_on": "2026-03-03"}})
    assert refusal(refused)[:2] == (("bound_persons", 1), "text.unsafe")
    with pytest.raises(ValidationError) as refused:
        SubmitLead(actor=CLERK, lead_id="L1", description=f"线索{bad}")
    assert refusal(refused)[:2] == (("description",), "text.unsafe")
    with pytest.raises(ValidationError) as refused:
        BasisSpec(kind="judgment", document_number=f"(2025)民初{bad}1号", issued_by="法院",
                  effective_days_before_filing=30,  # type: ignore[arg-type]
                  performance_days_before_filing=20)
    assert refusal(refused)[:2] == (("document_number",), "text.unsafe")


def test_a_filing_names_the_party_whose_name_is_unsafe() -> None:
    driver = Driver(new_app())
    evil = APPLICANT.model_dump() | {"name": "张三\u202e"}
    with pytest.raises(ValidationError) as refused:
        driver.file(respondents=(evil,))  # type: ignore[arg-type]
    first = refused.value.errors()[0]
    assert (first["loc"], first["type"]) == (("respondents", 0, "name"), "text.unsafe")
    with pytest.raises(UnknownCase):  # nothing filed
        driver.app.get_case(NUMBER)


def test_line_feed_and_tab_only_in_notes() -> None:
    note = c.RecordFundsReceived(case_number=NUMBER, command_id="f-1", actor=CLERK,
                                 recorded_at=at(date(2026, 3, 3)), amount=Decimal("1.00"),
                                 received_on=date(2026, 3, 3), basis="第一行\n\t第二行")
    assert note.basis == "第一行\n\t第二行"
    with pytest.raises(ValidationError) as refused:
        Party(name="张\n三", kind="person",  # type: ignore[arg-type]
              document={"type": "passport", "number": "E12345678"})  # type: ignore[arg-type]
    assert refusal(refused)[:2] == (("name",), "text.unsafe")
    assert "line feed and tab only in notes" in refusal(refused)[2]


def test_ordinary_chinese_and_foreign_text_is_accepted() -> None:
    for text in ("甘肃省白银市白银区人民法院", "Ölçü Müller-Lüdenscheidt", "O'Brien & Co. (HK)",
                 "=2+5", "١٢٣ شارع", "😀"):
        assert first_unsafe(text) is None


# --- what is on record ---------------------------------------------------------------------------

def test_records_written_before_the_rules_load_as_written(tmp_path: Path) -> None:
    """An old store may hold an ESC in a note and an amount typed as 100.000: it loads, verifies
    and replays unchanged; only new input is held to the rules."""
    app = EnforcementCases.sqlite(tmp_path / "events.db", chain_key=KEY)
    with recorded_facts():  # as the engine accepted them before the rules
        Driver(app).file(principal="100.000", basis="判决\x1b[2J书")
        Driver(app).send("RecordFundsReceived", date(2026, 1, 12), CLERK, command_id="old-2",
                         amount="0.010", received_on=date(2026, 1, 12), basis="到账\u202e")
    app.close()
    again = EnforcementCases.sqlite(tmp_path / "events.db", chain_key=KEY)
    events = again.case_events(NUMBER)
    assert [e.basis for e in events] == ["判决\x1b[2J书", "到账\u202e"]
    assert str(events[0].claim.principal) == "100.000"  # type: ignore[attr-defined]
    assert str(events[1].amount) == "0.010"  # type: ignore[attr-defined]
    assert again.verify(NUMBER).ok
    assert again.get_case(NUMBER).received == Decimal("0.01")
    again.close()


# --- showing text --------------------------------------------------------------------------------

def test_printable_shows_every_unsafe_character_as_an_escape() -> None:
    shown = printable("a\x1b[2Jb\u202ec\x00d\x9be\u200bf\n\tg")
    assert shown == "a\\x1b[2Jb\\u202ec\\x00d\\x9be\\u200bf\n\tg"
    assert first_unsafe(shown, multiline=True) is None
    assert printable("甘肃省白银市") == "甘肃省白银市"


def test_json_printable_keeps_the_value_and_escapes_the_characters() -> None:
    import json

    raw = json.dumps({"basis": "a\x1b\u202e\x7f\x85\U000e0001"}, ensure_ascii=False)
    safe = json_printable(raw)
    assert json.loads(safe) == json.loads(raw)
    assert all(first_unsafe(ch) is None for ch in safe)


# --- a legacy import is new input -----------------------------------------------------------------

def _import_refusal(tmp_path: Path, lines: list[str]) -> LegacyImportError:
    store = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    try:
        with pytest.raises(LegacyImportError) as refused:
            store.import_legacy(lines, NOW)
        assert store.recorder.max_notification_id() in (0, None)  # nothing written
        return refused.value
    finally:
        store.close()


@pytest.mark.parametrize(("seq", "change", "field"), [
    (1, {"basis": "判决\x1b[2J"}, "basis"),
    (3, {"data.asset.description": "住宅\u202e"}, "data.asset.description"),
    (1, {"data.applicants.0.name": "王\x00某"}, "data.applicants.0.name"),
    (5, {"data.amount": "1E+2"}, "data.amount"),
    (5, {"data.amount": "１００"}, "data.amount"),
    (6, {"data.deposit": "50000.000"}, "data.deposit"),
    (1, {"data.claim.principal": "100_000"}, "data.claim.principal"),
])
def test_an_import_is_held_to_the_text_and_money_rules(tmp_path: Path, seq: int,
                                                       change: dict[str, str], field: str
                                                       ) -> None:
    lines = old_case()
    record = orjson.loads(lines[seq - 1])
    for path, value in change.items():
        *parents, last = path.split(".")
        node = record
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value
    lines[seq - 1] = orjson.dumps(record).decode()
    refused = _import_refusal(tmp_path, lines)
    assert (refused.line, refused.field) == (seq, field)
    assert ('"Text fields"' in refused.message) != ('"Money"' in refused.message)


def test_imported_amounts_are_stored_canonical(tmp_path: Path) -> None:
    lines = old_case(start_price="500000")
    store = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    store.import_legacy(lines, NOW)
    announced = store.case_events(OLD)[-1]
    assert str(announced.start_price) == "500000.00"  # type: ignore[attr-defined]
    assert store.verify(OLD).ok
    store.close()
