"""Business time on one clock per case (docs/domain.md, "Business time and periods"): a command
stamped a little before the case's last recorded act — another writer's clock, a wait for the
case's lock — is recorded at the case's time; further back it is still ``time.backwards``, and
the dates of its acts are still checked against the business date the caller gave."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain import commands as c
from domain.application import EnforcementCases
from domain.calendar import legal_date
from domain.case import CLOCK_TOLERANCE, CommandResult
from domain.errors import RuleViolationError
from domain.rules import Channel
from tests.support import NUMBER, OFFICER, Driver, at, new_app

DAY = date(2026, 3, 5)


def inquiry(app: EnforcementCases, n: int, when: datetime, queried_on: date | None = None
            ) -> CommandResult:
    return app.execute(c.RecordNetworkInquiry(
        case_number=NUMBER, command_id=f"inq:{n}", actor=OFFICER, recorded_at=when,
        queried_on=queried_on or legal_date(when), channel=list(Channel)[n % 7]))


def filed() -> EnforcementCases:
    app = new_app()
    Driver(app).file(date(2026, 3, 2))
    return app


def refused(app: EnforcementCases, code: str, n: int, when: datetime,
            queried_on: date | None = None) -> None:
    before = app.recorder.max_notification_id()
    with pytest.raises(RuleViolationError) as refusal:
        inquiry(app, n, when, queried_on)
    assert (refusal.value.code, refusal.value.source) == (code, "engine invariant (docs/rules.md §5)")
    assert app.recorder.max_notification_id() == before


def test_a_command_stamped_seconds_before_the_last_act_is_recorded_at_the_cases_time() -> None:
    app = filed()
    last = at(DAY, 11)
    inquiry(app, 1, last)
    result = inquiry(app, 2, last - timedelta(seconds=2))  # a writer whose clock is behind
    assert (result.first_version, result.duplicate) == (3, False)
    recorded = [e.recorded_at for e in app.case_events(NUMBER)]
    assert recorded[1:] == [last, last]
    assert app.verify(NUMBER).ok


def test_the_floor_reaches_back_as_far_as_the_tolerance_and_no_further() -> None:
    app = filed()
    last = at(DAY, 11)
    inquiry(app, 1, last)
    refused(app, "time.backwards", 2, last - CLOCK_TOLERANCE - timedelta(seconds=1))
    assert inquiry(app, 3, last - CLOCK_TOLERANCE).first_version == 3
    assert app.case_events(NUMBER)[-1].recorded_at == last


def test_the_cases_clock_may_carry_a_command_past_midnight() -> None:
    app = filed()
    just_after = at(DAY + timedelta(days=1), 0, 1)
    inquiry(app, 1, just_after)
    inquiry(app, 2, at(DAY, 23, 59), queried_on=DAY)
    event = app.case_events(NUMBER)[-1]
    assert (event.command_id, event.recorded_at) == ("inq:2", just_after)


def test_act_dates_stay_checked_against_the_business_date_the_caller_gave() -> None:
    app = filed()
    inquiry(app, 1, at(DAY + timedelta(days=1), 0, 1))
    # the case's clock says the next day, but the caller said the inquiry was made in its future
    refused(app, "date.in_future", 2, at(DAY, 23, 59), queried_on=DAY + timedelta(days=1))


def test_a_command_repeated_long_after_still_answers_its_first_outcome() -> None:
    app = filed()
    first = inquiry(app, 1, at(DAY, 10))
    inquiry(app, 2, at(DAY, 16))
    again = inquiry(app, 1, at(DAY, 10))  # six hours behind the case: a retry, not an act
    assert (again.duplicate, again.first_version) == (True, first.first_version)
    assert app.get_case(NUMBER).version == 3
