"""The EnforcementCase aggregate: decide (check rules, emit events) and evolve (apply them).

A command is checked in this order, and a refusal changes nothing: permission (role),
idempotency (a repeated ``command_id`` returns the earlier outcome), the closed/suspended
guards, dates against the case's dates, then the rules of the command's own decision — for a
measure that rests on an approval, first that approval (``domain/approvals.py``).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel

from domain import rules as r
from domain.calendar import legal_date
from domain.commands import COMMANDS, Command, FileCase
from domain.decide import DECIDE, Context, Pending, load_all
from domain.decide.filing import decide_filing
from domain.errors import CommandConflictError, RuleViolation
from domain.events import CaseEvent, CaseFiled
from domain.evolve import APPLY, start
from domain.ids import case_id
from domain.permissions import check_permitted
from domain.state import CaseState, Phase
from domain.tamper import HashChain, topic_of

load_all()

AFTER_CLOSURE = frozenset({"DeleteDishonestEntry", "LiftConsumptionRestriction", "ReleaseControl",
                           "RecordRefusedAct", "RecordReferralOutcome"}) | {
    # an objection received before the closure is still answered (docs/rules.md §7)
    "RuleOnObjection", "RecordObjectionService", "ApplyForReview", "RecordReviewDecision",
    "RecordObjectionSuit", "RecordSuitJudgment"}
AFTER_TERMINATION = AFTER_CLOSURE | {"RecordPostTerminationInquiry", "ResumeEnforcement",
                                     "RecordTerminationService", "ReferRefusalToEnforce"}
WHILE_SUSPENDED_BLOCKED = frozenset({
    "RecordNetworkInquiry", "RecordOnsiteInvestigation", "RecordSearch", "ControlAsset",
    "TransferDeposit", "SetReferencePrice", "AnnounceAuction", "SellAsset", "TransferInLieu",
    "ImposeFine", "OrderDetention", "ListDishonest", "RestrictConsumption", "BanExit",
    "TerminateCurrentProcedure", "RuleAgainstSecurity", "CollectFromSecurity",
})
FUTURE_FIELDS = frozenset({"report_due_on", "expires_on", "due_on", "opens_at", "closes_at",
                           "until", "performance_due_on"})
CLOCK_TOLERANCE = timedelta(minutes=5)
"""How far before the case's last recorded act a command's business time may lie and still be
recorded (at the case's time): the writers' clocks, and their waits for the case's lock
(at most domain.caselock.MAX_LOCK_WAIT), differ by less. Further back is ``time.backwards``."""
C = TypeVar("C", bound=Command)
ADDED_LATER = ("approval_id", "objection_id", "respondent", "performance_due_on", "payer",
               "payee_kind", "payee", "asset_id", "plan_number", "share_of")
"""Optional command fields added after commands were first recorded: left out of the
fingerprint while None, so that a command built before them hashes the same."""


class CommandResult(BaseModel):
    """Outcome of a command: the versions it wrote (or wrote earlier, if a duplicate)."""

    case_number: str
    case_id: UUID
    first_version: int
    last_version: int
    events: tuple[str, ...]
    duplicate: bool = False


def fingerprint(cmd: Command) -> str:
    """Stable digest of a command's payload (detects a reused command_id).

    The SHA-256 of the command's JSON without ``recorded_at``, cut to 32 hex digits. The
    business time is left out because a retried command is the same act even when its
    workflow re-issues it a little later (a local activity re-run after a worker crash); a
    field of ``ADDED_LATER`` (``approval_id``, ``objection_id``, ...) of None too, so that a
    command built before that field existed hashes the same.
    """
    exclude = {"recorded_at"}
    for name in _added_later(type(cmd)):  # fields added later: absent, commands hash as before
        if getattr(cmd, name, "") is None:
            exclude.add(name)
    return hashlib.sha256(cmd.__pydantic_serializer__.to_json(
        cmd, exclude=exclude)).hexdigest()[:32]


@cache
def _added_later(command_type: type[Command]) -> tuple[str, ...]:
    """The names of ``ADDED_LATER`` a command type has (the others are never None on it)."""
    return tuple(name for name in ADDED_LATER
                 if name in command_type.model_fields or hasattr(command_type, name))


@cache
def _date_fields(command_type: type[Command]) -> tuple[str, ...]:
    names = []
    for name, field in command_type.model_fields.items():
        if name in FUTURE_FIELDS or name == "recorded_at":
            continue
        if field.annotation in (date, datetime, date | None, datetime | None) or \
                "date" in str(field.annotation) or "Datetime" in str(field.annotation):
            names.append(name)
    return tuple(names)


def _as_date(value: date | datetime) -> date:
    return legal_date(value) if isinstance(value, datetime) else value


def check_dates(state: CaseState, cmd: Command, today: date) -> None:
    """Dates of acts lie between filing and the command's business date."""
    for name in _date_fields(type(cmd)):
        value = getattr(cmd, name)
        if value is None:
            continue
        day = _as_date(value)
        if day < state.filed_on:
            raise RuleViolation("date.before_filing", f"{name} {day} is before filing on "
                                f"{state.filed_on}", r.SRC_ENGINE)
        if day > today:
            raise RuleViolation("date.in_future", f"{name} {day} is after the business date "
                                f"{today} of the command", r.SRC_ENGINE)


def decide_new_case(cmd: FileCase, ctx: Context) -> list[Pending]:
    """What filing ``cmd`` would record, or its refusal (the role may file, the filing rules):
    everything the aggregate checks of a new case, nothing saved (also run at the door)."""
    check_permitted("FileCase", cmd.actor.role)
    return decide_filing(cmd, ctx)


class EnforcementCase:
    """One enforcement case: its state and its not-yet-saved events."""

    def __init__(self, state: CaseState) -> None:
        self.state = state
        self._pending: list[CaseEvent] = []

    @property
    def id(self) -> UUID:
        return self.state.id

    @property
    def version(self) -> int:
        return self.state.version

    @version.setter
    def version(self, value: int) -> None:
        self.state.version = value

    @classmethod
    def extended(cls, aggregate: EnforcementCase | None, event: CaseEvent) -> EnforcementCase:
        """``aggregate`` with a new ``event`` applied and waiting to be saved (a decided
        command's events, or an imported act: docs/legacy-format.md)."""
        case = cls.project(aggregate, event)
        case._pending.append(event)
        return case

    @property
    def unsaved(self) -> int:
        """Events waiting to be saved."""
        return len(self._pending)

    def collect_events(self) -> list[CaseEvent]:
        """Hand the pending events to the repository (eventsourcing protocol)."""
        pending, self._pending = self._pending, []
        return pending

    # --- evolve ------------------------------------------------------------------------------
    @classmethod
    def project(cls, aggregate: EnforcementCase | None, event: CaseEvent) -> EnforcementCase:
        """Apply one stored or new event."""
        if aggregate is None:
            assert isinstance(event, CaseFiled), type(event)
            aggregate = cls(start(event))
        else:
            APPLY[type(event)](aggregate.state, event)
        state = aggregate.state
        state.version, state.chain_head = event.originator_version, event.chain
        state.last_recorded_at = event.recorded_at
        versions = state.command_versions.setdefault(event.command_id, [event.originator_version,
                                                                        event.originator_version])
        versions[1] = event.originator_version
        state.commands[event.command_id] = event.command_hash
        return aggregate

    # --- decide ------------------------------------------------------------------------------
    @classmethod
    def file(cls, cmd: FileCase, ctx: Context, chain: HashChain
             ) -> tuple[EnforcementCase, CommandResult]:
        """Create a new case from a FileCase command."""
        return record(None, decide_new_case(cmd, ctx), cmd, chain, case_id(cmd.case_number))

    def duplicate_of(self, cmd: Command) -> CommandResult | None:
        """The earlier outcome if this command_id was applied; a conflict if reused."""
        seen = self.state.commands.get(cmd.command_id)
        if seen is None:
            return None
        if seen != fingerprint(cmd):
            raise CommandConflictError(
                "command.id_conflict", f"command_id {cmd.command_id!r} was already used for a "
                "different command", "idempotency contract (docs/design.md, Idempotency)")
        first, last = self.state.command_versions[cmd.command_id]
        return CommandResult(case_number=self.state.case_number, case_id=self.id,
                             first_version=first, last_version=last, events=(), duplicate=True)

    def on_case_clock(self, cmd: C) -> C:
        """The command with its business time on the case's clock, whose last recorded act is
        the floor: a time at most CLOCK_TOLERANCE before it is raised to it (writers' clocks
        and lock waits differ that little); a time further back is ``time.backwards``."""
        last = self.state.last_recorded_at
        if last is None or cmd.recorded_at >= last:
            return cmd
        if last - cmd.recorded_at > CLOCK_TOLERANCE:
            raise RuleViolation("time.backwards", f"business time {cmd.recorded_at} precedes "
                                f"the case's last recorded act at {last} by more than "
                                f"{CLOCK_TOLERANCE}", r.SRC_ENGINE)
        return cmd.model_copy(update={"recorded_at": last})

    def execute(self, cmd: Command, ctx: Context, chain: HashChain) -> CommandResult:
        """Check and apply one command; raise a typed error and change nothing if refused.

        The command is recorded on the case's clock (:meth:`on_case_clock`); its decision sees
        that business date, while the dates of its acts must lie on or before the business
        date the caller gave."""
        name = type(cmd).__name__
        check_permitted(name, cmd.actor.role)
        earlier = self.duplicate_of(cmd)
        if earlier is not None:
            return earlier
        self._guard(name)
        sent_on = ctx.today
        stamped = self.on_case_clock(cmd)
        if stamped is not cmd:
            cmd, ctx = stamped, replace(ctx, today=legal_date(stamped.recorded_at))
        check_dates(self.state, cmd, sent_on)
        pending = DECIDE[type(cmd)](self.state, cmd, ctx)
        return record(self, pending, cmd, chain, self.id)[1]

    def _guard(self, name: str) -> None:
        s = self.state
        if s.is_closed:
            allowed = AFTER_TERMINATION if s.phase is Phase.TERMINATED else AFTER_CLOSURE
            if name not in allowed:
                raise RuleViolation("case.closed", f"the case is closed "
                                    f"({s.closure_mode.value if s.closure_mode else ''}); "
                                    f"{name} is not allowed", r.SRC_CLOSURE_MODES)
        elif s.phase in (Phase.SUSPENDED, Phase.SETTLEMENT) and name in WHILE_SUSPENDED_BLOCKED:
            postponed = s.postponement
            if postponed is not None:
                raise RuleViolation("case.suspended", f"enforcement is postponed until "
                                    f"{postponed.until}; {name} waits", r.SRC_POSTPONEMENT_EFFECT)
            raise RuleViolation("case.suspended", f"enforcement is suspended; {name} waits",
                                "民诉法 art.267; " + r.SRC_SETTLEMENT)


def record(aggregate: EnforcementCase | None, pending: list[Pending], cmd: Command,
           chain: HashChain, originator: UUID) -> tuple[EnforcementCase, CommandResult]:
    """Build, seal and apply the decided events; they wait in the aggregate to be saved."""
    envelope: dict[str, Any] = {
        "originator_id": originator, "recorded_at": cmd.recorded_at,
        "command_id": cmd.command_id, "command_hash": fingerprint(cmd), "actor": cmd.actor,
        "basis": cmd.basis}
    version = aggregate.version if aggregate else 0
    first, names = version + 1, []
    for event_type, fields in pending:
        version += 1
        event = event_type(originator_version=version, **envelope, **fields)
        seal(event, chain, aggregate.state.chain_head if aggregate else "")
        aggregate = EnforcementCase.extended(aggregate, event)
        names.append(event_type.__name__)
    assert aggregate is not None
    return aggregate, CommandResult(case_number=aggregate.state.case_number,
                                    case_id=originator, first_version=first,
                                    last_version=version, events=tuple(names))


def seal(event: CaseEvent, chain: HashChain, previous: str) -> CaseEvent:
    """Set a newly built event's chain link (and cache its JSON form for the mapper).

    Sealing happens once, before the event is applied or shared, so the link is written into
    the frozen model in place rather than by copying it. Returns the same event.
    """
    if event.chain:
        raise ValueError(f"event v{event.originator_version} is already sealed")
    data: dict[str, Any] = event.__pydantic_serializer__.to_python(event, mode="json")
    del data["chain"]
    link = chain.link_body(previous, topic_of(type(event)), data)
    data["chain"] = link
    event.__dict__["chain"] = link
    event.__pydantic_fields_set__.add("chain")
    event.__pydantic_private__["_json"] = data  # type: ignore[index]
    return event


def command_type(name: str) -> type[Command]:
    """The command class with this stable name."""
    return COMMANDS[name]
