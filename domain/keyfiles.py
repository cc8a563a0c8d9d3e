"""Key files and key text shared by the event store's cipher (domain/encryption.py) and the
Temporal payload codec (engine/codec.py): base64 AES keys, files of mode 0600 created
atomically. Pure Python (no eventsourcing): the codec's side imports it too."""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from pathlib import Path

from domain.errors import CipherKeyError

SOURCE = "encryption at rest (docs/operations.md)"


def new_key() -> str:
    """A new random 256-bit AES key, base64 (the form eventsourcing's AESCipher reads)."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def parse_key(text: str, origin: str) -> str:
    """The key in ``text`` (base64 of 16, 24 or 32 bytes), normalised; else a typed error."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CipherKeyError("cipher.key_invalid", f"the cipher key in {origin} is not base64",
                             SOURCE) from None
    if len(raw) not in (16, 24, 32):
        raise CipherKeyError("cipher.key_invalid", f"the cipher key in {origin} has {len(raw)} "
                             "bytes; AES needs 16, 24 or 32", SOURCE)
    return base64.b64encode(raw).decode()


def read_key_file(path: Path) -> str:
    if not path.exists():
        raise CipherKeyError("cipher.key_file_missing", f"the cipher key file {path} does not "
                             "exist", SOURCE)
    return parse_key(path.read_text(), str(path))


def write_key_file(path: Path, key: str, *, replace: bool = False) -> None:
    """Write a key file (mode 0600, synced). Without ``replace`` an existing file is kept: of
    two processes creating the key of a new store at once, both end up with the first key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(parse_key(key, "the new key") + "\n")
        out.flush()
        os.fsync(out.fileno())
    try:
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic, and refuses to overwrite
    finally:
        tmp.unlink(missing_ok=True)
