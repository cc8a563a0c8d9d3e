"""Tamper evidence: a keyed hash chain (HMAC-SHA256) over each event's canonical plaintext.

Each event's ``chain`` = HMAC(key, previous chain ‖ canonical JSON of the event without its
chain). The canonical form is the decoded plaintext (sorted-key JSON), so encryption at rest and
key rotation never disturb it. The key lives outside the database (environment or key file), so
an attacker who edits an event and recomputes every later hash is still caught.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import orjson
from pydantic import BaseModel

GENESIS = "genesis"


class HashChain:
    """Computes chain links with a secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("hash-chain key must be at least 16 bytes")
        self._key = key

    def link(self, previous: str, event_json: dict[str, Any]) -> str:
        """The chain value of an event given the previous link and its JSON form."""
        body = {k: v for k, v in event_json.items() if k != "chain"}
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        mac = hmac.new(self._key, (previous or GENESIS).encode() + canonical, hashlib.sha256)
        return mac.hexdigest()


class ChainBreak(BaseModel):
    """The first event of a case whose link does not verify."""

    case_id: UUID
    version: int
    topic: str
    problem: str


class CaseVerification(BaseModel):
    case_id: UUID
    events: int
    head: str
    ok: bool
    first_break: ChainBreak | None = None


def verify_events(chain: HashChain, case_id: UUID,
                  events: Iterable[tuple[int, str, dict[str, Any]]]) -> CaseVerification:
    """Recompute the chain over ``(version, topic, event_json)`` rows in stored order."""
    previous, expected_version, count = "", 1, 0
    for version, topic, event_json in events:
        count += 1
        problem = None
        if version != expected_version:
            problem = f"expected version {expected_version}, found {version} (event missing?)"
        elif event_json.get("originator_version") != version or \
                str(event_json.get("originator_id")) != str(case_id):
            problem = "event identity does not match its position"
        elif chain.link(previous, event_json) != event_json.get("chain"):
            problem = "hash does not match the event's content or its predecessor"
        if problem:
            return CaseVerification(case_id=case_id, events=count, head=previous, ok=False,
                                    first_break=ChainBreak(case_id=case_id, version=version,
                                                           topic=topic, problem=problem))
        previous, expected_version = event_json["chain"], version + 1
    return CaseVerification(case_id=case_id, events=count, head=previous, ok=True)
