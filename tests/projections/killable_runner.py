"""A read-model runner process for the exactly-once test.

    python -m tests.projections.killable_runner EVENTS_DB VIEWS_DB PAGE_SIZE [PAUSE_AT_PAGE MARKER]

With PAUSE_AT_PAGE it processes that page, writes MARKER and then hangs *inside* the page's
transaction, after the rows are written and before the tracking and the commit — where the test
kills it with SIGKILL. Without it, it catches up and exits.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from domain.application import EnforcementCases
from projections.read_store import SQLiteReadModelStore
from projections.runner import PageInfo, ReadModelRunner
from tests.support import KEY


def main(argv: list[str]) -> None:
    events, views, page_size = argv[0], argv[1], int(argv[2])
    pause_at = int(argv[3]) if len(argv) > 3 else None
    pages = 0

    def before_commit(info: PageInfo) -> None:
        nonlocal pages
        pages += 1
        if pages == pause_at:
            marker = Path(argv[4])  # written whole, then renamed: the test never reads it half
            written = marker.with_name(marker.name + ".tmp")
            written.write_text(f"{info.first} {info.last}")
            written.replace(marker)
            while True:
                time.sleep(1)

    app = EnforcementCases.sqlite(events, chain_key=KEY)
    runner = ReadModelRunner(app, SQLiteReadModelStore(views), page_size=page_size,
                             before_commit=before_commit)
    runner.catch_up()


if __name__ == "__main__":
    main(sys.argv[1:])
