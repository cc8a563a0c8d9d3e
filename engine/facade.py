"""The Engine facade: how a court's case system embeds the engine.

::

    async with await Engine.connect(host="court-cms") as engine:  # the host system vouches
        clerk = engine.host.vouch("zhang.clerk", "clerk")  # a user the host authenticated
        filed = await engine.file(number, filing, principal=clerk)  # a Filing or its JSON
        result = await engine.act(number, {"kind": "record_payment", "amount": "500.00"},
                                  principal=clerk)
        status = await engine.status(number)               # CaseStatus: phase, dues, deadlines …
        cases = await engine.list_cases(phase="inquiry")   # from the event store
        audit = await engine.termination_audit()           # read models, caught up first

    async with Engine.offline() as records:                # the record only, no Temporal
        verified = await records.verify_all()

Everything in and out is a pydantic model of ours (``workflows.messages``, ``workflows.acts``,
``workflows.status``, ``domain.state``, ``projections``); every refusal is an
:class:`~domain.errors.EnforcementError` subclass with ``code``, ``message`` and ``source``
(``RuleViolationError`` from the aggregate, ``NotPermittedError``, ``InvalidInputError`` naming
the field, ``UnknownCaseError``, ``EngineUnavailableError`` …). No Temporal or eventsourcing
type crosses the facade's documented methods.

Who acts is a principal the host system vouches for (docs/operations.md "Identity"): the engine
is given a :class:`~workflows.principals.HostSystem` (its name and the engine's identity key
ring), every act, signal and filing takes ``principal=`` (``host.vouch(id, role)``); the act's
own ``actor`` field is replaced by the principal, and the worker records the actor and the host
that vouched from the signed header (never from the payload). No principal, no host, or the
role ``system`` (the engine's own): refused with ``identity.*``.

Temporal-level helpers (``Engine(client, queue)``, ``client``, ``handle``, ``start``,
``start_case``) exist for the engine's own tests and tools (time-skipping simulations); they
are not part of the facade.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
import weakref
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import Priority, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain import errors, event_store_config
from domain.application import EnforcementCases
from domain.errors import EnforcementError, UnknownCaseError
from domain.models import CaseCategory
from domain.tamper import CaseVerification
from engine.distribution_door import DistributionDoor
from engine.errors import (
    SOURCE,
    ActNotConfirmedError,
    CaseImportedError,
    CaseStuckError,
    EngineUnavailableError,
    application_cause,
    from_application_error,
    parse,
    parse_act,
)
from engine.filing_check import check_filing
from engine.key_ring import read_ring
from engine.reads import RecordsDoor
from engine.records import (
    CaseHistory,
    CaseSummary,
    EngineConfigurationError,
    HistoryEntry,
    Records,
    priority_of,
    store_env,
)
from engine.runtime import connect, served, tls_from_env
from engine.signing import vouching_client
from engine.stuck import CaseRepair, StuckCase, StuckDoor, diagnose, stuck_error
from engine.suspense import SuspenseDoor
from projections.audit_view import AuditedTermination
from projections.auditor import StoreVerification
from projections.metrics import Metrics
from projections.read_store import ReadModelStore
from projections.watch import WatchItem
from workflows.acts import ActBase, act_name
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.docket import DocketCase
from workflows.messages import (
    TASK_QUEUE,
    ActRecord,
    ActResult,
    CaseInput,
    CaseOutcome,
    Filing,
    Message,
    Policy,
    ScenarioRef,
    case_workflow_id,
)
from workflows.principals import HostSystem, IdentityError, Principal
from workflows.status import CaseStatus

__all__ = [
    "ActNotConfirmedError", "ActRecord", "ActResult", "AuditedTermination", "CaseHistory",
    "CaseOutcome", "CaseRepair", "CaseStatus", "CaseStuckError", "CaseSummary",
    "CaseVerification", "Engine", "EngineConfigurationError", "EngineUnavailableError",
    "FiledCase", "HistoryEntry", "HostSystem", "Metrics", "Principal", "StoreVerification",
    "StuckCase", "WatchItem", "priority_of",
]

FILING_WAIT = 30.0
"""Seconds ``file`` waits for a worker to file the case before it gives up."""
ACT_WAIT = 30.0
"""Seconds ``act`` waits for an act's outcome before it answers ``act.unconfirmed``."""
UPDATE_SLOTS = 8
"""Acts this facade has in flight on one case at a time; the rest queue here. Temporal admits
10 in-flight updates per workflow (the server's default) and answers more with
RESOURCE_EXHAUSTED: the engine stays under it (docs/operations.md "Concurrent acts")."""
BUSY_BACKOFF = (0.05, 0.1, 0.2, 0.4, 0.8)
"""Seconds between re-sends of an act the server refused as too many in flight (other
processes acting on the same case); the last repeats until the act's ``wait`` runs out."""


def resendable(err: RPCError) -> bool:
    """Whether the server refused an Update without deciding it, so that sending it again
    with the same key is the way on: too many updates in flight on the workflow, or the
    update aborted by the server (Temporal: "workflow update was aborted", to be retried)."""
    return err.status == RPCStatusCode.RESOURCE_EXHAUSTED or (
        err.status == RPCStatusCode.UNAVAILABLE and "update was aborted" in err.message)
STATUS_WAIT = 10.0
"""Seconds ``status`` waits for a worker to answer its query before ``engine.no_worker``."""


def new_request_id() -> str:
    """A fresh idempotency key for an act whose caller gave none."""
    return f"act-{uuid.uuid4().hex}"


def with_request_id(act: ActBase) -> ActBase:
    """``act`` with an idempotency key (a new one if it has none)."""
    if act.request_id:
        return act
    return act.model_copy(update={"request_id": new_request_id()})


QUERY_WAIT = timedelta(seconds=5)
"""How long one status query of ``file``'s wait may take before the case is looked at again."""
CASE_ID_REUSE = WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
"""A number whose workflow failed (e.g. its filing was refused inside) may be filed again; a
running or completed case workflow keeps its number."""


class FiledCase(Message):
    """A case the engine filed: its workflow runs and the case is in the event store."""

    case_number: str
    workflow_id: str
    category: CaseCategory
    priority: int
    status: CaseStatus


class Engine(StuckDoor, RecordsDoor, SuspenseDoor, DistributionDoor):
    """Async facade over the engine (module docstring); ``Engine.connect()`` makes one, and
    ``Engine.offline()`` one that reads the records only."""

    def __init__(self, client: Client | None, task_queue: str = TASK_QUEUE, *,
                 host: HostSystem | None = None, data_dir: Path | None = None,
                 cases: EnforcementCases | None = None,
                 views: ReadModelStore | None = None) -> None:
        """Temporal-level constructor (tests, simulations): host applications use ``connect``.
        ``host``: the system that vouches for the principals of acts (without one, acts are
        refused; reading is not). ``cases``/``views``: stores already open in this process
        (else opened from the environment and ``data_dir`` when first needed). ``client``
        None: the records side only (``offline``)."""
        self.host = host
        self._client = vouching_client(client, host) if client is not None and host is not None \
            else client
        self.task_queue = task_queue
        self.records = Records(store_env(data_dir), cases=cases, views=views)
        self._slots: weakref.WeakValueDictionary[str, asyncio.Semaphore] = (
            weakref.WeakValueDictionary())

    @property
    def client(self) -> Client:
        """The Temporal client (``engine.offline`` for an engine made by ``offline``)."""
        if self._client is None:
            raise EngineUnavailableError(
                "engine.offline", "this Engine reads the records only (Engine.offline): "
                "Engine.connect reaches the running cases", SOURCE)
        return self._client

    # --- connecting ------------------------------------------------------------------------------
    @classmethod
    async def connect(cls, address: str | None = None, *, namespace: str | None = None,
                      task_queue: str | None = None, data_dir: Path | str | None = None,
                      host: HostSystem | str | None = None) -> Engine:
        """Connect to the engine's Temporal service.

        ``address``, ``namespace``, ``task_queue``: default ``TEMPORAL_ADDRESS``,
        ``TEMPORAL_NAMESPACE``, ``ENFORCEMENT_TASK_QUEUE``; without them, what the embedded
        worker (``python worker.py``, ``make run``) running for ``data_dir`` recorded in
        ``<data>/server.json``; else 127.0.0.1:7233, ``default``, ``enforcement``
        (``engine.runtime.served``). ``data_dir``: ``ENFORCEMENT_DATA_DIR`` or ``./data``
        (stores, the embedded payload key). TLS from ``TEMPORAL_TLS*``; the payload key from
        ``ENFORCEMENT_PAYLOAD_KEY(_FILE)``, else ``<data>/payload.key`` if it exists (the
        embedded worker makes it; docs/operations.md). ``host``: the system that vouches for
        principals, or its name (the key ring is then ``<data>/identity.key``, made by the
        worker's first start): needed to act."""
        data = Path(data_dir) if data_dir else event_store_config.data_dir(os.environ)
        where = served(data)
        address, namespace = address or where.address, namespace or where.namespace
        try:
            tls = tls_from_env()
            client = await connect(address, namespace, tls, create_key=False,
                                   payload_key_file=data / "payload.key")
        except ValueError as err:
            raise EngineConfigurationError("config.invalid", str(err),
                                           "docs/operations.md") from None
        except EnforcementError:
            raise
        except Exception as err:
            reason = str(err).split("(")[0].removeprefix("Failed client connect: ").strip()
            raise EngineUnavailableError(
                "engine.unavailable", f"cannot reach Temporal at {address} (namespace "
                f"{namespace}): {reason or type(err).__name__}. Start the engine (make run, or "
                "python worker.py) or set TEMPORAL_ADDRESS", SOURCE) from None
        if isinstance(host, str):
            host = HostSystem(host, read_ring(data))
        return cls(client, task_queue or where.task_queue, host=host, data_dir=data)

    @classmethod
    def offline(cls, data_dir: Path | str | None = None, *,
                cases: EnforcementCases | None = None,
                views: ReadModelStore | None = None) -> Engine:
        """An engine on the records only (event store and read models), without Temporal:
        list, replay, verify, audit, measure, export (an auditor's tools, ``enforce case list``).
        What needs the running cases (file, act, status …) raises ``engine.offline``.
        ``data_dir``: ``ENFORCEMENT_DATA_DIR`` or ``./data``."""
        data = Path(data_dir) if data_dir else None
        return cls(None, host=None, data_dir=data, cases=cases, views=views)

    async def close(self) -> None:
        """Close the stores this engine opened (the Temporal client needs no closing)."""
        await asyncio.get_running_loop().run_in_executor(None, self.records.close)

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, value: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    # --- filing ----------------------------------------------------------------------------------
    async def file(self, case_number: str, filing: Filing | Mapping[str, Any], *,
                   principal: Principal | None = None,
                   policy: Policy | Mapping[str, Any] | None = None) -> FiledCase:
        """File a case as ``principal``: start its workflow (id ``case:<number>``) and wait
        until a worker has filed it in the event store. A refusal (bad basis dates, duplicate
        number …) raises; what the workflow would refuse from the filing alone is refused
        before Temporal."""
        number = self._number(case_number)
        who = self.vouched(principal)
        data = parse(Filing, filing, "filing").model_copy(update={"actor": who.actor})
        rules = parse(Policy, policy, "policy") if policy is not None else None
        check_filing(number, data)
        await self._started(self.start(number, data, policy=rules), number)
        return await self._filed(number, data.category, priority_of(
            data.category, data.claim.total))

    async def file_case(self, case: DocketCase | Mapping[str, Any], *,
                        principal: Principal | None = None,
                        policy: Policy | Mapping[str, Any] | None = None,
                        simulated: bool = True) -> FiledCase:
        """File a case given as a docket case (its JSON: number, parties, basis, claim and
        optionally its simulated ``world``) as ``principal``. ``simulated``: the worker's
        simulated world answers its ports (the worker must have loaded that docket)."""
        who = self.vouched(principal)
        docket_case = parse(DocketCase, case, "case")
        rules = parse(Policy, policy, "policy") if policy is not None else None
        filing = docket_case.filing().model_copy(update={"actor": who.actor})
        check_filing(docket_case.case_number, filing)
        await self._started(self.start(docket_case.case_number, filing, policy=rules,
                                       scenario=docket_case.case_number if simulated else None),
                            docket_case.case_number)
        return await self._filed(docket_case.case_number, docket_case.category, priority_of(
            docket_case.category, docket_case.claim.total))

    # --- acting and reading ------------------------------------------------------------------------
    async def act(self, case_number: str, act: ActBase | Mapping[str, Any], *,
                  principal: Principal | None = None, update_id: str | None = None,
                  wait: float = ACT_WAIT) -> ActResult:
        """Send an operator act (a ``workflows.acts`` model, or its JSON with ``kind``) as
        its Update by ``principal`` (its ``actor`` is the principal's, whatever the act
        says) and answer the events written; a refusal raises our typed error.

        The act's ``request_id`` is its idempotency key (one is made when it has none, and the
        result names it): re-sent with the same key it is never applied twice and answers the
        stored outcome. No outcome within ``wait`` seconds raises ``ActNotConfirmedError``
        (``act.unconfirmed``) naming the key to check with :meth:`act_status`."""
        payload = with_request_id(self._acting(act, principal))
        case_number = self._number(case_number)
        key = payload.request_id or ""
        try:
            result = await asyncio.wait_for(self._update(case_number, payload, update_id), wait)
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            raise ActNotConfirmedError(case_number, act_name(payload), key, wait) from None
        except Exception as err:
            raise await self._typed(err, case_number) from None
        return result

    async def _update(self, case_number: str, payload: ActBase,
                      update_id: str | None) -> ActResult:
        """The act's Update, at most ``UPDATE_SLOTS`` per case from this facade; re-sent (same
        key: never applied twice) while the server answers that the case has too many updates
        in flight from other processes, or that it aborted the update (its worker went away
        while the update waited). The caller's ``wait`` bounds it all."""
        slot = self._slots.get(case_number)
        if slot is None:
            slot = self._slots[case_number] = asyncio.Semaphore(UPDATE_SLOTS)
        async with slot:
            for attempt in itertools.count():
                try:
                    result: ActResult = await self.handle(case_number).execute_update(
                        act_name(payload), payload, id=update_id, result_type=ActResult)
                    return result
                except RPCError as err:
                    if not resendable(err):
                        raise
                await asyncio.sleep(BUSY_BACKOFF[min(attempt, len(BUSY_BACKOFF) - 1)])
        raise AssertionError("unreachable")  # pragma: no cover

    async def act_status(self, case_number: str, request_id: str) -> ActRecord | None:
        """The case's journal entry of an act by its key: received, applied (with its result)
        or refused (code, message, source); None if the case never received it."""
        case_number = self._number(case_number)
        try:
            record: ActRecord | None = await self.handle(case_number).query(
                EnforcementCaseWorkflow.get_act, request_id)
        except Exception as err:
            raise await self._typed(err, case_number) from None
        return record

    async def notify(self, case_number: str, act: ActBase | Mapping[str, Any], *,
                     principal: Principal | None = None) -> str:
        """Send an act by ``principal`` as the ``act`` signal (no answer: a refusal is kept in
        the status's problems and entered into the case's record); answers the act's key."""
        payload = with_request_id(self._acting(act, principal))
        case_number = self._number(case_number)
        try:
            await self.handle(case_number).signal("act", payload)
        except Exception as err:
            raise await self._typed(err, case_number) from None
        return payload.request_id or ""

    async def status(self, case_number: str, *, wait: float = STATUS_WAIT) -> CaseStatus:
        """Where the case's workflow stands (the ``get_status`` query); a case whose workflow
        task keeps failing raises ``CaseStuckError`` (``case.stuck``) with the reason; no
        worker answering within ``wait`` seconds, ``engine.no_worker``."""
        case_number = self._number(case_number)
        stuck = await self.stuck_case(case_number)  # it would answer no query
        if stuck is not None:
            raise stuck_error(stuck)
        try:
            result: CaseStatus = await self.handle(case_number).query(
                EnforcementCaseWorkflow.get_status, rpc_timeout=timedelta(seconds=wait))
        except Exception as err:
            typed = await self._typed(err, case_number)
            if isinstance(err, RPCError) and not isinstance(typed, CaseStuckError) and \
                    err.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
                # the query's own deadline: DEADLINE_EXCEEDED, or CANCELLED "Timeout expired"
                raise EngineUnavailableError(
                    "engine.no_worker", f"no worker answered for {case_number} within "
                    f"{wait:.0f} s: is a worker serving task queue {self.task_queue!r}? (make "
                    "run, or python worker.py)", SOURCE) from None
            raise typed from None
        return result

    async def result(self, case_number: str, *, timeout: float | None = None) -> CaseOutcome:
        """Wait (up to ``timeout`` seconds) for the case's workflow to end: closure, the end
        of monitoring, or its resumption as a 执恢 case."""
        case_number = self._number(case_number)
        try:
            return await asyncio.wait_for(self.handle(case_number).result(), timeout)
        except TimeoutError:
            raise EngineUnavailableError(
                "engine.timeout", f"{case_number} still runs after {timeout} s", SOURCE) from None
        except Exception as err:
            raise await self._typed(err, case_number) from None

    async def exists(self, case_number: str) -> bool:
        """Whether the case has a workflow (running or ended)."""
        case_number = self._number(case_number)
        try:
            await self.handle(case_number).describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return False
            raise await self._typed(err, case_number) from None
        return True

    # --- principals ---------------------------------------------------------------------------------
    def vouched(self, principal: Principal | None) -> Principal:
        """``principal`` as this engine's host vouches for it; refused without a host, without
        a principal, or for the role ``system``."""
        if self.host is None:
            raise IdentityError("identity.no_host", "this engine has no host system to vouch "
                                "for principals: Engine.connect(host=...) (acts are refused)")
        if principal is None:
            raise IdentityError("identity.required", "every act names its principal "
                                "(principal=engine.host.vouch(id, role)); the act's own actor "
                                "field is a claim and is not accepted")
        return Principal(actor_id=principal.actor_id, role=principal.role,
                         vouched_by=self.host.name)

    def _acting(self, act: ActBase | Mapping[str, Any], principal: Principal | None) -> ActBase:
        """The act with its actor stamped from the vouched principal."""
        who = self.vouched(principal)
        if isinstance(act, Mapping):
            act = {**act, "actor": who.actor.model_dump(mode="json")}
        return parse_act(act).model_copy(update={"actor": who.actor})

    # --- Temporal-level helpers (tests, simulations; not part of the facade) -------------------------
    def handle(self, case_number: str) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        return self.client.get_workflow_handle_for(EnforcementCaseWorkflow.run,
                                                   case_workflow_id(case_number))

    async def start(self, case_number: str, filing: Filing, *, policy: Policy | None = None,
                    scenario: str | None = None, task_timeout: timedelta | None = None
                    ) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        """Start a case's workflow (which files it) without waiting for the filing."""
        data = CaseInput(case_number=case_number, filing=filing, category=filing.category,
                         priority=priority_of(filing.category, filing.claim.total),
                         policy=policy or Policy(),
                         scenario=ScenarioRef(key=scenario) if scenario else None)
        return await self.client.start_workflow(
            EnforcementCaseWorkflow.run, data, id=case_workflow_id(case_number),
            task_queue=self.task_queue, priority=Priority(priority_key=data.priority),
            id_reuse_policy=CASE_ID_REUSE, task_timeout=task_timeout)

    async def start_case(self, case: DocketCase, *, policy: Policy | None = None,
                         simulated: bool = True, task_timeout: timedelta | None = None
                         ) -> WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]:
        """``start`` for a docket case (``simulated``: its world answers the ports)."""
        return await self.start(case.case_number, case.filing(), policy=policy,
                                scenario=case.case_number if simulated else None,
                                task_timeout=task_timeout)

    # --- internals ---------------------------------------------------------------------------------
    async def _started(self, starting: Any, number: str) -> None:
        try:
            await starting
        except WorkflowAlreadyStartedError:
            stuck = await self.stuck_case(number)
            if stuck is not None:
                raise stuck_error(stuck) from None
            raise errors.CaseAlreadyFiledError(
                "case.already_filed", f"case {number} is already filed: a case with this "
                "number already has a workflow", "立案结案意见 (one case per number)") from None
        except Exception as err:
            raise await self._typed(err, "") from None

    async def _filed(self, number: str, category: CaseCategory, priority: int) -> FiledCase:
        """Wait until the workflow has filed the case, failed to (its refusal raises), or is
        stuck (``case.stuck``)."""
        handle = self.handle(number)
        deadline = asyncio.get_running_loop().time() + FILING_WAIT
        while True:
            status: CaseStatus | None = None
            try:
                description = await handle.describe()
                if description.status != WorkflowExecutionStatus.RUNNING:
                    await handle.result()  # raises the refusal of a failed filing
                stuck = await diagnose(self.client, description)
                if stuck is not None:
                    raise stuck_error(stuck)
                status = await handle.query(EnforcementCaseWorkflow.get_status,
                                            rpc_timeout=QUERY_WAIT)
            except RPCError as err:
                if err.status not in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED,
                                      RPCStatusCode.FAILED_PRECONDITION):
                    raise await self._typed(err, number) from None
            except Exception as err:
                raise await self._typed(err, number) from None
            if status is not None and status.stage != "filing":
                return FiledCase(case_number=number, workflow_id=case_workflow_id(number),
                                 category=category, priority=priority, status=status)
            if asyncio.get_running_loop().time() > deadline:
                raise self._no_worker(number)
            await asyncio.sleep(0.05)

    def _no_worker(self, number: str) -> EngineUnavailableError:
        return EngineUnavailableError(
            "engine.no_worker", f"no worker filed {number} within {FILING_WAIT:.0f} s: is a "
            f"worker serving task queue {self.task_queue!r}? (make run, or python worker.py)",
            SOURCE)

    async def _typed(self, err: BaseException, case_number: str) -> EnforcementError:
        """Temporal's error as ours."""
        if isinstance(err, EnforcementError):
            return err
        cause = application_cause(err)
        if cause is not None and isinstance(err, WorkflowUpdateFailedError | WorkflowFailureError
                                            | WorkflowQueryFailedError):
            return from_application_error(cause)
        if isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND and case_number:
            if await self.exists(case_number):
                return await self._closed(case_number, err)
            if await self._imported(case_number):
                return CaseImportedError(case_number)
            return UnknownCaseError(case_number)
        if case_number and self._stuck_now(err):
            stuck = await self.stuck_case(case_number)
            if stuck is not None:
                return stuck_error(stuck)
        if isinstance(err, WorkflowQueryFailedError):
            return EnforcementError("engine.query_failed", str(err), SOURCE)
        if isinstance(err, RPCError):
            return EngineUnavailableError("engine.unavailable", f"Temporal answered "
                                          f"{err.status.name}: {err.message}", SOURCE)
        return EnforcementError("engine.error", f"{type(err).__name__}: {err}", SOURCE)

    @staticmethod
    def _stuck_now(err: BaseException) -> bool:
        """Whether ``err`` is how Temporal answers a case whose workflow task fails (a query
        or an update refused or timed out): worth looking whether the case is stuck."""
        if isinstance(err, WorkflowQueryFailedError | WorkflowUpdateRPCTimeoutOrCancelledError):
            return True
        return isinstance(err, RPCError) and err.status in (
            RPCStatusCode.FAILED_PRECONDITION, RPCStatusCode.DEADLINE_EXCEEDED,
            RPCStatusCode.CANCELLED)

    async def _closed(self, case_number: str, err: RPCError) -> EnforcementError:
        description = await self.handle(case_number).describe()
        if description.status == WorkflowExecutionStatus.COMPLETED:
            outcome = await self.handle(case_number).result()
            where = f"closed ({outcome.closure_mode} on {outcome.closed_on})" \
                if outcome.closure_mode else "ended"
            if outcome.resumed_as:
                where += f"; enforcement goes on as {outcome.resumed_as}"
            return errors.RuleViolationError("case.closed", f"{case_number} is {where}: its "
                                             "workflow takes no more acts", "执行工作规定 art.64")
        state = description.status.name.lower() if description.status else "unknown"
        return EngineUnavailableError("engine.case_workflow_" + state,
                                      f"the workflow of {case_number} is {state}: {err.message}",
                                      SOURCE)
