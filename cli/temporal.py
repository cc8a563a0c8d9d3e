"""Reaching the engine's Temporal: the address, the namespace, TLS and the payload key of the
running engine, and Temporal's errors as one line."""

from __future__ import annotations

import json
import os

from temporalio.client import Client, WorkflowHandle
from temporalio.common import Priority
from temporalio.service import RPCError, RPCStatusCode

from cli.common import BAD_INPUT, PAYLOAD_KEY_NAME, TEMPORAL_RUNTIME, UserError
from domain.event_store_config import data_dir
from engine.facade import CASE_ID_REUSE, Engine, priority_of
from engine.key_ring import read_ring
from workflows.case_workflow import EnforcementCaseWorkflow
from workflows.messages import (
    TASK_QUEUE,
    CaseInput,
    CaseOutcome,
    Filing,
    Policy,
    case_workflow_id,
)
from workflows.principals import HostSystem, Principal

CaseHandle = WorkflowHandle[EnforcementCaseWorkflow, CaseOutcome]


def _embedded(field: str) -> str | None:
    """A field of ``<data>/server.json``, where a running embedded worker may record where its
    server listens (absent or unreadable: None)."""
    try:
        value = json.loads((data_dir(os.environ) / "server.json").read_text("utf-8"))[field]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return str(value) if value else None


def temporal_address() -> str:
    """``TEMPORAL_ADDRESS``, else the embedded server recorded in the data directory, else
    Temporal's usual local port."""
    return os.environ.get("TEMPORAL_ADDRESS") or _embedded("address") or "127.0.0.1:7233"


def task_queue() -> str:
    return os.environ.get("ENFORCEMENT_TASK_QUEUE") or _embedded("task_queue") or TASK_QUEUE


def case_handle(client: Client, number: str) -> CaseHandle:
    """The handle of a case's workflow (id ``case:<number>``; typed, so results are models)."""
    return client.get_workflow_handle_for(EnforcementCaseWorkflow.run, case_workflow_id(number))


async def start_case(client: Client, number: str, filing: Filing) -> CaseHandle:
    """Start a live case's workflow (which files it), with the case's priority; a second
    workflow for the same number is refused (WorkflowAlreadyStartedError) unless the first
    one failed (``engine.facade.CASE_ID_REUSE``)."""
    data = CaseInput(case_number=number, filing=filing, category=filing.category,
                     priority=priority_of(filing.category, float(filing.claim.total)),
                     policy=Policy())
    return await client.start_workflow(
        EnforcementCaseWorkflow.run, data, id=case_workflow_id(number), task_queue=task_queue(),
        priority=Priority(priority_key=data.priority),
        id_reuse_policy=CASE_ID_REUSE)


async def temporal_client() -> Client:
    """A client of the engine's Temporal (``TEMPORAL_ADDRESS``, ``TEMPORAL_NAMESPACE``, TLS from
    the environment), payloads encrypted with the engine's key: ``ENFORCEMENT_PAYLOAD_KEY(_FILE)``
    or ``<data dir>/payload.key`` when it exists (the embedded worker makes it)."""
    from engine.codec import with_encryption
    from engine.converter import DATA_CONVERTER
    from engine.runtime import tls_from_env

    address = temporal_address()
    try:
        tls = tls_from_env()
    except ValueError as exc:
        raise UserError(str(exc), BAD_INPUT) from None
    converter = with_encryption(DATA_CONVERTER, key_file=data_dir(os.environ) / PAYLOAD_KEY_NAME)
    TEMPORAL_RUNTIME["started"] = True
    try:
        return await Client.connect(address, namespace=os.environ.get("TEMPORAL_NAMESPACE",
                                                                      "default"),
                                    tls=tls, data_converter=converter)
    except RuntimeError as exc:
        reason = str(exc).split("(")[0].removeprefix("Failed client connect: ").strip()
        raise UserError(f"cannot reach Temporal at {address}: {reason} (start the engine with "
                        "`python worker.py`, or set TEMPORAL_ADDRESS)") from None


async def engine(who: Principal | None = None) -> Engine:
    """The Engine facade on the engine's Temporal, found as :func:`temporal_client` finds it;
    with ``who``, the CLI is the host system that vouches for that principal (its account,
    signed with ``<data>/identity.key``)."""
    TEMPORAL_RUNTIME["started"] = True
    data = data_dir(os.environ)
    host = HostSystem(who.vouched_by, read_ring(data)) if who is not None else None
    return await Engine.connect(temporal_address(), task_queue=task_queue(), data_dir=data,
                                host=host)


def unknown_case(exc: RPCError, number: str) -> UserError:
    if exc.status == RPCStatusCode.NOT_FOUND:
        return UserError(f"case.unknown: no running workflow for case {number} on "
                         f"{temporal_address()} (never filed there, or already ended) [engine]")
    return UserError(f"Temporal refused the request ({exc.status.name}): {exc.message}")
