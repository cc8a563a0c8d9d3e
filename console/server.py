"""Serving the console: uvicorn on loopback by default (docs/operations.md "The console")."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import secrets
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from cli import accounts
from console.app import ConsoleConfig, create_app
from domain.private import open_private

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8235


def loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def server(config: ConsoleConfig, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
           ) -> uvicorn.Server:
    """A uvicorn server of the console (not started). Proxy headers are never read from the
    request unless a trusted proxy is configured (``ConsoleConfig.trusted_proxies``)."""
    return uvicorn.Server(uvicorn.Config(
        create_app(config), host=host, port=port, log_level="warning", access_log=False,
        proxy_headers=bool(config.trusted_proxies),
        forwarded_allow_ips=sorted(config.trusted_proxies) or None, server_header=False))


def run(config: ConsoleConfig, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until interrupted."""
    asyncio.run(server(config, host, port).serve())


class EmbeddedConsole(uvicorn.Server):
    """The console inside another process's event loop (``make run``: beside the worker): it
    leaves the process's signal handlers alone; ``stop()`` ends it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def stop(self) -> None:
        self.should_exit = True


def embedded(config: ConsoleConfig, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
             ) -> EmbeddedConsole:
    """A console to run as a task of a running loop (``await console.serve()``)."""
    return EmbeddedConsole(uvicorn.Config(
        create_app(config), host=host, port=port, log_level="warning", access_log=False,
        proxy_headers=False, server_header=False))


DEMO_ACCOUNTS = (("officer-3", "officer"), ("clerk-7", "clerk"), ("judge-2", "judge"),
                 ("president-1", "president"), ("audit-1", "auditor"))
"""The demo's people (cli/demo.py acts as them) as console accounts."""
DEMO_LOGINS = "console-logins.txt"


def demo_logins(data_dir: Path, added_at: str) -> Path:
    """The demo's accounts with console passwords, made once: an account that exists already
    is left as it is; each new one gets a random password, written to
    ``<data>/console-logins.txt`` (0600) for the person trying the demo."""
    made = []
    known = {a.name for a in accounts.accounts(data_dir)} \
        if accounts.store_path(data_dir).exists() else set()
    for name, role in DEMO_ACCOUNTS:
        if name in known:
            continue
        accounts.add(data_dir, name, role, None, added_at)
        password = secrets.token_urlsafe(12)
        accounts.set_password(data_dir, name, password)
        made.append(f"{name}\t{role}\t{password}\n")
    path = data_dir / DEMO_LOGINS
    if made:
        with open_private(path, "a") as out:
            out.writelines(made)
    return path
