"""Module boundaries: workflow code never loads the event store; the docket schema is published."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from workflows.docket import Docket

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW_MODULES = ("workflows.case_workflow", "workflows.world", "workflows.case_doors",
                    "workflows.act_rules", "workflows.context", "workflows.termination")


def loaded_after(imports: str) -> set[str]:
    code = f"import sys, json; {imports}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout))


def test_workflow_modules_import_no_eventsourcing() -> None:
    modules = loaded_after("; ".join(f"import {m}" for m in WORKFLOW_MODULES))
    assert not {m for m in modules if m.split(".")[0] == "eventsourcing"}
    assert "domain.application" not in modules and "workflows.activities" not in modules


def test_the_workflows_package_is_import_light() -> None:
    modules = loaded_after("import workflows")
    assert not {m for m in modules if m.split(".")[0] in ("temporalio", "eventsourcing",
                                                          "pydantic")}


def test_the_published_docket_schema_matches_the_model() -> None:
    published = json.loads((ROOT / "docs" / "docket.schema.json").read_text("utf-8"))
    assert published == Docket.model_json_schema()


def test_the_sample_docket_is_valid() -> None:
    docket = Docket.model_validate_json((ROOT / "examples" / "sample-docket.json").read_text())
    assert len(docket.cases) == 4
