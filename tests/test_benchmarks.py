"""Every benchmark under bench/ still runs: its ``--quick`` mode (small sizes, seconds) exits 0
and ends with its ``ratio=<x> target=<y>`` line. The ratio of a quick run means little and is
not judged here; a benchmark that no longer runs fails the suite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.worker_process import clean_env

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "bench").glob("bench_*.py"))
RATIO = re.compile(r"ratio=\d+(\.\d+)? target=\d+(\.\d+)?")


def run_quick(bench: Path, where: Path, **env: str) -> str:
    """``python bench/<bench> --quick --dir <where> [--store …]``: its standard output."""
    store = ["--store", "postgres"] if env else []
    done = subprocess.run([sys.executable, str(bench), "--quick", "--dir", str(where), *store],
                          cwd=where, env=clean_env(**env), capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines and RATIO.fullmatch(lines[-1]), done.stdout + done.stderr
    return done.stdout


def test_the_benchmarks_are_all_found() -> None:
    assert {p.name for p in BENCHMARKS} >= {"bench_commands.py", "bench_procedure.py",
                                            "bench_projections.py"}


@pytest.mark.parametrize("bench", BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_each_benchmark_runs_in_its_quick_mode(bench: Path, tmp_path: Path) -> None:
    run_quick(bench, tmp_path)
    assert list(tmp_path.iterdir()) == []  # its temporary stores removed
