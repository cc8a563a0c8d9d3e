"""Stuck cases (docs/operations.md, "Stuck cases"): ``enforce case stuck`` lists the running
cases whose workflow task keeps failing, with the reason; ``enforce case repair NUMBER`` resets
one to its last completed workflow task once the fix is deployed (``Engine.stuck_cases``,
``Engine.repair``). ``enforce case show`` of a stuck case answers ``case.stuck`` with the same
reason (``Engine.status``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.common import JsonFlag, case_number, engine, friendly, out, print_json, run, table
from domain.calendar import COURT_ZONE

if TYPE_CHECKING:
    from engine.stuck import CaseRepair, StuckCase


@friendly
def case_stuck(as_json: JsonFlag = False) -> None:
    """Running cases whose workflow task keeps failing (a bug, a nondeterminism error after
    a deploy), each with the reason; they answer no query and no act until repaired."""
    queue, stuck = run(_stuck())
    if as_json:
        print_json(stuck)
        return
    if not stuck:
        out.print(f"no stuck case on task queue {queue!r}")
        return
    table(f"{len(stuck)} stuck case(s) on task queue {queue!r} — repair: "
          "docs/operations.md (Stuck cases)", ["case", "attempt", "failing since", "cause",
                                               "reason"],
          [[s.case_number, s.attempts,
            s.since.astimezone(COURT_ZONE).strftime("%Y-%m-%d %H:%M:%S") if s.since else "",
            s.cause, s.reason] for s in stuck])


@friendly
def case_repair(case: Annotated[str, typer.Argument(help="Case number.")],
                as_json: JsonFlag = False) -> None:
    """Reset a stuck case to its last completed workflow task, after the fix is deployed and
    the workers restarted: a new run goes on from there with the code now deployed."""
    repaired = run(_repair(case_number(case)))
    if as_json:
        print_json(repaired)
        return
    out.print(f"{repaired.case_number} reset to event {repaired.reset_to_event} (its last "
              f"completed workflow task): new run {repaired.run_id}. It was stuck on: "
              f"{repaired.reason}")


async def _stuck() -> tuple[str, list[StuckCase]]:
    async with await engine() as door:
        return door.task_queue, await door.stuck_cases()


async def _repair(number: str) -> CaseRepair:
    async with await engine() as door:
        return await door.repair(number)


def register(case_app: typer.Typer) -> None:
    case_app.command("stuck")(case_stuck)
    case_app.command("repair")(case_repair)
