"""Temporal payloads are encrypted by the engine's codec: what rests in a workflow history is
ciphertext (a filed case's ID numbers never appear in it), the right key decodes it, an old key
listed for rotation still decodes, an unknown key or altered bytes fail with a typed error."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment

from domain.application import EnforcementCases
from domain.errors import CipherKeyError
from domain.keyfiles import new_key, read_key_file
from engine.codec import (
    ENCODING,
    KEY_ENV,
    KEY_FILE_ENV,
    KEY_ID,
    OLD_KEYS_ENV,
    EncryptionCodec,
    codec_from_env,
    key_id,
    with_encryption,
)
from engine.converter import DATA_CONVERTER
from engine.runtime import binary, create_worker
from tests.principals import TEST_RING, HarnessEngine
from tests.support import DEBTOR, KEY
from tests.workflows.dockets import paid_in_full
from workflows.adapters.simulated import SimulatedWorld, simulated_adapters

ID = DEBTOR.document.number.encode()


def raw(text: str) -> bytes:
    return base64.b64decode(text)


def plain(text: bytes) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=text)


async def test_a_payload_round_trips_and_rests_as_ciphertext() -> None:
    codec = EncryptionCodec(raw(new_key()))
    original = plain(b'{"number": "' + ID + b'"}')
    [sealed] = await codec.encode([original])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == codec.key_id.encode()
    assert ID not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [original]


async def test_an_old_key_listed_for_rotation_still_decodes() -> None:
    old, new = raw(new_key()), raw(new_key())
    [sealed] = await EncryptionCodec(old).encode([plain(b"{}")])
    rotated = EncryptionCodec(new, old_keys=[old])
    assert await rotated.decode([sealed]) == [plain(b"{}")]
    [resealed] = await rotated.encode([plain(b"{}")])
    assert resealed.metadata[KEY_ID] == key_id(new).encode()


async def test_a_payload_under_a_key_not_held_fails_with_a_typed_error() -> None:
    [sealed] = await EncryptionCodec(raw(new_key())).encode([plain(b"{}")])
    with pytest.raises(CipherKeyError) as refused:
        await EncryptionCodec(raw(new_key())).decode([sealed])
    assert refused.value.code == "payload.key_unknown"
    assert sealed.metadata[KEY_ID].decode() in refused.value.message


async def test_altered_ciphertext_or_relabelled_key_fails_authentication() -> None:
    codec = EncryptionCodec(raw(new_key()))
    [sealed] = await codec.encode([plain(b"{}")])
    altered = Payload(metadata=dict(sealed.metadata),
                      data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(CipherKeyError) as refused:
        await codec.decode([altered])
    assert refused.value.code == "payload.tampered"
    other = raw(new_key())
    both = EncryptionCodec(codec_key := raw(new_key()), old_keys=[other])
    [sealed] = await both.encode([plain(b"{}")])
    relabelled = Payload(metadata={**sealed.metadata, KEY_ID: key_id(other).encode()},
                         data=sealed.data)
    with pytest.raises(CipherKeyError) as refused:
        await both.decode([relabelled])
    assert refused.value.code == "payload.tampered" and key_id(codec_key) != key_id(other)


async def test_payloads_written_before_encryption_pass_through() -> None:
    assert await EncryptionCodec(raw(new_key())).decode([plain(b"{}")]) == [plain(b"{}")]


def test_keys_come_from_the_environment_or_a_key_file(tmp_path: Path) -> None:
    key, old = new_key(), new_key()
    from_env = codec_from_env({KEY_ENV: key, OLD_KEYS_ENV: f"{old}, "})
    assert from_env is not None and from_env.key_id == key_id(raw(key))
    assert set(from_env._keys) == {key_id(raw(key)), key_id(raw(old))}
    (tmp_path / "given.key").write_text(key)
    from_file = codec_from_env({KEY_FILE_ENV: str(tmp_path / "given.key")})
    assert from_file is not None and from_file.key_id == key_id(raw(key))
    assert codec_from_env({}) is None
    assert codec_from_env({}, key_file=tmp_path / "payload.key") is None  # not made unasked
    made = codec_from_env({}, key_file=tmp_path / "payload.key", create=True)
    assert made is not None
    assert made.key_id == key_id(raw(read_key_file(tmp_path / "payload.key")))
    assert (tmp_path / "payload.key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(CipherKeyError) as refused:
        codec_from_env({KEY_FILE_ENV: str(tmp_path / "missing.key")})
    assert refused.value.code == "cipher.key_file_missing"
    with pytest.raises(CipherKeyError) as refused:
        codec_from_env({KEY_ENV: "bm90IGEga2V5"})
    assert refused.value.code == "cipher.key_invalid"


def test_with_encryption_sets_the_codec_and_keeps_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    codec = EncryptionCodec(raw(new_key()))
    converter = with_encryption(DATA_CONVERTER, codec)
    assert converter.payload_codec is codec
    assert converter.payload_converter_class is DATA_CONVERTER.payload_converter_class
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    assert with_encryption(DATA_CONVERTER) is DATA_CONVERTER


@pytest_asyncio.fixture(loop_scope="function")
async def server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=DATA_CONVERTER,
        test_server_existing_path=str(binary("temporal-test-server")))
    async with env:
        yield env


async def history_bytes(env: WorkflowEnvironment, converter: DataConverter, number: str
                        ) -> bytes:
    """File the paid-in-full case with ``converter``; its history's bytes as the server keeps
    them (every event serialised: the start input holds the parties)."""
    client = Client(env.client.service_client, namespace=env.client.namespace,
                    data_converter=converter)
    queue = f"codec-{uuid.uuid4().hex[:8]}"
    app = EnforcementCases.in_memory(chain_key=KEY)
    worker = create_worker(client, app, simulated_adapters(SimulatedWorld()),
                           identity=TEST_RING, task_queue=queue)
    async with worker.worker:
        case = paid_in_full().model_copy(update={"case_number": number})
        handle = await HarnessEngine(client, queue).start_case(case, simulated=False)
        await handle.terminate("enough history")
        history = await handle.fetch_history()
    worker.commands.close()
    return b"".join(e.SerializeToString() for e in history.events)


async def test_the_history_of_a_filed_case_holds_no_id_number(
        server: WorkflowEnvironment) -> None:
    encrypted = with_encryption(DATA_CONVERTER, EncryptionCodec(raw(new_key())))
    assert ID not in await history_bytes(server, encrypted, "(2026)甘0402执701号")
    assert ID in await history_bytes(server, DATA_CONVERTER, "(2026)甘0402执702号")  # sanity
