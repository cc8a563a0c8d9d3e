"""Legacy lines: case histories recorded elsewhere, as JSON Lines (docs/legacy-format.md).

Each line is one act, stored as one event marked ``imported``: its types are validated by the
event class, today's rules are not applied — but the input rules for text and money are
(docs/domain.md "Text fields", "Money"): an import is new input. Each line's command id is
``legacy:<case number>:<seq>`` and its content is fingerprinted, so importing the same lines
again writes nothing. The import itself (check the whole file, then write) is
``domain.legacy_import``; what a line must say beyond its types, ``domain.legacy_checks``.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Annotated, Any

import orjson
from pydantic import (
    AwareDatetime,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from domain import events as ev
from domain.errors import InvalidInputError
from domain.ids import case_id
from domain.text import NOTE_FIELDS
from domain.values import Actor, CaseNumber, CheckedText, Money, check_text, new_facts

SOURCE = "docs/legacy-format.md"
ENVELOPE = frozenset(ev.CaseEvent.model_fields)


def _event_types() -> dict[str, type[ev.CaseEvent]]:
    found: dict[str, type[ev.CaseEvent]] = {}
    pending: list[type[ev.CaseEvent]] = [ev.CaseEvent]
    while pending:
        for sub in pending.pop().__subclasses__():
            if sub.__module__ == ev.__name__:  # not a court's suspense account (domain/suspense.py)
                found[sub.__name__] = sub
            pending.append(sub)
    return found


EVENT_TYPES = _event_types()
"""Every event class a legacy line may name (the classes of ``domain.events``)."""


class LegacyLine(CheckedText):
    """One act of a case history recorded elsewhere: one line of the JSON Lines file (its text
    held to docs/domain.md "Text fields", also inside ``data``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    case_number: CaseNumber
    seq: Annotated[int, Field(ge=1, le=1_000_000)]
    """Position of the act in its case, from 1 without gaps (the event's version)."""
    event: str
    """Name of an event class of ``domain/events.py``; the first act of a case is CaseFiled."""
    recorded_at: AwareDatetime
    actor: Actor
    basis: Annotated[str, Field(max_length=500)] | None = None
    data: dict[str, Any]
    """The event class's own fields (everything but the envelope)."""

    @field_validator("event")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value not in EVENT_TYPES:
            raise ValueError(f"unknown event {value!r} (see domain/events.py)")
        return value

    @property
    def command_id(self) -> str:
        return f"legacy:{self.case_number}:{self.seq}"

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.__pydantic_serializer__.to_json(self)).hexdigest()[:32]


class LegacyImportError(InvalidInputError):
    """A line that cannot be imported: names its line number and field (``legacy.*`` codes).
    The whole file is checked before anything is written, so nothing of it is written."""

    def __init__(self, line: int, field: str, message: str, *,
                 code: str = "legacy.invalid_line", source: str = SOURCE) -> None:
        self.line, self.field = line, field
        super().__init__(code, f"line {line}, {field}: {message}", source)


def _first_error(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "(line)"
    return prefix + field, error["msg"]


def parse_line(number: int, raw: str | bytes | dict[str, Any]) -> LegacyLine:
    """Validate one line (text or already decoded); errors name the line number and field."""
    try:
        data = raw if isinstance(raw, dict) else orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LegacyImportError(number, "(line)", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise LegacyImportError(number, "(line)", "a line is one JSON object")
    try:
        return LegacyLine.model_validate(data)
    except ValidationError as exc:
        raise LegacyImportError(number, *_first_error(exc)) from None


_MONEY: TypeAdapter[Decimal] = TypeAdapter(Money)
_AMOUNT_TYPES = (Decimal, Decimal | None)


def _check_input(number: int, event_type: type[ev.CaseEvent], data: dict[str, Any]
                 ) -> dict[str, Any]:
    """``data`` held to the input rules on the event's own fields (its nested models check
    themselves): every string anywhere is safe text, every amount is written as the Money rule
    says; the amounts canonical (2 places)."""
    checked = dict(data)
    for key, value in data.items():
        _check_strings(number, f"data.{key}", value, multiline=key in NOTE_FIELDS)
        field = event_type.model_fields.get(key)
        if field is not None and field.annotation in _AMOUNT_TYPES and value is not None:
            try:
                checked[key] = _MONEY.validate_python(value)
            except ValidationError as exc:
                raise LegacyImportError(number, f"data.{key}", exc.errors()[0]["msg"]) from None
    return checked


def _check_strings(number: int, where: str, value: Any, *, multiline: bool) -> None:
    if isinstance(value, str):
        try:
            check_text(value, multiline=multiline)
        except ValueError as exc:  # PydanticCustomError is a ValueError
            raise LegacyImportError(number, where, str(exc)) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(number, f"{where}.{key}", item, multiline=key in NOTE_FIELDS)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(number, f"{where}.{index}", item, multiline=multiline)


def build_event(number: int, line: LegacyLine) -> ev.CaseEvent:
    """The imported event of a line, type-checked by its event class (no rule is applied)."""
    clash = sorted(ENVELOPE & line.data.keys())
    if clash:
        raise LegacyImportError(number, f"data.{clash[0]}", "an envelope field, not part of data "
                                "(give recorded_at, actor and basis at the top level)")
    if (line.seq == 1) != (line.event == "CaseFiled"):
        raise LegacyImportError(number, "event", "a case's first act (seq 1) is CaseFiled, and "
                                "only its first")
    data = _check_input(number, EVENT_TYPES[line.event], line.data)
    try:
        with new_facts():  # an import is new input: nested parties, claims, assets checked too
            event = EVENT_TYPES[line.event](
                originator_id=case_id(line.case_number), originator_version=line.seq,
                recorded_at=line.recorded_at, command_id=line.command_id,
                command_hash=line.fingerprint, actor=line.actor, basis=line.basis,
                imported=True, **data)
    except ValidationError as exc:
        raise LegacyImportError(number, *_first_error(exc, "data.")) from None
    if isinstance(event, ev.CaseFiled) and event.case_number != line.case_number:
        raise LegacyImportError(number, "data.case_number", f"{event.case_number!r} differs from "
                                f"the line's case_number {line.case_number!r}")
    return event


def legacy_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a line: the envelope, and ``data`` per ``event``."""
    schema = LegacyLine.model_json_schema()
    defs: dict[str, Any] = schema.pop("$defs", {})
    variants = []
    for name, event_type in sorted(EVENT_TYPES.items()):
        own = event_type.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(own.pop("$defs", {}))
        properties = {k: v for k, v in own["properties"].items() if k not in ENVELOPE}
        required = [k for k in own.get("required", []) if k not in ENVELOPE]
        data = {"type": "object", "title": f"{name} data", "properties": properties,
                "required": required, "additionalProperties": False}
        variants.append({"if": {"properties": {"event": {"const": name}}},
                         "then": {"properties": {"data": data}}})
    schema["properties"]["event"]["enum"] = sorted(EVENT_TYPES)
    schema["allOf"] = variants
    schema["$defs"] = defs
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Legacy case history line"
    return schema
