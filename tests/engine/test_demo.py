"""The run path of ``make run`` (``python worker.py --demo``), stopped after its showing with
``--once``: live cases filed and acted on through the facade on the first start, the docket
simulated (the small sample docket here, for speed), where to look next; a second start finds
its state in the data directory and files nothing again. (``make run`` itself is not a test.)"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from cli.demo import live_docket, load_live_docket
from domain.private import loose
from projections.pii_scan import scan_paths
from tests.worker_process import WorkerProcess
from workflows.docket import Docket

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample-docket.json"


def id_numbers(docket: Docket) -> list[str]:
    """Every party's document number in ``docket``."""
    return sorted({p.document.number for case in docket.cases
                   for p in (*case.applicants, *case.respondents)})


def assert_private_and_without_id_numbers(data: Path) -> None:
    """The data directory 0700, every file in it 0600, and no ID number of the live cases or
    of the simulated docket in any file, in any form pii_scan knows (spaced, hyphenated,
    full-width, UTF-16, hex …)."""
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert loose(data) == []
    live = load_live_docket(data)
    assert live is not None and len(live.cases) == 5
    sample = Docket.model_validate_json(SAMPLE.read_text("utf-8"))
    secrets = id_numbers(live) + id_numbers(sample)
    assert len(secrets) > 10
    assert scan_paths([data], secrets) == []


def run_once(data: Path) -> str:
    demo = WorkerProcess(data, ["--demo", "--once", "--docket", str(SAMPLE)])
    demo.start()
    assert demo.wait() == 0, demo.text
    return demo.text


def test_the_demo_shows_live_cases_a_simulation_and_where_to_look(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run_once(data)
    assert "Live cases: filing 5 cases today" in first
    for line in ("执801号 the company pays ¥26,000 of the wages at the court's cashier: "
                 "FundsReceived",
                 "执802号 the notice is served on the debtor in person: NoticeServed",
                 "执803号 an officer tries to announce an auction of the flat today at ¥150,000: "
                 "refused — auction.no_reference_price",
                 "执804号 the parties settle: ¥80,000 within 60 days: SettlementReached, "
                 "EnforcementSuspended",
                 "执805号 the applicant withdraws the application: ControlReleased, CaseClosed"):
        assert line in first, first
    assert "closed: 终结执行 (ended)" in first
    assert "NetworkInquiryMade ×7, SettlementReached" in first  # inquired before settling
    assert "NetworkInquiryMade ×7" in first or "NetworkInquiryMade ×6" in first
    assert "transfer frozen money to the court" in first  # waiting on a real timer
    assert "simulated 4 docket cases" in first and "合规 1" in first
    assert "执行到位率" in first and "45.0%" in first
    assert "console: http://127.0.0.1:" in first and "console-logins.txt" in first
    assert "console          http://127.0.0.1:" in first  # and where things are
    assert "closure modes: concluded = 执行完毕, terminated = 终结本次执行程序（终本）" in first
    for line in ("Temporal Web UI  http://127.0.0.1:", "codec endpoint   http://127.0.0.1:",
                 "enforce case show '(", "--codec-endpoint http://127.0.0.1:", "worker stopped",
                 '--codec-auth "Bearer $(cat '):
        assert line in first, first
    assert {"events.sqlite", "temporal.sqlite", "payload.key", "live-docket.json"} <= {
        p.name for p in data.iterdir()}
    assert not (data / "server.json").exists()  # removed when the worker stopped
    assert_private_and_without_id_numbers(data)

    second = run_once(data)
    assert "filing 5 cases" not in second
    assert "Live cases: filed on an earlier start" in second
    assert "NoticeServed, PropertyReportRecorded" in second  # what the first start recorded
    assert "closed: 终结执行 (ended)" in second
    assert len(list((data / "simulations").iterdir())) == 2
    assert_private_and_without_id_numbers(data)


def test_a_live_docket_written_before_loses_its_id_numbers(tmp_path: Path) -> None:
    """The earlier live-docket.json (the whole docket, parties and their ID numbers, 0644) is
    replaced at the next start by the year alone, 0600; the same cases come back."""
    earlier = live_docket(2025)
    path = tmp_path / "live-docket.json"
    path.write_text(earlier.model_dump_json(indent=1), "utf-8")
    assert scan_paths([tmp_path], id_numbers(earlier))
    assert load_live_docket(tmp_path) == earlier
    assert json.loads(path.read_text("utf-8")) == {"version": 2, "year": 2025}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert scan_paths([tmp_path], id_numbers(earlier)) == []
    assert load_live_docket(tmp_path) == earlier
