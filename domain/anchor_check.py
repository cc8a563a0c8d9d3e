"""Checking the event store against its anchor log (docs/operations.md, "Anchors").

Each finding is typed by its code:

``anchor.truncated``    the case ends before its anchored head (events removed from its end);
``anchor.deleted``      the log anchored the case, the store holds none of its events;
``anchor.rolled_back``  the store as a whole matches the log as it stood at an earlier entry
                        (an older copy of the store put back): every case behind is named;
``anchor.diverged``     the event at the anchored version is not the one anchored (the case's
                        history was replaced from there);
``anchor.unanchored``   events (or a whole case) the log never recorded: written around the
                        engine's save path;
``anchor.log_altered``  an entry of the log does not chain to the one before it;
``anchor.log_missing``  the store holds events and its anchor log is not there;
``anchor.chain_unchecked`` (not a break) the store's chain values could not be read (no cipher
                        key): versions were compared, chain values were not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.anchors import SOURCE, Entry, Head, global_link
from domain.tamper import AnchorFinding


@dataclass(frozen=True)
class StoredHead:
    """What the store holds of a case: its last version, and the chain values of its last
    event and of the event at the anchored version (None: not readable, or no such event)."""

    version: int
    chain: str | None
    chain_at_anchor: str | None = None


def latest(entries: Sequence[Entry]) -> dict[UUID, Entry]:
    """Each case's anchored head: its latest entry."""
    heads: dict[UUID, Entry] = {}
    for entry in entries:
        heads[entry.case_id] = entry
    return heads


def log_findings(entries: Sequence[Entry]) -> list[AnchorFinding]:
    """``anchor.log_altered`` at the first entry that does not chain to the one before."""
    previous, expected = "", 1
    for e in entries:
        if e.seq != expected or e.global_head != global_link(
                previous, e.seq, Head(e.case_id, e.version, e.chain)):
            return [AnchorFinding(code="anchor.log_altered", case_id=None, message=(
                f"anchor log entry {e.seq} does not chain to entry {expected - 1}: the log was "
                "edited"), source=SOURCE)]
        previous, expected = e.global_head, e.seq + 1
    return []


def _same(entry: Entry | None, stored: StoredHead | None) -> bool:
    if entry is None or stored is None:
        return entry is None and stored is None
    return entry.version == stored.version and stored.chain in (None, entry.chain)


def rollback_point(entries: Sequence[Entry], store: Mapping[UUID, StoredHead]) -> int | None:
    """The latest entry ``seq`` before the last at which the log's heads were exactly the
    store's heads now (the store is an older copy), else None."""
    if not entries:
        return None
    heads: dict[UUID, Entry] = {}
    differing = sum(1 for head in store.values() if head.version > 0)
    point = None
    for e in entries[:-1]:
        before = _same(heads.get(e.case_id), store.get(e.case_id))
        heads[e.case_id] = e
        after = _same(e, store.get(e.case_id))
        differing += int(before) - int(after)
        if differing == 0:
            point = e.seq
    return point


def case_findings(ref: UUID, stored: StoredHead | None, anchored: Entry | None,
                  rolled_back_to: int | None, last_seq: int) -> list[AnchorFinding]:
    """What is wrong with one case against its anchored head (empty: nothing)."""
    def finding(code: str, message: str, breaks: bool = True) -> AnchorFinding:
        return AnchorFinding(code=code, case_id=ref, message=message, source=SOURCE,
                             breaks=breaks, anchored_version=anchored.version if anchored
                             else None)

    if anchored is None:
        if stored is None:
            return []
        return [finding("anchor.unanchored", f"the case has {stored.version} event(s) but the "
                        "anchor log never recorded it (written around the engine?)")]
    if rolled_back_to is not None and not _same(anchored, stored):
        held = f"is at version {stored.version}" if stored else "is missing"
        return [finding("anchor.rolled_back", f"the case {held}, anchored at version "
                        f"{anchored.version}: the whole store matches the anchor log as of "
                        f"entry {rolled_back_to} of {last_seq} (an older copy put back?)")]
    if stored is None:
        return [finding("anchor.deleted", f"the anchor log holds the case at version "
                        f"{anchored.version}; the store holds none of its events")]
    if stored.version < anchored.version:
        return [finding("anchor.truncated", f"the case ends at version {stored.version}, before "
                        f"its anchored head at version {anchored.version} (events removed from "
                        "its end)")]
    found: list[AnchorFinding] = []
    if stored.chain_at_anchor is None:
        found.append(finding("anchor.chain_unchecked", "the store's chain values are not "
                             "readable here (no cipher key?): versions compared only", False))
    elif stored.chain_at_anchor != anchored.chain:
        found.append(finding("anchor.diverged", f"the event at the anchored version "
                             f"{anchored.version} is not the one anchored: the history was "
                             "replaced from there or before"))
    if stored.version > anchored.version:
        found.append(finding("anchor.unanchored", f"events {anchored.version + 1} to "
                             f"{stored.version} were never anchored (written around the "
                             "engine?)"))
    return found
