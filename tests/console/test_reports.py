"""The auditor's and supervisor's pages on the simulated examples/full-docket.json, served by
``enforce console --offline`` (the records only) and read in headless Chromium: the 终本 audit
with each finding's source, the quality metrics with their SVG charts, and the campaign report
(page and CSV) with figures computed by hand from the docket."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.cli.conftest import Enforce
from tests.console.conftest import Console, log_in, passwords, serving, shot

ROOT = Path(__file__).resolve().parents[2]
FULL = ROOT / "examples" / "full-docket.json"
WHOLE = ("2026-12-08", "2029-11-24")
"""The record's period: its first filing and its last closure (``Engine.metrics_period``)."""


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    base = tmp_path_factory.mktemp("reports")
    out = base / "sim"
    simulated = Enforce(base / "data")("simulate", FULL, "--out", out)
    assert simulated.code == 0, simulated.err
    enforce = Enforce(out)
    assert enforce("users", "add", "audit-1", "--role", "auditor").code == 0
    passwords(out, ["audit-1"])
    with serving(enforce, "--offline") as running:
        yield running


def by_hand() -> dict[str, object]:
    """What the docket itself says, read from its JSON: the settlements its worlds reach and
    the coercive measures its acts order (the test's figures below are these, counted by
    hand: 执7, 8, 10, 23, 26 settle; 执32 is fined ¥20,000, 执36 ¥10,000, 执37 ¥5,000; no
    detention is ordered, only summonses and exit bans)."""
    docket = json.loads(FULL.read_text("utf-8"))
    worlds = [c.get("world") or {} for c in docket["cases"]]
    measures = [s["act"]["measure"] for w in worlds for s in w.get("acts", [])
                if s["act"]["kind"] == "order_measure"]
    return {"settlements": sum(1 for w in worlds if w.get("settlement")),
            "fines": [Decimal(m["amount"]) for m in measures if m["type"] == "fine"],
            "detentions": sum(1 for m in measures if m["type"] == "detention")}


def test_the_figures_by_hand_are_the_dockets() -> None:
    assert by_hand() == {"settlements": 5, "detentions": 0,
                         "fines": [Decimal("20000.00"), Decimal("10000.00"),
                                   Decimal("5000.00")]}


def test_the_campaign_report_states_the_dockets_figures_as_a_page_and_a_csv(
        offline: Console, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, offline, "audit-1")
    page.goto(f"{offline.url}/campaign?start={WHOLE[0]}&end={WHOLE[1]}")
    expect(page.locator("#campaign")).to_be_visible()
    shown = {row.locator("th").inner_text(): row.locator("td").inner_text()
             for row in page.locator("#campaign tr").all()}
    assert {k: shown[k] for k in ("办理案件数", "达成执行和解", "司法拘留", "罚款", "罚款金额",
                                  "已执行到位", "执行到位率")} == {
        "办理案件数": "45", "达成执行和解": "5", "司法拘留": "0", "罚款": "3",
        "罚款金额": "¥35,000.00", "已执行到位": "¥4,245,300.00", "执行到位率": "66.9%"}
    shot(page, "campaign")
    answer = page.request.get(f"{offline.url}/campaign.csv?start={WHOLE[0]}&end={WHOLE[1]}"
                              "&lang=en")
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = dict(csv.reader(io.StringIO(answer.text().lstrip("\ufeff"))))
    assert {k: rows[k] for k in ("Cases handled", "Settlements reached", "Detentions ordered",
                                 "Fines ordered", "Fines' total", "Recovered",
                                 "recovery rate")} == {
        "Cases handled": "45", "Settlements reached": "5", "Detentions ordered": "0",
        "Fines ordered": "3", "Fines' total": "35000.00", "Recovered": "4245300.00",
        "recovery rate": "66.9%"}
    # 执 cases: ¥4,162,300 of ¥6,259,500 (66.5%, docs/docket.md); the two 执恢 cases recover
    # their ¥83,000 in full: (4,162,300 + 83,000) / (6,259,500 + 83,000) = 66.9%
    assert rows["Applied (closed cases)"] == "6342500.00"
    book = page.request.get(f"{offline.url}/campaign.xlsx?start={WHOLE[0]}&end={WHOLE[1]}")
    with zipfile.ZipFile(io.BytesIO(book.body())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "达成执行和解" in sheet and "<v>35000.00</v>" in sheet and "66.9%" in sheet
    image = page.request.get(f"{offline.url}/campaign.svg?start={WHOLE[0]}&end={WHOLE[1]}")
    assert image.headers["content-type"].startswith("image/svg+xml")
    assert "66.9%" in image.text() and "¥35,000.00" in image.text()
    page.close()


def test_an_auditor_sees_the_termination_findings_with_their_source_and_the_charts(
        offline: Console, browser: Browser) -> None:
    page = browser.new_page()
    log_in(page, offline, "audit-1")
    page.goto(f"{offline.url}/audit")
    audit = page.locator("#audit")
    expect(page.locator("#audit-summary")).to_contain_text("合规 6")
    expect(audit).to_contain_text("(2026)甘0402执31号")
    expect(audit).to_contain_text("procedure.ruling_not_served")
    expect(audit).to_contain_text("待完善")
    assert audit.locator("tr").count() == 1 + 7  # the seven 终本 of the docket
    shot(page, "audit")
    page.goto(f"{offline.url}/metrics?start={WHOLE[0]}&end={WHOLE[1]}")
    charts = page.locator("#charts svg")
    assert charts.count() == 4
    expect(page.locator("#chart-recovery-rate")).to_contain_text("%")
    expect(page.locator("#chart-closures")).to_contain_text("执行完毕")
    expect(page.locator("#metrics")).to_contain_text("66.5%")
    shot(page, "metrics")
    page.goto(f"{offline.url}/metrics?start={WHOLE[0]}&end={WHOLE[1]}&by=court")
    expect(page.locator("#officers")).to_contain_text("甘0402")
    page.goto(f"{offline.url}/case?number=(2026)甘0402执31号")
    expect(page.locator("#parties")).to_contain_text("*")  # an auditor sees numbers masked
    expect(page.locator("#act-chooser")).to_have_count(0)  # and has no act to give
    page.close()
