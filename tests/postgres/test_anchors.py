"""Truncation, deletion and rollback of the event store are named by ``verify`` (the anchor log,
domain/anchors.py), on SQLite and PostgreSQL, with and without encryption at rest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import orjson
import pytest

from domain import commands as c
from domain.anchor_export import export_anchors, read_export, verify_against
from domain.application import EnforcementCases
from domain.errors import AnchorError, ChainKeyError
from domain.ids import case_id
from domain.rules import Channel
from projections.auditor import verify_store
from tests.postgres.conftest import Backend
from tests.samples import sample_commands
from tests.support import CLERK, NUMBER, OFFICER, Driver

CASES = list(sample_commands())
FIRST, SECOND, THIRD = (case_id(n) for n in CASES)


@pytest.fixture(params=["encrypted", "plaintext"])
def stores(request: pytest.FixtureRequest, backend: Backend) -> Iterator[Backend]:
    """The backend's stores, the event store holding the three sample cases."""
    encrypted = request.param == "encrypted"
    backend.encrypted = encrypted  # type: ignore[attr-defined]
    app = backend.cases(encrypted=encrypted)
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    report = app.verify_anchored()
    assert all(v.ok for v in report.cases) and not report.findings
    app.close()
    yield backend


def reopen(stores: Backend) -> EnforcementCases:
    return stores.cases(encrypted=stores.encrypted)  # type: ignore[attr-defined]


def versions(app: EnforcementCases) -> dict[UUID, int]:
    return {ref: len(app.recorder.select_events(ref)) for ref in (FIRST, SECOND, THIRD)}


def named(app: EnforcementCases) -> dict[UUID, list[str]]:
    """The anchor findings of every case that fails verification."""
    report = app.verify_anchored()
    return {v.case_id: [f.code for f in v.findings] for v in report.cases if not v.ok}


def test_the_last_event_deleted_is_named_truncated(stores: Backend) -> None:
    app = reopen(stores)
    last = versions(app)[FIRST]
    stores.tamper("DELETE FROM {events} WHERE originator_id = %s AND originator_version = %s",
                  FIRST, last)
    assert named(app) == {FIRST: ["anchor.truncated"]}
    one = app.verify(CASES[0])
    assert not one.ok and one.anchored_version == last and one.events == last - 1
    assert one.findings[0].source == "docs/operations.md, Anchors"


def test_a_whole_case_deleted_is_named_deleted(stores: Backend) -> None:
    app = reopen(stores)
    stores.tamper("DELETE FROM {events} WHERE originator_id = %s", SECOND)
    assert named(app) == {SECOND: ["anchor.deleted"]}
    one = app.verify(CASES[1])  # not "unknown case": the anchor log knows it
    assert not one.ok and [f.code for f in one.findings] == ["anchor.deleted"]


def test_every_case_cut_to_sixty_percent_is_named(stores: Backend) -> None:
    app = reopen(stores)
    for ref, count in versions(app).items():
        stores.tamper("DELETE FROM {events} WHERE originator_id = %s AND originator_version > %s",
                      ref, count * 6 // 10)
    assert named(app) == {ref: ["anchor.truncated"] for ref in (FIRST, SECOND, THIRD)}


def test_an_old_copy_put_back_is_named_rolled_back(stores: Backend) -> None:
    app = reopen(stores)
    before = versions(app)
    stores.copy_events()
    app.execute(_more(app))  # an inquiry on the third case after the copy
    app.close()
    stores.restore_events()
    app = reopen(stores)
    assert versions(app) == before
    assert named(app) == {THIRD: ["anchor.rolled_back"]}
    report = app.verify_anchored()
    (third,) = [v for v in report.cases if v.case_id == THIRD]
    assert third.anchored_version is not None and third.anchored_version > before[THIRD]
    assert "as of entry" in third.findings[0].message


def test_without_the_cipher_key_versions_are_still_checked(stores: Backend) -> None:
    """An encrypted store opened without its cipher key: chains cannot be read, versions can."""
    app = reopen(stores)
    last = versions(app)[SECOND]
    app.close()
    stores.tamper("DELETE FROM {events} WHERE originator_id = %s AND originator_version = %s",
                  SECOND, last)
    blind = stores.cases(encrypted=False, check_cipher=False)
    report = blind.verify_anchored(chains=False)
    assert {v.case_id: [f.code for f in v.findings if f.breaks] for v in report.cases
            if not v.ok} == {SECOND: ["anchor.truncated"]}
    notes = {f.code for v in report.cases for f in v.findings if not f.breaks}
    assert notes == ({"anchor.chain_unchecked"} if stores.encrypted  # type: ignore[attr-defined]
                     else set())


def test_heads_are_reported_per_case_and_a_clean_store_has_no_finding(stores: Backend) -> None:
    app = reopen(stores)
    report = app.verify_anchored()
    assert len(report.global_head) == 64 and report.anchor_entries >= 3
    assert {v.case_id: (v.events, v.head) for v in report.cases} == \
        {v.case_id: (v.anchored_version, v.anchored_head) for v in report.cases}
    store = verify_store(app)  # what the facade's verify_all and `enforce audit verify` give
    assert store.ok and store.global_head == report.global_head
    assert {(h.case_id, h.version, h.anchored_version, tuple(h.findings)) for h in store.heads} \
        == {(v.case_id, v.events, v.events, ()) for v in report.cases}
    stores.tamper("DELETE FROM {events} WHERE originator_id = %s", THIRD)
    cut = verify_store(app)
    assert not cut.ok and [(b.case_id, b.events) for b in cut.broken] == [(THIRD, 0)]


def _more(app: EnforcementCases) -> c.Command:
    """A lawful act on the third case (终本): a post-termination inquiry."""
    state = app.get_case(CASES[2])
    when = state.last_recorded_at + timedelta(days=1)
    return c.RecordPostTerminationInquiry(case_number=CASES[2], command_id="after-the-copy",
                                          actor=OFFICER, recorded_at=when,
                                          queried_on=when.date())


def test_an_export_names_every_case_behind_it_and_a_rolled_back_log(stores: Backend) -> None:
    app = reopen(stores)
    key = b"anchor-export-key-0123456789abcdef"
    export = read_export(export_anchors(app, key).model_dump_json(), key, "the export")
    assert verify_against(app, export) == []
    stores.tamper("DELETE FROM {events} WHERE originator_id = %s AND originator_version > 2",
                  FIRST)
    assert [(f.code, f.case_id) for f in verify_against(app, export)] == [
        ("anchor.behind_export", FIRST)]
    stores.anchors_tamper("DELETE FROM {entries} WHERE seq = (SELECT MAX(seq) FROM {entries})")
    assert [f.code for f in verify_against(app, export)] == [
        "anchor.log_rewritten", "anchor.behind_export"]
    with pytest.raises(AnchorError) as forged:
        read_export(export_anchors(app, b"another anchor key, not ours!!!!").model_dump_json(),
                    key, "the export")
    assert forged.value.code == "anchor.export_forged"


def test_a_wrong_chain_key_is_refused_at_open(stores: Backend) -> None:
    with pytest.raises(ChainKeyError) as refused:
        stores.cases(encrypted=stores.encrypted,  # type: ignore[attr-defined]
                     chain_key=b"not the key of this store at all!")
    assert refused.value.code == "chain.wrong_key"


def test_an_edited_snapshot_is_rejected_and_the_state_is_right(backend: Backend) -> None:
    app = backend.cases()
    d = Driver(app)
    d.file(date(2026, 1, 10))
    d.send("RecordFundsReceived", date(2026, 1, 11), CLERK, amount=Decimal("99.00"),
           received_on=date(2026, 1, 11))
    for i in range(100):
        day = date(2026, 1, 12) + timedelta(days=i // 4)
        d.send("RecordNetworkInquiry", day, queried_on=day, channel=list(Channel)[i % 7])
    cipher = app.mapper.cipher
    assert cipher is not None
    data = orjson.loads(cipher.decrypt(backend.snapshot_state()))
    data["state"]["received"] = "999990.00"
    backend.tamper("UPDATE {snapshots} SET state = %s", cipher.encrypt(orjson.dumps(data)))
    app.close()
    again = backend.cases()
    state = again.get_case(NUMBER)
    assert again.snapshots_rejected == 1
    assert (state.received, state.version) == (Decimal("99.00"), 102)
    Driver(again).send("RecordFundsReceived", date(2026, 3, 1), CLERK,
                       amount=Decimal("999901.00"), received_on=date(2026, 3, 1),
                       command_id="pay-the-rest")
    assert again.get_case(NUMBER).outstanding == Decimal("0.00")
