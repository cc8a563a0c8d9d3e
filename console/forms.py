"""Forms generated from the act models (workflows/acts.py): one input per field of the model,
its kind taken from the field's type, and the posted form turned back into the act's payload,
validated by the same model before anything is sent.

A field of a simple type gets an input of its own (money and text: a text box, a date: a date
picker, a yes/no: a checkbox, an enumeration or literal: a list to choose from, a number: a
number box); a structured field (a party, a list of findings …) is a JSON text area. The actor
and the act's kind are never fields: who acts is the logged-in account, the kind is the form.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from workflows.acts import ACT_TYPES, ActBase

ACTS: dict[str, type[ActBase]] = {t.model_fields["kind"].default: t for t in ACT_TYPES}
"""Every act by its kind (the name of its Update)."""
NOT_FIELDS = frozenset({"actor", "kind", "request_id"})
"""Set by the console, never by the form: the account, the form's act, the key it issued."""
Kind = Literal["text", "money", "date", "bool", "select", "int", "json"]


@dataclass
class FormField:
    """One input of an act's form."""

    name: str
    kind: Kind
    required: bool
    choices: tuple[str, ...] = ()
    default: str = ""
    help: str = ""
    errors: list[str] = field(default_factory=list)
    value: str = ""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and ``Annotated[X, …]``, and whether None is allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return annotation, optional
            annotation = args[0]
        else:
            return annotation, optional


def _kind(annotation: Any) -> tuple[Kind, tuple[str, ...]]:
    if typing.get_origin(annotation) is Literal:
        return "select", tuple(str(a) for a in typing.get_args(annotation))
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return "bool", ()
        if issubclass(annotation, Enum):
            return "select", tuple(str(m.value) for m in annotation)
        if issubclass(annotation, Decimal):
            return "money", ()
        if issubclass(annotation, date):
            return "date", ()
        if issubclass(annotation, int):
            return "int", ()
        if issubclass(annotation, str):
            return "text", ()
    return "json", ()


def _default(info: FieldInfo, kind: Kind) -> str:
    value = info.get_default(call_default_factory=True)
    if value is None or value is ... or (kind == "json" and value in ((), [], {})):
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def form_fields(model: type[ActBase]) -> list[FormField]:
    """The inputs of ``model``'s form, in the model's order."""
    found = []
    for name, info in model.model_fields.items():
        if name in NOT_FIELDS:
            continue
        inner, _ = _unwrap(info.annotation)
        kind, choices = _kind(inner)
        found.append(FormField(name=name, kind=kind, choices=choices,
                               required=info.is_required() and kind != "bool",
                               default=_default(info, kind), help=info.description or ""))
    return found


def payload(model: type[ActBase], form: Mapping[str, str]) -> tuple[dict[str, Any],
                                                                    dict[str, list[str]]]:
    """The act's JSON payload from the posted ``form`` (empty inputs left out, so that the
    model's default applies), and errors of inputs that are not even JSON."""
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in form_fields(model):
        text = form.get(item.name, "").strip()
        if item.kind == "bool":
            data[item.name] = text in ("true", "on", "1")
        elif not text:
            continue
        elif item.kind == "json":
            try:
                data[item.name] = json.loads(text)
            except json.JSONDecodeError as exc:
                errors.setdefault(item.name, []).append(
                    f"JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        else:
            data[item.name] = text
    return data, errors


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """A model's validation errors by the form's field (the first element of each location;
    an error of the whole act under ``""``)."""
    found: dict[str, list[str]] = {}
    for item in error.errors():
        where = item.get("loc", ())
        top = str(where[0]) if where else ""
        rest = ".".join(str(x) for x in where[1:])
        found.setdefault(top, []).append(f"{rest}: {item['msg']}" if rest else item["msg"])
    return found


def filled(model: type[ActBase], form: Mapping[str, str],
           errors: Mapping[str, list[str]]) -> list[FormField]:
    """The form's inputs again, with what was typed and each input's errors."""
    inputs = form_fields(model)
    for item in inputs:
        item.value = form.get(item.name, "")
        item.errors = list(errors.get(item.name, ()))
    return inputs
