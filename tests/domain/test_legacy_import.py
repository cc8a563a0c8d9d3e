"""Legacy import (docs/legacy-format.md): histories recorded elsewhere become imported facts,
sealed into the hash chain, batched, idempotent; a bad line names its line number and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.application import EnforcementCases
from domain.errors import InvalidInputError
from domain.events import CaseEvent
from domain.legacy import ENVELOPE, LegacyImportError, legacy_schema
from domain.state import Phase
from tests.domain.history import auction_case
from tests.projections.legacy import NOW
from tests.support import KEY, NUMBER, Driver, new_app

OLD = "(2018)甘0402执15号"
PARTY = {"name": "王某", "kind": "person",
         "document": {"type": "resident_id", "number": "11010519491231002X"}}
DEBTOR = {"name": "赵某", "kind": "person",
          "document": {"type": "resident_id", "number": "620402198001010013"}}
OFFICER = {"id": "officer-7", "role": "officer"}


def line(seq: int, event: str, when: str, number: str = OLD, **data: Any) -> str:
    return orjson.dumps({"case_number": number, "seq": seq, "event": event,
                         "recorded_at": f"{when}T10:00:00+08:00", "actor": OFFICER,
                         "data": data}).decode()


def old_case(number: str = OLD, start_price: str = "500000.00") -> list[str]:
    """A 2018 case whose auction started below today's 70% floor: a fact, imported as is."""
    return [
        line(1, "CaseFiled", "2018-03-01", number, case_number=number, category="loan",
             applicants=[PARTY], respondents=[DEBTOR],
             enforcement_basis={"kind": "judgment", "document_number": "(2017)甘0402民初9号",
                                "issued_by": "白银区人民法院", "effective_on": "2017-12-01",
                                "performance_deadline": "2017-12-31"},
             claim={"principal": "1000000.00"}, applied_on="2018-02-26", filed_on="2018-03-01"),
        line(2, "NoticeIssued", "2018-03-05", number, issued_on="2018-03-05", report_order=True,
             report_due_on="2018-03-15", late=False),
        line(3, "AssetFound", "2018-03-20", number, found_on="2018-03-20", source="real_estate",
             asset={"asset_id": "h1", "kind": "real_estate", "description": "住宅",
                    "value": "1000000.00"}),
        line(4, "AssetControlled", "2018-03-21", number, asset_id="h1", measure="seal",
             amount="1000000.00", effective_on="2018-03-21", expires_on="2021-03-21",
             queue_position=0),
        line(5, "ReferencePriceSet", "2018-04-20", number, asset_id="h1", method="appraisal",
             amount="1000000.00", requested_on="2018-03-25", determined_on="2018-04-20",
             valid_until="2019-04-20"),
        line(6, "AuctionAnnounced", "2018-04-21", number, asset_id="h1", round=1,
             start_price=start_price, deposit="50000.00", announced_on="2018-04-21",
             opens_at="2018-05-10T10:00:00+08:00", closes_at="2018-05-11T10:00:00+08:00",
             reauction=False),
    ]


def exported(events: list[CaseEvent]) -> list[str]:
    """A history written out in the legacy format (as another system would hold it)."""
    out = []
    for event in events:
        data = event.model_dump(mode="json")
        out.append(orjson.dumps({
            "case_number": NUMBER, "seq": event.originator_version, "event": type(event).__name__,
            "recorded_at": data["recorded_at"], "actor": data["actor"], "basis": data["basis"],
            "data": {k: v for k, v in data.items() if k not in ENVELOPE}}).decode())
    return out


@pytest.fixture
def store(tmp_path: Path) -> EnforcementCases:
    return EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)


def test_imported_history_is_marked_imported_sealed_and_reproduces_the_case(
        store: EnforcementCases) -> None:
    original = new_app()
    auction_case(Driver(original))
    lines = exported(original.case_events(NUMBER))
    summary = store.import_legacy(lines, NOW)
    assert (summary.lines, summary.cases, summary.events_written, summary.batches) == (
        len(lines), 1, len(lines), 1)
    events = store.case_events(NUMBER)
    assert all(e.imported for e in events)
    assert [e.command_id for e in events][:2] == [f"legacy:{NUMBER}:1", f"legacy:{NUMBER}:2"]
    assert store.verify(NUMBER).ok
    imported, native = store.get_case(NUMBER), original.get_case(NUMBER)
    assert imported.imported and not native.imported
    same = {"imported", "commands", "command_versions", "chain_head"}
    assert imported.model_dump(exclude=same) == native.model_dump(exclude=same)


def test_facts_are_not_checked_against_todays_rules(store: EnforcementCases) -> None:
    store.import_legacy(old_case(), NOW)
    state = store.get_case(OLD)
    assert state.assets["h1"].rounds[0].start_price == Decimal("500000.00")  # below ¥700,000
    assert state.phase is Phase.DISPOSAL and state.imported
    assert store.verify(OLD).ok


def test_reimport_writes_nothing(store: EnforcementCases) -> None:
    first = store.import_legacy(old_case(), NOW)
    highest = store.recorder.max_notification_id()
    again = store.import_legacy(old_case(), NOW)
    assert (first.events_written, again.events_written, again.events_present) == (6, 0, 6)
    assert store.recorder.max_notification_id() == highest


def test_reimport_after_a_restart_appends_only_the_new_acts(tmp_path: Path) -> None:
    store = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    store.import_legacy(old_case()[:4], NOW)
    store.close()
    store = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    summary = store.import_legacy(old_case(), NOW)
    assert (summary.events_present, summary.events_written) == (4, 2)
    assert store.verify(OLD).ok and store.get_case(OLD).version == 6


def test_changed_content_under_an_imported_number_is_refused(store: EnforcementCases) -> None:
    store.import_legacy(old_case(), NOW)
    highest = store.recorder.max_notification_id()
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy(old_case(start_price="600000.00"), NOW)
    assert (refused.value.line, refused.value.field) == (6, "seq")
    assert store.recorder.max_notification_id() == highest


def test_many_cases_are_saved_per_transaction(store: EnforcementCases) -> None:
    numbers = [f"(2018)甘0402执{n}号" for n in range(20, 25)]
    lines = [text for number in numbers for text in old_case(number)]
    summary = store.import_legacy(lines, NOW, batch_cases=2)
    assert (summary.cases, summary.events_written, summary.batches) == (5, 30, 3)
    assert all(v.ok for v in store.verify_all())


def test_bad_line_names_its_number_and_field_and_writes_nothing_of_the_file(
        store: EnforcementCases) -> None:
    first, second, third = (f"(2018)甘0402执{n}号" for n in (31, 32, 33))
    bad = old_case(third)
    bad[4] = bad[4].replace('"amount":"1000000.00"', '"amount":"ten yuan"')
    lines = old_case(first) + old_case(second) + bad
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy(lines, NOW, batch_cases=2)
    error = refused.value
    assert (error.line, error.field, error.code) == (17, "data.amount", "legacy.invalid_line")
    assert isinstance(error, InvalidInputError) and error.message.startswith("line 17, data.amount")
    assert store.recorder.max_notification_id() is None  # not even the earlier batches


def test_bad_line_in_the_first_batch_writes_nothing(store: EnforcementCases) -> None:
    lines = old_case()
    lines[2] = lines[2].replace('"kind":"real_estate"', '"kind":"castle"')
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy(lines, NOW)
    assert (refused.value.line, refused.value.field) == (3, "data.asset.kind")
    assert store.recorder.max_notification_id() is None  # nothing stored


@pytest.mark.parametrize(("text", "field"), [
    ("{not json", "(line)"),
    ('["a list"]', "(line)"),
    (line(2, "NoticeGiven", "2018-03-05"), "event"),
    (line(2, "CaseFiled", "2018-03-05"), "event"),
    (line(3, "NoticeServed", "2018-03-05", served_on="2018-03-05"), "seq"),
    (line(2, "NoticeServed", "2018-03-05", served_on="2018-03-05", chain="x"), "data.chain"),
    (line(2, "NoticeServed", "2018-03-05", served_on="2018-03-05", note="x"), "data.note"),
    (line(2, "NoticeServed", "2018-03-05"), "data.served_on"),
    (line(2, "NoticeServed", "2018-03-05", served_on="2018-03-05").replace("+08:00", ""),
     "recorded_at"),
    (line(2, "ControlLapsed", "2018-03-05", asset_id="h9", lapsed_on="2018-03-05"), "data"),
])
def test_each_kind_of_bad_line_is_named(store: EnforcementCases, text: str, field: str) -> None:
    with pytest.raises(LegacyImportError) as refused:
        store.import_legacy([old_case()[0], "", text], NOW)
    assert (refused.value.line, refused.value.field) == (3, field)
    assert store.recorder.max_notification_id() is None  # nothing stored


def test_schema_documents_the_envelope_and_each_events_data() -> None:
    schema = legacy_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"case_number", "seq", "event", "recorded_at", "actor",
                                       "data"}
    assert schema["additionalProperties"] is False
    assert "CaseFiled" in schema["properties"]["event"]["enum"]
    by_event = {v["if"]["properties"]["event"]["const"]: v["then"]["properties"]["data"]
                for v in schema["allOf"]}
    funds = by_event["FundsReceived"]
    assert set(funds["required"]) == {"amount", "received_on", "source", "payout_due_on"}
    assert not ENVELOPE & set(funds["properties"])
    assert "Party" in schema["$defs"] and "Actor" in schema["$defs"]
    orjson.dumps(schema)  # plain JSON
