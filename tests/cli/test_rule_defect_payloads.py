"""The acts issue 13 added reach `enforce case do` (its payload, validated locally with the
act's model before anything reaches Temporal; docs/rules.md §1.9, §1.13)."""

from __future__ import annotations

import hashlib

import pytest

from cli.acts import ACTS, act_payload
from cli.common import UserError
from tests.support import CLERK, JUDGE, OFFICER
from workflows import acts as a


def test_the_limitation_objection_and_its_ruling_are_acts_of_the_cli() -> None:
    raised = act_payload("raise_limitation_objection", ["grounds=申请执行时效已届满"], None,
                         CLERK, "obj-1", None)
    assert isinstance(raised, a.RaiseLimitationObjection)
    assert (raised.grounds, raised.raised_on, raised.request_id) == ("申请执行时效已届满", None,
                                                                     "obj-1")
    ruled = act_payload("rule_on_limitation_objection",
                        ["upheld=true", "reason=裁定不予执行"], None, JUDGE, None, None)
    assert isinstance(ruled, a.RuleOnLimitationObjection) and ruled.upheld is True
    assert {"raise_limitation_objection", "rule_on_limitation_objection"} <= set(ACTS)


def test_a_listing_names_its_respondent_at_the_cli() -> None:
    listed = act_payload("list_dishonest", ["ground=able_but_refuses", "respondent=李四",
                                            "approval_id=listing-1"], None, OFFICER, None, None)
    assert isinstance(listed, a.ListDishonest) and listed.respondent == "李四"
    with pytest.raises(UserError):
        act_payload("rule_on_limitation_objection", ["reason=无"], None, JUDGE, None, None)


def test_a_listing_act_without_a_respondent_keeps_its_journal_fingerprint() -> None:
    """Acts journaled before the field existed: re-sent with their key, they are the same act."""
    old = a.ListDishonest(actor=OFFICER, ground="able_but_refuses", approval_id="listing-1")
    body = old.model_dump_json(exclude={"respondent": True})
    assert "respondent" not in body
    assert a.fingerprint(old) == hashlib.sha256(body.encode()).hexdigest()[:24]
