"""`enforce`: the command line of the enforcement engine, grouped by who uses it.

- operators (``cli.operators``, ``cli.stuck``): ``case file|do|show|list|stuck|repair``,
  ``deadlines``;
- auditors (``cli.auditors``): ``audit history|verify|termination|metrics|export``,
  ``projections rebuild|catch-up``;
- everyone (``cli.everyone``): ``simulate``, ``import``, ``schema``;
- case money (``cli.money``): ``funds suspense add|claim|return|list`` (docs/rules.md §10);
- 参与分配 (``cli.distribution``): ``distribution draw|do|show`` (docs/rules.md §12);
- keys (``cli.keys``): ``keys init``; anchors (``cli.auditors``): ``audit anchors
  export|verify|adopt``.
- administrators (``cli.users``): ``users add|list|disable|enable|passwd|token``
  (docs/operations.md "Identity");
- the console in the browser (``cli.web``, ``console/``): ``console``.

Configuration comes from the environment (README "The CLI"); every error is one line and a
non-zero exit (``cli.common``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import auditors, distribution, everyone, keys, money, operators, users, web
from cli.common import LANG_ENV, TEMPORAL_RUNTIME
from domain.event_store_config import DATA_DIR_ENV
from domain.private import private_umask
from engine.processes import leave


class EnforceApp(typer.Typer):
    """The console script's entry point. A command that started Temporal's SDK runtime leaves
    through ``os._exit`` once its output is flushed: the SDK's threads sometimes abort the
    interpreter's teardown (``PyGILState_Release``, docs/design.md, Known pitfalls), which would add a
    crash report to the one-line error and change the exit code."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as done:
            if not TEMPORAL_RUNTIME["started"]:
                raise
            leave(done.code if isinstance(done.code, int) else int(done.code is not None))


app = EnforceApp(no_args_is_help=True, rich_markup_mode="markdown",
                  pretty_exceptions_enable=False, add_completion=False,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def main(data_dir: Annotated[Path | None, typer.Option(
        "--data-dir", help="Where the engine's stores and keys are (sets "
        f"{DATA_DIR_ENV}; default ./data).", show_default=False)] = None,
         lang: Annotated[str | None, typer.Option(
             "--lang", help="zh: phases, closure modes and stages with their Chinese labels "
             f"(the default); en: the codes alone (sets {LANG_ENV}).", show_default=False)
         ] = None) -> None:
    """The enforcement engine's command line.

    Operators act on live cases, auditors replay and audit the record, everyone can simulate a
    docket. Errors are one line; exit 1 = refused or failed, 2 = bad input.
    """
    private_umask()  # what the CLI writes (stores, exports) is 0600 (docs/operations.md)
    if data_dir is not None:
        os.environ[DATA_DIR_ENV] = str(data_dir)
    if lang is not None:
        if lang not in ("zh", "en"):
            raise typer.BadParameter("zh or en", param_hint="--lang")
        os.environ[LANG_ENV] = lang


operators.register(app)
money.register(app)
distribution.register(app)
auditors.register(app)
everyone.register(app)
keys.register(app)
users.register(app)
web.register(app)

__all__ = ["app"]
