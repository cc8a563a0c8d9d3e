"""`enforce simulate`, `enforce import` and `enforce schema`, and the auditors' commands over
what they write (no engine needed: simulate runs its own time-skipping server)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.legacy import legacy_schema
from tests.cli.conftest import ROOT, Enforce
from tests.projections.legacy import LegacyCase
from workflows.docket import Docket

SAMPLE = ROOT / "examples" / "sample-docket.json"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Enforce, dict[str, Any]]:
    """The sample docket simulated once; `enforce` on the simulated store, and the report."""
    base = tmp_path_factory.mktemp("simulate")
    run = Enforce(base / "data")
    result = run("simulate", SAMPLE, "--out", base / "sim", "--json")
    assert result.code == 0, result.err
    return Enforce(base / "sim"), result.json()


def test_simulating_the_sample_docket_gives_its_closures_and_recovery_rate(
        simulated: tuple[Enforce, dict[str, Any]]) -> None:
    _, report = simulated
    # By hand from examples/sample-docket.json (claims 38,000 + 120,000 + 560,000 + 300,000 =
    # 1,018,000 applied):
    #   执1号 wages: pays 38,000 on day 14             → 执行完毕, 38,000 recovered
    #   执2号 loan: deposit of 150,000 frozen for the
    #         120,000 claim and transferred            → 执行完毕, 120,000 recovered
    #   执3号 contract: nothing anywhere; restriction,
    #         hearing, ruling on day 97                → 终本 (合规), monitored 5 years
    #   执4号 loan: flat (reference 600,000) fails at
    #         420,000, sells at 350,000 in round two at
    #         336,000; proceeds up to the 300,000 owed → 执行完毕, 300,000 recovered
    # 执行到位率 = 458,000 / 1,018,000 = 44.99 % → 45.0; 终本率 1/4 = 25.0; 执行完毕率 3/4 = 75.0
    assert report["closures"] == {"concluded": 3, "terminated": 1}
    outcomes = {c["case_number"]: (c["closure_mode"], c["recovered"], c["chain_ok"])
                for c in report["cases"]}
    assert outcomes == {
        "(2026)甘0402执1号": ("concluded", "38000.00", True),
        "(2026)甘0402执2号": ("concluded", "120000.00", True),
        "(2026)甘0402执3号": ("terminated", "0.00", True),
        "(2026)甘0402执4号": ("concluded", "300000.00", True)}
    assert report["audit_summary"] == {"合规": 1, "不合规": 0, "待完善": 0, "误报结": 0}
    [line] = report["metrics"]
    assert (line["metrics"]["kind"], line["metrics"]["closed"], line["metrics"]["applied"],
            line["metrics"]["recovered"]) == ("执", 4, "1018000.00", "458000.00")
    assert (line["rates"]["执行到位率"], line["rates"]["终本率"], line["rates"]["执行完毕率"]) == (
        "45.0", "25.0", "75.0")


def test_auditors_read_the_simulated_store(simulated: tuple[Enforce, dict[str, Any]]) -> None:
    audit, report = simulated
    metrics = audit("audit", "metrics")
    assert metrics.code == 0, metrics.err
    assert "执行到位率" in metrics.out and "45.0%" in metrics.out
    by_court = audit("audit", "metrics", "--court", "甘0402", "--from",
                     str(report["filed_on"]), "--to", str(report["metrics_to"]), "--json").json()
    assert [(m["metrics"]["court"], m["rates"]["执行到位率"]) for m in by_court] == [
        ("甘0402", "45.0")]
    rows = list(csv.reader(io.StringIO(audit("audit", "termination", "--csv").out)))
    assert [(r[0], r[9], r[10]) for r in rows[1:]] == [("(2026)甘0402执3号", "compliant", "合规")]
    assert audit("audit", "termination", "--class", "不合规", "--json").json() == []
    verified = audit("audit", "verify", "--json").json()
    assert (verified["ok"], verified["cases"]) == (True, 4)
    exported = audit("audit", "export", "termination_audit", "--to", audit.data / "out",
                     "--format", "json", "--json")
    assert exported.code == 0, exported.err
    assert json.loads((audit.data / "out" / "termination_audit.json").read_text("utf-8"))[0][
        "case_number"] == "(2026)甘0402执3号"
    rebuilt = audit("projections", "rebuild", "--json")
    assert rebuilt.code == 0 and rebuilt.json()["events"] == sum(
        c["events"] for c in report["cases"])


def test_simulate_refuses_a_bad_docket_and_a_used_directory(tmp_path: Path) -> None:
    run = Enforce(tmp_path / "data")
    docket = json.loads(SAMPLE.read_text("utf-8"))
    docket["cases"][0]["claim"]["principal"] = "-1"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(docket, ensure_ascii=False), "utf-8")
    refused = run("simulate", bad)
    assert refused.code == 2
    assert refused.error.startswith(f"error: invalid docket {bad}: cases.0.claim.principal: ")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "events.sqlite").write_bytes(b"")
    used = run("simulate", SAMPLE, "--out", tmp_path / "used")
    assert (used.code, used.error) == (2, f"error: {tmp_path / 'used'} already holds a store: "
                                          "give a fresh --out directory")
    (tmp_path / "not-json.json").write_text("{", "utf-8")
    assert run("simulate", tmp_path / "not-json.json").code == 2


def legacy_file(path: Path) -> Path:
    """Two legacy 终本: one compliant, one ruled after seven weeks with one channel queried."""
    good = LegacyCase("(2018)甘0402执15号", date(2018, 3, 1)).compliant_termination()
    hasty = LegacyCase("(2018)甘0402执16号", date(2018, 3, 1)).notice().report()
    hasty.inquire("deposits").terminate(date(2018, 4, 20))
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                            for line in good.lines + hasty.lines), "utf-8")
    return path


def test_importing_a_legacy_file_is_idempotent_and_audited(tmp_path: Path) -> None:
    run = Enforce(tmp_path / "data")
    legacy = legacy_file(tmp_path / "legacy.jsonl")
    first = run("import", legacy, "--json")
    assert first.code == 0, first.err
    assert (first.json()["cases"], first.json()["events_written"]) == (2, 16)
    again = run("import", legacy, "--json").json()
    assert (again["events_written"], again["events_present"]) == (0, 16)

    audited = {a["case_number"]: (a["label"], a["imported"], [f["code"] for f in a["findings"]])
               for a in run("audit", "termination", "--json").json()}
    assert audited == {
        "(2018)甘0402执15号": ("合规", True, []),
        "(2018)甘0402执16号": ("不合规", True, [
            "termination.no_restriction", "termination.channel_not_queried",
            "termination.channel_not_queried", "termination.channel_not_queried",
            "termination.too_early", "procedure.applicant_not_heard",
            "procedure.ruling_not_served"])}
    history = run("audit", "history", "(2018)甘0402执16号")
    assert history.code == 0 and "CaseFiled (imported)" in history.out
    assert run("audit", "verify", "--json").json()["ok"] is True


def test_imported_cases_are_marked_in_the_case_list_history_and_metrics(tmp_path: Path) -> None:
    run = Enforce(tmp_path / "data")
    assert run("import", legacy_file(tmp_path / "legacy.jsonl")).code == 0
    listed = run("case", "list", "--json").json()
    assert [(c["case_number"], c["imported"]) for c in listed] == [
        ("(2018)甘0402执15号", True), ("(2018)甘0402执16号", True)]
    table = run("case", "list")
    assert table.code == 0 and "origin" in table.out and table.out.count("imported") == 2
    at_filing = run("audit", "history", "(2018)甘0402执15号", "--version", "1")
    assert at_filing.code == 0 and "imported" in at_filing.out
    assert run("audit", "history", "(2018)甘0402执15号", "--version", "1",
               "--json").json()["imported"] is True
    assert all(e["imported"] for e in run("audit", "history", "(2018)甘0402执15号",
                                          "--json").json())
    metrics = run("audit", "metrics", "--json").json()
    assert [(m["metrics"]["kind"], m["metrics"]["imported"]) for m in metrics] == [("执", True)]
    assert run("audit", "metrics", "--live", "--json").json() == []
    printed = run("audit", "metrics")
    assert printed.code == 0 and "执 (imported)" in printed.out
    audited = run("audit", "termination")
    assert audited.code == 0 and "(2018)甘0402执16号 (imported)" in audited.out


def test_a_bad_legacy_line_names_its_line_and_field(tmp_path: Path) -> None:
    run = Enforce(tmp_path / "data")
    lines = legacy_file(tmp_path / "legacy.jsonl").read_text("utf-8").splitlines()
    broken = json.loads(lines[2])
    assert broken["event"] == "PropertyReportRecorded"
    broken["data"]["reported_on"] = "not a date"
    lines[2] = json.dumps(broken, ensure_ascii=False)
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    refused = run("import", tmp_path / "bad.jsonl")
    assert refused.code == 2
    assert refused.error.startswith(
        f"error: import of {tmp_path / 'bad.jsonl'} refused (nothing written): "
        "legacy.invalid_line: line 3, data.reported_on: ")
    assert refused.error.endswith("[docs/legacy-format.md]")
    missing = run("import", tmp_path / "missing.jsonl")
    assert missing.code == 2 and "missing.jsonl" in missing.error


def test_schemas_are_printed_for_every_input(tmp_path: Path) -> None:
    run = Enforce(tmp_path / "data")
    assert run("schema", "docket").json() == Docket.model_json_schema()
    assert run("schema", "legacy").json() == legacy_schema()
    acts = run("schema", "act").out.split()
    assert "record_payment" in acts and "approve_termination" in acts
    payment = run("schema", "act", "record_payment").json()
    assert set(payment["required"]) == {"actor", "amount"}
    assert {"FileCase", "ControlAsset"} <= set(run("schema", "command").out.split())
    unknown = run("schema", "act", "pay")
    assert (unknown.code, unknown.error) == (
        2, "error: unknown act 'pay'; `enforce schema act` lists them")
    assert run("schema", "everything").code == 2
