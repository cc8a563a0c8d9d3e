"""The benchmarks that measure PostgreSQL too still run on it: ``--quick --store postgres``
against the session's server exits 0 and ends with its ratio line (not judged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.event_store_config import PostgresSettings
from tests.test_benchmarks import ROOT, run_quick

ON_POSTGRES = [ROOT / "bench" / "bench_commands.py", ROOT / "bench" / "bench_projections.py"]


@pytest.mark.parametrize("bench", ON_POSTGRES, ids=[p.stem for p in ON_POSTGRES])
def test_each_benchmark_runs_quick_on_postgres(bench: Path, tmp_path: Path,
                                               postgres: PostgresSettings) -> None:
    out = run_quick(bench, tmp_path, **postgres.library_env())
    assert f"{postgres.host}:{postgres.port}" in out  # on that server, not a throwaway one
