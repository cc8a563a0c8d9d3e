"""Storage of pydantic events: our mapper (eventsourcing 9.5.6 ships none) and the snapshot.

Events are stored as ``model_dump(mode="json")`` encoded with orjson (Decimal and dates as
strings, round-tripping exactly) and rebuilt with ``model_validate`` of the event class.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict

from domain.state import CaseState


class CaseSnapshot(BaseModel):
    """A snapshot of a case's state at a version (shortens replay of long histories)."""

    model_config = ConfigDict(frozen=True)

    originator_id: UUID
    originator_version: int
    state: dict[str, Any]

    @classmethod
    def take(cls, aggregate: Any) -> CaseSnapshot:
        state: CaseState = aggregate.state
        return cls(originator_id=state.id, originator_version=state.version,
                   state=state.model_dump(mode="json"))

    def mutate(self, aggregate: Any) -> Any:
        from domain.case import EnforcementCase

        return EnforcementCase(CaseState.model_validate(self.state))


_IDENTITY = ("originator_id", "originator_version")


class PydanticMapper(Mapper[UUID]):
    """Maps pydantic events to stored events and back (optionally compressed and encrypted)."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        event = cast(BaseModel, domain_event)
        data = getattr(event, "_json", None) or event.model_dump(mode="json")
        body = {k: v for k, v in data.items() if k not in _IDENTITY}
        state = orjson.dumps(body)
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(originator_id=domain_event.originator_id,
                           originator_version=domain_event.originator_version,
                           topic=get_topic(type(event)), state=state)

    def decode(self, stored: StoredEvent) -> dict[str, Any]:
        """The event's plaintext JSON form, with its identity from the row."""
        state = stored.state
        try:
            if self.cipher:
                state = self.cipher.decrypt(state)
            if self.compressor:
                state = self.compressor.decompress(state)
            data: dict[str, Any] = orjson.loads(state)
        except Exception as exc:
            raise MapperDeserialisationError(
                f"cannot decode event {stored.originator_id} v{stored.originator_version}: {exc}"
            ) from exc
        data["originator_id"] = str(stored.originator_id)
        data["originator_version"] = stored.originator_version
        return data

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        cls = cast(type[BaseModel], resolve_topic(stored_event.topic))
        data = self.decode(stored_event)
        return cls.model_validate(data)
