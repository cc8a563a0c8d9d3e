"""How the Engine facade turns input and Temporal's failures into our typed errors.

Malformed input (a filing, a policy, an act as JSON) is refused before anything is sent, as
``InvalidInputError`` naming each bad field. A refusal that travelled through Temporal (an
update's or a workflow's ``ApplicationError``: type = the code, ``details[0]`` = code, message,
source and the error's class name) becomes the ``EnforcementError`` subclass it was raised as.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from temporalio.exceptions import ApplicationError

from domain import errors
from domain.errors import EnforcementError, InvalidInputError, UnknownCaseError
from workflows.acts import Act, ActBase

M = TypeVar("M", bound=BaseModel)
SOURCE = "engine (README: the embedding facade)"
_ACT: TypeAdapter[Any] = TypeAdapter(Act)


class EngineUnavailableError(EnforcementError):
    """Temporal cannot be reached, or no worker serves the engine's task queue."""


class ActNotConfirmedError(EngineUnavailableError):
    """An act was sent but no answer came within the wait: it may still be applied. Ask with
    its key (``Engine.act_status``, ``enforce case act``) or re-send it with the same key."""

    def __init__(self, case_number: str, kind: str, request_id: str, waited: float) -> None:
        super().__init__(
            "act.unconfirmed", f"{kind} for {case_number} is not yet confirmed after "
            f"{waited:.0f} s (is the worker running?): check with key {request_id} "
            f"(enforce case act '{case_number}' {request_id}), or re-send it with "
            f"--request-id {request_id}; the same key is never applied twice", SOURCE)
        self.request_id = request_id


class CaseImportedError(UnknownCaseError):
    """The number names an imported legacy history (docs/legacy-format.md): it has no
    workflow, so no query or act reaches it; its record is read with ``Engine.history``."""

    def __init__(self, case_number: str) -> None:
        EnforcementError.__init__(
            self, "case.imported", f"case {case_number} is an imported legacy history: no "
            "workflow runs it and no act is recorded on it; read it with `enforce audit "
            "history`", "docs/legacy-format.md § Live cases")


class CaseStuckError(EnforcementError):
    """The case's workflow task keeps failing (a bug, a nondeterminism error after a deploy):
    it answers no query and no act until repaired (docs/operations.md, "Stuck cases")."""

    def __init__(self, case_number: str, reason: str, attempts: int, source: str) -> None:
        self.case_number, self.reason, self.attempts = case_number, reason, attempts
        super().__init__("case.stuck", f"{case_number} is stuck: its workflow task failed and "
                         f"is on attempt {attempts}: {reason}. It answers no query and no act "
                         "until repaired: deploy the fix and restart the workers (the next "
                         f"retry then succeeds), or `enforce case repair '{case_number}'`",
                         source)


def _fields(err: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(root)'}: {e['msg']}"
                     for e in err.errors())


def parse(model: type[M], value: M | Mapping[str, Any], what: str) -> M:
    """``value`` as ``model``; malformed input raises InvalidInputError naming each field."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as err:
        raise InvalidInputError("input.invalid", f"invalid {what}: {_fields(err)}",
                                "payload schema (docs/workflows.md)") from None


def parse_act(value: ActBase | Mapping[str, Any]) -> ActBase:
    """An operator act from its model or its JSON object (with ``kind``)."""
    if isinstance(value, ActBase):
        return value
    try:
        act: ActBase = _ACT.validate_python(value)
    except ValidationError as err:
        raise InvalidInputError("input.invalid", f"invalid act: {_fields(err)}",
                                "operator contract (docs/workflows.md)") from None
    return act


def from_application_error(err: ApplicationError) -> EnforcementError:
    """Our typed error back from its transport form."""
    detail = err.details[0] if err.details and isinstance(err.details[0], dict) else {}
    code = str(detail.get("code") or err.type or "engine.error")
    cls: type[EnforcementError] = EnforcementError
    candidate = getattr(errors, str(detail.get("type", "")), None)
    if isinstance(candidate, type) and issubclass(candidate, EnforcementError):
        cls = candidate
    elif code == "input.invalid":
        cls = InvalidInputError
    elif code.startswith(("role.", "approval.", "identity.")):
        cls = errors.NotPermittedError
    elif code != "engine.error":
        cls = errors.RuleViolationError
    typed = cls.__new__(cls)
    EnforcementError.__init__(typed, code, str(detail.get("message") or err.message),
                              str(detail.get("source") or ""))
    return typed


def application_cause(err: BaseException) -> ApplicationError | None:
    """The ApplicationError somewhere in ``err``'s chain of causes."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ApplicationError):
            return seen
        seen = seen.cause if hasattr(seen, "cause") else seen.__cause__
    return None
