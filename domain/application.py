"""EnforcementCases: the eventsourcing Application holding every case (the legal record)."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError, StoredEvent

from domain import commands as c
from domain import legacy
from domain.calendar import HolidayCalendar, legal_date
from domain.case import CommandResult, EnforcementCase, record
from domain.command_methods import CommandMethods
from domain.decide import Context
from domain.decide.closure import resumed_case_filing
from domain.errors import (
    CaseAlreadyFiledError,
    CipherKeyError,
    ConcurrencyError,
    EnforcementError,
    UnknownCase,
)
from domain.events import CaseEvent
from domain.ids import case_id as _case_id
from domain.persistence import CaseStore, PydanticMapper
from domain.rules import DEFAULT_RULES, RuleSet
from domain.state import CaseState
from domain.tamper import UNDECODABLE, Anchor, CaseVerification, HashChain, verify_events

case_id = functools.lru_cache(maxsize=65536)(_case_id)  # uuid5 per command is not free

MAX_ATTEMPTS = 8
LOCK_STRIPES = 256
T = TypeVar("T")
C = TypeVar("C", bound=c.Command)
CHAIN_KEY_ENV = "ENFORCEMENT_CHAIN_KEY"
CHAIN_KEY_FILE_ENV = "ENFORCEMENT_CHAIN_KEY_FILE"


def load_chain_key(db_path: Path | None = None) -> bytes:
    """The hash-chain key: from the environment, a key file, or a new file beside the store."""
    if os.environ.get(CHAIN_KEY_ENV):
        return bytes.fromhex(os.environ[CHAIN_KEY_ENV])
    path = os.environ.get(CHAIN_KEY_FILE_ENV)
    key_file = Path(path) if path else (db_path.with_suffix(".chainkey") if db_path else None)
    if key_file is None:
        return os.urandom(32)  # ephemeral store: an ephemeral key
    if not key_file.exists():
        _create_once(key_file, os.urandom(32).hex())
    return bytes.fromhex(key_file.read_text().strip())


def _create_once(path: Path, text: str) -> None:
    """Create a 0600 file atomically; if another process created it first, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{random.getrandbits(32):08x}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    try:
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic and never overwrites
    finally:
        tmp.unlink()


class EnforcementCases(CommandMethods, CaseStore):
    """Every enforcement case; one method per command, each answering a CommandResult."""

    name = "EnforcementCases"
    env: ClassVar[dict[str, str]] = {
        "MAPPER_TOPIC": "domain.persistence:PydanticMapper",
        "IS_SNAPSHOTTING_ENABLED": "y",
        "AGGREGATE_CACHE_MAXSIZE": "5000",
        "AGGREGATE_CACHE_FASTFORWARD": "n",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }

    def __init__(self, env: dict[str, str] | None = None, *, rules: RuleSet = DEFAULT_RULES,
                 calendar: HolidayCalendar | None = None, chain_key: bytes | None = None) -> None:
        super().__init__(env)
        self.rules = rules
        self.calendar = calendar or HolidayCalendar.load()
        db = self.env.get("SQLITE_DBNAME")
        db_path = Path(db) if db and ":memory:" not in db and "mode=memory" not in db else None
        self.chain = HashChain(chain_key or load_chain_key(db_path))
        self._locks = [threading.RLock() for _ in range(LOCK_STRIPES)]
        self.conflicts = 0
        """Version conflicts met and retried by this process (optimistic concurrency)."""

    @classmethod
    def in_memory(cls, **kwargs: Any) -> EnforcementCases:
        """A store in memory (unit tests)."""
        return cls({"PERSISTENCE_MODULE": "eventsourcing.popo"}, **kwargs)

    @classmethod
    def sqlite(cls, path: Path | str, **kwargs: Any) -> EnforcementCases:
        """The embedded default: one SQLite file (WAL, synchronous=FULL: survives power loss)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return cls({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                    "SQLITE_LOCK_TIMEOUT": "30"}, **kwargs)

    # --- commands -----------------------------------------------------------------------------
    def execute(self, cmd: c.Command) -> CommandResult:
        """Apply any command; refusals raise typed errors and write nothing."""
        if isinstance(cmd, c.FileCase):
            return self._retrying(self._file, cmd)
        if isinstance(cmd, c.ResumeEnforcement):
            return self._retrying(self._resume, cmd)
        return self._retrying(self._execute, cmd)

    def _lock(self, ref: UUID) -> threading.RLock:
        """The lock serialising this process's commands on a case (its cached state is shared)."""
        return self._locks[ref.int % LOCK_STRIPES]

    def _context(self, cmd: c.Command) -> Context:
        return Context(rules=self.rules, calendar=self.calendar,
                       today=legal_date(cmd.recorded_at))

    def _load(self, ref: UUID, number: str) -> EnforcementCase:
        try:
            case: EnforcementCase = self.repository.get(ref)
        except AggregateNotFoundError:
            raise UnknownCase(number) from None
        return case

    def _execute(self, cmd: c.Command) -> CommandResult:
        ref = case_id(cmd.case_number)
        with self._lock(ref):
            case = self._load(ref, cmd.case_number)
            try:
                result = case.execute(cmd, self._context(cmd), self.chain)
            except EnforcementError:
                raise  # decisions refuse before any change
            except BaseException:
                self._evict(ref)  # the cached case may be half-changed
                raise
            if not result.duplicate:
                self._save_or_evict(case)
            return result

    def _file(self, cmd: c.FileCase) -> CommandResult:
        ref = case_id(cmd.case_number)
        with self._lock(ref):
            if not self.existing([ref]):
                case, result = EnforcementCase.file(cmd, self._context(cmd), self.chain)
                self._save_or_evict(case)  # a concurrent filing fails here and is retried
                return result
            earlier = self._load(ref, cmd.case_number).duplicate_of(cmd)
        if earlier is None:
            raise CaseAlreadyFiledError("case.already_filed",
                                        f"case {cmd.case_number} is already filed", "engine")
        return earlier

    def _resume(self, cmd: c.ResumeEnforcement) -> CommandResult:
        ref, new_ref = case_id(cmd.case_number), case_id(cmd.new_case_number)
        first, second = sorted((self._lock(ref), self._lock(new_ref)), key=id)
        with first, second:
            old = self._load(ref, cmd.case_number)
            earlier = old.duplicate_of(cmd)
            if earlier is not None:
                return earlier
            if self.existing([new_ref]):
                raise CaseAlreadyFiledError("case.already_filed", f"case {cmd.new_case_number} "
                                            "is already filed", "engine")

            def both() -> tuple[CommandResult, EnforcementCase]:
                result = old.execute(cmd, self._context(cmd), self.chain)
                new, _ = record(None, resumed_case_filing(old.state, cmd), cmd, self.chain,
                                new_ref)
                return result, new

            result, new = self._guarded(old, both)
            self._save_or_evict(old, new)
            return result

    def _guarded(self, case: EnforcementCase, action: Callable[[], T]) -> T:
        try:
            return action()
        except EnforcementError:
            raise  # decisions refuse before any change
        except BaseException:
            self._evict(case.id)
            raise

    def _save_or_evict(self, *cases: EnforcementCase) -> None:
        try:
            self.commit(*cases)
        except BaseException:
            for case in cases:
                self._evict(case.id)
            raise

    def _evict(self, ref: UUID) -> None:
        cache = self.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(ref, evict=True)

    def _retrying(self, attempt: Callable[[C], CommandResult], cmd: C) -> CommandResult:
        """Optimistic concurrency: on a version conflict reload and retry with jitter."""
        for n in range(MAX_ATTEMPTS):
            try:
                return attempt(cmd)
            except IntegrityError:
                self.conflicts += 1
                time.sleep(random.uniform(0, 0.005 * 2**n))
        raise ConcurrencyError("case.concurrent_update", "the case kept changing under this "
                               "command; retry it", "optimistic concurrency (DESIGN.md)")

    def import_legacy(self, lines: Iterable[str | bytes | dict[str, Any]],
                      batch_cases: int = 500) -> legacy.ImportSummary:
        """Import case histories recorded elsewhere as imported facts (docs/legacy-format.md)."""
        return legacy.import_legacy(self, lines, batch_cases)

    # --- queries ------------------------------------------------------------------------------
    def get_case(self, number: str, version: int | None = None) -> CaseState:
        """A copy of the case's state, now or at a version."""
        ref = case_id(number)
        with self._lock(ref):  # never a command's state before it is saved
            try:
                case: EnforcementCase = self.repository.get(ref, version=version)
            except AggregateNotFoundError:
                raise UnknownCase(number) from None
            return case.state.model_copy(deep=True)

    def event_names(self, number: str, first: int, last: int) -> tuple[str, ...]:
        """The names of the case's events at versions ``first`` to ``last`` (what an earlier
        execution of a command wrote, for a retry that finds it already applied)."""
        events = self.events.get(case_id(number), gt=first - 1, lte=last)
        return tuple(type(e).__name__ for e in events)

    def case_events(self, number: str) -> list[CaseEvent]:
        """Every event of the case in order."""
        events = list(self.events.get(case_id(number)))
        if not events:
            raise UnknownCase(number)
        return events  # type: ignore[return-value]

    def state_at(self, number: str, on: date) -> CaseState:
        """The case as it stood at the end of business date ``on`` (replayed from events)."""
        case: EnforcementCase | None = None
        for event in self.case_events(number):
            if legal_date(event.recorded_at) > on:
                break
            case = EnforcementCase.project(case, event)
        if case is None:
            raise UnknownCase(f"{number} on {on}")
        return case.state

    def verify(self, number: str, anchor: Anchor | None = None) -> CaseVerification:
        """Recompute the case's hash chain; name the first event that does not verify.

        ``anchor``: a head exported earlier (``CaseVerification.anchor``), to catch events
        removed from the end of the case as well.
        """
        ref = case_id(number)
        rows = self.recorder.select_events(ref)
        if not rows:
            raise UnknownCase(number)
        return self._verify_rows(ref, rows, anchor)

    def _verify_rows(self, ref: UUID, rows: Sequence[StoredEvent],
                     anchor: Anchor | None = None) -> CaseVerification:
        mapper = self.mapper
        assert isinstance(mapper, PydanticMapper)
        return verify_events(self.chain, ref, ((s.originator_version, s.topic,
                                                _decoded(mapper, s)) for s in rows), anchor)

    def case_ids(self) -> Iterator[UUID]:
        """Ids of every case in the store, in order of their first stored event."""
        start, seen = 0, set()
        while True:
            page = self.recorder.select_notifications(start=start, limit=1000,
                                                      inclusive_of_start=False)
            if not page:
                return
            for n in page:
                if n.originator_id not in seen:
                    seen.add(n.originator_id)
                    yield n.originator_id  # type: ignore[misc]
            start = page[-1].id

    def verify_all(self) -> list[CaseVerification]:
        """Verify every case in the store (a case whose first event was deleted included)."""
        return [self._verify_rows(ref, self.recorder.select_events(ref))
                for ref in self.case_ids()]


def _decoded(mapper: PydanticMapper, stored: StoredEvent) -> dict[str, Any]:
    """An event's plaintext JSON for verification; a record that does not decrypt (altered
    ciphertext) becomes a break of the chain at its version rather than an exception."""
    try:
        return mapper.decode(stored)
    except (CipherKeyError, MapperDeserialisationError) as err:
        return {UNDECODABLE: str(err)}
