"""Actor ids are account ids, not free text: an ID number (or a name) given as the actor is
refused with the field named and the rule cited, at every door that builds an Actor; what the
store recorded before the rule is still read, and read models mask it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.application import EnforcementCases
from domain.values import ACTOR_ID_RULE, READ_AS_RECORDED, Actor, Approval, Role
from projections.pii_scan import scan_paths
from projections.read_store import SQLiteReadModelStore
from projections.runner import ReadModelRunner
from projections.timeline import timeline
from tests.support import DEBTOR, KEY, NUMBER, Driver, at

ID = DEBTOR.document.number
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-docket.json"


@pytest.mark.parametrize("actor_id", ["clerk-7", "officer.wang", "judge_2", "a-1", "workflow",
                                      "president-sim", "x" * 64])
def test_account_ids_are_accepted(actor_id: str) -> None:
    assert Actor(id=actor_id, role=Role.CLERK).id == actor_id


@pytest.mark.parametrize("actor_id", [ID, "620402 19800101 0013", "６２０４０２１９８００１０１００１３",
                                      "13800138000"])
def test_an_id_number_is_refused_as_actor_id_naming_the_field_and_rule(actor_id: str) -> None:
    with pytest.raises(ValidationError) as refused:
        c.IssueNotice(case_number=NUMBER, command_id="n-1", recorded_at=at(date(2026, 3, 3)),
                      actor={"id": actor_id, "role": "clerk"}, issued_on=date(2026, 3, 3),
                      report_due_on=date(2026, 3, 13))
    [error] = refused.value.errors()
    assert error["loc"] == ("actor", "id")
    assert "never an identity" in error["msg"] and ACTOR_ID_RULE in error["msg"]


@pytest.mark.parametrize("actor_id", ["", "x", "Officer Wang", "王法官", "clerk 7", "-clerk",
                                      "x" * 65, "clerk\n7"])
def test_names_and_free_text_are_refused_as_actor_ids(actor_id: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Actor(id=actor_id, role=Role.OFFICER)
    assert refused.value.errors()[0]["loc"] == ("id",)
    assert ACTOR_ID_RULE in refused.value.errors()[0]["msg"]


def test_an_approver_id_is_an_actor_id_too() -> None:
    with pytest.raises(ValidationError) as refused:
        Approval(approver_id=ID, role=Role.PRESIDENT, approved_on=date(2026, 3, 3))
    assert refused.value.errors()[0]["loc"] == ("approver_id",)


def test_a_recorded_actor_id_from_before_the_rule_is_read_and_masked(tmp_path: Path) -> None:
    """An event recorded with an ID number as its actor (before the rule existed) still loads,
    and no read model or export shows the number."""
    app = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    drive = Driver(app)
    drive.file()
    old = Actor.model_validate({"id": ID, "role": "officer"}, context=READ_AS_RECORDED)
    drive.send("IssueNotice", date(2026, 1, 12), old, issued_on=date(2026, 1, 12),
               report_due_on=date(2026, 1, 22))
    assert [e.actor.id for e in app.case_events(NUMBER)][-1] == ID
    app.close()
    again = EnforcementCases.sqlite(tmp_path / "events.sqlite", chain_key=KEY)
    assert again.case_events(NUMBER)[-1].actor.id == ID  # read as recorded
    views = SQLiteReadModelStore(tmp_path / "views.sqlite")
    ReadModelRunner(again, views).catch_up()
    assert timeline(views, case_number=NUMBER)[-1].actor_id == "620402********0013"
    views.close()
    again.close()
    assert [h for h in scan_paths([tmp_path], [ID]) if h.path.name.startswith("views")] == []


def test_a_dockets_court_staff_are_actor_ids() -> None:
    """The simulated court's people act under these ids: a docket naming an ID number as its
    officer is refused at load, the field named."""
    from workflows.docket import Docket

    docket = Docket.model_validate_json(SAMPLE.read_text("utf-8")).model_dump(mode="json")
    docket["cases"][0]["world"]["court"]["officer"] = ID
    with pytest.raises(ValidationError) as refused:
        Docket.model_validate(docket)
    [error] = refused.value.errors()
    assert error["loc"] == ("cases", 0, "world", "court", "officer")
    assert ACTOR_ID_RULE in error["msg"]
