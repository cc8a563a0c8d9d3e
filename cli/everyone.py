"""For everyone: simulate a docket through the real workflows, import legacy histories, print
the JSON Schema of any input."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel

from cli import render
from cli.common import (
    BAD_INPUT,
    TEMPORAL_RUNTIME,
    JsonFlag,
    UserError,
    friendly,
    out,
    print_json,
    read_json,
    run,
    validate,
)
from domain.calendar import COURT_ZONE
from domain.errors import InvalidInputError
from domain.event_store_config import cases_from_env, data_dir, first_start_keys


def simulate(docket_path: Annotated[Path, typer.Argument(metavar="DOCKET.json",
                                                         help="A Docket (JSON).")],
             out_dir: Annotated[Path | None, typer.Option(
                 "--out", help="A fresh directory for the simulated stores (default: "
                 "<data dir>/simulations/<docket>-<time>).")] = None,
             as_json: JsonFlag = False) -> None:
    """Simulate a docket: the real workflows, years of legal time in seconds.

    The workflows run on the time-skipping server with the simulated world (true legal dates)
    into a fresh store; prints each case's outcome, the 终本 audit and the quality metrics.
    """
    from engine.runtime import quiet_core
    from engine.simulate import default_out, simulate_docket
    from workflows.docket import Docket

    docket = validate(Docket, read_json(docket_path), f"docket {docket_path}",
                      "workflows/docket.py; docs/workflows.md (docket format)")
    target = out_dir or default_out(data_dir(os.environ), docket_path)
    if (target / "events.sqlite").exists() or (target / "views.sqlite").exists():
        raise UserError(f"{target} already holds a store: give a fresh --out directory",
                        BAD_INPUT)
    quiet_core()
    TEMPORAL_RUNTIME["started"] = True
    report = run(simulate_docket(docket, target))
    if as_json:
        print_json(report)
    else:
        render.print_simulation(report)


def import_legacy(path: Annotated[Path, typer.Argument(metavar="LEGACY.jsonl",
                                                       help="JSON Lines, docs/legacy-format.md")],
                  batch_cases: Annotated[int, typer.Option(
                      min=1, max=100_000, help="Cases per transaction.")] = 500,
                  as_json: JsonFlag = False) -> None:
    """Import legacy case histories (JSON Lines) into the event store as imported facts.

    The whole file is checked first: one bad line, an act after now or a live case refuses
    it and nothing is written. Idempotent: importing a file again writes nothing new.
    """
    now = datetime.now(COURT_ZONE)  # the import's business time, read at the door
    path.open("rb").close()  # a missing or unreadable file fails here, before the store opens

    def read() -> Iterator[str]:  # read once: checked whole and staged, then written
        with path.open(encoding="utf-8") as lines:
            yield from lines

    for created in first_start_keys():  # an import into an empty data dir starts its store
        if not as_json:
            out.print(f"created the key file {created} (docs/operations.md, Keys)")
    app = cases_from_env()
    try:
        summary = app.import_legacy(read, now, batch_cases=batch_cases)
    except InvalidInputError as exc:
        raise UserError(f"import of {path} refused (nothing written): "
                        f"{exc.code}: {exc.message} [{exc.source}]", BAD_INPUT) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text: {exc.reason}", BAD_INPUT) from None
    finally:
        app.close()
    if as_json:
        print_json(summary)
    else:
        out.print(f"imported {path}: {summary.lines} lines of {summary.cases} case(s); "
                  f"{summary.events_written} events written, {summary.events_present} already "
                  f"present; {summary.batches} transaction(s) in {summary.seconds} s")


SCHEMA_KINDS = ("docket", "command", "act", "legacy", "status")


def schema(kind: Annotated[str, typer.Argument(help="docket | command | act | legacy | status")],
           name: Annotated[str | None, typer.Argument(
               help="The command or act (without it: the list).")] = None) -> None:
    """Print the JSON Schema of an input (without NAME: list the acts or commands)."""
    if kind not in SCHEMA_KINDS:
        raise UserError(f"unknown schema {kind!r}: choose from {', '.join(SCHEMA_KINDS)}",
                        BAD_INPUT)
    found = _schema(kind, name)
    if isinstance(found, list):
        for item in found:
            out.print(item)
    else:
        print_json(found)


def _schema(kind: str, name: str | None) -> dict[str, Any] | list[str]:
    if kind in ("command", "act"):
        from cli.acts import ACTS
        from domain.commands import COMMANDS

        models: dict[str, type[BaseModel]] = {**(COMMANDS if kind == "command" else ACTS)}
        if name is None:
            return sorted(models)
        if name not in models:
            raise UserError(f"unknown {kind} {name!r}; `enforce schema {kind}` lists them",
                            BAD_INPUT)
        return models[name].model_json_schema()
    if kind == "legacy":
        from domain.legacy import legacy_schema

        return legacy_schema()
    if kind == "status":
        from workflows.status import CaseStatus

        return CaseStatus.model_json_schema()
    from workflows.docket import Docket

    return Docket.model_json_schema()


def register(app: typer.Typer) -> None:
    app.command("simulate")(friendly(simulate))
    app.command("import")(friendly(import_legacy))
    app.command("schema")(friendly(schema))
