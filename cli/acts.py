"""Operator acts from the command line: the payload assembled from ``--json`` and ``--field``
and validated with the act's pydantic model (workflows/acts.py) before anything reaches
Temporal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli.common import BAD_INPUT, UserError, validate
from domain.values import Actor
from workflows.acts import ACT_TYPES, ActBase
from workflows.principals import IdentityError

ACTS: dict[str, type[ActBase]] = {t.model_fields["kind"].default: t for t in ACT_TYPES}
"""Every act by its kind (= the name of its Update)."""
ACTS_SOURCE = "docs/workflows.md (operator contract)"


def _value(key: str, text: str) -> Any:
    """A --field value: JSON for objects, arrays, strings in quotes, true/false/null; else text
    (numbers stay text: money keeps its exact decimals)."""
    if text[:1] in ('{', '[', '"') or text in ("true", "false", "null"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"invalid --field {key}: {exc.msg} at column {exc.colno}",
                            BAD_INPUT) from None
    return text


def act_payload(kind: str, fields: list[str], raw: str | None, who: Actor,
                request_id: str | None, note: str | None) -> ActBase:
    """The act of ``who`` (the command's principal), validated locally with its model
    (malformed input never reaches Temporal). An ``actor`` in the payload is a claim: refused
    (docs/operations.md "Identity")."""
    model = ACTS.get(kind)
    if model is None:
        raise UserError(f"unknown act {kind!r}; acts: {', '.join(sorted(ACTS))} "
                        f"[{ACTS_SOURCE}]", BAD_INPUT)
    data: dict[str, Any] = {}
    if raw is not None:
        text = Path(raw[1:]).read_text("utf-8") if raw.startswith("@") else raw
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"invalid --json: {exc.msg} at line {exc.lineno} column "
                            f"{exc.colno}", BAD_INPUT) from None
        if not isinstance(data, dict):
            raise UserError("invalid --json: the payload is one JSON object", BAD_INPUT)
    for item in fields:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise UserError(f"invalid --field {item!r}: write key=value (nested: a.b=value)",
                            BAD_INPUT)
        *parents, last = key.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise UserError(f"invalid --field {key}: {part} is not an object", BAD_INPUT)
        node[last] = _value(key, text)
    if data.pop("kind", kind) != kind:
        raise UserError(f"invalid --json: kind does not match the act {kind!r}", BAD_INPUT)
    if "actor" in data:
        raise IdentityError("identity.claim_refused", "the payload's actor: who acts is not "
                            "claimed; it is your account (enforce users list)")
    data["actor"] = who.model_dump(mode="json")
    if request_id is not None:
        data["request_id"] = request_id
    if note is not None:
        data["note"] = note
    act: ActBase = validate(model, data, kind, f"workflows/acts.py {model.__name__}; "
                            f"{ACTS_SOURCE}")
    return act
