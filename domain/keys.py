"""The keys of the record's integrity: the hash-chain key and the anchor log's export key.

Where each comes from (docs/operations.md, "Keys"):

* the **chain key** (HMAC key of every case's hash chain, domain/tamper.py):
  ``ENFORCEMENT_CHAIN_KEY`` (hex), else ``ENFORCEMENT_CHAIN_KEY_FILE``, else ``<store>.chainkey``
  beside an SQLite store (``events.sqlite`` → ``events.chainkey``);
* the **anchor key** (HMAC key signing anchor exports, domain/anchors.py):
  ``ENFORCEMENT_ANCHOR_KEY`` (hex), else ``ENFORCEMENT_ANCHOR_KEY_FILE``, else
  ``<store>.anchorkey`` beside an SQLite store.

Opening a store never makes a key up: a missing chain key is ``chain.key_missing``, a key
that is not the store's (its check value, kept in the anchor log, differs) ``chain.wrong_key``.
Keys are created only by :func:`init_keys`: ``enforce keys init`` or the first start of
``worker.py`` on an empty data directory (the demo included).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from domain.errors import AnchorError, ChainKeyError

CHAIN_KEY_ENV = "ENFORCEMENT_CHAIN_KEY"
CHAIN_KEY_FILE_ENV = "ENFORCEMENT_CHAIN_KEY_FILE"
ANCHOR_KEY_ENV = "ENFORCEMENT_ANCHOR_KEY"
ANCHOR_KEY_FILE_ENV = "ENFORCEMENT_ANCHOR_KEY_FILE"
SOURCE = "docs/operations.md, Keys"
CHECK_LABEL = b"enforcement chain key check v1"


def chain_key_file(db_path: Path) -> Path:
    """The default chain key file of an SQLite store: ``events.sqlite`` → ``events.chainkey``."""
    return db_path.with_suffix(".chainkey")


def anchor_key_file(db_path: Path) -> Path:
    """The default anchor key file: ``events.sqlite`` → ``events.anchorkey``."""
    return db_path.with_suffix(".anchorkey")


def key_check(key: bytes) -> str:
    """The chain key's check value: HMAC(key, a fixed label), kept in the anchor log so that a
    wrong key is told apart from tampering. Reveals nothing of the key."""
    return hmac.new(key, CHECK_LABEL, hashlib.sha256).hexdigest()[:32]


def _hex_key(text: str, origin: str, code: str, error: type[Exception]) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise error(code, f"the key in {origin} is not hex", SOURCE) from None
    if len(key) < 16:
        raise error(code, f"the key in {origin} has {len(key)} bytes; at least 16", SOURCE)
    return key


def _chain_key_path(db_path: Path | None, env: Mapping[str, str]) -> Path | None:
    if env.get(CHAIN_KEY_FILE_ENV):
        return Path(env[CHAIN_KEY_FILE_ENV])
    return chain_key_file(db_path) if db_path else None


def load_chain_key(db_path: Path | None, env: Mapping[str, str] | None = None) -> bytes:
    """The hash-chain key (module docstring); ``chain.key_missing`` if there is none. A store
    without a file (in memory) gets an ephemeral key: nothing it records outlives it."""
    env = os.environ if env is None else env
    if env.get(CHAIN_KEY_ENV):
        return _hex_key(env[CHAIN_KEY_ENV], CHAIN_KEY_ENV, "chain.key_invalid", ChainKeyError)
    path = _chain_key_path(db_path, env)
    if path is None:
        return os.urandom(32)
    if not path.is_file():
        raise ChainKeyError("chain.key_missing", f"the hash-chain key file {path} does not "
                            "exist: restore it from your backup (a new key would make every "
                            "case fail verification); a new store gets its keys from `enforce "
                            "keys init` or the first start of worker.py", SOURCE)
    return _hex_key(path.read_text(), str(path), "chain.key_invalid", ChainKeyError)


def load_anchor_key(db_path: Path | None, env: Mapping[str, str] | None = None) -> bytes:
    """The key signing anchor exports; ``anchor.key_missing`` if there is none."""
    env = os.environ if env is None else env
    if env.get(ANCHOR_KEY_ENV):
        return _hex_key(env[ANCHOR_KEY_ENV], ANCHOR_KEY_ENV, "anchor.key_invalid", AnchorError)
    path = Path(env[ANCHOR_KEY_FILE_ENV]) if env.get(ANCHOR_KEY_FILE_ENV) else \
        (anchor_key_file(db_path) if db_path else None)
    if path is None or not path.is_file():
        raise AnchorError("anchor.key_missing", f"no anchor key: set {ANCHOR_KEY_ENV} or "
                          f"{ANCHOR_KEY_FILE_ENV}" + (f", or restore {path}" if path else ""),
                          SOURCE)
    return _hex_key(path.read_text(), str(path), "anchor.key_invalid", AnchorError)


def _holds_events(db_path: Path) -> bool:
    if not db_path.exists():
        return False
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM stored_events LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False  # no table yet
    finally:
        conn.close()


def write_new_key(path: Path) -> bool:
    """Create ``path`` (mode 0600, synced) holding a new random 256-bit hex key, unless it
    exists (another process made it first: theirs is kept). True if this call created it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_bytes(32).hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # atomic and never overwrites
        return True
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def init_keys(db_path: Path | None, env: Mapping[str, str] | None = None) -> list[Path]:
    """Create the chain key and anchor key files that do not exist yet (keys given in the
    environment need no file); the files created. Refuses (``chain.key_missing``) to make a
    chain key for an SQLite store that already holds events: their key must be restored."""
    env = os.environ if env is None else env
    created: list[Path] = []
    if not env.get(CHAIN_KEY_ENV):
        path = _chain_key_path(db_path, env)
        if path is not None and not path.exists():
            if db_path is not None and _holds_events(db_path):
                raise ChainKeyError("chain.key_missing", f"{db_path} holds events but its "
                                    f"hash-chain key {path} is missing: restore it; a new key "
                                    "cannot verify them", SOURCE)
            if write_new_key(path):
                created.append(path)
    if not env.get(ANCHOR_KEY_ENV):
        anchor = Path(env[ANCHOR_KEY_FILE_ENV]) if env.get(ANCHOR_KEY_FILE_ENV) else \
            (anchor_key_file(db_path) if db_path else None)
        if anchor is not None and not anchor.exists() and write_new_key(anchor):
            created.append(anchor)
    return created
