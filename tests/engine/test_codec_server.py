"""The codec server alone: Temporal's codec-server protocol over the engine's payload codec,
plain HTTP/1.1 on loopback (keep-alive and chunked bodies as browsers and Go clients send them),
CORS for listed origins only, clear errors."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator

import pytest_asyncio

from workflows.codec import EncryptionCodec
from workflows.codec_server import CodecServer

KEY = bytes(range(32))
PLAIN = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                       "data": base64.b64encode(b'{"case_number": "x"}').decode()}]}
UI = "http://127.0.0.1:8233"


@pytest_asyncio.fixture(loop_scope="function")
async def server() -> AsyncIterator[CodecServer]:
    running = CodecServer(EncryptionCodec(KEY), origins=(UI,))
    await running.start()
    yield running
    await running.stop()


async def exchange(server: CodecServer, *requests: bytes) -> list[tuple[int, dict[str, str],
                                                                         bytes]]:
    """Send raw requests on one connection; the responses in order."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    answers = []
    for request in requests:
        writer.write(request)
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        headers = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", 0)))
        answers.append((status, headers, body))
    writer.close()
    return answers


def post(path: str, body: object, *headers: str) -> bytes:
    raw = json.dumps(body).encode()
    head = "".join(f"{h}\r\n" for h in headers)
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{head}"
            f"Content-Length: {len(raw)}\r\n\r\n").encode() + raw


async def test_encode_then_decode_round_trips_on_one_connection(server: CodecServer) -> None:
    assert server.endpoint.startswith("http://127.0.0.1:")
    [(s1, _, sealed)] = await exchange(server, post("/encode", PLAIN, "X-Namespace: default"))
    assert s1 == 200
    payload = json.loads(sealed)["payloads"][0]
    assert base64.b64decode(payload["metadata"]["encoding"]) == b"binary/encrypted"
    assert b"case_number" not in base64.b64decode(payload["data"])
    again = json.loads(sealed)
    (s2, _, opened), (s3, _, twice) = await exchange(
        server, post("/decode", again), post("/default/decode", again))  # keep-alive, prefix
    assert s2 == s3 == 200 and json.loads(opened) == json.loads(twice) == PLAIN


async def test_a_chunked_body_is_read(server: CodecServer) -> None:
    raw = json.dumps(PLAIN).encode()
    half = len(raw) // 2
    chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n"
                      for part in (raw[:half], raw[half:])) + b"0\r\n\r\n"
    request = (b"POST /encode HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
    [(status, _, body)] = await exchange(server, request)
    assert status == 200 and len(json.loads(body)["payloads"]) == 1


async def test_cors_only_for_listed_origins(server: CodecServer) -> None:
    preflight = (f"OPTIONS /decode HTTP/1.1\r\nHost: x\r\nOrigin: {UI}\r\n"
                 "Access-Control-Request-Method: POST\r\n\r\n").encode()
    foreign = preflight.replace(UI.encode(), b"http://evil.example")
    (s1, allowed, _), (s2, refused, _) = await exchange(server, preflight, foreign)
    assert (s1, s2) == (204, 204)
    assert allowed["access-control-allow-origin"] == UI
    assert "POST" in allowed["access-control-allow-methods"]
    assert "access-control-allow-origin" not in refused
    [(_, answered, _)] = await exchange(server, post("/decode", PLAIN, f"Origin: {UI}"))
    assert answered["access-control-allow-origin"] == UI


async def test_errors_are_clear(server: CodecServer) -> None:
    other = CodecServer(EncryptionCodec(bytes(32)))
    await other.start()
    try:
        [(_, _, sealed)] = await exchange(other, post("/encode", PLAIN))
    finally:
        await other.stop()
    answers = await exchange(
        server, post("/decode", json.loads(sealed)), post("/decode", {"payloads": 3}),
        post("/elsewhere", PLAIN), b"GET /decode HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    (s1, _, wrong_key), (s2, _, malformed), (s3, _, _), (s4, _, _), (s5, _, health) = answers
    assert s1 == 400 and "payload.key_unknown" in json.loads(wrong_key)["message"]
    assert s2 == 400 and "Payloads" in json.loads(malformed)["message"]
    assert (s3, s4, s5) == (404, 405, 200) and json.loads(health) == {"status": "ok"}
