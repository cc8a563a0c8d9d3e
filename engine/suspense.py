"""Case money on the Engine facade: book money that arrived naming no case on the court's
suspense account, return it to its payer, list a court's receipts (docs/rules.md §10); read the
ledger of a case, the payouts due and the suspense list from the read models
(projections/ledger.py, docs/projections.md).

Mixed into :class:`engine.facade.Engine`. A suspense account has no workflow (nothing waits or
times out on it): its commands go straight to the event store on the records thread, under the
account's lock, by the principal the engine's host vouches for. Claiming a receipt into a case
is the case's act ``claim_receipt`` (:meth:`Engine.act`), so the case's workflow sees the money
and pays it out. The business time of a booking or a return is ``at`` (default: now, in the
court's zone): this is a door, not workflow code.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from domain.calendar import COURT_ZONE
from domain.errors import InvalidInputError
from domain.suspense import (
    Receipt,
    RecordUnidentifiedReceipt,
    ReturnUnidentifiedReceipt,
    SuspenseCommand,
    SuspenseResult,
)
from engine.errors import SOURCE
from engine.reads import valid_number
from engine.records import Records
from projections.ledger import (
    LedgerEntry,
    PayeeTimeliness,
    PayoutDue,
    PlanView,
    SuspenseItem,
    case_ledger,
    distribution_plans,
    payout_timeliness_by_payee,
    payouts_due,
    suspense_list,
)
from workflows.principals import Principal

_Build = Callable[[datetime], SuspenseCommand]
T = TypeVar("T")


class SuspenseDoor(ABC):
    """Book, return and list unidentified receipts (README, "Embedding")."""

    records: Records

    @abstractmethod
    def vouched(self, principal: Principal | None) -> Principal:
        """``principal`` as the engine's host vouches for it (engine/facade.py)."""

    async def book_receipt(self, court: str, receipt_id: str, amount: Decimal | str,
                           received_on: date, payer: str, reference: str | None = None, *,
                           principal: Principal | None = None, request_id: str | None = None,
                           at: datetime | None = None) -> SuspenseResult:
        """Book money that reached ``court``'s account naming no case (``receipt_id``: the
        bank's or the finance office's number); re-sent with the same ``request_id`` it is
        booked once."""
        who = self.vouched(principal)
        return await self._suspense(lambda stamp: RecordUnidentifiedReceipt(
            court=court, command_id=_command_id(court, request_id), actor=who.actor,
            recorded_at=stamp, receipt_id=receipt_id, amount=amount, received_on=received_on,
            payer=payer, reference=reference), at)

    async def return_receipt(self, court: str, receipt_id: str, reason: str, *,
                             returned_on: date | None = None,
                             principal: Principal | None = None, request_id: str | None = None,
                             at: datetime | None = None) -> SuspenseResult:
        """Send an unclaimed receipt back to its payer (``returned_on``: default the business
        date)."""
        who = self.vouched(principal)
        return await self._suspense(lambda stamp: ReturnUnidentifiedReceipt(
            court=court, command_id=_command_id(court, request_id), actor=who.actor,
            recorded_at=stamp, receipt_id=receipt_id, reason=reason,
            returned_on=returned_on or stamp.date()), at)

    async def suspense_receipts(self, court: str, *, unclaimed_only: bool = False
                                ) -> list[Receipt]:
        """``court``'s receipts from the event store, oldest first (the read model with their
        age: docs/projections.md)."""
        def read() -> list[Receipt]:
            account = self.records.cases.suspense_account(court)
            if unclaimed_only:
                return account.unclaimed
            return sorted(account.receipts.values(), key=lambda x: (x.received_on,
                                                                    x.receipt_id))
        return await self.records.run(read)

    # --- the read models of case money (projections/ledger.py) --------------------------------
    async def ledger(self, case_number: str) -> list[LedgerEntry]:
        """A case's ledger from the read models: receipts, payouts with their payee, waivers,
        each with the running balance held and still owed (docs/projections.md)."""
        number = valid_number(case_number)
        return await self._read(lambda: case_ledger(self.records.views, number))

    async def payouts_due(self, *, as_of: date | None = None, court: str | None = None,
                          overdue_only: bool = False) -> list[PayoutDue]:
        """Ledger entries still unpaid on ``as_of`` (default today), per payee, the earliest
        due first; overdue: past the 30 days from arrival (docs/rules.md §1.7)."""
        today = as_of or datetime.now(COURT_ZONE).date()
        return await self._read(lambda: payouts_due(self.records.views, today, court=court,
                                                    overdue_only=overdue_only))

    async def suspense_list(self, *, as_of: date | None = None, court: str | None = None
                            ) -> list[SuspenseItem]:
        """The courts' unclaimed receipts from the read models, oldest first, with their age
        on ``as_of`` (default today)."""
        today = as_of or datetime.now(COURT_ZONE).date()
        return await self._read(lambda: suspense_list(self.records.views, today, court=court))

    async def distribution_plans(self, *, court: str | None = None) -> list[PlanView]:
        """The 参与分配 plans from the read models, with their state: drawn, served or
        finalized, open objections, pending suits, paid and held back (docs/rules.md §12)."""
        return await self._read(lambda: distribution_plans(self.records.views, court=court))

    async def payout_timeliness(self, start: date, end: date, *, court: str | None = None
                                ) -> list[PayeeTimeliness]:
        """案款发放及时率 per kind of payee over [start, end]: the payees' shares due in the
        period and those paid out in full by their due day (docs/projections.md)."""
        return await self._read(lambda: payout_timeliness_by_payee(
            self.records.views, start, end, court=court))

    async def _read(self, query: Callable[[], T]) -> T:
        def work() -> T:
            self.records.refresh()
            return query()
        try:
            return await self.records.run(work)
        except ValueError as err:
            raise InvalidInputError("input.invalid", str(err), SOURCE) from None

    async def _suspense(self, build: _Build, at: datetime | None) -> SuspenseResult:
        stamp = (at or datetime.now(COURT_ZONE)).astimezone(COURT_ZONE)

        def work() -> SuspenseResult:
            try:
                cmd = build(stamp)
            except ValueError as err:  # pydantic's ValidationError: the field and why
                raise InvalidInputError("input.invalid", str(err), SOURCE) from None
            return self.records.cases.suspense(cmd)
        return await self.records.run(work)


def _command_id(court: str, request_id: str | None) -> str:
    return f"suspense:{court}/request:{request_id or uuid.uuid4().hex}"
