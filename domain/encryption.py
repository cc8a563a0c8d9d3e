"""Encryption at rest of the event store: eventsourcing's ``AESCipher`` (AES-GCM) on every stored
event and snapshot, with the key from the environment or a key file kept beside the store.

Where the key comes from, first match wins (docs/operations.md, "Encryption keys"):

1. eventsourcing's own ``CIPHER_KEY`` (with ``CIPHER_TOPIC``) if the application's environment
   already has it;
2. ``ENFORCEMENT_CIPHER_KEY``: the key itself, base64 of 16, 24 or 32 bytes;
3. ``ENFORCEMENT_CIPHER_KEY_FILE``: a file holding that text (it must exist);
4. an SQLite file store: ``<store>.cipherkey`` beside it, created (mode 0600) with a new
   256-bit key when the store is new. A store that already holds events but has no key file is
   refused, never given a fresh key that could not read it;
5. the in-memory store needs no key. Any other persistent store (PostgreSQL) must be given one.

``ENFORCEMENT_CIPHER=off`` stores plaintext (benchmarks; stores written before encryption).

The hash chain (domain/tamper.py) is computed over each event's decoded plaintext, so encrypting
a store, rotating its key (:func:`rotate_store`) or decrypting it never changes a chain link.
Reading with another key fails at once with a typed :class:`~domain.errors.CipherKeyError`
(``cipher.wrong_key``, ``cipher.key_missing``, ``cipher.store_not_encrypted`` …), never with
garbage: AES-GCM authenticates every event.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Cipher, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import Environment

from domain.errors import CipherKeyError
from domain.keyfiles import SOURCE, new_key, parse_key, read_key_file, write_key_file

CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
KEY_ENV = "ENFORCEMENT_CIPHER_KEY"
KEY_FILE_ENV = "ENFORCEMENT_CIPHER_KEY_FILE"
SWITCH_ENV = "ENFORCEMENT_CIPHER"
KEY_SUFFIX = ".cipherkey"
OFF = frozenset({"off", "0", "no", "false"})
PAGE = 1000


def key_file_for(db_path: Path) -> Path:
    """The default key file of an SQLite store: ``events.sqlite`` → ``events.cipherkey``."""
    return db_path.with_suffix(KEY_SUFFIX)


def sqlite_file(env: Environment) -> Path | None:
    """The file of an SQLite store configured in ``env`` (None: not SQLite, or in memory)."""
    if env.get("PERSISTENCE_MODULE", "") not in ("eventsourcing.sqlite", "sqlite"):
        return None
    name = env.get("SQLITE_DBNAME", "")
    if not name or ":memory:" in name or "mode=memory" in name:
        return None
    return Path(name.removeprefix("file:").split("?")[0])


def first_state(db_path: Path, table: str = "stored_events") -> bytes | None:
    """The stored state of the first event in an SQLite store (None: no such file or event)."""
    if not db_path.exists():
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = conn.execute(f"SELECT state FROM {table} LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return None  # no table yet
    finally:
        conn.close()
    return None if row is None else bytes(row[0])


def is_plaintext(state: bytes) -> bool:
    """Whether a stored state is the mapper's plain JSON (rather than ciphertext)."""
    try:
        return isinstance(orjson.loads(state), dict)
    except orjson.JSONDecodeError:
        return False


def resolve_key(env: Environment) -> str | None:
    """The store's cipher key by the rules of the module docstring (None: no encryption)."""
    if env.get(SWITCH_ENV, "on").strip().lower() in OFF:
        return None
    if env.get(KEY_ENV):
        return parse_key(env.get(KEY_ENV, ""), KEY_ENV)
    if env.get(KEY_FILE_ENV):
        return read_key_file(Path(env.get(KEY_FILE_ENV, "")))
    module = env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
    if module in ("eventsourcing.popo", "popo"):
        return None
    db_path = sqlite_file(env)
    if db_path is None:
        if module in ("eventsourcing.sqlite", "sqlite"):
            return None  # SQLite in memory: nothing rests
        raise CipherKeyError("cipher.key_missing", f"a {module} store needs a cipher key: set "
                             f"{KEY_ENV} or {KEY_FILE_ENV} (or {SWITCH_ENV}=off)", SOURCE)
    key_file = key_file_for(db_path)
    if key_file.exists():
        return read_key_file(key_file)
    state = first_state(db_path)
    if state is not None:
        if is_plaintext(state):
            raise CipherKeyError(
                "cipher.store_not_encrypted", f"{db_path} holds unencrypted events: encrypt it "
                f"(python -m domain.encryption encrypt {db_path}) or set {SWITCH_ENV}=off", SOURCE)
        raise CipherKeyError("cipher.key_missing", f"{db_path} holds encrypted events but its key "
                             f"file {key_file} is missing: restore it, or set {KEY_ENV}", SOURCE)
    write_key_file(key_file, new_key())
    return read_key_file(key_file)


def with_cipher(env: Environment) -> Environment:
    """An application environment with eventsourcing's cipher variables set (if a key is due)."""
    if env.get("CIPHER_KEY"):
        if not env.get("CIPHER_TOPIC"):
            env = Environment(env.name, {**env, "CIPHER_TOPIC": CIPHER_TOPIC})
        return env
    key = resolve_key(env)
    if key is None:
        return env
    return Environment(env.name, {**env, "CIPHER_TOPIC": CIPHER_TOPIC, "CIPHER_KEY": key})


def decode_error(stored: StoredEvent, cipher: Cipher | None, exc: Exception) -> Exception:
    """Why a stored event could not be decoded, as a typed error where the key is the cause."""
    what = f"stored record {stored.originator_id} v{stored.originator_version}"
    plain = is_plaintext(stored.state)
    if cipher is not None and plain:
        return CipherKeyError("cipher.store_not_encrypted", f"{what} is not encrypted but a "
                              "cipher key is configured: encrypt the store (python -m "
                              f"domain.encryption encrypt STORE) or set {SWITCH_ENV}=off", SOURCE)
    if cipher is not None:
        return CipherKeyError("cipher.wrong_key", f"cannot decrypt {what}: the configured key is "
                              "not the key it was encrypted with, or its bytes were altered "
                              f"(AES-GCM authentication failed: {exc})", SOURCE)
    if not plain:
        return CipherKeyError("cipher.key_missing", f"{what} is encrypted but no cipher key is "
                              f"configured ({KEY_ENV}, {KEY_FILE_ENV} or the key file beside "
                              "the store)", SOURCE)
    return MapperDeserialisationError(f"cannot decode {what}: {exc}")


# --- re-encryption (rotation, encrypting or decrypting a store) ----------------------------------

def aes(key: str | None) -> Cipher | None:
    """eventsourcing's AES cipher for a base64 key (None: plaintext)."""
    if key is None:
        return None
    return AESCipher(Environment("", {"CIPHER_KEY": parse_key(key, "the given key")}))


@dataclass(frozen=True)
class Reencryption:
    """What a re-encryption rewrote: rows per table."""

    rows: dict[str, int]


def _transform(old: Cipher | None, new: Cipher | None, table: str
               ) -> Callable[[Any, Any, bytes], bytes]:
    def convert(ref: Any, version: Any, state: bytes) -> bytes:
        plain = state
        if old is not None:
            try:
                plain = old.decrypt(state)
            except ValueError as exc:
                raise CipherKeyError("cipher.wrong_key", f"cannot decrypt {table} {ref} "
                                     f"v{version} with the old key: {exc}", SOURCE) from None
        elif not is_plaintext(state):
            raise CipherKeyError("cipher.key_missing", f"{table} {ref} v{version} is encrypted "
                                 "but no old key was given", SOURCE)
        return plain if new is None else new.encrypt(plain)
    return convert


def reencrypt_tables(cursor: Any, tables: Sequence[str], old_key: str | None,
                     new_key: str | None, placeholder: str = "?") -> Reencryption:
    """Rewrite ``state`` of every row of eventsourcing's event/snapshot ``tables`` from
    ``old_key`` to ``new_key`` (either None: plaintext), through a DB-API ``cursor`` inside the
    caller's transaction: ``?`` for sqlite3, ``%s`` for psycopg. Rows are paged by primary key;
    any row that does not decrypt with the old key aborts with ``cipher.wrong_key``."""
    old, new, p = aes(old_key), aes(new_key), placeholder
    counts: dict[str, int] = {}
    for table in tables:
        convert, count, after = _transform(old, new, table), 0, None
        while True:
            where = f"WHERE (originator_id, originator_version) > ({p}, {p}) " if after else ""
            cursor.execute(f"SELECT originator_id, originator_version, state FROM {table} {where}"
                           f"ORDER BY originator_id, originator_version LIMIT {PAGE}",
                           after or ())
            rows = cursor.fetchall()
            for ref, version, state in rows:
                cursor.execute(f"UPDATE {table} SET state = {p} WHERE originator_id = {p} AND "
                               f"originator_version = {p}",
                               (convert(ref, version, bytes(state)), ref, version))
            count += len(rows)
            if len(rows) < PAGE:
                break
            after = (rows[-1][0], rows[-1][1])
        counts[table] = count
    return Reencryption(rows=counts)


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return [t for t in ("stored_events", "stored_snapshots") if t in names]


def reencrypt_sqlite(db_path: Path, old_key: str | None, new_key: str | None) -> Reencryption:
    """Re-encrypt an SQLite store's events and snapshots in ONE transaction (all or nothing).
    Stop every writer of the store first: a process still holding the old key would go on
    writing with it."""
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = reencrypt_tables(conn.cursor(), sqlite_tables(conn), old_key, new_key)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()
    return done


def rotate_store(db_path: Path, *, key_file: Path | None = None, new_key_text: str | None = None
                 ) -> Reencryption:
    """Rotate the cipher key of an SQLite store whose key lives in a file (default: beside it).

    The new key is written to ``<key file>.next`` first, the store re-encrypted in one
    transaction, then the key file replaced. If the process dies after the commit and before
    the replace, the store opens with neither file's old key (``cipher.wrong_key``); the key is
    in ``.next``: move it over the key file.
    """
    key_file = key_file or key_file_for(db_path)
    old = read_key_file(key_file)
    new = parse_key(new_key_text, "the new key") if new_key_text else new_key()
    return _reencrypt_with_key_file(db_path, key_file, old, new)


def encrypt_store(db_path: Path, *, key_file: Path | None = None) -> Reencryption:
    """Encrypt a store written before encryption (plaintext) with a new key file."""
    key_file = key_file or key_file_for(db_path)
    if key_file.exists():
        raise CipherKeyError("cipher.key_exists", f"{key_file} exists: the store is encrypted "
                             "already (rotate it instead)", SOURCE)
    return _reencrypt_with_key_file(db_path, key_file, None, new_key())


def _reencrypt_with_key_file(db_path: Path, key_file: Path, old: str | None, new: str
                             ) -> Reencryption:
    """Write ``new`` to ``<key file>.next``, re-encrypt, then move it over the key file (a
    failed re-encryption rolls back and removes ``.next``)."""
    pending = key_file.with_name(key_file.name + ".next")
    write_key_file(pending, new, replace=True)
    try:
        done = reencrypt_sqlite(db_path, old, new)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, key_file)
    return done


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m domain.encryption",
                                     description="Encryption keys of an SQLite event store. "
                                                 "Stop every worker and runner of it first.")
    parser.add_argument("action", choices=("rotate", "encrypt"))
    parser.add_argument("store", type=Path)
    parser.add_argument("--key-file", type=Path, default=None,
                        help=f"default: {KEY_FILE_ENV} or <store>{KEY_SUFFIX}")
    args = parser.parse_args(argv)
    key_file = args.key_file or (Path(os.environ[KEY_FILE_ENV])
                                 if os.environ.get(KEY_FILE_ENV) else None)
    try:
        done = (rotate_store if args.action == "rotate" else encrypt_store)(
            args.store, key_file=key_file)
    except CipherKeyError as err:
        print(err, file=sys.stderr)
        return 2
    print(", ".join(f"{table}: {n} rows re-encrypted" for table, n in done.rows.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
