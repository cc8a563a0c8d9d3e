"""What every command shares: configuration, the engine, errors as one line, output.

Every command reaches the engine through the ``Engine`` facade (:func:`engine` for the running
cases, :func:`records` for the record and the read models); its refusals become one line and an
exit code in ``cli.errors``. Exit codes: 0 done; 1 refused or failed (a rule, a permission, an
unknown case, Temporal unreachable, a broken hash chain); 2 bad input (malformed JSON, a field
that fails its model, an act date after the business date, a configuration variable); 3 an act
not yet confirmed. Every error is one line on stderr: what, which field or rule, and its
source. ``ENFORCE_DEBUG=1`` adds the traceback of an unexpected error.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.markup import escape
from rich.table import Table

from cli.accounts import cli_principal, refuse_claims
from cli.errors import BAD_INPUT as BAD_INPUT
from cli.errors import REFUSED, refusal
from cli.terminal import SafeConsole, json_printable, safe_cell
from console.labels import label, lang_of
from domain.calendar import COURT_ZONE
from domain.errors import EnforcementError
from domain.event_store_config import StoreConfigurationError, data_dir
from domain.values import CaseNumber
from projections.read_store import ReadModelMismatchError
from workflows.principals import Principal

if TYPE_CHECKING:
    from engine.facade import Engine

WIDTH = None if sys.stdout.isatty() else 150  # pipes and files: wide tables, not cramped ones
out = SafeConsole(highlight=False, soft_wrap=True, markup=False, width=WIDTH)
LANG_ENV = "ENFORCE_LANG"
"""``zh`` (the default: each code with its Chinese label) or ``en`` (the codes alone);
``enforce --lang`` sets it."""


def term(table: str, code: str | None) -> str | None:
    """A phase, closure mode, stage … as the CLI prints it: ``inquiry (财产调查)``, or with
    ``--lang en`` the code alone (what options such as ``--phase`` take). The labels are the
    console's (console/labels.py)."""
    if code is None:
        return None
    if lang_of(os.environ.get(LANG_ENV)) == "en":
        return code
    shown = label(table, code)
    return code if shown == code else f"{code} ({shown})"

err = SafeConsole(stderr=True, highlight=False, soft_wrap=True)
"""Both escape control, format and bidirectional characters of the record (cli/terminal.py)."""
P = ParamSpec("P")
R = TypeVar("R")
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts).")]


TEMPORAL_RUNTIME = {"started": False}
"""Set once this process has started Temporal's SDK runtime (a client or a test server)."""


class UserError(Exception):
    """A problem the user can fix: printed as one line, exit ``code``."""

    def __init__(self, message: str, code: int = REFUSED) -> None:
        super().__init__(message)
        self.message, self.code = message, code


# --- errors as one line ---------------------------------------------------------------------

def error_line(message: str) -> None:
    """Print one error line on stderr."""
    err.print("[bold red]error:[/] " + escape(_one_line(message)), markup=True)


def fail(message: str, code: int = REFUSED) -> NoReturn:
    """Print one error line and exit non-zero."""
    error_line(message)
    raise typer.Exit(code)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def describe_validation(exc: ValidationError, what: str) -> str:
    """``invalid <what>: field: message; field: message`` (every invalid field named)."""
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(value)'}: {e['msg']}"
             for e in exc.errors()[:5]]
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return f"invalid {what}: {'; '.join(parts)}{more}"


def validate(model: Any, data: Any, what: str, source: str) -> Any:
    """``model`` validated from ``data`` (a pydantic class or a TypeAdapter); bad input is a
    UserError naming every invalid field and the model's source."""
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise UserError(f"{describe_validation(exc, what)} [{source}]", BAD_INPUT) from None


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn every error a user can cause into one clear line and an exit code."""
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except UserError as exc:
            fail(exc.message, exc.code)
        except EnforcementError as exc:
            fail(*refusal(exc))
        except ValidationError as exc:
            fail(describe_validation(exc, exc.title), BAD_INPUT)
        except json.JSONDecodeError as exc:
            fail(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", BAD_INPUT)
        except StoreConfigurationError as exc:
            fail(str(exc), BAD_INPUT)
        except ReadModelMismatchError as exc:
            fail(f"{exc} (enforce projections rebuild)")
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"cannot use {where}{exc.strerror or exc}", BAD_INPUT)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as exc:  # a bug, not a user error: still one line, traceback on demand
            if os.environ.get("ENFORCE_DEBUG"):
                traceback.print_exc()
            fail(f"internal error: {type(exc).__name__}: {exc} (ENFORCE_DEBUG=1 shows the "
                 "traceback)")
    return wrapper


def run(coroutine: Coroutine[Any, Any, R]) -> R:
    return asyncio.run(coroutine)


# --- input --------------------------------------------------------------------------------

def case_number(text: str) -> str:
    """A case number normalised (full-width brackets), or bad input."""
    number: str = validate(TypeAdapter(CaseNumber), text, "case number",
                           "domain/values.py CaseNumber")
    return number


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"invalid {option}: {text!r} is not a date (YYYY-MM-DD)",
                        BAD_INPUT) from None


def today() -> date:
    """Today in the court's zone."""
    from datetime import datetime

    return datetime.now(COURT_ZONE).date()


def read_json(path: Path) -> Any:
    """A JSON file, or bad input naming the file and the position."""
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"invalid JSON in {path}: {exc.msg} at line {exc.lineno} column "
                        f"{exc.colno}", BAD_INPUT) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text: {exc.reason}", BAD_INPUT) from None


def principal(actor: str | None = None, role: str | None = None) -> Principal:
    """Who runs this command (docs/operations.md "Identity"): the account of a signed
    ``ENFORCE_TOKEN``, else of the OS user; a claimed ``--actor``/``--role`` (or
    ``ENFORCE_ACTOR``/``ENFORCE_ROLE``) is refused with ``identity.claim_refused``."""
    refuse_claims(actor, role)
    return cli_principal(data_dir(os.environ))


# --- the engine ---------------------------------------------------------------------------

async def engine(who: Principal | None = None) -> Engine:
    """The Engine facade on the engine's Temporal (``Engine.connect``: the address, namespace and
    task queue of the environment or of ``<data>/server.json``); with ``who``, the CLI is the
    host system that vouches for that principal (its account, signed with
    ``<data>/identity.key``)."""
    from engine.facade import Engine
    from engine.key_ring import read_ring
    from workflows.principals import HostSystem

    TEMPORAL_RUNTIME["started"] = True
    data = data_dir(os.environ)
    host = HostSystem(who.vouched_by, read_ring(data)) if who is not None else None
    return await Engine.connect(data_dir=data, host=host)


def records() -> Engine:
    """The Engine facade on the record and the read models only (``Engine.offline``): no
    Temporal needed."""
    from engine.facade import Engine

    return Engine.offline(data_dir(os.environ))


# --- output -------------------------------------------------------------------------------

def jsonable(data: Any) -> Any:
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json")
    if isinstance(data, list | tuple):
        return [jsonable(item) for item in data]
    if isinstance(data, dict):
        return {str(k): jsonable(v) for k, v in data.items()}
    return data


def print_json(data: Any) -> None:
    """``data`` as JSON; unsafe characters of the record as ``\\uXXXX`` escapes (same value)."""
    sys.stdout.write(json_printable(json.dumps(jsonable(data), ensure_ascii=False, indent=2,
                                               default=str)) + "\n")


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """Print a rich table."""
    t = Table(title=title, title_justify="left")
    for column in columns:
        t.add_column(column, overflow="fold")
    for row in rows:
        t.add_row(*(safe_cell(v) for v in row))
    out.print(t)
