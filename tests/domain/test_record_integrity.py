"""Tampering with the SQLite file is caught by ``verify``, which names the event and the problem
(docs/design.md, Tamper evidence: a keyed hash chain over each event's canonical plaintext)."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from domain.application import EnforcementCases
from domain.encryption import aes, key_file_for, read_key_file
from domain.events import FundsReceived, TerminationRulingServed
from domain.ids import case_id
from domain.tamper import HashChain
from tests.domain.history import auction_case
from tests.samples import sample_commands
from tests.support import KEY, NUMBER, Driver

EDITED = "hash does not match the event's content, type or predecessor"
Row = tuple[int, str, dict[str, Any]]  # version, topic, stored JSON


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    """A SQLite file holding the auction case (closed before the test tampers with it)."""
    path = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(path, chain_key=KEY)
    auction_case(Driver(app))
    assert app.verify(NUMBER).ok
    app.close()
    yield path


def reopen(path: Path) -> EnforcementCases:
    return EnforcementCases.sqlite(path, chain_key=KEY)


def rows(path: Path, number: str = NUMBER) -> list[Row]:
    """The stored JSON of the case's events (decrypted: the tamperer here holds the cipher key
    of the store, not the chain key)."""
    cipher = aes(read_key_file(key_file_for(path)))
    assert cipher is not None
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT originator_version, topic, state FROM stored_events "
                             "WHERE originator_id=? ORDER BY originator_version",
                             (case_id(number).hex,)).fetchall()
    return [(v, t, orjson.loads(cipher.decrypt(s))) for v, t, s in found]


def version_of(path: Path, topic_suffix: str, nth: int = 0) -> int:
    return [v for v, t, _ in rows(path) if t.endswith(":" + topic_suffix)][nth]


def write(path: Path, version: int, body: dict[str, Any], number: str = NUMBER) -> None:
    cipher = aes(read_key_file(key_file_for(path)))
    assert cipher is not None
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE stored_events SET state=? WHERE originator_id=? AND "
                     "originator_version=?", (cipher.encrypt(orjson.dumps(body)),
                                              case_id(number).hex, version))


def edit(path: Path, version: int, change: Callable[[dict[str, Any]], None]) -> None:
    body = next(b for v, _, b in rows(path) if v == version)
    change(body)
    write(path, version, body)


def test_edited_amount_that_still_decodes_is_caught(db: Path) -> None:
    version = version_of(db, "FundsReceived")
    edit(db, version, lambda body: body.update(amount="6000.00"))
    app = reopen(db)
    tampered = app.case_events(NUMBER)[version - 1]
    assert isinstance(tampered, FundsReceived) and tampered.amount == Decimal("6000.00")
    result = app.verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert result.first_break.version == version
    assert result.first_break.topic == "domain.events:FundsReceived"
    assert result.first_break.problem == EDITED


def test_deleted_event_is_caught(db: Path) -> None:
    version = version_of(db, "AuctionFailed")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=?",
                     (case_id(NUMBER).hex, version))
    result = reopen(db).verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert result.first_break.version == version + 1
    assert result.first_break.problem == (f"expected version {version}, found {version + 1} "
                                          "(event missing?)")


def test_two_events_with_swapped_contents_are_caught(db: Path) -> None:
    first = version_of(db, "BidPlaced", 0)
    second = version_of(db, "BidPlaced", 1)
    bodies = {v: b for v, _, b in rows(db)}
    write(db, first, bodies[second])
    write(db, second, bodies[first])
    result = reopen(db).verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert (result.first_break.version, result.first_break.problem) == (first, EDITED)


def test_two_events_with_swapped_versions_are_caught(db: Path) -> None:
    first, second = version_of(db, "FundsPaidOut", 0), version_of(db, "FundsReceived", 1)
    ref = case_id(NUMBER).hex
    with sqlite3.connect(db) as conn:
        update = ("UPDATE stored_events SET originator_version=? WHERE originator_id=? AND "
                  "originator_version=?")
        conn.execute(update, (-1, ref, first))
        conn.execute(update, (first, ref, second))
        conn.execute(update, (second, ref, -1))
    assert [t for v, t, _ in rows(db) if v == first] == ["domain.events:FundsReceived"]
    result = reopen(db).verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert (result.first_break.version, result.first_break.problem) == (first, EDITED)


def test_event_relabelled_as_another_class_with_the_same_fields_is_caught(db: Path) -> None:
    version = version_of(db, "NoticeServed")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE stored_events SET topic=? WHERE originator_id=? AND "
                     "originator_version=?", ("domain.events:TerminationRulingServed",
                                              case_id(NUMBER).hex, version))
    app = reopen(db)
    assert isinstance(app.case_events(NUMBER)[version - 1], TerminationRulingServed)
    result = app.verify(NUMBER)
    assert result.first_break is not None
    assert (result.first_break.version, result.first_break.problem) == (version, EDITED)


def test_edit_with_every_later_hash_recomputed_without_the_key_is_caught(db: Path) -> None:
    """The attacker knows the algorithm and the canonical form but not the HMAC key."""
    attacker = HashChain(b"attacker-guess-0123456789abcdef")
    version = version_of(db, "AuctionSold")
    original = rows(db)
    previous = original[version - 2][2]["chain"]
    for v, topic, body in original[version - 1:]:
        if v == version:
            body["price"] = "60000.00"
        plain = {**body, "originator_id": str(case_id(NUMBER)), "originator_version": v}
        body["chain"] = previous = attacker.link(previous, topic, plain)
        write(db, v, body)
    forged = rows(db)
    assert all(attacker.link(forged[v - 2][2]["chain"], t, {
        **b, "originator_id": str(case_id(NUMBER)), "originator_version": v}) == b["chain"]
        for v, t, b in forged[version - 1:])  # the forgery is internally consistent
    result = reopen(db).verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert (result.first_break.version, result.first_break.topic) == (
        version, "domain.events:AuctionSold")
    assert result.first_break.problem == EDITED


def test_events_removed_from_the_end_are_caught_against_an_anchored_head(db: Path) -> None:
    app = reopen(db)
    anchor = app.verify(NUMBER).anchor
    last = anchor[0]
    app.close()
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version>=?",
                     (case_id(NUMBER).hex, last - 1))
    app = reopen(db)
    plain = app.verify(NUMBER)  # a shorter chain is still a valid chain, but not a full case:
    assert plain.first_break is None and not plain.ok  # the anchor log names the truncation
    assert [f.code for f in plain.findings] == ["anchor.truncated"]
    result = app.verify(NUMBER, anchor=anchor)  # an exported head catches it as well
    assert not result.ok and result.first_break is not None
    assert result.first_break.version == last - 1
    assert result.first_break.problem == (f"the case ends at version {last - 2}, before its "
                                          f"anchored head at version {last} "
                                          "(events removed from the end?)")


def test_verify_all_names_each_tampered_case_and_passes_the_others(db: Path) -> None:
    app = reopen(db)
    for commands in sample_commands().values():
        for cmd in commands:
            app.execute(cmd)
    assert [v.ok for v in app.verify_all()] == [True] * 4
    app.close()
    paid, frozen = "(2026)甘0402执1号", "(2026)甘0402执2号"
    body = rows(db, paid)[2][2]
    body["amount"] = "3800.00"
    write(db, 3, body, paid)
    with sqlite3.connect(db) as conn:  # the filing itself removed
        conn.execute("DELETE FROM stored_events WHERE originator_id=? AND originator_version=1",
                     (case_id(frozen).hex,))
    results = {r.case_id: r for r in reopen(db).verify_all()}
    assert len(results) == 4
    bad = {ref: (r.first_break.version, r.first_break.problem)
           for ref, r in results.items() if r.first_break is not None}
    assert bad == {case_id(paid): (3, EDITED),
                   case_id(frozen): (2, "expected version 1, found 2 (event missing?)")}


@pytest.mark.parametrize("key", [KEY, b"k" * 64, b"a much longer key than one block " * 3])
def test_chain_links_are_hmac_sha256(key: bytes) -> None:
    """The link is HMAC-SHA256(key, previous \\n topic \\n sorted-key JSON without chain)."""
    body = {"b": "2.00", "a": [1, "甲"], "chain": "ignored"}
    message = b'genesis\ndomain.events:NoticeServed\n{"a":[1,"\xe7\x94\xb2"],"b":"2.00"}'
    assert HashChain(key).link("", "domain.events:NoticeServed", body) == \
        hmac.new(key, message, hashlib.sha256).hexdigest()
