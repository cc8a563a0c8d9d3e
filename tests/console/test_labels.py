"""Every act, phase, closure mode, audit class, finding category, metric and role has a Chinese
and an English label; money and dates are written as the console shows them; the trend chart's
periods cover the range; forms are generated from the act models."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from console.app import COUNTS, merged, trend_periods
from console.charts import bars
from console.format import day, id_number, money
from console.forms import ACTS, form_fields, payload
from console.labels import TABLES, deadline_label, label
from domain.legacy import EVENT_TYPES
from domain.models import ClosureMode
from domain.state import Phase
from domain.values import Role
from projections.audit import AuditClass
from projections.metrics import Metrics
from projections.watch import CALENDAR_COUNTED
from workflows.acts import RecordPayment

ROOT = Path(__file__).resolve().parents[2]
AGENDA_TASKS = {
    *re.findall(r'(?:sync|plan)\([^)]*?"([a-z_]+)"', "".join(
        p.read_text("utf-8") for p in (ROOT / "workflows").glob("*.py"))),
    "value", "price", "announce", "close", "buyer", "sale_proceeds"}  # workflows/disposal.py
"""Every kind of task a case's agenda plans (the status's ``agenda``)."""


@pytest.mark.parametrize(("table", "codes"), [
    ("act", sorted(ACTS)), ("phase", [p.value for p in Phase]),
    ("closure", [m.value for m in ClosureMode]), ("audit", [c.value for c in AuditClass]),
    ("finding", ["misreport", "substantive", "procedural"]),
    ("metric", list(Metrics(kind="执", start=date(2026, 1, 1), end=date(2026, 1, 1)).rates())),
    ("role", [r.value for r in Role]),
    ("watch", sorted(CALENDAR_COUNTED | {"control_expiry", "reinquiry", "postponement_end"})),
    ("task", sorted(AGENDA_TASKS)), ("event", sorted(EVENT_TYPES)),
    ("finding_code", sorted(set(re.findall(r'"((?:misreport|procedure|termination)\.[a-z_]+)"',
                                           (ROOT / "projections" / "audit.py").read_text(
                                               "utf-8"))))),
])
def test_every_term_has_both_labels(table: str, codes: list[str]) -> None:
    missing = [c for c in codes if c not in TABLES[table]]
    assert missing == []
    for code in codes:
        zh, en = TABLES[table][code]
        assert zh and en and label(table, code) == zh and label(table, code, "en") == en


def test_the_agenda_tasks_are_found() -> None:
    assert {"inquire", "payout", "notice_check", "remit", "deadline"} <= AGENDA_TASKS


def test_a_deadline_name_is_labelled_or_kept() -> None:
    assert deadline_label("closure") == "结案期限"
    assert deadline_label("verify lead L-1") == "核查线索 L-1"
    assert deadline_label("control of dep-1 expires") == "dep-1 控制措施到期"
    assert deadline_label("something new") == "something new"
    assert deadline_label("closure", "en") == "closure"


def test_a_term_without_a_label_shows_its_code() -> None:
    assert label("act", "a_new_act") == "a_new_act"
    assert label("phase", None) == ""


def test_money_dates_and_identity_numbers() -> None:
    assert money(Decimal("1234567.8")) == "¥1,234,567.80"
    assert money(Decimal("-5")) == "-¥5.00" and money(None) == ""
    assert day(date(2026, 12, 7)) == "2026-12-07"
    assert day(datetime.fromisoformat("2026-12-06T20:13:00+00:00")) == "2026-12-07 04:13"
    assert id_number("620402198001010013", Role.OFFICER) == "620402198001010013"
    assert id_number("620402198001010013", Role.AUDITOR) == "620402********0013"


def test_the_trend_periods_cover_the_range_in_at_most_twelve_bars() -> None:
    unit, weeks = trend_periods(date(2026, 12, 2), date(2026, 12, 20))
    assert unit == "week" and weeks[0] == (date(2026, 12, 2), date(2026, 12, 6))
    assert weeks[-1] == (date(2026, 12, 14), date(2026, 12, 20))
    unit, spans = trend_periods(date(2026, 12, 8), date(2029, 11, 24))
    assert unit == "quarter" and len(spans) == 12 and spans[-1][1] == date(2029, 11, 24)


def test_a_chart_is_svg_with_escaped_labels() -> None:
    drawn = str(bars("执行到位率", [("<script>", Decimal("50.0")), ("b", None)], "%"))
    assert drawn.startswith("<svg") and "<script>" not in drawn and "&lt;script&gt;" in drawn


def test_a_form_is_generated_from_the_act_model_and_read_back() -> None:
    fields = {f.name: f for f in form_fields(RecordPayment)}
    assert set(fields) == {"amount", "paid_on", "direct_to_applicant", "payer", "note"}
    assert (fields["amount"].kind, fields["amount"].required) == ("money", True)
    assert fields["paid_on"].kind == "date" and fields["direct_to_applicant"].kind == "bool"
    data, errors = payload(RecordPayment, {"amount": " 10.00 ", "paid_on": ""})
    assert data == {"amount": "10.00", "direct_to_applicant": False} and errors == {}
    every = {kind: form_fields(model) for kind, model in ACTS.items()}
    assert all(f.name not in ("actor", "kind", "request_id") for fs in every.values()
               for f in fs)
    measure = {f.name: f for f in every["order_measure"]}["measure"]
    assert measure.kind == "json"


def test_metrics_per_group_add_up_to_the_whole() -> None:
    day = date(2026, 1, 1)
    a = Metrics(kind="执", start=day, end=day, officer="a", new=2, closed=1,
                applied=Decimal("10.00"), recovered=Decimal("5.00"))
    b = Metrics(kind="执", start=day, end=day, officer="b", new=1, closed=1,
                applied=Decimal("30.00"), recovered=Decimal("30.00"))
    (whole,) = merged([a, b])
    assert (whole.new, whole.closed, whole.applied, whole.recovery_rate) == (
        3, 2, Decimal("40.00"), Decimal("87.5"))
    numeric = {n for n, f in Metrics.model_fields.items() if f.annotation in (int, Decimal)}
    assert numeric == set(COUNTS)
