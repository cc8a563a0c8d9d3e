"""Administrators: the accounts that may act from this terminal (docs/operations.md
"Identity"). ``enforce users add|list|disable|enable|passwd|team|token``; the store is
``<data>/accounts.sqlite`` (0600), tokens are signed with ``<data>/identity.key`` (0600):
whoever can write and read them administers the engine."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from cli import accounts
from cli.common import BAD_INPUT, JsonFlag, UserError, err, friendly, print_json, table
from domain.event_store_config import data_dir
from engine.key_ring import read_ring
from workflows.principals import IdentityError

users_app = typer.Typer(help="Administrators: accounts, their roles, tokens.",
                        no_args_is_help=True, rich_markup_mode="markdown")


@users_app.command("add")
@friendly
def users_add(name: Annotated[str, typer.Argument(help="The account (recorded as the actor id "
                                                  "of its acts).")],
              role: Annotated[str, typer.Option(help="clerk | officer | judge | president | "
                                                "auditor ('system' is the engine's own).")],
              os_user: Annotated[str | None, typer.Option(
                  "--os-user", help="The OS user it maps to (default: the OS user named "
                  "NAME).")] = None,
              team: Annotated[str | None, typer.Option(
                  help="The team (执行团队) it works in: the console's worklist shows the "
                  "team's cases.")] = None,
              as_json: JsonFlag = False) -> None:
    """Add an account with its role; its OS user acts as it from now on."""
    found = accounts.add(data_dir(os.environ), name, role, os_user,
                         datetime.now(UTC).isoformat(timespec="seconds"))
    if team is not None:
        found = accounts.set_team(data_dir(os.environ), name, team)
    if as_json:
        print_json(found.__dict__)
    else:
        err.print(f"account {found.name} ({found.role.value}) added; OS user "
                  f"{found.os_user or found.name} acts as it")


@users_app.command("list")
@friendly
def users_list(as_json: JsonFlag = False) -> None:
    """Every account: name, role, OS user, enabled or not."""
    found = accounts.accounts(data_dir(os.environ))
    if as_json:
        print_json([a.__dict__ for a in found])
        return
    table(f"{len(found)} account(s) in {accounts.store_path(data_dir(os.environ))}",
          ["account", "role", "OS user", "state", "team", "added"],
          [[a.name, a.role.value, a.os_user or a.name,
            "disabled" if a.disabled else "login locked" if a.locked else "enabled",
            a.team, a.added_at] for a in found])


@users_app.command("disable")
@friendly
def users_disable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Disable an account: it acts no more (its tokens neither); its past acts stay its own."""
    found = accounts.disable(data_dir(os.environ), name)
    err.print(f"account {found.name} disabled")


@users_app.command("enable")
@friendly
def users_enable(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Enable an account again: a disabled one acts again, a console login locked after wrong
    passwords is unlocked."""
    found = accounts.enable(data_dir(os.environ), name)
    err.print(f"account {found.name} enabled")


@users_app.command("team")
@friendly
def users_team(name: Annotated[str, typer.Argument(help="The account.")],
               team: Annotated[str | None, typer.Argument(
                   help="The team; none: out of any team.")] = None) -> None:
    """Put an account in a team (执行团队), or in none: the console's worklist shows an
    officer's cases and the team's."""
    found = accounts.set_team(data_dir(os.environ), name, team)
    err.print(f"account {found.name}: team {found.team or '(none)'}")


@users_app.command("passwd")
@friendly
def users_passwd(name: Annotated[str, typer.Argument(help="The account.")]) -> None:
    """Set the account's password for the console (``enforce console``): typed twice at the
    prompt, or one line on standard input. Only its argon2id hash is stored."""
    if sys.stdin.isatty():
        password = getpass.getpass(f"password of {name}: ")
        if getpass.getpass("again: ") != password:
            raise UserError("the two passwords differ", BAD_INPUT)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        found = accounts.set_password(data_dir(os.environ), name, password)
    except IdentityError as refused:
        if refused.code != "identity.weak_password":
            raise
        raise UserError(refused.message, BAD_INPUT) from None
    err.print(f"account {found.name}: console password set")


@users_app.command("token")
@friendly
def users_token(name: Annotated[str, typer.Argument(help="The account.")],
                hours: Annotated[float, typer.Option(min=0.01, max=24 * 31,
                                                     help="Valid for this long.")] = 8.0
                ) -> None:
    """Print a signed token for an enabled account: with ``ENFORCE_TOKEN=<token>`` a command
    acts as that account (for service users and tests). Needs the identity key ring, i.e. an
    administrator."""
    data = data_dir(os.environ)
    accounts.account(data, name)
    print(accounts.issue_token(read_ring(data), name, hours))


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
