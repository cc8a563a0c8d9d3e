"""The one place the CLI turns an engine's refusal into what it prints and how it exits.

Every command reaches the engine through the ``Engine`` facade, whose refusals are
``EnforcementError``s (``code``, ``message``, ``source``); :func:`refusal` makes each one line
(``code: message [source]``) and an exit code (README "The CLI", docs/operations.md):

- 3: an act sent but not yet confirmed (``act.unconfirmed``: check it with its key);
- 2: bad input (``input.invalid``, naming the field) or a bad setting (``config.invalid``,
  ``store.config``, ``store.unreadable``);
- 1: every other refusal or failure — a rule (``case.closed`` …), a permission
  (``role.*``, ``approval.*``, ``identity.*``), an unknown or imported case, a stuck case,
  the engine out of reach (``engine.unavailable``, ``engine.no_worker``), a busy case
  (``engine.busy``: send it again), a key that does not fit.

An act's refusal by the case (a rule, a permission, its input as the workflow judges it)
names the act and the case first: ``record_payment refused for (2026)甘0402执801号: …``.
"""

from __future__ import annotations

from typing import NamedTuple

from domain.errors import EnforcementError, InvalidInputError, UnknownCaseError

REFUSED, BAD_INPUT, UNCONFIRMED = 1, 2, 3
UNCONFIRMED_CODES = frozenset({"act.unconfirmed"})
BAD_INPUT_CODES = frozenset({"input.invalid", "config.invalid", "store.config",
                             "store.unreadable"})
WHERE_CODES = ("engine.", "act.unconfirmed")
"""Codes about reaching the engine, not about the act: no "refused for" before them."""


class Refusal(NamedTuple):
    """What the CLI prints for a refusal (one line on stderr) and its exit code."""

    line: str
    code: int


def exit_code(exc: EnforcementError) -> int:
    if exc.code in UNCONFIRMED_CODES:
        return UNCONFIRMED
    if isinstance(exc, InvalidInputError) or exc.code in BAD_INPUT_CODES:
        return BAD_INPUT
    return REFUSED


def refusal(exc: EnforcementError, *, act: str | None = None,
            case: str | None = None) -> Refusal:
    """``exc`` as one line and an exit code; with ``act`` and ``case``, a refusal of that act
    by that case is introduced by them (not an unknown case or an engine out of reach)."""
    line = f"{exc.code}: {exc.message}" + (f" [{exc.source}]" if exc.source else "")
    code = exit_code(exc)
    if act is not None and case is not None and not isinstance(exc, UnknownCaseError) \
            and not exc.code.startswith(WHERE_CODES):
        verb = "invalid" if code == BAD_INPUT else "refused"
        line = f"{act} {verb} for {case}: {line}"
    return Refusal(line, code)
