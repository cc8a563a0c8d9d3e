"""``enforce keys init``: create the keys of a new store explicitly (docs/operations.md, Keys).

Opening a store never makes a key up; this command (or the first start of ``worker.py`` on an
empty data directory) is the only way a chain key or an anchor key comes into being."""

from __future__ import annotations

import os

import typer

from cli.common import JsonFlag, friendly, out, print_json
from domain.event_store_config import event_store_kind, sqlite_events_path
from domain.keys import init_keys

keys_app = typer.Typer(help="Keys of the record: create them for a new store.",
                       no_args_is_help=True, rich_markup_mode="markdown")


@keys_app.command("init")
@friendly
def keys_init(as_json: JsonFlag = False) -> None:
    """Create the hash-chain key and the anchor key of the configured store if they do not
    exist (key files of mode 0600 beside an SQLite store, or the files named by
    ENFORCEMENT_CHAIN_KEY_FILE / ENFORCEMENT_ANCHOR_KEY_FILE). Refused for a store that holds
    events but lost its chain key: restore that key instead."""
    path = sqlite_events_path(os.environ) if event_store_kind(os.environ) == "sqlite" else None
    created = init_keys(path)
    if as_json:
        print_json({"created": [str(p) for p in created]})
    elif created:
        for made in created:
            out.print(f"created {made}")
    else:
        out.print("every key exists already (or is given in the environment): nothing created")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
