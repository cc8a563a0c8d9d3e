"""A remote codec server: Temporal's own tools (the ``temporal`` CLI, the Web UI) see decrypted
payloads through it.

The engine encrypts every Temporal payload (``engine/codec.py``), so Temporal's tools show
ciphertext unless they can ask a *codec server* to decode it. This one speaks Temporal's
codec-server protocol::

    POST <endpoint>/decode   {"payloads": [{"metadata": {"encoding": "<base64>", …},
                                             "data": "<base64>"}]}
    POST <endpoint>/encode   (same shape)       →  200 {"payloads": [...]}

with CORS for the Web UI (its origin must be listed: by default the embedded UI's
``http://127.0.0.1:<ui port>`` and ``http://localhost:<ui port>``). Anyone who can use it can
decrypt, so (docs/operations.md, "Codec server"):

- it is bound to 127.0.0.1 only, never another interface;
- it answers only requests whose ``Host`` header names it (``127.0.0.1:<port>``,
  ``localhost:<port>``, ``[::1]:<port>``, and names given with ``hosts``): a web page that
  rebinds its own DNS name to 127.0.0.1 is refused (403);
- every request but a CORS preflight carries its token (401 without): ``Authorization: Bearer
  <token>`` (the ``temporal`` CLI: ``--codec-auth "Bearer <token>"`` or
  ``TEMPORAL_CODEC_AUTH``), or the token as the first segment of the path, for the Web UI,
  which sends no header of its own: its codec endpoint is ``http://127.0.0.1:8234/<token>``.
  The token is ``<data>/codec.token`` (0600), made by the worker at its first start.

``python worker.py`` serves it in embedded mode (port 8234 when free, ``--codec-port``) and
starts the dev server with ``--ui-codec-endpoint`` (without the token: the UI's settings API
answers anyone on the machine); then e.g. ``temporal workflow query … --codec-endpoint
http://127.0.0.1:8234 --codec-auth "Bearer $(cat data/codec.token)"``. Against a cluster, run
it on the operator's workstation with the payload key: ``python -m engine.codec_server
--port 8234 --origin https://temporal-ui.example.court --token-file codec.token``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import json
import os
import secrets
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from domain.errors import EnforcementError

HOST = "127.0.0.1"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
DEFAULT_PORT = 8234
ORIGINS_ENV = "ENFORCEMENT_CODEC_ORIGINS"
HOSTS_ENV = "ENFORCEMENT_CODEC_HOSTS"
TOKEN_FILE_ENV = "ENFORCEMENT_CODEC_TOKEN_FILE"
TOKEN_FILE = "codec.token"
RULE = 'docs/operations.md "Codec server"'
MAX_BODY = 64 * 1024 * 1024
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
           403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           413: "Payload Too Large"}
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization, Content-Encoding"


def ui_origins(ui_port: int) -> tuple[str, ...]:
    """The origins of a Web UI on this machine's loopback at ``ui_port``."""
    return (f"http://127.0.0.1:{ui_port}", f"http://localhost:{ui_port}")


def codec_token(path: Path, *, create: bool = False) -> str:
    """The codec server's token kept in ``path`` (made, 0600, if missing and ``create``; of two
    processes making it at once both end up with the first)."""
    if not path.exists():
        if not create:
            raise FileNotFoundError(f"no codec token file {path}: start the worker once (it "
                                    f"makes it) or give --token-file ({RULE})")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)  # atomic, and refuses to overwrite
        finally:
            tmp.unlink()
    token = path.read_text("utf-8").strip()
    if len(token) < 16 or not token.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"the codec token in {path} must be at least 16 characters of "
                         f"A-Z a-z 0-9 - _ ({RULE})")
    return token


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
    token: str
    port: int = 0
    origins: Sequence[str] = ()
    hosts: Sequence[str] = ()
    """More ``Host`` header values it answers besides its loopback names (``name:port``)."""
    _server: asyncio.Server | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        """Where the ``temporal`` CLI sends requests (with ``--codec-auth``)."""
        return f"http://{HOST}:{self.port}"

    @property
    def ui_endpoint(self) -> str:
        """The endpoint with the token in its path: what a Web UI is given (it sends no
        Authorization header of its own)."""
        return f"{self.endpoint}/{self.token}"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """The ``Host`` header values it answers (lower case)."""
        return frozenset({f"{name}:{self.port}" for name in LOOPBACK_NAMES}
                         | {h.strip().lower() for h in self.hosts if h.strip()})

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
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="codec"'
        if body:
            headers["Content-Type"] = "application/json"
        origin = request.headers.get("origin")
        if origin and origin in self.origins and status != 403:  # 403: not our Host
            headers.update({"Access-Control-Allow-Origin": origin, "Vary": "Origin",
                            "Access-Control-Allow-Credentials": "true",
                            "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
                            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                            "Access-Control-Max-Age": "600"})
        head = f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode("latin-1") + body

    def _authorised(self, request: Request, segments: list[str]) -> bool:
        """Whether the request carries the token: as a Bearer token, or as the first segment of
        its path (which is then dropped from ``segments``)."""
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
                given.strip().encode(), self.token.encode()):
            return True
        if segments and hmac.compare_digest(segments[0].encode(), self.token.encode()):
            del segments[0]
            return True
        return False

    async def answer(self, request: Request) -> tuple[int, bytes]:
        """(status, JSON body) for one request."""
        host = request.headers.get("host", "").strip().lower()
        if host not in self.allowed_hosts:
            return 403, _error(f"Host {host or '(none)'!r} is not this codec server: it answers "
                               f"{', '.join(sorted(self.allowed_hosts))} only ({RULE})")
        if request.method == "OPTIONS":
            return 204, b""
        segments = [part for part in request.path.split("?", 1)[0].split("/") if part]
        if not self._authorised(request, segments):
            return 401, _error("the codec server needs its token: Authorization: Bearer <token> "
                               f"(temporal --codec-auth), or the endpoint <server>/<token> "
                               f"for the Web UI; the token is <data>/{TOKEN_FILE} ({RULE})")
        action = segments[-1] if segments else ""
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
    from engine.codec import codec_from_env

    codec = codec_from_env(key_file=Path(args.key_file) if args.key_file else None)
    if codec is None:
        print("no payload key: set ENFORCEMENT_PAYLOAD_KEY or ENFORCEMENT_PAYLOAD_KEY_FILE, or "
              "give --key-file", file=sys.stderr)
        return 2
    token_file = args.token_file or os.environ.get(TOKEN_FILE_ENV)
    if not token_file:
        print(f"no codec token: give --token-file (made if missing) or set {TOKEN_FILE_ENV} "
              f"({RULE})", file=sys.stderr)
        return 2
    token = codec_token(Path(token_file), create=True)
    origins = [*args.origin, *filter(None, os.environ.get(ORIGINS_ENV, "").split(","))]
    hosts = [*args.allow_host, *filter(None, os.environ.get(HOSTS_ENV, "").split(","))]
    server = CodecServer(codec, token, port=args.port, origins=origins, hosts=hosts)
    await server.start()
    print(f"codec server on {server.endpoint} (origins: {', '.join(origins) or 'none'}; "
          f"token in {token_file})", flush=True)
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
    parser.add_argument("--token-file", default=None,
                        help="the token every request must carry (made, 0600, if missing; "
                             f"also {TOKEN_FILE_ENV}), e.g. data/{TOKEN_FILE}")
    parser.add_argument("--allow-host", action="append", default=[],
                        help="another Host header value to answer besides its loopback names "
                             f"(name:port; repeatable; also {HOSTS_ENV})")
    parser.add_argument("--key-file", default=None,
                        help="payload key file when ENFORCEMENT_PAYLOAD_KEY(_FILE) is unset "
                             "(e.g. data/payload.key)")
    return asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
