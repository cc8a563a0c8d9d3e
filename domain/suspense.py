"""Unidentified receipts 暂存款 of a court: the suspense account (docs/rules.md §10).

Money that reaches the court's case-money account without a case number it can be matched to
(一案一账号 failed: the payer named no case, or a wrong one) is held in the court's suspense
account until it is claimed into a case (``ClaimReceipt``, a case command: the case records
``FundsReceived`` and the account ``UnidentifiedReceiptClaimed``, saved in one transaction by
``EnforcementCases._claim``) or returned to its payer.

One ``SuspenseAccount`` per court (its id derives from the court code). Its events are stored in
the same event store as the cases, sealed in a keyed hash chain of their own exactly like a
case's (``domain.case.seal``) and anchored with them, so ``verify_all`` checks them too. They
subclass ``CaseEvent`` for that envelope (actor, command id and hash, business time, chain) but
live in this module, not in ``domain.events``: they are not case events, the legacy import does
not take them, and ``EnforcementCases.case_ids`` skips the accounts. An account is read from its
events (never snapshotted or cached): a court's suspense list is short next to its cases.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID, uuid5

from pydantic import AwareDatetime, BaseModel, Field

from domain import rules as r
from domain.calendar import legal_date
from domain.case import seal
from domain.errors import CommandConflictError, NotPermitted, RuleViolation
from domain.events import CaseEvent
from domain.models import ShortId, Text
from domain.tamper import HashChain
from domain.values import Actor, Frozen, PositiveMoney, Role

SUSPENSE_NAMESPACE = UUID("3c9d2f4e-8a61-5b7d-9e02-6f4a1b8c2d35")
CourtCode = Annotated[str, Field(pattern=r"^[\u4e00-\u9fff]\d{0,4}$")]
PayerName = Annotated[str, Field(min_length=1, max_length=100)]
SRC_SUSPENSE = r.SRC_SUSPENSE
C, OF, J, P = Role.CLERK, Role.OFFICER, Role.JUDGE, Role.PRESIDENT
ALLOWED: dict[str, frozenset[Role]] = {
    "RecordUnidentifiedReceipt": frozenset({C, OF, J, P}),  # whoever books the court's account
    "ReturnUnidentifiedReceipt": frozenset({OF, J, P}),  # money leaves the court: the court acts
}
"""Who may give the suspense account's commands (``ClaimReceipt``: domain/permissions.py)."""
Status = Literal["unclaimed", "claimed", "returned"]


def suspense_id(court: str) -> UUID:
    """The aggregate id of a court's suspense account."""
    return uuid5(SUSPENSE_NAMESPACE, f"suspense:{court}")


# --- commands -------------------------------------------------------------------------------

class SuspenseCommand(Frozen):
    """Base of the suspense account's commands (not case commands: no case number)."""

    court: CourtCode
    command_id: Annotated[str, Field(min_length=1, max_length=200)]
    actor: Actor
    recorded_at: AwareDatetime
    basis: Annotated[str, Field(max_length=500)] | None = None


class RecordUnidentifiedReceipt(SuspenseCommand):
    """Money arrived naming no case (or none that can be matched)."""

    receipt_id: ShortId
    amount: PositiveMoney
    received_on: date
    payer: PayerName
    reference: Annotated[str, Field(max_length=200)] | None = None  # the transfer's remark


class ReturnUnidentifiedReceipt(SuspenseCommand):
    """An unclaimed receipt sent back to its payer."""

    receipt_id: ShortId
    returned_on: date
    reason: Text


SUSPENSE_COMMANDS: dict[str, type[SuspenseCommand]] = {
    c.__name__: c for c in (RecordUnidentifiedReceipt, ReturnUnidentifiedReceipt)}


# --- events ---------------------------------------------------------------------------------

class SuspenseEvent(CaseEvent):
    """Base of the suspense account's events (stored as ``domain.suspense:<Class>``)."""

    court: str

    def mutate(self, aggregate: Any) -> Any:
        return SuspenseAccount.project(aggregate, self)


class UnidentifiedReceiptRecorded(SuspenseEvent):
    receipt_id: str
    amount: Decimal
    received_on: date
    payer: str
    reference: str | None = None


class UnidentifiedReceiptReturned(SuspenseEvent):
    receipt_id: str
    amount: Decimal
    returned_on: date
    reason: str


class UnidentifiedReceiptClaimed(SuspenseEvent):
    receipt_id: str
    amount: Decimal
    case_number: str
    claimed_on: date


SUSPENSE_EVENTS: tuple[type[SuspenseEvent], ...] = (
    UnidentifiedReceiptRecorded, UnidentifiedReceiptReturned, UnidentifiedReceiptClaimed)


# --- the aggregate --------------------------------------------------------------------------

class Receipt(BaseModel):
    """One unidentified receipt and what became of it."""

    receipt_id: str
    amount: Decimal
    received_on: date
    payer: str
    reference: str | None = None
    status: Status = "unclaimed"
    case_number: str | None = None  # claimed into
    settled_on: date | None = None  # claimed or returned on
    reason: str | None = None  # why returned


class SuspenseResult(BaseModel):
    """Outcome of a suspense command: the versions it wrote (or wrote earlier)."""

    court: str
    first_version: int
    last_version: int
    events: tuple[str, ...]
    duplicate: bool = False


def suspense_fingerprint(cmd: BaseModel) -> str:
    """As ``domain.case.fingerprint``: the command's JSON without its business time."""
    return hashlib.sha256(cmd.__pydantic_serializer__.to_json(
        cmd, exclude={"recorded_at"})).hexdigest()[:32]


class SuspenseAccount:
    """A court's unidentified receipts: decide (with sources) and evolve."""

    def __init__(self, court: str) -> None:
        self.court = court
        self.id = suspense_id(court)
        self.version = 0
        self.chain_head = ""
        self.last_recorded_at: datetime | None = None
        self.receipts: dict[str, Receipt] = {}
        self.commands: dict[str, tuple[str, int, int]] = {}
        """command id → (its fingerprint, first and last version it wrote)"""
        self._pending: list[SuspenseEvent] = []

    @property
    def unclaimed(self) -> list[Receipt]:
        """The receipts still held, oldest first."""
        return sorted((x for x in self.receipts.values() if x.status == "unclaimed"),
                      key=lambda x: (x.received_on, x.receipt_id))

    # --- evolve -------------------------------------------------------------------------------
    @classmethod
    def project(cls, aggregate: SuspenseAccount | None, event: SuspenseEvent) -> SuspenseAccount:
        """Apply one stored or new event."""
        account = aggregate or cls(event.court)
        if isinstance(event, UnidentifiedReceiptRecorded):
            account.receipts[event.receipt_id] = Receipt(
                receipt_id=event.receipt_id, amount=event.amount, received_on=event.received_on,
                payer=event.payer, reference=event.reference)
        elif isinstance(event, UnidentifiedReceiptClaimed):
            held = account.receipts[event.receipt_id]
            held.status, held.case_number, held.settled_on = \
                "claimed", event.case_number, event.claimed_on
        elif isinstance(event, UnidentifiedReceiptReturned):
            held = account.receipts[event.receipt_id]
            held.status, held.settled_on, held.reason = "returned", event.returned_on, event.reason
        account.version, account.chain_head = event.originator_version, event.chain
        account.last_recorded_at = event.recorded_at
        first = account.commands.get(event.command_id, ("", event.originator_version, 0))[1]
        account.commands[event.command_id] = (event.command_hash, first, event.originator_version)
        return account

    def collect_events(self) -> list[SuspenseEvent]:
        """Hand the pending events to the store."""
        pending, self._pending = self._pending, []
        return pending

    # --- decide -------------------------------------------------------------------------------
    def duplicate_of(self, command_id: str, digest: str) -> SuspenseResult | None:
        """The earlier outcome if this command id was applied; a conflict if reused."""
        seen = self.commands.get(command_id)
        if seen is None:
            return None
        if seen[0] != digest:
            raise CommandConflictError(
                "command.id_conflict", f"command_id {command_id!r} was already used for a "
                "different command", "idempotency contract (docs/design.md, Idempotency)")
        return SuspenseResult(court=self.court, first_version=seen[1], last_version=seen[2],
                              events=(), duplicate=True)

    def receipt(self, receipt_id: str) -> Receipt:
        """A receipt of this account (``suspense.unknown_receipt`` if none)."""
        found = self.receipts.get(receipt_id)
        if found is None:
            raise RuleViolation("suspense.unknown_receipt", f"the suspense account of "
                                f"{self.court} holds no receipt {receipt_id!r}", SRC_SUSPENSE)
        return found

    def claimable(self, receipt_id: str) -> Receipt:
        """A receipt still held: claiming twice, or claiming or returning a receipt already
        claimed or returned, is refused with its source."""
        found = self.receipt(receipt_id)
        if found.status == "claimed":
            raise RuleViolation("suspense.already_claimed", f"receipt {receipt_id} was claimed "
                                f"into {found.case_number} on {found.settled_on}: one receipt, "
                                "one case", SRC_SUSPENSE)
        if found.status == "returned":
            raise RuleViolation("suspense.already_returned", f"receipt {receipt_id} was "
                                f"returned to {found.payer} on {found.settled_on}",
                                SRC_SUSPENSE)
        return found

    def execute(self, cmd: SuspenseCommand, chain: HashChain) -> SuspenseResult:
        """Check and apply a suspense command; a refusal raises and changes nothing."""
        name = type(cmd).__name__
        if cmd.actor.role not in ALLOWED[name]:
            raise NotPermitted("role.not_permitted", f"a {cmd.actor.role.value} may not give "
                               f"{name}", "permissions table (docs/rules.md §10)")
        digest = suspense_fingerprint(cmd)
        earlier = self.duplicate_of(cmd.command_id, digest)
        if earlier is not None:
            return earlier
        today = legal_date(cmd.recorded_at)
        fields: dict[str, Any]
        event: type[SuspenseEvent]
        if isinstance(cmd, RecordUnidentifiedReceipt):
            _not_after(cmd.received_on, today, "received_on")
            if cmd.receipt_id in self.receipts:
                raise RuleViolation("suspense.duplicate_receipt", f"receipt {cmd.receipt_id} "
                                    "is already on the suspense account", SRC_SUSPENSE)
            fields = {"receipt_id": cmd.receipt_id, "amount": cmd.amount,
                      "received_on": cmd.received_on, "payer": cmd.payer,
                      "reference": cmd.reference}
            event = UnidentifiedReceiptRecorded
        elif isinstance(cmd, ReturnUnidentifiedReceipt):
            held = self.claimable(cmd.receipt_id)
            _not_after(cmd.returned_on, today, "returned_on")
            if cmd.returned_on < held.received_on:
                raise RuleViolation("date.before_receipt", f"returned_on {cmd.returned_on} is "
                                    f"before the money arrived on {held.received_on}",
                                    r.SRC_ENGINE)
            fields = {"receipt_id": cmd.receipt_id, "amount": held.amount,
                      "returned_on": cmd.returned_on, "reason": cmd.reason}
            event = UnidentifiedReceiptReturned
        else:  # pragma: no cover - SUSPENSE_COMMANDS is closed
            raise TypeError(name)
        return self.record(event, fields, cmd.command_id, digest, cmd.actor, cmd.recorded_at,
                           cmd.basis, chain)

    def claim(self, receipt_id: str, case_number: str, claimed_on: date, command_id: str,
              digest: str, actor: Actor, at: datetime, chain: HashChain) -> SuspenseResult:
        """Mark a held receipt claimed into a case (the case's ClaimReceipt, same transaction)."""
        held = self.claimable(receipt_id)
        return self.record(UnidentifiedReceiptClaimed, {
            "receipt_id": receipt_id, "amount": held.amount, "case_number": case_number,
            "claimed_on": claimed_on}, command_id, digest, actor, at, None, chain)

    def record(self, event_type: type[SuspenseEvent], fields: dict[str, Any], command_id: str,
               digest: str, actor: Actor, at: datetime, basis: str | None,
               chain: HashChain) -> SuspenseResult:
        """Build, seal and apply one event (on the account's clock: never before its last
        recorded act); it waits here to be saved."""
        last = self.last_recorded_at
        event = event_type(originator_id=self.id, originator_version=self.version + 1,
                           recorded_at=at if last is None or at >= last else last,
                           command_id=command_id, command_hash=digest, actor=actor,
                           basis=basis, court=self.court, **fields)
        seal(event, chain, self.chain_head)
        SuspenseAccount.project(self, event)
        self._pending.append(event)
        return SuspenseResult(court=self.court, first_version=self.version,
                              last_version=self.version, events=(event_type.__name__,))


def _not_after(day: date, today: date, name: str) -> None:
    if day > today:
        raise RuleViolation("date.in_future", f"{name} {day} is after the business date "
                            f"{today} of the command", r.SRC_ENGINE)
