"""The codec server alone: Temporal's codec-server protocol over the engine's payload codec,
plain HTTP/1.1 on loopback (keep-alive and chunked bodies as browsers and Go clients send them),
CORS for listed origins only, clear errors; only its own Host names answered and only requests
that carry its token (docs/operations.md, "Codec server")."""

from __future__ import annotations

import asyncio
import base64
import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from engine.codec import EncryptionCodec
from engine.codec_server import CodecServer, codec_token

KEY = bytes(range(32))
TOKEN = "codec-token-0123456789abcdefghij"
HOST = b"Host: {host}"
AUTH = f"Authorization: Bearer {TOKEN}"
PLAIN = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                       "data": base64.b64encode(b'{"case_number": "x"}').decode()}]}
UI = "http://127.0.0.1:8233"


@pytest_asyncio.fixture(loop_scope="function")
async def server() -> AsyncIterator[CodecServer]:
    running = CodecServer(EncryptionCodec(KEY), TOKEN, origins=(UI,))
    await running.start()
    yield running
    await running.stop()


async def exchange(server: CodecServer, *requests: bytes) -> list[tuple[int, dict[str, str],
                                                                         bytes]]:
    """Send raw requests on one connection (``Host: {host}`` becomes the server's own
    ``127.0.0.1:<port>``); the responses in order."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    answers = []
    for request in requests:
        writer.write(request.replace(HOST, f"Host: 127.0.0.1:{server.port}".encode()))
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


def post(path: str, body: object, *headers: str, auth: bool = True, host: str = "{host}"
         ) -> bytes:
    raw = json.dumps(body).encode()
    head = "".join(f"{h}\r\n" for h in (*headers, *([AUTH] if auth else [])))
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"{head}Content-Length: {len(raw)}\r\n\r\n").encode() + raw


def get(path: str, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in (*headers, AUTH))
    return f"GET {path} HTTP/1.1\r\nHost: {{host}}\r\n{head}\r\n".encode()


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
    request = (b"POST /encode HTTP/1.1\r\n" + HOST + b"\r\n" + AUTH.encode()
               + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
    [(status, _, body)] = await exchange(server, request)
    assert status == 200 and len(json.loads(body)["payloads"]) == 1


async def test_cors_only_for_listed_origins(server: CodecServer) -> None:
    preflight = (f"OPTIONS /decode HTTP/1.1\r\nHost: {{host}}\r\nOrigin: {UI}\r\n"
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
    other = CodecServer(EncryptionCodec(bytes(32)), TOKEN)
    await other.start()
    try:
        [(_, _, sealed)] = await exchange(other, post("/encode", PLAIN))
    finally:
        await other.stop()
    answers = await exchange(
        server, post("/decode", json.loads(sealed)), post("/decode", {"payloads": 3}),
        post("/elsewhere", PLAIN), get("/decode"), get("/health"))
    (s1, _, wrong_key), (s2, _, malformed), (s3, _, _), (s4, _, _), (s5, _, health) = answers
    assert s1 == 400 and "payload.key_unknown" in json.loads(wrong_key)["message"]
    assert s2 == 400 and "Payloads" in json.loads(malformed)["message"]
    assert (s3, s4, s5) == (404, 405, 200) and json.loads(health) == {"status": "ok"}


async def test_a_host_spoofed_request_is_refused(server: CodecServer) -> None:
    """A page that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its own name as
    Host: refused, token or not, preflight or not; the server's loopback names are answered."""
    sealed = PLAIN
    spoofed = await exchange(
        server, post("/encode", sealed, host="evil.example"),
        post("/encode", sealed, host=f"evil.example:{server.port}"),
        post("/encode", sealed, host="127.0.0.1:1"),
        (f"OPTIONS /decode HTTP/1.1\r\nHost: evil.example:{server.port}\r\nOrigin: {UI}\r\n"
         "\r\n").encode(),
        f"POST /encode HTTP/1.1\r\n{AUTH}\r\nContent-Length: 2\r\n\r\n{{}}".encode())
    assert [status for status, _, _ in spoofed] == [403] * 5
    assert "is not this codec server" in json.loads(spoofed[0][2])["message"]
    assert "access-control-allow-origin" not in spoofed[3][1]
    named = await exchange(server, post("/encode", sealed, host=f"localhost:{server.port}"),
                           post("/encode", sealed, host=f"LOCALHOST:{server.port}"),
                           post("/encode", sealed, host=f"[::1]:{server.port}"))
    assert [status for status, _, _ in named] == [200] * 3


async def test_a_request_without_the_token_is_refused(server: CodecServer) -> None:
    [(_, _, sealed)] = await exchange(server, post("/encode", PLAIN))
    refused = await exchange(
        server, post("/decode", json.loads(sealed), auth=False),
        post("/decode", json.loads(sealed), "Authorization: Bearer wrong-token", auth=False),
        post("/decode", json.loads(sealed), f"Authorization: Basic {TOKEN}", auth=False),
        post("/wrong-token/decode", json.loads(sealed), auth=False),
        b"GET /health HTTP/1.1\r\n" + HOST + b"\r\n\r\n")
    assert [status for status, _, _ in refused] == [401] * 5
    _, headers, body = refused[0]
    assert headers["www-authenticate"].startswith("Bearer")
    assert "needs its token" in json.loads(body)["message"]
    assert b"case_number" not in b"".join(body for _, _, body in refused)


async def test_the_web_ui_passes_the_token_in_the_endpoint_path(server: CodecServer) -> None:
    """The Web UI sends no header of its own: its endpoint is <server>/<token>, to which it
    appends /decode (or /<namespace>/decode); its preflight carries no token and is answered."""
    assert server.ui_endpoint == f"{server.endpoint}/{TOKEN}"
    [(_, _, sealed)] = await exchange(server, post("/encode", PLAIN))
    preflight = (f"OPTIONS /{TOKEN}/decode HTTP/1.1\r\nHost: {{host}}\r\nOrigin: {UI}\r\n"
                 "Access-Control-Request-Method: POST\r\n\r\n").encode()
    answers = await exchange(
        server, preflight, post(f"/{TOKEN}/decode", json.loads(sealed), f"Origin: {UI}",
                                auth=False),
        post(f"/{TOKEN}/default/decode", json.loads(sealed), auth=False))
    (s1, allowed, _), (s2, answered, opened), (s3, _, again) = answers
    assert (s1, s2, s3) == (204, 200, 200)
    assert allowed["access-control-allow-origin"] == answered["access-control-allow-origin"] == UI
    assert json.loads(opened) == json.loads(again) == PLAIN


async def test_more_host_names_may_be_allowed() -> None:
    named = CodecServer(EncryptionCodec(KEY), TOKEN, hosts=("codec.court.example:443",))
    await named.start()
    try:
        answers = await exchange(named, post("/encode", PLAIN, host="codec.court.example:443"),
                                 post("/encode", PLAIN, host="codec.court.example"))
    finally:
        await named.stop()
    assert [status for status, _, _ in answers] == [200, 403]


def test_the_token_file_is_made_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "codec.token"
    with pytest.raises(FileNotFoundError, match="codec token"):
        codec_token(path)
    token = codec_token(path, create=True)
    assert len(token) >= 40 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert codec_token(path, create=True) == codec_token(path) == token
    path.write_text("short\n")
    with pytest.raises(ValueError, match="at least 16"):
        codec_token(path)
