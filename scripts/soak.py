"""Flakes are defects: run the whole test suite N times with every core kept busy.

    python scripts/soak.py [--runs N] [--hogs H] [--log-dir DIR] [-- PYTEST ARGS…]

(``make soak``; ``SOAK_RUNS`` sets N, default 5.) Before each run it starts H CPU hogs (default:
one per core), busy loops that end by themselves after ``--hog-seconds`` and die with this
process even if it is killed; it stops them after the run whatever happened. Each run is
``python -m pytest -q -p no:cacheprovider`` (plus the arguments after ``--``), its output kept in
``<log-dir>/run-<i>.log``; a line per run says passed or FAILED with the failing tests, and a
summary counts each failing test over the runs. Exit status 0 only if every run passed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.processes import die_with_parent  # noqa: E402

HOG = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass\n"
RUN_TIMEOUT = 3600
"""One run of the suite may take at most an hour (its tests have their own timeouts)."""


@contextmanager
def hogs(count: int, seconds: float) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` busy loops of at most ``seconds`` each, stopped on leaving (and dying with
    this process should it be killed)."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            started.append(subprocess.Popen(
                [sys.executable, "-c", HOG.format(seconds=seconds)], stdin=subprocess.DEVNULL,
                process_group=0, preexec_fn=die_with_parent()))
        yield started
    finally:
        for hog in started:
            with suppress(ProcessLookupError):
                hog.kill()
        for hog in started:
            hog.wait()


def failures(log: str) -> list[str]:
    """The failing tests of a pytest run (its ``-ra`` summary: FAILED and ERROR lines)."""
    return [m.group(2) for m in re.finditer(r"^(FAILED|ERROR) (\S+)", log, re.M)]


def outcome(log: str) -> str:
    """Pytest's last line (``877 passed in 312.0s`` …) or, without one, the log's last line."""
    lines = [line.strip("= ") for line in log.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def run_suite(i: int, runs: int, args: Sequence[str], log_dir: Path, hog_count: int,
              hog_seconds: float) -> list[str]:
    """One run of the suite beside the hogs; the failing tests ([] when it passed)."""
    log = log_dir / f"run-{i}.log"
    # A temporary directory of its own: pytest's shared /tmp/pytest-of-<user>/pytest-N keeps
    # only the newest few, so another pytest on the machine could delete this run's files.
    basetemp = log_dir / f"tmp-{i}"
    with hogs(hog_count, hog_seconds), log.open("w") as out:
        suite = subprocess.Popen([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                  f"--basetemp={basetemp}", *args], cwd=ROOT, stdout=out,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0,
                                 preexec_fn=die_with_parent())
        try:
            code = suite.wait(RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            if suite.poll() is None:  # timed out, or we are interrupted: stop its whole group
                with suppress(ProcessLookupError):
                    os.killpg(suite.pid, signal.SIGKILL)
                suite.wait()
            shutil.rmtree(basetemp, ignore_errors=True)
    text = log.read_text("utf-8", "replace")
    failed = failures(text)
    if code == 0:
        print(f"run {i}/{runs}: passed — {outcome(text)}", flush=True)
        return []
    why = "timed out" if code is None else f"exit {code}"
    failed = failed or [f"(suite {why}: {outcome(text)})"]
    print(f"run {i}/{runs}: FAILED ({why}) — {outcome(text)}; log {log}", flush=True)
    for test in failed:
        print(f"    {test}", flush=True)
    return failed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SOAK_RUNS") or 5))
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 2,
                        help="busy loops beside each run (default: one per core)")
    parser.add_argument("--hog-seconds", type=float, default=RUN_TIMEOUT,
                        help="each hog ends by itself after this long (default: one hour)")
    parser.add_argument("--log-dir", type=Path, default=None,
                        help="where run-<i>.log go (default: data/soak/<date-time>)")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to pytest")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.hogs < 0:
        parser.error("--runs must be at least 1 and --hogs not negative")
    log_dir: Path = args.log_dir or ROOT / "data" / "soak" / datetime.now().strftime(
        "%Y%m%d-%H%M%S")
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"soak: {args.runs} run(s) of the suite, {args.hogs} CPU hog(s) beside each; logs in "
          f"{log_dir}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up the hogs on SIGTERM too
    seen: Counter[str] = Counter()
    failed_runs = 0
    for i in range(1, args.runs + 1):
        failed = run_suite(i, args.runs, args.pytest_args, log_dir, args.hogs, args.hog_seconds)
        failed_runs += bool(failed)
        seen.update(failed)
    print(f"soak: {args.runs - failed_runs} of {args.runs} run(s) passed", flush=True)
    for test, times in seen.most_common():
        print(f"    failed {times}× of {args.runs}: {test}", flush=True)
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
