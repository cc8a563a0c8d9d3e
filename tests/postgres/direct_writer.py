"""A process writing straight to the shared event store, beside the workers (the several-workers
test, tests/postgres/test_several_workers.py, runs several of these at once).

    python -m tests.postgres.direct_writer CASE_NUMBER NAME COUNT AMOUNT STAMP GO_FILE

The store comes from the environment (``ENFORCEMENT_EVENT_STORE=postgres``, ``POSTGRES_*``, the
chain and cipher keys), as a worker's does. It opens the application, says ``ready``, waits for
GO_FILE to exist (so that every writer starts at once), records COUNT payments of AMOUNT on the
case through ``EnforcementCases.execute`` with command ids ``NAME:<i>``, and prints one JSON
line: the commands written and the version conflicts the application met and retried.

Every command is recorded at STAMP (ISO 8601, the same for every writer): a case refuses an
act recorded before its last one (``time.backwards``), so writers racing with their own clocks
would see refusals where this test looks for conflicts.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from domain import commands as c
from domain.models import FundsSource
from domain.stores import cases_from_env
from domain.values import Actor, Role

OFFICER = Actor(id="officer-direct", role=Role.OFFICER)


def main(argv: list[str]) -> int:
    number, name, count, amount, stamp, go = argv
    recorded_at = datetime.fromisoformat(stamp)
    app = cases_from_env()
    try:
        app.get_case(number)  # connected, key right, case there (and cached: stale later)
        print("ready", flush=True)
        go_file = Path(go)
        while not go_file.exists():
            time.sleep(0.005)
        written = 0
        for i in range(int(count)):
            result = app.execute(c.RecordFundsReceived(
                case_number=number, command_id=f"{name}:{i}", actor=OFFICER,
                recorded_at=recorded_at, amount=Decimal(amount), received_on=recorded_at.date(),
                source=FundsSource.DEBTOR_PAYMENT))
            written += 0 if result.duplicate else 1
        print(json.dumps({"writer": name, "commands": written, "conflicts": app.conflicts}),
              flush=True)
    finally:
        app.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
