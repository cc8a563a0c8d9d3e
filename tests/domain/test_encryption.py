"""Encryption at rest: events and snapshots are stored AES-encrypted, the hash chain stays over
the plaintext (rotation re-encrypts without changing a link), and a wrong or missing key fails
at open with a typed error naming the problem (docs/operations.md "Encryption keys")."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eventsourcing.utils import Environment

from domain.application import EnforcementCases
from domain.encryption import (
    KEY_ENV,
    SWITCH_ENV,
    aes,
    encrypt_store,
    is_plaintext,
    key_file_for,
    main,
    new_key,
    read_key_file,
    rotate_store,
    with_cipher,
    write_key_file,
)
from domain.errors import CipherKeyError
from domain.ids import case_id
from tests.domain.history import auction_case
from tests.domain.test_full_history import long_case
from tests.support import DEBTOR, KEY, NUMBER, Driver

Rows = dict[tuple[str, str, int], bytes]


def stored(db: Path) -> Rows:
    """Every stored event and snapshot state by (table, case, version)."""
    with sqlite3.connect(db) as conn:
        return {(table, ref, version): bytes(state)
                for table in ("stored_events", "stored_snapshots")
                for ref, version, state in conn.execute(
                    f"SELECT originator_id, originator_version, state FROM {table}")}


def chains(app: EnforcementCases) -> list[str]:
    return [e.chain for e in app.case_events(NUMBER)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An encrypted store holding a case of 232 events (snapshots at v100 and v200)."""
    path = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(path, chain_key=KEY)
    long_case(app)
    app.close()
    return path


def open_store(db: Path) -> EnforcementCases:
    return EnforcementCases.sqlite(db, chain_key=KEY)


def test_events_and_snapshots_rest_encrypted_and_read_back(db: Path) -> None:
    rows = stored(db)
    assert {table for table, _, _ in rows} == {"stored_events", "stored_snapshots"}
    assert len(rows) == 232 + 2
    assert not any(is_plaintext(state) for state in rows.values())
    cipher = aes(read_key_file(key_file_for(db)))
    assert cipher is not None
    assert all(is_plaintext(cipher.decrypt(state)) for state in rows.values())
    assert key_file_for(db).stat().st_mode & 0o777 == 0o600
    app = open_store(db)
    assert app.get_case(NUMBER).version == 232
    assert app.verify(NUMBER).ok


def test_filing_leaves_no_id_number_in_the_store_file(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(path, chain_key=KEY)
    Driver(app).file()
    assert app.case_events(NUMBER)[0].respondents[0] == DEBTOR  # type: ignore[attr-defined]
    app.close()
    number = DEBTOR.document.number.encode()
    written = [p for p in tmp_path.iterdir() if p.suffix != ".cipherkey"]
    assert written and not any(number in p.read_bytes() for p in written)


def test_rotation_reencrypts_every_event_and_snapshot_without_changing_a_chain_link(
        db: Path) -> None:
    app = open_store(db)
    before_links, before_state = chains(app), app.get_case(NUMBER)
    assert [v.ok for v in app.verify_all()] == [True]
    app.close()
    old_key, before = read_key_file(key_file_for(db)), stored(db)

    done = rotate_store(db)

    assert done.rows == {"stored_events": 232, "stored_snapshots": 2}
    after = stored(db)
    assert after.keys() == before.keys()
    assert all(after[k] != before[k] for k in before)  # every record rewritten
    new_key_text = read_key_file(key_file_for(db))
    assert new_key_text != old_key
    old = aes(old_key)
    assert old is not None
    with pytest.raises(ValueError, match="Invalid cipher tag"):
        old.decrypt(next(iter(after.values())))
    reopened = open_store(db)
    assert [v.ok for v in reopened.verify_all()] == [True]
    assert chains(reopened) == before_links
    assert reopened.get_case(NUMBER) == before_state
    assert reopened.get_case(NUMBER, version=150) is not None  # from the rotated snapshot
    assert not key_file_for(db).with_name(key_file_for(db).name + ".next").exists()


def test_rotation_with_the_wrong_old_key_changes_nothing(db: Path) -> None:
    before = stored(db)
    key_file_for(db).write_text(new_key())
    with pytest.raises(CipherKeyError) as refused:
        rotate_store(db)
    assert refused.value.code == "cipher.wrong_key"
    assert stored(db) == before
    assert not key_file_for(db).with_name(key_file_for(db).name + ".next").exists()


def test_command_line_rotates_the_key_file(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old_key = read_key_file(key_file_for(db))
    assert main(["rotate", str(db)]) == 0
    assert "stored_events: 232 rows re-encrypted" in capsys.readouterr().out
    assert read_key_file(key_file_for(db)) != old_key
    assert open_store(db).verify(NUMBER).ok


def test_a_wrong_key_in_the_key_file_fails_at_open(db: Path) -> None:
    key_file_for(db).write_text(new_key())
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.wrong_key"
    assert "not the key it was encrypted with" in refused.value.message


def test_a_wrong_key_in_the_environment_fails_at_open(db: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, new_key())
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.wrong_key"


def test_the_right_key_in_the_environment_opens_the_store(db: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    key = read_key_file(key_file_for(db))
    key_file_for(db).unlink()
    monkeypatch.setenv(KEY_ENV, key)
    assert open_store(db).get_case(NUMBER).version == 232


def test_a_missing_key_file_is_refused_and_never_replaced(db: Path) -> None:
    key_file_for(db).unlink()
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.key_missing"
    assert not key_file_for(db).exists()


def test_encrypted_store_opened_without_encryption_is_refused(
        db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH_ENV, "off")
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.key_missing"


def test_a_malformed_key_is_refused(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "c2hvcnQ=")  # base64 of 5 bytes
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.key_invalid"


def test_a_store_written_before_encryption_is_refused_then_encrypted_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "events.sqlite"
    monkeypatch.setenv(SWITCH_ENV, "off")
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    auction_case(Driver(app))
    links = chains(app)
    app.close()
    assert all(is_plaintext(s) for s in stored(db).values())
    monkeypatch.delenv(SWITCH_ENV)
    with pytest.raises(CipherKeyError) as refused:
        open_store(db)
    assert refused.value.code == "cipher.store_not_encrypted"

    encrypt_store(db)

    assert not any(is_plaintext(s) for s in stored(db).values())
    app = open_store(db)
    assert chains(app) == links and app.verify(NUMBER).ok


def test_altered_ciphertext_is_a_break_of_the_chain_at_its_version(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        (state,) = conn.execute("SELECT state FROM stored_events WHERE originator_id=? AND "
                                "originator_version=3", (case_id(NUMBER).hex,)).fetchone()
        altered = state[:-1] + bytes([state[-1] ^ 1])
        conn.execute("UPDATE stored_events SET state=? WHERE originator_id=? AND "
                     "originator_version=3", (altered, case_id(NUMBER).hex))
    result = open_store(db).verify(NUMBER)
    assert not result.ok and result.first_break is not None
    assert result.first_break.version == 3
    assert result.first_break.problem.startswith("stored bytes do not decrypt or decode: "
                                                 "cipher.wrong_key")


def test_a_postgresql_store_must_be_given_a_key() -> None:
    env = Environment("EnforcementCases", {"PERSISTENCE_MODULE": "eventsourcing.postgres"})
    with pytest.raises(CipherKeyError) as refused:
        with_cipher(env)
    assert refused.value.code == "cipher.key_missing"
    key = new_key()
    given = with_cipher(Environment("EnforcementCases", {**env, KEY_ENV: key}))
    assert (given.get("CIPHER_TOPIC"), given.get("CIPHER_KEY")) == (
        "eventsourcing.cryptography:AESCipher", key)


def test_the_in_memory_store_needs_no_key() -> None:
    env = Environment("EnforcementCases", {"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert with_cipher(env).get("CIPHER_KEY") is None


def test_of_two_processes_creating_a_key_file_both_keep_the_first(tmp_path: Path) -> None:
    first, second = new_key(), new_key()
    write_key_file(tmp_path / "k", first)
    write_key_file(tmp_path / "k", second)
    assert read_key_file(tmp_path / "k") == first
    assert [p.name for p in tmp_path.iterdir()] == ["k"]
