"""A snapshot stands for its case's events only if its seal holds and it matches the event at its
version; an edited or mismatched snapshot is passed over and the case rebuilt from its events
(docs/operations.md, Anchors)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.application import EnforcementCases
from domain.encryption import aes, key_file_for, read_key_file
from domain.ids import case_id
from domain.persistence import CaseSnapshot
from domain.rules import Channel
from domain.state import CaseState
from domain.tamper import HashChain
from tests.support import CLERK, KEY, NUMBER, Driver

PRINCIPAL = Decimal("1000000.00")


def build(db: Path) -> Driver:
    """A case that received 99.00 and then grew past its snapshot at version 100."""
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    d = Driver(app)
    d.file(date(2026, 1, 10))
    d.send("RecordFundsReceived", date(2026, 1, 11), CLERK, amount=Decimal("99.00"),
           received_on=date(2026, 1, 11))
    channels = list(Channel)
    for i in range(100):
        day = date(2026, 1, 12) + timedelta(days=i // 4)
        d.send("RecordNetworkInquiry", day, queried_on=day, channel=channels[i % len(channels)])
    assert app.snapshots is not None
    assert [s.originator_version for s in app.snapshots.get(case_id(NUMBER))] == [100]
    app.close()
    return d


def rewrite_snapshot(db: Path, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Decrypt the stored snapshot, change its JSON, encrypt and store it again (the tamperer
    holds the cipher key, not the chain key)."""
    cipher = aes(read_key_file(key_file_for(db)))
    assert cipher is not None
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute("SELECT state FROM stored_snapshots").fetchone()
        data = change(orjson.loads(cipher.decrypt(bytes(state))))
        conn.execute("UPDATE stored_snapshots SET state = ?",
                     (cipher.encrypt(orjson.dumps(data)),))
    conn.close()


def passed_over(tmp_path: Path, change: Callable[[dict[str, Any]], dict[str, Any]]
                ) -> tuple[EnforcementCases, CaseState]:
    """The case of ``build`` with its snapshot changed by ``change``, loaded again: the
    snapshot is rejected (counted) and the state rebuilt from the events."""
    db = tmp_path / "events.sqlite"
    build(db)
    rewrite_snapshot(db, change)
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    state = app.get_case(NUMBER)
    assert app.snapshots_rejected == 1
    return app, state


def edited_amount(data: dict[str, Any]) -> dict[str, Any]:
    data["state"]["received"] = "999990.00"
    return data


def resealed_on_another_event(data: dict[str, Any]) -> dict[str, Any]:
    """Validly sealed (by someone holding the chain key) but standing for another event."""
    data["chain"] = "0" * 64
    data["state"]["chain_head"] = data["chain"]
    snapshot = CaseSnapshot.model_validate({**data, "originator_id": case_id(NUMBER),
                                            "originator_version": 100})
    data["seal"] = snapshot.sealed_with(HashChain(KEY))
    return data


def unsealed(data: dict[str, Any]) -> dict[str, Any]:
    """A snapshot as taken before snapshots were sealed."""
    data.pop("seal")
    data.pop("chain")
    return data


@pytest.mark.parametrize("change", [edited_amount, resealed_on_another_event, unsealed])
def test_a_snapshot_that_does_not_hold_is_rejected_and_the_state_is_right(
        tmp_path: Path, change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    app, state = passed_over(tmp_path, change)
    assert (state.received, state.outstanding) == (Decimal("99.00"), PRINCIPAL - Decimal("99"))
    assert state.version == 102
    d = Driver(app)  # a lawful payment of the whole balance is accepted
    d.send("RecordFundsReceived", date(2026, 3, 1), CLERK, amount=PRINCIPAL - Decimal("99"),
           received_on=date(2026, 3, 1), command_id="pay-the-rest")
    assert app.get_case(NUMBER).outstanding == Decimal("0.00")
    assert app.verify(NUMBER).ok


def test_a_sound_snapshot_is_used(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    build(db)
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    asked: list[int | None] = []
    store_get = app.repository.event_store.get

    def spy(originator_id: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("gt"))
        return store_get(originator_id, **kwargs)

    app.repository.event_store.get = spy  # type: ignore[method-assign]
    assert app.get_case(NUMBER).received == Decimal("99.00")
    assert asked == [100] and app.snapshots_rejected == 0


def taken_before_recoveries(data: dict[str, Any]) -> dict[str, Any]:
    """A sound snapshot as the code before the dated recoveries (issue 13) took it: sealed, of
    the right event, without the field."""
    data["state"].pop("recoveries")
    snapshot = CaseSnapshot.model_validate({**data, "originator_id": case_id(NUMBER),
                                            "originator_version": 100})
    data["seal"] = snapshot.sealed_with(HashChain(KEY))
    return data


def test_a_snapshot_older_than_a_field_of_the_state_is_passed_over(tmp_path: Path) -> None:
    """Its default (no recoveries) would stand for facts the events hold: delay interest would
    again run on the whole principal (docs/rules.md §1.2)."""
    _, state = passed_over(tmp_path, taken_before_recoveries)
    assert [(x.on, x.amount) for x in state.recoveries] == [(date(2026, 1, 11), Decimal("99.00"))]
