"""Concurrent writers on one SQLite file: threads of one application and two applications
(processes) never lose, duplicate or interleave a case's events, and the chain still verifies."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from domain import commands as c
from domain.application import EnforcementCases
from domain.case import CommandResult
from domain.rules import Channel
from tests.support import KEY, NUMBER, OFFICER, Driver, at


def inquiry(n: int) -> c.RecordNetworkInquiry:
    day = date(2026, 1, 12)  # one business time: threads may interleave in any order
    return c.RecordNetworkInquiry(case_number=NUMBER, command_id=f"inq:{n}", actor=OFFICER,
                                  recorded_at=at(day, 18), queried_on=day,
                                  channel=list(Channel)[n % 7])


def test_threads_of_one_application_serialise_commands_on_a_case(tmp_path: Path) -> None:
    app = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    Driver(app).file(date(2026, 1, 10))
    results: list[CommandResult] = []

    def send(start: int) -> None:
        for n in range(start, 200, 4):
            results.append(app.execute(inquiry(n)))

    threads = [threading.Thread(target=send, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    versions = sorted(r.first_version for r in results)
    assert versions == list(range(2, 202))
    assert app.get_case(NUMBER).version == 201 and app.verify(NUMBER).ok


def test_a_second_application_on_the_same_file_reloads_and_retries(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    first = EnforcementCases.sqlite(db, chain_key=KEY)
    second = EnforcementCases.sqlite(db, chain_key=KEY)
    Driver(first).file(date(2026, 1, 10))
    assert second.get_case(NUMBER).version == 1  # now cached in the second application too
    assert first.execute(inquiry(1)).first_version == 2
    result = second.execute(inquiry(2))  # its cached v1 conflicts at v2: reload, retry
    assert (result.first_version, result.duplicate) == (3, False)
    assert first.execute(inquiry(1)).duplicate  # and the first sees nothing twice
    reopened = EnforcementCases.sqlite(db, chain_key=KEY)
    assert [e.command_id for e in reopened.case_events(NUMBER)][1:] == ["inq:1", "inq:2"]
    assert reopened.verify(NUMBER).ok
