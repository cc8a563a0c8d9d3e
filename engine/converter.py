"""The engine's data converter: pydantic JSON, with malformed payloads refused clearly.

A payload that fails its model's validation (an update's input, a signal's, an activity's)
raises a non-retryable ``ApplicationError`` of type ``input.invalid`` naming each bad field,
instead of the SDK's bare "Failed decoding arguments": an update is rejected with that message
before anything enters history. Clients (the Engine, the CLI) and workers must use it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter
from temporalio.converter import (
    CompositePayloadConverter,
    DataConverter,
    DefaultPayloadConverter,
    JSONPlainPayloadConverter,
)
from temporalio.exceptions import ApplicationError


class ValidatingJSONConverter(PydanticJSONPlainPayloadConverter):
    """Pydantic JSON; a validation failure becomes an ``input.invalid`` ApplicationError."""

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        try:
            return super().from_payload(payload, type_hint)
        except ValidationError as err:
            name = getattr(type_hint, "__name__", "payload")
            detail = "; ".join(f"{'.'.join(str(x) for x in e['loc']) or '(root)'}: {e['msg']}"
                               for e in err.errors())
            message = f"invalid {name}: {detail}"
            raise ApplicationError(message, {"code": "input.invalid", "message": message,
                                             "source": "payload schema (docs/workflows.md)"},
                                   type="input.invalid", non_retryable=True) from None


class EnginePayloadConverter(CompositePayloadConverter):
    """The default converters with JSON handled by :class:`ValidatingJSONConverter`."""

    def __init__(self) -> None:
        json = ValidatingJSONConverter()
        super().__init__(*(json if isinstance(c, JSONPlainPayloadConverter) else c
                           for c in DefaultPayloadConverter.default_encoding_payload_converters))


DATA_CONVERTER = DataConverter(payload_converter_class=EnginePayloadConverter)
