"""``enforce console``: the court's console in the browser (console/; docs/operations.md "The
console"). Loopback by default; an identity header of a reverse proxy is trusted only when
configured, and only from the proxies named."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cli.common import err, friendly
from domain.event_store_config import data_dir


@friendly
def console(host: Annotated[str, typer.Option(help="Address to listen on (loopback by "
                                              "default; elsewhere put it behind the court's "
                                              "TLS reverse proxy).")] = "127.0.0.1",
            port: Annotated[int, typer.Option(min=1, max=65535)] = 8235,
            identity_header: Annotated[str | None, typer.Option(
                "--identity-header", help="A header naming the logged-in account, set by a "
                "single sign-on proxy: trusted only from --trusted-proxy addresses.")] = None,
            trusted_proxy: Annotated[list[str] | None, typer.Option(
                "--trusted-proxy", help="The reverse proxy's address (repeat for more).")
            ] = None,
            secure_cookies: Annotated[bool, typer.Option(
                "--secure-cookies", help="Cookies only over HTTPS (behind a TLS proxy).")
            ] = False,
            offline: Annotated[bool, typer.Option(
                "--offline", help="The records only, without Temporal (an auditor's copy of "
                "a store): audit, metrics, campaign and case pages; no acts.")] = False
            ) -> None:
    """Serve the console: worklists, case pages and acts for the engine's accounts (with a
    password: ``enforce users passwd NAME``)."""
    from console.app import ConsoleConfig
    from console.server import loopback, run

    proxies = frozenset(trusted_proxy or ())
    if identity_header and not proxies:
        raise typer.BadParameter("--identity-header needs --trusted-proxy: the header is "
                                 "trusted only from the proxy that sets it")
    if not loopback(host):
        err.print(f"console: listening on {host}, not loopback: put it behind the court's TLS "
                  "reverse proxy (--secure-cookies)")
    config = ConsoleConfig(data_dir=data_dir(os.environ), identity_header=identity_header,
                           trusted_proxies=proxies, secure_cookies=secure_cookies,
                           offline=offline)
    err.print(f"console on http://{host}:{port}/ (data: {config.data_dir}); Ctrl-C stops it")
    run(config, host, port)


def register(app: typer.Typer) -> None:
    app.command("console")(console)
