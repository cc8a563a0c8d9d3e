"""The agenda: earliest task first, ties by planning order, suspension, no repeats without news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.agenda import Agenda

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_earliest_task_runs_first_and_ties_keep_planning_order() -> None:
    agenda = Agenda()
    agenda.sync("payout", {"payout": (T0 + timedelta(days=3), False)})
    agenda.sync("control", {"b": (T0, True), "a": (T0, True)})
    first = agenda.next(suspended=False)
    assert first is not None and (first.kind, first.key) == ("control", "b")
    agenda.drop("control", "b")
    second = agenda.next(suspended=False)
    assert second is not None and (second.kind, second.key) == ("control", "a")


def test_suspension_holds_back_suspendable_tasks_only() -> None:
    agenda = Agenda()
    agenda.sync("transfer", {"acct": (T0, True)})
    agenda.sync("renew", {"acct@2027-12-01": (T0 + timedelta(days=300), False)})
    task = agenda.next(suspended=True)
    assert task is not None and task.kind == "renew"


def test_sync_replaces_the_tasks_of_a_kind_and_moves_their_time() -> None:
    agenda = Agenda()
    agenda.sync("close", {"flat:1": (T0, False)})
    agenda.sync("close", {"flat:1": (T0 + timedelta(minutes=5), False)})  # a late bid
    task = agenda.next(suspended=False)
    assert task is not None and task.when == T0 + timedelta(minutes=5)
    agenda.sync("close", {})
    assert agenda.next(suspended=False) is None


def test_a_task_that_ran_is_not_planned_again_until_the_case_changes() -> None:
    agenda = Agenda()
    agenda.version = 7
    agenda.sync("control", {"acct": (T0, True)})
    task = agenda.next(suspended=False)
    assert task is not None
    agenda.drop(task.kind, task.key)
    agenda.ran(task, version=7)  # refused: the case did not change
    agenda.sync("control", {"acct": (T0, True)})
    assert agenda.next(suspended=False) is None
    agenda.version = 8  # news: another act changed the case
    agenda.sync("control", {"acct": (T0, True)})
    assert agenda.next(suspended=False) == task.model_copy(update={"seq": 2})
