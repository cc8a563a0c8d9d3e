"""Anchors handed to a third party: the anchor log's global head and every case's head, signed
(docs/operations.md, "Anchors").

The export is JSON::

    {"format": "enforcement-anchors/1", "exported_at": ..., "entries": N,
     "global_head": <the log's global head after entry N>,
     "heads": [{"case_id": ..., "version": ..., "chain": ...}, ...],   # sorted by case id
     "key_id": <identifies the anchor key>, "signature": <HMAC-SHA256>}

``signature`` = HMAC-SHA256(anchor key, the export's sorted-key JSON without ``signature``); the
anchor key is the anchor log's own (domain/keys.py: ``<store>.anchorkey`` or
``ENFORCEMENT_ANCHOR_KEY``), not the chain key. Whoever holds the file can later prove what the
record held at that time: :func:`verify_against` names every case the store now holds less of.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

import orjson
from pydantic import BaseModel, ValidationError

from domain.anchor_check import latest
from domain.anchors import SOURCE
from domain.application import EnforcementCases
from domain.errors import AnchorError
from domain.tamper import AnchorFinding

FORMAT: Literal["enforcement-anchors/1"] = "enforcement-anchors/1"


class ExportedHead(BaseModel):
    case_id: UUID
    version: int
    chain: str


class AnchorExport(BaseModel):
    """A signed export of the anchor log's heads."""

    format: Literal["enforcement-anchors/1"] = FORMAT
    exported_at: datetime
    """When the file was written (wall clock, UTC; not a fact of any case)."""
    entries: int
    global_head: str
    heads: list[ExportedHead]
    key_id: str
    signature: str = ""

    def body(self) -> bytes:
        """The signed bytes: the sorted-key JSON of everything but the signature."""
        data = self.model_dump(mode="json", exclude={"signature"})
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def key_id(key: bytes) -> str:
    """Names the anchor key without revealing it."""
    return hmac.new(key, b"enforcement anchor key id v1", hashlib.sha256).hexdigest()[:16]


def sign(export: AnchorExport, key: bytes) -> AnchorExport:
    return export.model_copy(update={
        "signature": hmac.new(key, export.body(), hashlib.sha256).hexdigest()})


def export_anchors(app: EnforcementCases, key: bytes) -> AnchorExport:
    """The anchor log's global head and every case's anchored head, signed with ``key``."""
    entries = app.anchor_entries()
    heads = [ExportedHead(case_id=e.case_id, version=e.version, chain=e.chain)
             for e in sorted(latest(entries).values(), key=lambda e: str(e.case_id))]
    export = AnchorExport(exported_at=datetime.now(UTC).replace(microsecond=0),
                          entries=len(entries),
                          global_head=entries[-1].global_head if entries else "",
                          heads=heads, key_id=key_id(key))
    return sign(export, key)


def read_export(text: str | bytes, key: bytes, origin: str) -> AnchorExport:
    """An export file checked: its form (``anchor.export_invalid``) and its signature with
    ``key`` (``anchor.export_forged``: altered, or signed with another key)."""
    try:
        export = AnchorExport.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        raise AnchorError("anchor.export_invalid", f"{origin} is not an anchor export: "
                          f"{where}: {first['msg']}", SOURCE) from None
    if export.key_id != key_id(key):
        raise AnchorError("anchor.export_forged", f"{origin} was signed with another anchor key "
                          f"(key id {export.key_id}, ours {key_id(key)})", SOURCE)
    if not hmac.compare_digest(sign(export, key).signature, export.signature):
        raise AnchorError("anchor.export_forged", f"{origin}: the signature does not match its "
                          "content (the file was altered)", SOURCE)
    return export


def verify_against(app: EnforcementCases, export: AnchorExport) -> list[AnchorFinding]:
    """What the store and its anchor log hold less of than the export (empty: nothing).

    ``anchor.behind_export``: a case ends before its exported head; ``anchor.deleted``: an
    exported case has no event left; ``anchor.diverged``: the event at the exported version is
    another; ``anchor.log_rewritten``: the anchor log no longer holds the exported global head
    at its entry (the log was rolled back or rewritten since)."""
    found: list[AnchorFinding] = []
    entries = app.anchor_entries() if app.anchors.exists else []
    if export.entries:
        at = entries[export.entries - 1] if len(entries) >= export.entries else None
        if at is None or at.global_head != export.global_head:
            held = f"{len(entries)} entries" if at is None else "another global head there"
            found.append(AnchorFinding(
                code="anchor.log_rewritten", case_id=None, source=SOURCE, message=(
                    f"the export's global head is entry {export.entries} of the anchor log; "
                    f"the log now holds {held} (rolled back or rewritten since the export)")))
    for head in export.heads:
        stored = app.stored_head(head.case_id, head.version)

        def finding(code: str, message: str, head: ExportedHead = head) -> AnchorFinding:
            return AnchorFinding(code=code, case_id=head.case_id, message=message,
                                 source=SOURCE, anchored_version=head.version)

        if stored is None:
            found.append(finding("anchor.deleted", f"exported at version {head.version}; the "
                                 "store holds none of its events"))
        elif stored.version < head.version:
            found.append(finding("anchor.behind_export", f"the case ends at version "
                                 f"{stored.version}, behind its exported head at version "
                                 f"{head.version}"))
        elif stored.chain_at_anchor != head.chain:
            found.append(finding("anchor.diverged", f"the event at the exported version "
                                 f"{head.version} is not the one exported"))
    return found
