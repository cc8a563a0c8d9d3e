"""Temporal payloads encrypted before they leave the process: workflow inputs (a FileCase holds
the parties' ID numbers), activity arguments and results, signals, updates and query answers
rest in Temporal's histories (and its SQLite file or cluster database) only as AES-GCM
ciphertext.

Keys (docs/operations.md, "Encryption keys"), base64 of 16, 24 or 32 bytes:

``ENFORCEMENT_PAYLOAD_KEY``       the key itself; or
``ENFORCEMENT_PAYLOAD_KEY_FILE``  a file holding it (must exist); or
a default key file the caller names (the embedded worker: ``<data dir>/payload.key``, created
at its first start; clients on the same machine find it there);
``ENFORCEMENT_PAYLOAD_OLD_KEYS``  comma-separated earlier keys, still accepted for decoding while
histories written with them are open (rotation: new key current, old key listed here).

Each encrypted payload names its key by a fingerprint (``encryption-key-id``) and authenticates
it; a payload whose key this process does not hold, or whose bytes were altered, raises
``CipherKeyError`` (``payload.key_unknown`` / ``payload.tampered``), never garbage. Payloads
that are not encrypted (written before encryption was turned on) are passed through.

The codec runs in the client and the worker, outside the workflow sandbox.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter, PayloadCodec

from domain.errors import CipherKeyError
from domain.keyfiles import new_key, parse_key, read_key_file, write_key_file

KEY_ENV = "ENFORCEMENT_PAYLOAD_KEY"
KEY_FILE_ENV = "ENFORCEMENT_PAYLOAD_KEY_FILE"
OLD_KEYS_ENV = "ENFORCEMENT_PAYLOAD_OLD_KEYS"
ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE = 12
SOURCE = "Temporal payload encryption (docs/operations.md)"


def key_id(key: bytes) -> str:
    """A public fingerprint of a key (names it in payload metadata; reveals nothing of it)."""
    return hashlib.sha256(b"enforcement payload key\0" + key).hexdigest()[:16]


class EncryptionCodec(PayloadCodec):
    """AES-GCM over each whole serialised payload (data and metadata); the key id is the
    associated data, so a payload cannot be relabelled to another key."""

    def __init__(self, key: bytes, old_keys: Sequence[bytes] = ()) -> None:
        self.key_id = key_id(key)
        self._current = AESGCM(key)
        self._keys = {key_id(k): AESGCM(k) for k in (*old_keys, key)}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE)
        sealed = self._current.encrypt(nonce, payload.SerializeToString(), self.key_id.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: self.key_id.encode()},
                       data=nonce + sealed)

    def _decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        kid = payload.metadata.get(KEY_ID, b"").decode()
        aes = self._keys.get(kid)
        if aes is None:
            raise CipherKeyError(
                "payload.key_unknown", f"a Temporal payload is encrypted with key {kid or '?'}, "
                f"which this process does not hold (it holds {', '.join(sorted(self._keys))}): "
                f"set {KEY_ENV} or {KEY_FILE_ENV}, or list the old key in {OLD_KEYS_ENV}", SOURCE)
        try:
            plain = aes.decrypt(payload.data[:NONCE], payload.data[NONCE:], kid.encode())
        except InvalidTag:
            raise CipherKeyError("payload.tampered", f"a Temporal payload encrypted with key {kid} "
                                 "fails authentication: its bytes were altered", SOURCE) from None
        return Payload.FromString(plain)


def _key_bytes(text: str, origin: str) -> bytes:
    return base64.b64decode(parse_key(text, origin))


def codec_from_env(env: Mapping[str, str] | None = None, *, key_file: Path | None = None,
                   create: bool = False) -> EncryptionCodec | None:
    """The codec the environment configures (module docstring); ``key_file``: the default key
    file when neither variable is set (made if missing and ``create``). None: no key at all."""
    env = os.environ if env is None else env
    if env.get(KEY_ENV):
        key = parse_key(env[KEY_ENV], KEY_ENV)
    elif env.get(KEY_FILE_ENV):
        key = read_key_file(Path(env[KEY_FILE_ENV]))
    elif key_file is not None and (key_file.exists() or create):
        if not key_file.exists():
            write_key_file(key_file, new_key())
        key = read_key_file(key_file)
    else:
        return None
    old = [_key_bytes(text, OLD_KEYS_ENV) for text in env.get(OLD_KEYS_ENV, "").split(",")
           if text.strip()]
    return EncryptionCodec(_key_bytes(key, "the payload key"), old)


def with_encryption(converter: DataConverter, codec: PayloadCodec | None = None, *,
                    key_file: Path | None = None, create: bool = False) -> DataConverter:
    """``converter`` with payloads encrypted by ``codec`` (default: :func:`codec_from_env`);
    unchanged if no key is configured."""
    codec = codec or codec_from_env(key_file=key_file, create=create)
    if codec is None:
        return converter
    return dataclasses.replace(converter, payload_codec=codec)
