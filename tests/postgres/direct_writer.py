"""A process writing straight to the shared event store, beside the workers (the several-workers
test, tests/postgres/test_several_workers.py, and tests/postgres/test_one_writer_per_case.py run
several of these at once).

    python -m tests.postgres.direct_writer CASE_NUMBER NAME COUNT AMOUNT STAMP GO_FILE [BEHIND_MS]

The store comes from the environment (``ENFORCEMENT_EVENT_STORE``, ``ENFORCEMENT_EVENTS_DB`` or
``POSTGRES_*``, the chain and cipher keys), as a worker's does. It opens the application, says
``ready``, waits for GO_FILE to exist (so that every writer starts at once), records COUNT
payments of AMOUNT on the case through ``EnforcementCases.execute`` with command ids
``NAME:<i>``, and prints one JSON line: the commands written, how many were refused
``engine.busy``, and how long each waited for the case's lock (seconds).

The writer's clock runs BEHIND_MS milliseconds behind STAMP (ISO 8601) and advances a
millisecond per command: writers whose clocks differ a little, which the case's own clock
reconciles (docs/domain.md, "Business time and periods").
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from domain import commands as c
from domain.errors import EngineBusyError
from domain.event_store_config import cases_from_env
from domain.models import FundsSource
from domain.values import Actor, Role

OFFICER = Actor(id="officer-direct", role=Role.OFFICER)


def main(argv: list[str]) -> int:
    number, name, count, amount, stamp, go, *behind = argv
    clock = datetime.fromisoformat(stamp) - timedelta(milliseconds=int(behind[0]) if behind
                                                      else 0)
    app = cases_from_env()
    try:
        app.get_case(number)  # connected, key right, case there (and cached: stale later)
        print("ready", flush=True)
        go_file = Path(go)
        while not go_file.exists():
            time.sleep(0.005)
        written = busy = 0
        for i in range(int(count)):
            recorded_at = clock + timedelta(milliseconds=i)
            try:
                result = app.execute(c.RecordFundsReceived(
                    case_number=number, command_id=f"{name}:{i}", actor=OFFICER,
                    recorded_at=recorded_at, amount=Decimal(amount),
                    received_on=recorded_at.date(), source=FundsSource.DEBTOR_PAYMENT))
            except EngineBusyError:
                busy += 1
                continue
            written += 0 if result.duplicate else 1
        print(json.dumps({"writer": name, "commands": written, "busy": busy,
                          "waits": app.lock_waits.seconds()}), flush=True)
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
