"""A city court's docket simulated end to end: cases/s through the real workflows against the
bare-workflow floor, sharded over processes.

The docket is ``bench/bench_procedure.py``'s mix (paid after the notice, deposits frozen and
transferred, a flat sold at a re-auction, a buyer's default, a settlement default and resumption,
nothing found → 终本 → monitoring → 执恢), ``--cases`` of them (default 20,625: the cases one city
court audited in one campaign, docs/rules.md §2). It is cut into shards of ``--shard`` cases;
each shard runs in a process of its own on its own time-skipping test server and SQLite store,
exactly as ``bench_procedure.py`` runs a docket: first in full (domain commands, the event
store, the simulated world; every answer recorded), then bare (the same workflows against
activities that return the recorded answers, no domain work). ``--processes`` shards run at
once; the next batch starts when a batch is done.

Full and bare phases are timed alike: a batch's phase lasts from the first of its shards
starting that phase to the last finishing it (each shard reports its own clock; interpreter and
server start-up are outside both). cases/s = cases ÷ the phases' summed wall time. Both
histories' event counts must match for every shard.

Usage: ``python bench/bench_city.py [--cases N] [--shard C] [--processes P] [--dir DIR]
[--quick]`` (``--quick``: 16 cases in two shards of 8, run by ``make test``). The last line is
``ratio=<full cases/s ÷ bare cases/s> target=0.7``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_procedure import Tape, docket, run_docket

from domain.calendar import COURT_ZONE
from workflows.docket import Docket

REPORT = "shard-report "
"""The prefix of a shard's report line (anything else it prints is passed over)."""
CITY_COURT_CASES = 20_625
"""The enforcement cases one city court audited in one campaign (docs/rules.md §2)."""


# --- a shard (a child process) ------------------------------------------------------------------

def _report(phase: str, began: float, ended: float, cases: int, events: int,
            workflows: int) -> None:
    print(REPORT + json.dumps({"phase": phase, "began": began, "ended": ended, "cases": cases,
                      "events": events, "workflows": workflows}), flush=True)


async def shard(first: int, count: int, total: int, start: datetime, where: Path) -> int:
    """Run cases ``first … first+count`` of the ``total``-case docket: full, then (when the
    parent writes a line) bare; one JSON line per phase on standard output."""
    cases = Docket(cases=docket(total).cases[first:first + count])
    tape = Tape()
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        began = time.time()
        full = await run_docket(cases, start, tape, Path(tmp) / "events.sqlite")
        _report("full", began, began + full.wall, full.cases, full.events, full.workflows)
    sys.stdin.readline()  # the whole batch is done with its full phase
    began = time.time()
    bare = await run_docket(cases, start, tape, None)
    _report("bare", began, began + bare.wall, bare.cases, bare.events, bare.workflows)
    return 0


# --- the parent ---------------------------------------------------------------------------------

@dataclass
class Phase:
    wall: float = 0.0
    cases: int = 0
    events: int = 0
    workflows: int = 0

    @property
    def per_second(self) -> float:
        return self.cases / self.wall if self.wall else 0.0


async def _line(child: asyncio.subprocess.Process) -> dict[str, float]:
    assert child.stdout is not None
    while raw := await child.stdout.readline():
        text = raw.decode("utf-8", "replace")
        if text.startswith(REPORT):
            answer: dict[str, float] = json.loads(text.removeprefix(REPORT))
            return answer
    code = await child.wait()
    raise RuntimeError(f"a shard ended (exit {code}) without reporting its phase")


def _add(phase: Phase, lines: list[dict[str, float]]) -> None:
    phase.wall += max(x["ended"] for x in lines) - min(x["began"] for x in lines)
    phase.cases += sum(int(x["cases"]) for x in lines)
    phase.events += sum(int(x["events"]) for x in lines)
    phase.workflows += sum(int(x["workflows"]) for x in lines)


async def batch(shards: list[tuple[int, int]], total: int, start: datetime, where: Path,
                full: Phase, bare: Phase) -> None:
    """Run these shards at once, full then bare, each in a process of its own."""
    children = [await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", str(first), str(count), str(total),
        start.isoformat(), "--dir", str(where),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        start_new_session=True) for first, count in shards]
    try:
        full_lines = await asyncio.gather(*(_line(c) for c in children))
        for child in children:
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        bare_lines = await asyncio.gather(*(_line(c) for c in children))
        codes = await asyncio.gather(*(c.wait() for c in children))
    finally:  # a shard that failed: its process group, time-skipping server included
        for child in children:
            if child.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
    for (first, _), f, b, code in zip(shards, full_lines, bare_lines, codes, strict=True):
        if code != 0 or f["events"] != b["events"]:
            raise RuntimeError(f"shard from case {first}: exit {code}, history events full "
                               f"{f['events']} vs bare {b['events']}")
    _add(full, full_lines)
    _add(bare, bare_lines)


async def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None,
                        help=f"default {CITY_COURT_CASES:,} (--quick: 16)")
    parser.add_argument("--shard", type=int, default=None,
                        help="cases per shard (its own server and store); default 500")
    parser.add_argument("--processes", type=int, default=2, help="shards at once (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, seconds: shows the benchmark runs (make test)")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--child", nargs=4, metavar=("FIRST", "COUNT", "TOTAL", "START"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    where = args.dir or Path(tempfile.gettempdir())
    if args.child:
        first, count, total, start = args.child
        return await shard(int(first), int(count), int(total),
                           datetime.fromisoformat(start), where)
    total = args.cases or (16 if args.quick else CITY_COURT_CASES)
    size = args.shard or (8 if args.quick else 500)
    now = datetime.now(COURT_ZONE)
    start = datetime.combine(now.date() + timedelta(days=2), clock(10), tzinfo=COURT_ZONE)
    shards = [(first, min(size, total - first)) for first in range(0, total, size)]
    full, bare = Phase(), Phase()
    began = time.perf_counter()
    for i in range(0, len(shards), args.processes):
        await batch(shards[i:i + args.processes], total, start, where, full, bare)
        print(f"  {full.cases:,}/{total:,} cases: full {full.per_second:.1f} cases/s, bare "
              f"{bare.per_second:.1f} cases/s ({time.perf_counter() - began:.0f} s)",
              file=sys.stderr, flush=True)
    print(f"docket: {total:,} cases in {len(shards)} shards of ≤{size} cases, {args.processes} "
          f"at once; {full.workflows:,} case workflows with the 执恢 cases, every one completed "
          f"in both runs")
    print(f"full (domain + SQLite event store): {full.wall:8.1f} s {full.per_second:7.1f} "
          f"cases/s  history events {full.events:,}")
    print(f"bare (recorded answers, no domain): {bare.wall:8.1f} s {bare.per_second:7.1f} "
          f"cases/s  history events {bare.events:,}")
    print(f"ratio={full.per_second / bare.per_second:.2f} target=0.7")
    return 0


if __name__ == "__main__":
    code = asyncio.run(main(sys.argv[1:]))
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown, where the SDK's threads may abort the process
