"""EnforcementCases: the eventsourcing Application holding every case (the legal record)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, MapperDeserialisationError, StoredEvent

from domain import commands as c
from domain import legacy_import
from domain.anchor_check import StoredHead, case_findings, latest, log_findings, rollback_point
from domain.anchors import CHAIN_KEY_CHECK, SOURCE, Entry, Head, heads_of
from domain.calendar import HolidayCalendar, legal_date
from domain.case import CommandResult, EnforcementCase, fingerprint, record
from domain.caselock import (
    DEFAULT_LOCK_WAIT,
    MAX_LOCK_WAIT,
    CaseBusy,
    CaseTransaction,
    LockWaits,
    remaining,
)
from domain.decide import Context, HeldReceipt
from domain.decide.closure import resumed_case_filing
from domain.distribution import (
    DistributionPlan,
    PlanCommand,
    PlanEvent,
    PlanResult,
    PlanState,
    is_plan_topic,
    plan_id,
)
from domain.errors import (
    AnchorError,
    CaseAlreadyFiledError,
    ChainKeyError,
    CipherKeyError,
    ConcurrencyError,
    EnforcementError,
    EngineBusyError,
    UnknownCase,
)
from domain.events import CaseEvent
from domain.ids import case_id as _case_id
from domain.keys import CHAIN_KEY_ENV, CHAIN_KEY_FILE_ENV, key_check, load_chain_key
from domain.permissions import check_permitted
from domain.persistence import CaseStore, PydanticMapper
from domain.private import private_file
from domain.rules import DEFAULT_RULES, RuleSet
from domain.state import CaseState
from domain.suspense import (
    SuspenseAccount,
    SuspenseCommand,
    SuspenseEvent,
    SuspenseResult,
    suspense_id,
)
from domain.tamper import (
    UNDECODABLE,
    Anchor,
    AnchoredVerification,
    AnchorFinding,
    CaseVerification,
    HashChain,
    verify_events,
)
from domain.values import court_of

__all__ = ["CHAIN_KEY_ENV", "CHAIN_KEY_FILE_ENV", "EnforcementCases", "load_chain_key"]

case_id = functools.lru_cache(maxsize=65536)(_case_id)  # uuid5 per command is not free

LOCK_STRIPES = 256
SUSPENSE_TOPICS = "domain.suspense:"
"""The stored topics of the courts' suspense accounts (not cases)."""


class EnforcementCases(CaseStore):
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
                 calendar: HolidayCalendar | None = None, chain_key: bytes | None = None,
                 lock_wait: float = DEFAULT_LOCK_WAIT, check_chain_key: bool = True,
                 check_cipher: bool = True) -> None:
        """``chain_key``: the hash-chain key (default: domain/keys.py finds it; none found is
        ``chain.key_missing``); ``check_chain_key=False`` only for readers that never write nor
        verify (the projection runner); ``check_cipher=False`` to check heads against the
        anchor log without the cipher key (:meth:`verify_anchored` with ``chains=False``)."""
        db = (env or {}).get("SQLITE_DBNAME")
        db_path = Path(db) if db and ":memory:" not in db and "mode=memory" not in db else None
        key = chain_key or load_chain_key(db_path)  # before the store is opened at all
        self.chain = HashChain(key)
        self._chain_key = key
        super().__init__(env, check_cipher=check_cipher)
        if check_chain_key:
            try:
                self._check_chain_key(key)
            except ChainKeyError:
                self.close()
                raise
        self.rules = rules
        self.calendar = calendar or HolidayCalendar.load()
        self._locks = [threading.RLock() for _ in range(LOCK_STRIPES)]
        if not 0 < lock_wait <= MAX_LOCK_WAIT:
            raise ValueError(f"lock_wait {lock_wait!r}: between 0 and {MAX_LOCK_WAIT:g} s")
        self.lock_wait = lock_wait
        """Seconds a command waits for its case's lock before ``engine.busy``."""
        self.lock_waits = LockWaits()
        """How long this process's commands waited for their cases."""

    def _check_chain_key(self, key: bytes) -> None:
        """The key's check value against the one kept in the anchor log (kept there by the
        first open): another key is ``chain.wrong_key``, not a store full of tampering."""
        if not self.anchors.exists:
            return
        check = key_check(key)
        kept = self.anchors.meta(CHAIN_KEY_CHECK) or self.anchors.set_meta_once(
            CHAIN_KEY_CHECK, check)
        if kept != check:
            raise ChainKeyError("chain.wrong_key", "the hash-chain key given is not the key "
                                f"this store was written with (its check value in the anchor "
                                f"log {self.anchors.where} differs): give the store's own key",
                                "docs/operations.md, Keys")

    @classmethod
    def in_memory(cls, **kwargs: Any) -> EnforcementCases:
        """A store in memory (unit tests)."""
        return cls({"PERSISTENCE_MODULE": "eventsourcing.popo"}, **kwargs)

    @classmethod
    def sqlite(cls, path: Path | str, **kwargs: Any) -> EnforcementCases:
        """The embedded default: one SQLite file (WAL, synchronous=FULL: survives power loss)."""
        private_file(Path(path))  # 0600 before SQLite opens it (its WAL then too)
        return cls({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                    "SQLITE_LOCK_TIMEOUT": "30"}, **kwargs)

    # --- commands -----------------------------------------------------------------------------
    def execute(self, cmd: c.Command) -> CommandResult:
        """Apply any command; refusals raise typed errors and write nothing.

        One writer per case at a time (domain/caselock.py): the command waits for its case's
        lock at most ``lock_wait`` seconds, else ``EngineBusyError`` (``engine.busy``)."""
        if isinstance(cmd, c.FileCase):
            return self._file(cmd)
        if isinstance(cmd, c.ResumeEnforcement):
            return self._resume(cmd)
        if isinstance(cmd, c.ClaimReceipt):
            return self._claim(cmd)
        return self._execute(cmd)

    def suspense(self, cmd: SuspenseCommand) -> SuspenseResult:
        """Apply a command of a court's suspense account (domain/suspense.py); refusals raise
        typed errors and write nothing."""
        ref = suspense_id(cmd.court)
        with self.writing({ref: f"the suspense account of {cmd.court}"}) as write:
            account = self._account(write.tx, cmd.court)
            result = account.execute(cmd, self.chain)
            if not result.duplicate:
                write.append(account)
            return result

    def suspense_account(self, court: str) -> SuspenseAccount:
        """A court's suspense account as stored now (empty if nothing was ever booked)."""
        account = SuspenseAccount(court)
        for event in self.events.get(suspense_id(court)):
            SuspenseAccount.project(account, cast(SuspenseEvent, event))
        return account

    def _account(self, tx: CaseTransaction, court: str) -> SuspenseAccount:
        """The court's suspense account as stored now, read under its lock."""
        account = SuspenseAccount(court)
        for stored in tx.events_after(account.id, 0):
            SuspenseAccount.project(account, cast(SuspenseEvent,
                                                  self.mapper.to_domain_event(stored)))
        return account

    def _claim(self, cmd: c.ClaimReceipt) -> CommandResult:
        """A suspense receipt into the case: the case's FundsReceived and the account's
        UnidentifiedReceiptClaimed saved in one transaction, or neither (docs/rules.md §10)."""
        ref, court = case_id(cmd.case_number), court_of(cmd.case_number)
        account_ref = suspense_id(court)
        with self.writing({ref: cmd.case_number,
                           account_ref: f"the suspense account of {court}"}) as write:
            case = self._current(write.tx, ref, cmd.case_number)
            check_permitted("ClaimReceipt", cmd.actor.role)
            earlier = case.duplicate_of(cmd)
            if earlier is not None:
                return earlier
            account = self._account(write.tx, court)
            held = account.claimable(cmd.receipt_id)
            ctx = dataclasses.replace(self._context(cmd), receipt=HeldReceipt(
                receipt_id=held.receipt_id, amount=held.amount, received_on=held.received_on,
                payer=held.payer))
            result = case.execute(cmd, ctx, self.chain)
            account.claim(cmd.receipt_id, cmd.case_number, cmd.claimed_on, cmd.command_id,
                          fingerprint(cmd), cmd.actor, cmd.recorded_at, self.chain)
            write.save(case)
            write.append(account)
            return result

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

    def _current(self, tx: CaseTransaction, ref: UUID, number: str) -> EnforcementCase:
        """The case as stored now: the cached one brought up to date with what other
        processes saved (read under the case's lock, so nothing can follow)."""
        case = self._load(ref, number)
        for stored in tx.events_after(ref, case.version):
            EnforcementCase.project(case, cast(CaseEvent, self.mapper.to_domain_event(stored)))
        return case

    def _exists(self, tx: CaseTransaction, ref: UUID) -> bool:
        cache = self.repository.cache
        if cache is not None:
            with contextlib.suppress(KeyError):
                cache.get(ref)
                return True
        return bool(tx.events_after(ref, 0, 1))

    def _execute(self, cmd: c.Command) -> CommandResult:
        ref = case_id(cmd.case_number)
        with self.writing({ref: cmd.case_number}) as write:
            case = self._current(write.tx, ref, cmd.case_number)
            result = case.execute(cmd, self._context(cmd), self.chain)
            if not result.duplicate:
                write.save(case)
            return result

    def _file(self, cmd: c.FileCase) -> CommandResult:
        ref = case_id(cmd.case_number)
        with self.writing({ref: cmd.case_number}) as write:
            if not self._exists(write.tx, ref):
                case, result = EnforcementCase.file(cmd, self._context(cmd), self.chain)
                write.save(case)
                return result
            earlier = self._current(write.tx, ref, cmd.case_number).duplicate_of(cmd)
        if earlier is None:
            raise CaseAlreadyFiledError("case.already_filed",
                                        f"case {cmd.case_number} is already filed", "engine")
        return earlier

    def _resume(self, cmd: c.ResumeEnforcement) -> CommandResult:
        ref, new_ref = case_id(cmd.case_number), case_id(cmd.new_case_number)
        with self.writing({ref: cmd.case_number, new_ref: cmd.new_case_number}) as write:
            old = self._current(write.tx, ref, cmd.case_number)
            earlier = old.duplicate_of(cmd)
            if earlier is not None:
                return earlier
            if self._exists(write.tx, new_ref):
                raise CaseAlreadyFiledError("case.already_filed", f"case {cmd.new_case_number} "
                                            "is already filed", "engine")
            result = old.execute(cmd, self._context(cmd), self.chain)
            cmd = old.on_case_clock(cmd)  # the new case starts at the time the old one recorded
            new, _ = record(None, resumed_case_filing(old.state, cmd), cmd, self.chain, new_ref)
            write.save(old, new)
            return result

    @contextlib.contextmanager
    def writing(self, cases: dict[UUID, str]) -> Iterator[_Write]:
        """Hold these cases' locks (this process's, then the store's) while the block loads,
        decides and saves; commit when it ends. Past ``lock_wait``: ``engine.busy``, nothing
        written. A failure other than a refusal evicts the cases from the cache (they may be
        half-changed); so does a refusal raised once the block began to save (the anchor log's
        ``anchor.log_missing``: the cases hold events that were not written); a decision's
        refusal changes nothing."""
        started = time.monotonic()
        deadline = started + self.lock_wait
        refs = sorted(cases)
        stripes = sorted({id(lock): lock for lock in map(self._lock, refs)}.values(), key=id)
        held: list[threading.RLock] = []
        write: _Write | None = None
        try:
            for stripe in stripes:
                if not stripe.acquire(timeout=remaining(deadline)):
                    raise CaseBusy
                held.append(stripe)
            with self.case_locks(refs, deadline) as tx:
                self.lock_waits.record(time.monotonic() - started)
                write = _Write(self, tx)
                yield write
            self.cached(write.cases, write.events)
        except CaseBusy:
            self.lock_waits.gave_up()
            raise EngineBusyError(
                "engine.busy", f"case {' and '.join(cases[ref] for ref in refs)} stayed busy "
                f"with other writers for {self.lock_wait:g} s; nothing was written: send the "
                "command again", "one writer per case (docs/operations.md)") from None
        except EnforcementError:
            if write is not None and write.saving:
                self._evict(*refs)  # refused at the save, after the cases applied their events
            raise  # decisions refuse before any change
        except IntegrityError:
            self._evict(*refs)
            raise ConcurrencyError(
                "case.concurrent_update", "a writer that does not take the case's lock saved "
                "the case first; nothing was written: send the command again",
                "one writer per case (docs/operations.md)") from None
        except BaseException:
            self._evict(*refs)
            raise
        finally:
            for stripe in reversed(held):
                stripe.release()

    def _evict(self, *refs: UUID) -> None:
        cache = self.repository.cache
        if cache is not None:
            for ref in refs:
                with contextlib.suppress(KeyError):
                    cache.get(ref, evict=True)

    def import_legacy(self, lines: legacy_import.Lines, now: datetime,
                      batch_cases: int = 500) -> legacy_import.ImportSummary:
        """Import case histories recorded elsewhere as imported facts, none after the business
        time ``now``; the whole input (lines, or a function reading them afresh) is checked
        before anything is written (docs/legacy-format.md)."""
        return legacy_import.import_legacy(self, lines, now, batch_cases)

    # --- distribution plans (参与分配, domain/distribution.py) ---------------------------------
    def execute_plan(self, cmd: PlanCommand) -> PlanResult:
        """Apply a command to a distribution plan under the plan's lock; refusals raise typed
        errors and write nothing (docs/rules.md §12)."""
        ref = plan_id(cmd.plan_number)
        with self.writing({ref: cmd.plan_number}) as write:
            plan = DistributionPlan.replayed([
                cast(PlanEvent, self.mapper.to_domain_event(stored))
                for stored in write.tx.events_after(ref, 0)])
            result = plan.execute(cmd, self.calendar, self.chain)
            if not result.duplicate:
                write.append(plan)
            return result

    def plan_events(self, number: str) -> list[PlanEvent]:
        """Every event of the plan in order (``distribution.unknown_plan`` if none)."""
        events = cast(list[PlanEvent], list(self.events.get(plan_id(number))))
        if not events:
            raise UnknownCase(f"distribution plan {number}")
        return events

    def get_plan(self, number: str) -> PlanState:
        """The plan as its stored events leave it."""
        state = DistributionPlan.replayed(self.plan_events(number)).state
        assert state is not None
        return state

    def verify_plan(self, number: str, anchor: Anchor | None = None) -> CaseVerification:
        """Recompute the plan's hash chain and check it against the anchor log, as
        :meth:`verify` does a case's."""
        return self._verify_ref(plan_id(number), f"distribution plan {number}", anchor)

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
        """Recompute the case's hash chain; name the first event that does not verify; check
        it against its head in the anchor log (``findings``: truncated, deleted …).

        ``anchor``: a head exported earlier (``CaseVerification.anchor``), checked as well.
        """
        return self._verify_ref(case_id(number), number, anchor)

    def _verify_ref(self, ref: UUID, number: str, anchor: Anchor | None) -> CaseVerification:
        rows = self.recorder.select_events(ref)
        entries = self._anchor_entries()
        anchored = latest(entries).get(ref) if entries else None
        if not rows and anchored is None:
            raise UnknownCase(number)
        result = self._verify_rows(ref, rows, anchor)
        if entries is None:
            return result.with_findings(None, [self._log_missing(ref)])
        last = entries[-1].seq if entries else 0
        stored = self._stored_head(rows, anchored)
        return result.with_findings((anchored.version, anchored.chain) if anchored else None,
                                    case_findings(ref, stored, anchored, None, last))

    def _verify_rows(self, ref: UUID, rows: Sequence[StoredEvent],
                     anchor: Anchor | None = None) -> CaseVerification:
        mapper = self.mapper
        assert isinstance(mapper, PydanticMapper)
        return verify_events(self.chain, ref, ((s.originator_version, s.topic,
                                                _decoded(mapper, s)) for s in rows), anchor)

    def _anchor_entries(self) -> list[Entry] | None:
        """The anchor log's entries (None: the store has no anchor log)."""
        return self.anchors.entries() if self.anchors.exists else None

    def _log_missing(self, ref: UUID | None) -> AnchorFinding:
        return AnchorFinding(code="anchor.log_missing", case_id=ref, source=SOURCE,
                             message=f"the store's anchor log ({self.anchors.where}) is "
                             "missing: truncation, deletion and rollback cannot be checked")

    def _stored_head(self, rows: Sequence[StoredEvent], anchored: Entry | int | None
                     ) -> StoredHead | None:
        """The case's head in the store, with the chain value at its anchored version (an
        anchor entry's, or a version given)."""
        if not rows:
            return None
        mapper = self.mapper
        assert isinstance(mapper, PydanticMapper)

        def chain_of(stored: StoredEvent) -> str | None:
            value = _decoded(mapper, stored).get("chain")
            return value if isinstance(value, str) else None

        at_anchor = None
        version = anchored.version if isinstance(anchored, Entry) else anchored
        if version is not None:
            row = next((r for r in rows if r.originator_version == version), None)
            at_anchor = chain_of(row) if row is not None else None
        return StoredHead(rows[-1].originator_version, chain_of(rows[-1]), at_anchor)

    def stored_head(self, ref: UUID, version: int | None = None) -> StoredHead | None:
        """A case's head in the store (None: no event), with the chain value at ``version``."""
        return self._stored_head(self.recorder.select_events(ref), version)

    def anchor_entries(self) -> list[Entry]:
        """Every entry of the anchor log (``anchor.log_missing`` if the store has none)."""
        return self.anchors.entries()

    def adopt_anchors(self) -> list[Head]:
        """Anchor what the log does not hold yet: every case (or the events past its anchored
        head) of a store written before the anchor log or whose log was lost; creates the log
        if it is missing. Refused (``anchor.adopt_refused``) while any case's chain is broken;
        cases behind their anchored heads stay findings (docs/operations.md, Anchors).
        The heads anchored."""
        if not self.anchors.exists:
            self.anchors = self._anchor_log(create=True)
            self.case_locks = self._case_locks()
        report = self.verify_anchored()
        broken = [v for v in report.cases if v.first_break is not None]
        if broken:
            raise AnchorError("anchor.adopt_refused", f"{len(broken)} case(s) do not verify "
                              f"(first: {broken[0].case_id}); anchoring them would bless the "
                              "tampering: nothing was anchored", SOURCE)
        heads = [Head(v.case_id, v.events, v.head) for v in report.cases
                 if v.events and (v.anchored_version is None or v.events > v.anchored_version)]
        if heads:
            refs = sorted({h.case_id for h in heads})
            with self.writing({ref: str(ref) for ref in refs}) as write:
                write.tx.anchor(heads)
        self.anchors.set_meta_once(CHAIN_KEY_CHECK, key_check(self._chain_key))
        return heads

    def verify_anchored(self, chains: bool = True) -> AnchoredVerification:
        """Verify every case's chain and check the whole store against the anchor log:
        truncated, deleted, rolled-back and unanchored cases named (domain/anchor_check.py).

        ``chains=False``: the store's events cannot be decrypted here (no cipher key): check
        only versions against the anchored heads (each case noted ``anchor.chain_unchecked``);
        no chain is verified."""
        entries = self._anchor_entries()
        findings = [self._log_missing(None)] if entries is None else log_findings(entries)
        heads = latest(entries or [])
        results: dict[UUID, CaseVerification] = {}
        stored: dict[UUID, StoredHead] = {}
        for ref in self.originator_ids():
            rows = self.recorder.select_events(ref)
            head = self._stored_head(rows, heads.get(ref))
            if chains:
                results[ref] = self._verify_rows(ref, rows)
            else:
                results[ref] = CaseVerification(case_id=ref, events=len(rows),
                                                head=head.chain or "" if head else "", ok=True)
            if head is not None:
                stored[ref] = head
        if entries is None:
            return AnchoredVerification(cases=list(results.values()), findings=findings,
                                        global_head="", anchor_entries=0)
        point = rollback_point(entries, stored)
        last = entries[-1].seq if entries else 0
        cases = []
        for ref, result in results.items():
            entry = heads.get(ref)
            cases.append(result.with_findings(
                (entry.version, entry.chain) if entry else None,
                case_findings(ref, stored.get(ref), entry, point, last)))
        for ref, entry in heads.items():
            if ref not in results:  # every event of the case gone
                cases.append(CaseVerification(case_id=ref, events=0, head="", ok=True)
                             .with_findings((entry.version, entry.chain),
                                            case_findings(ref, None, entry, point, last)))
        return AnchoredVerification(cases=cases, findings=findings,
                                    global_head=entries[-1].global_head if entries else "",
                                    anchor_entries=len(entries))

    def case_ids(self) -> Iterator[UUID]:
        """Ids of every case in the store, in order of their first stored event (not the
        courts' suspense accounts, domain/suspense.py)."""
        return self.originator_ids(accounts=False)

    def originator_ids(self, *, accounts: bool = True) -> Iterator[UUID]:
        """Ids of every aggregate in the store, in order of their first stored event;
        ``accounts=False``: cases only."""
        start, seen = 0, set()
        while True:
            page = self.recorder.select_notifications(start=start, limit=1000,
                                                      inclusive_of_start=False)
            if not page:
                return
            for n in page:
                if n.originator_id not in seen:
                    seen.add(n.originator_id)
                    if accounts or not (n.topic.startswith(SUSPENSE_TOPICS)
                                         or is_plan_topic(n.topic)):
                        yield n.originator_id  # type: ignore[misc]
            start = page[-1].id

    def verify_all(self) -> list[CaseVerification]:
        """Verify every case in the store (a case whose first event was deleted included) and
        every case the anchor log holds (see :meth:`verify_anchored`)."""
        return self.verify_anchored().cases


def _decoded(mapper: PydanticMapper, stored: StoredEvent) -> dict[str, Any]:
    """An event's plaintext JSON for verification; a record that does not decrypt (altered
    ciphertext) becomes a break of the chain at its version rather than an exception."""
    try:
        return mapper.decode(stored)
    except (CipherKeyError, MapperDeserialisationError) as err:
        return {UNDECODABLE: str(err)}


class _Write:
    """The cases one command saves, in the transaction that holds their locks."""

    def __init__(self, app: EnforcementCases, tx: CaseTransaction) -> None:
        self.app, self.tx = app, tx
        self.cases: list[EnforcementCase] = []
        self.events: list[CaseEvent] = []
        self.saving = False
        """Whether a save began: from then on the cases hold events the store may not get."""

    def save(self, *cases: EnforcementCase) -> None:
        """Append the cases' new events (committed when the lock is released)."""
        self.saving = True
        events = [e for case in cases for e in case.collect_events()]
        self.tx.insert([self.app.mapper.to_stored_event(e) for e in events])
        self.tx.anchor(heads_of(events))
        self.cases.extend(cases)
        self.events.extend(events)

    def bulk(self, rows: Sequence[tuple[str, int, str, bytes]], heads: Sequence[Head]) -> None:
        """Append rows encoded elsewhere (a legacy import's batch, sealed and encrypted) and
        anchor their cases' heads, in this transaction (the cases are not cached)."""
        self.saving = True
        self.tx.insert_rows(rows)
        self.tx.anchor(heads)

    def append(self, *accounts: SuspenseAccount | DistributionPlan) -> None:
        """Append a suspense account's (or a distribution plan's) new events in the same
        transaction (not cached)."""
        self.saving = True
        events: list[Any] = [e for account in accounts for e in account.collect_events()]
        self.tx.insert([self.app.mapper.to_stored_event(e) for e in events])
        self.tx.anchor(heads_of(events))
        self.events.extend(events)
