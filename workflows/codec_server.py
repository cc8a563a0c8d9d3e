"""A remote codec server: Temporal's own tools (the ``temporal`` CLI, the Web UI) see decrypted
payloads through it.

The engine encrypts every Temporal payload (``workflows/codec.py``), so Temporal's tools show
ciphertext unless they can ask a *codec server* to decode it. This one speaks Temporal's
codec-server protocol::

    POST <endpoint>/decode   {"payloads": [{"metadata": {"encoding": "<base64>", …},
                                             "data": "<base64>"}]}
    POST <endpoint>/encode   (same shape)       →  200 {"payloads": [...]}

with CORS for the Web UI (its origin must be listed: by default the embedded UI's
``http://127.0.0.1:<ui port>`` and ``http://localhost:<ui port>``). It is bound to 127.0.0.1
only: anyone who can reach it can decrypt, so it never listens on another interface.

``python worker.py`` serves it in embedded mode (port 8234 when free, ``--codec-port``) and
starts the dev server with ``--ui-codec-endpoint``; then e.g.
``temporal workflow query … --codec-endpoint http://127.0.0.1:8234``. Against a cluster, run it
on the operator's workstation with the payload key: ``python -m workflows.codec_server --port
8234 --origin https://temporal-ui.example.court``.

Never imported by workflow code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from domain.errors import EnforcementError

HOST = "127.0.0.1"
DEFAULT_PORT = 8234
ORIGINS_ENV = "ENFORCEMENT_CODEC_ORIGINS"
MAX_BODY = 64 * 1024 * 1024
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found",
           405: "Method Not Allowed", 413: "Payload Too Large"}
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization, Content-Encoding"


def ui_origins(ui_port: int) -> tuple[str, ...]:
    """The origins of a Web UI on this machine's loopback at ``ui_port``."""
    return (f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}")


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CodecServer:
    """Temporal's codec-server protocol over ``codec`` (module docstring)."""

    codec: PayloadCodec
    port: int = 0
    origins: Sequence[str] = ()
    _server: asyncio.Server | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, HOST, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def serve_forever(self) -> None:
        assert self._server is not None
        await self._server.serve_forever()

    # --- HTTP/1.1, as much as the protocol needs -------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                status, body = await self.answer(request)
                writer.write(self._response(request, status, body))
                await writer.drain()
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, UnicodeError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _response(self, request: Request, status: int, body: bytes) -> bytes:
        headers = {"Content-Length": str(len(body)), "Cache-Control": "no-store"}
        if body:
            headers["Content-Type"] = "application/json"
        origin = request.headers.get("origin")
        if origin and origin in self.origins:
            headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                            "Access-Control-Allow-Credentials": "true",
                            "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
                            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                            "Access-Control-Max-Age": "600"})
        head = f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode("latin-1") + body

    async def answer(self, request: Request) -> tuple[int, bytes]:
        """(status, JSON body) for one request."""
        if request.method == "OPTIONS":
            return 204, b""
        path = request.path.split("?", 1)[0].rstrip("/")
        action = path.rsplit("/", 1)[-1]
        if request.method == "GET" and action in ("", "health"):
            return 200, b'{"status": "ok"}'
        if action not in ("encode", "decode"):
            return 404, _error(f"no such endpoint {request.path}: POST /encode or /decode")
        if request.method != "POST":
            return 405, _error("POST a JSON body {\"payloads\": [...]}")
        try:
            payloads = json_format.Parse(request.body or b"{}", Payloads())
        except (json_format.ParseError, DecodeError, UnicodeDecodeError) as err:
            return 400, _error(f"not a Payloads JSON object: {err}")
        try:
            done = await (self.codec.encode(payloads.payloads) if action == "encode"
                          else self.codec.decode(payloads.payloads))
        except EnforcementError as err:
            return 400, _error(str(err))
        return 200, json_format.MessageToJson(Payloads(payloads=done),
                                              indent=None).encode()


def _error(message: str) -> bytes:
    return json.dumps({"message": message}, ensure_ascii=False).encode()


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").split()
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _chunked(reader)
    else:
        length = int(headers.get("content-length") or 0)
        if length > MAX_BODY:
            raise ValueError("body too large")
        body = await reader.readexactly(length) if length else b""
    return Request(method=method.upper(), path=target, headers=headers, body=body)


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        if len(body) > MAX_BODY:
            raise ValueError("body too large")
        await reader.readline()


async def _main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workflows.codec import codec_from_env

    codec = codec_from_env(key_file=Path(args.key_file) if args.key_file else None)
    if codec is None:
        print("no payload key: set ENFORCEMENT_PAYLOAD_KEY or ENFORCEMENT_PAYLOAD_KEY_FILE, or "
              "give --key-file", file=sys.stderr)
        return 2
    origins = [*args.origin, *filter(None, os.environ.get(ORIGINS_ENV, "").split(","))]
    server = CodecServer(codec, port=args.port, origins=origins)
    await server.start()
    print(f"codec server on {server.endpoint} (origins: {', '.join(origins) or 'none'})",
          flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Serve the engine's payload codec to "
                                     "Temporal's CLI and Web UI (loopback only).")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--origin", action="append", default=[],
                        help="a Web UI origin allowed by CORS (repeatable; also "
                             f"{ORIGINS_ENV}, comma-separated)")
    parser.add_argument("--key-file", default=None,
                        help="payload key file when ENFORCEMENT_PAYLOAD_KEY(_FILE) is unset "
                             "(e.g. data/payload.key)")
    return asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
