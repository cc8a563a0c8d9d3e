"""Tamper evidence: a keyed hash chain (HMAC-SHA256) over each event's canonical plaintext.

Each event's ``chain`` = HMAC(key, previous chain ‖ topic ‖ canonical JSON of the event without
its chain), the first event's previous chain being ``genesis``. The canonical form is the decoded
plaintext (sorted-key JSON, identity included), so encryption at rest and rotation of its key
never disturb it; the topic (the stored event class) is covered so that an event cannot be
relabelled as another class with the same fields (``NoticeServed`` → ``TerminationRulingServed``).
The HMAC key lives outside the database (environment or key file), so an attacker who edits an
event and recomputes every later hash is still caught. Removing the *last* events of a case
leaves a valid shorter chain: the anchor log (domain/anchors.py) records every case's head at
each save, and ``verify`` checks the store against it (domain/anchor_check.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any
from uuid import UUID

import orjson
from pydantic import BaseModel

GENESIS = "genesis"
UNDECODABLE = "__undecodable__"
"""Key of the stand-in JSON of a stored event that did not decrypt or decode (its reason)."""
Anchor = tuple[int, str]
"""An exported head of a case's chain: (version, chain value at that version)."""


def topic_of(event_type: type) -> str:
    """The stored topic of an event class (``module:Class``, as eventsourcing names it)."""
    return f"{event_type.__module__}:{event_type.__qualname__}"


class HashChain:
    """Computes chain links with a secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("hash-chain key must be at least 16 bytes")
        # HMAC-SHA256 (RFC 2104) with the keyed inner and outer states computed once: each link
        # then costs two hash copies instead of a key schedule (same values as hmac.digest)
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def link(self, previous: str, topic: str, event_json: dict[str, Any]) -> str:
        """The chain value of an event given the previous link, its topic and its JSON form."""
        return self.link_body(previous, topic,
                              {k: v for k, v in event_json.items() if k != "chain"})

    def link_body(self, previous: str, topic: str, body: dict[str, Any]) -> str:
        """The chain value over an event's JSON form that has no ``chain`` key."""
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        inner = self._inner.copy()
        inner.update(b"%s\n%s\n%s" % ((previous or GENESIS).encode(), topic.encode(), canonical))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class ChainBreak(BaseModel):
    """The first event of a case whose link does not verify."""

    case_id: UUID
    version: int
    topic: str
    problem: str


class AnchorFinding(BaseModel):
    """What the anchor log says is wrong with a case or the store (domain/anchor_check.py)."""

    code: str
    case_id: UUID | None
    message: str
    source: str
    breaks: bool = True
    """False for a note that does not fail verification (``anchor.chain_unchecked``)."""
    anchored_version: int | None = None


class CaseVerification(BaseModel):
    case_id: UUID
    events: int
    head: str
    ok: bool
    first_break: ChainBreak | None = None
    anchored_version: int | None = None
    """The version the anchor log holds for the case (None: not checked or not anchored)."""
    anchored_head: str | None = None
    findings: list[AnchorFinding] = []
    """What the anchor log says is wrong (``anchor.truncated`` …; docs/operations.md)."""

    def with_findings(self, anchored: tuple[int, str] | None,
                      findings: list[AnchorFinding]) -> CaseVerification:
        """This verification with the anchor log's view of the case added."""
        return self.model_copy(update={
            "anchored_version": anchored[0] if anchored else None,
            "anchored_head": anchored[1] if anchored else None, "findings": findings,
            "ok": self.ok and not any(f.breaks for f in findings)})

    @property
    def anchor(self) -> Anchor:
        """The head to export for anchoring (e.g. into a notarised log)."""
        return self.events, self.head


def _problem(chain: HashChain, case_id: UUID, expected: int, previous: str, version: int,
             topic: str, event_json: dict[str, Any]) -> str | None:
    if version != expected:
        return f"expected version {expected}, found {version} (event missing?)"
    if UNDECODABLE in event_json:
        return f"stored bytes do not decrypt or decode: {event_json[UNDECODABLE]}"
    if event_json.get("originator_version") != version or \
            str(event_json.get("originator_id")) != str(case_id):
        return "event identity does not match its position"
    if chain.link(previous, topic, event_json) != event_json.get("chain"):
        return "hash does not match the event's content, type or predecessor"
    return None


def verify_events(chain: HashChain, case_id: UUID,
                  events: Iterable[tuple[int, str, dict[str, Any]]],
                  anchor: Anchor | None = None) -> CaseVerification:
    """Recompute the chain over ``(version, topic, event_json)`` rows in stored order.

    With an ``anchor`` exported earlier, also check that the event at its version still carries
    its chain value (this catches events removed from the end of the case).
    """
    previous, expected, count = "", 1, 0
    for version, topic, event_json in events:
        count += 1
        problem = _problem(chain, case_id, expected, previous, version, topic, event_json)
        if problem is None and anchor is not None and version == anchor[0] and \
                event_json.get("chain") != anchor[1]:
            problem = "chain value differs from the anchored head"
        if problem:
            return CaseVerification(case_id=case_id, events=count, head=previous, ok=False,
                                    first_break=ChainBreak(case_id=case_id, version=version,
                                                           topic=topic, problem=problem))
        previous, expected = event_json["chain"], version + 1
    if anchor is not None and count < anchor[0]:
        return CaseVerification(case_id=case_id, events=count, head=previous, ok=False,
                                first_break=ChainBreak(
                                    case_id=case_id, version=count + 1, topic="(missing)",
                                    problem=f"the case ends at version {count}, before its "
                                            f"anchored head at version {anchor[0]} "
                                            "(events removed from the end?)"))
    return CaseVerification(case_id=case_id, events=count, head=previous, ok=True)


class AnchoredVerification(BaseModel):
    """Every case verified, against the anchor log too (domain/anchor_check.py)."""

    cases: list[CaseVerification]
    findings: list[AnchorFinding]
    """Findings about the store as a whole (``anchor.log_missing``, ``anchor.log_altered``)."""
    global_head: str
    """The anchor log's global head (its last entry's; empty: no entry or no log)."""
    anchor_entries: int
