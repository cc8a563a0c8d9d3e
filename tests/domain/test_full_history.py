"""The store reproduces a case's state at every version and date, across a restart and across
snapshots; a command repeated after a restart is recognised and writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain import commands as c
from domain.application import EnforcementCases
from domain.calendar import legal_date
from domain.case import EnforcementCase
from domain.errors import CommandConflictError, UnknownCase
from domain.events import CaseEvent
from domain.ids import case_id
from domain.rules import Channel
from domain.state import CaseState, ControlStatus, Phase
from tests.domain.history import auction_case
from tests.support import CLERK, KEY, NUMBER, OFFICER, Driver, at


def dump(state: CaseState) -> dict[str, Any]:
    return state.model_dump(mode="json")


def fold(events: list[CaseEvent]) -> list[dict[str, Any]]:
    """The state after each event, replayed from the events alone (no snapshot, no cache)."""
    case: EnforcementCase | None = None
    states = []
    for event in events:
        case = EnforcementCase.project(case, event)
        states.append(dump(case.state))
    return states


def test_full_history_reproduces_every_version_and_date_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    auction_case(Driver(app))
    last = app.get_case(NUMBER).version
    before = [dump(app.get_case(NUMBER, version=v)) for v in range(1, last + 1)]
    days = sorted({legal_date(e.recorded_at) for e in app.case_events(NUMBER)})
    dated = {day: dump(app.state_at(NUMBER, day)) for day in days}
    app.close()

    reopened = EnforcementCases.sqlite(db, chain_key=KEY)
    after = [dump(reopened.get_case(NUMBER, version=v)) for v in range(1, last + 1)]
    events = reopened.case_events(NUMBER)
    assert after == before == fold(events)
    assert dump(reopened.get_case(NUMBER)) == before[-1]
    for day in days:
        at_day = max(e.originator_version for e in events if legal_date(e.recorded_at) <= day)
        assert dump(reopened.state_at(NUMBER, day)) == dated[day] == before[at_day - 1]
    assert reopened.verify(NUMBER).ok and reopened.verify(NUMBER).events == last


def test_history_states_read_as_the_procedure_went(tmp_path: Path) -> None:
    app = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    auction_case(Driver(app))
    app.close()
    app = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    with pytest.raises(UnknownCase):
        app.state_at(NUMBER, date(2026, 1, 9))
    assert app.state_at(NUMBER, date(2026, 1, 10)).phase is Phase.FILED
    controlled = app.state_at(NUMBER, date(2026, 1, 16)).assets
    assert [(a.control, a.amount) for a in controlled.values()] == [
        (ControlStatus.ACTIVE, Decimal("50000.00")), (ControlStatus.ACTIVE, Decimal("950000.00"))]
    transferred = app.state_at(NUMBER, date(2026, 1, 20))
    assert (transferred.received, transferred.outstanding) == (Decimal("50000.00"),
                                                               Decimal("950000.00"))
    first_round = app.state_at(NUMBER, date(2026, 3, 17)).assets["house-1"].rounds
    assert [r.status for r in first_round] == ["failed"]
    sold = app.state_at(NUMBER, date(2026, 4, 8)).assets["house-1"].rounds
    assert [(r.status, r.price, r.buyer) for r in sold] == [
        ("failed", None, None), ("sold", Decimal("600000.00"), "bidder-2")]
    assert app.state_at(NUMBER, date(2026, 4, 28)).outstanding == Decimal("350000.00")
    closed = app.get_case(NUMBER)
    assert (closed.phase, closed.outstanding, closed.paid_out) == (
        Phase.CLOSED, Decimal("0.00"), Decimal("1000000.00"))


class Script:
    """Commands kept as sent, so that the very same command can be sent again later."""

    def __init__(self, app: EnforcementCases) -> None:
        self.app, self.sent = app, list[c.Command]()

    def send(self, name: str, on: date, **fields: Any) -> c.Command:
        cmd = c.COMMANDS[name](case_number=NUMBER, command_id=f"long:{len(self.sent) + 1}",
                               actor=fields.pop("actor", OFFICER), recorded_at=at(on, 18),
                               **fields)
        self.app.execute(cmd)
        self.sent.append(cmd)
        return cmd


def long_case(app: EnforcementCases) -> Script:
    """A case of 2 + 230 commands (one event each): inquiries and leads over six months."""
    Driver(app).file(date(2026, 1, 10))
    s = Script(app)
    s.send("IssueNotice", date(2026, 1, 12), actor=CLERK, issued_on=date(2026, 1, 12),
           report_due_on=date(2026, 1, 22))
    channels = list(Channel)
    for i in range(230):
        day = date(2026, 1, 13) + timedelta(days=i // 2)
        if i % 2:
            s.send("SubmitLead", day, actor=CLERK, lead_id=f"L{i}",
                   description=f"申请人提供线索 {i}", submitted_on=day)
        else:
            s.send("RecordNetworkInquiry", day, queried_on=day, channel=channels[i % 7])
    return s


def test_long_case_uses_its_snapshot_and_equals_a_replay_without_it(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    long_case(app)
    assert app.snapshots is not None
    ref = case_id(NUMBER)
    assert [s.originator_version for s in app.snapshots.get(ref)] == [100, 200]
    app.close()

    reopened = EnforcementCases.sqlite(db, chain_key=KEY)
    replay = fold(reopened.case_events(NUMBER))
    assert len(replay) == 232
    asked: list[int | None] = []
    store_get = reopened.repository.event_store.get

    def spy(originator_id: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("gt"))
        return store_get(originator_id, **kwargs)

    reopened.repository.event_store.get = spy  # type: ignore[method-assign]
    assert dump(reopened.get_case(NUMBER)) == replay[-1]
    assert dump(reopened.get_case(NUMBER, version=150)) == replay[149]
    assert dump(reopened.get_case(NUMBER, version=99)) == replay[98]
    assert asked == [200, 100, None]  # started from the snapshots at v200 and v100


def test_repeated_commands_after_a_restart_write_nothing(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    app = EnforcementCases.sqlite(db, chain_key=KEY)
    script = long_case(app)
    app.close()

    reopened = EnforcementCases.sqlite(db, chain_key=KEY)  # state comes from the v200 snapshot
    highest = reopened.recorder.max_notification_id()
    early, last = script.sent[5], script.sent[-1]  # v7 (before the snapshots) and v232
    for cmd, version in ((early, 7), (last, 232)):
        result = reopened.execute(cmd)
        assert result.duplicate and (result.first_version, result.last_version) == (
            version, version)
    changed = early.model_copy(update={"queried_on": date(2026, 1, 14)})
    with pytest.raises(CommandConflictError) as refused:
        reopened.execute(changed)
    assert refused.value.code == "command.id_conflict"
    assert reopened.recorder.max_notification_id() == highest
    assert reopened.get_case(NUMBER).version == 232
