"""The console reads only through the Engine facade and the read models' types, and acts only
through ``Engine.act``: no module of console/ reaches Temporal, the event store or a read-model
store itself (the accounts store is cli/accounts.py's)."""

from __future__ import annotations

from pathlib import Path

from tests.test_layering import ROOT, imported

FORBIDDEN = ("temporalio", "eventsourcing", "sqlite3", "psycopg", "domain.application",
             "domain.event_store_config", "engine.records", "engine.runtime",
             "projections.read_store", "projections.runner", "workflows.case_workflow")


def test_the_console_imports_neither_temporal_nor_the_stores() -> None:
    wrong = [f"{path.relative_to(ROOT)}:{line} {module}"
             for path in sorted((ROOT / "console").rglob("*.py"))
             for line, module in imported(path, ROOT)
             if any(module == f or module.startswith(f + ".") for f in FORBIDDEN)]
    assert wrong == []
    assert Path(ROOT / "console" / "app.py").exists()
