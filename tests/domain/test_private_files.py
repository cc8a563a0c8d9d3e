"""Files the engine writes are its own (docs/operations.md, "Personal data at rest"): the
SQLite event store, its WAL and key files 0600 and a new directory 0700 even in a process whose
umask would share them; an old data directory is tightened; the engine's processes run with
umask 077."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from domain.application import EnforcementCases
from domain.private import PRIVATE_UMASK, loose, private_umask, tighten
from tests.support import KEY, Driver


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def sharing_umask() -> Iterator[None]:
    """A host process that would create files 0644 and directories 0755."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("sharing_umask")
def test_the_event_store_and_its_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    store = tmp_path / "data" / "events.sqlite"
    app = EnforcementCases.sqlite(store, chain_key=KEY)
    Driver(app).file(date(2026, 1, 10))
    written = sorted(p.name for p in store.parent.iterdir())
    assert {"events.sqlite", "events.sqlite-wal", "events.cipherkey"} <= set(written)
    app.close()
    assert mode(store.parent) == 0o700
    assert loose(store.parent) == [], written


@pytest.mark.usefixtures("sharing_umask")
def test_a_data_directory_written_before_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "exports").mkdir(parents=True)
    for name in ("events.sqlite", "exports/timeline.csv", "live-docket.json"):
        (data / name).write_text("x")
    assert mode(data) == 0o755 and mode(data / "events.sqlite") == 0o644
    changed = tighten(data)
    assert len(changed) == 5
    assert mode(data) == mode(data / "exports") == 0o700
    assert loose(data) == []
    assert tighten(data) == []  # nothing left to change


@pytest.mark.usefixtures("sharing_umask")
def test_only_the_engines_files_are_tightened(tmp_path: Path) -> None:
    """A data directory given as the working directory: its scripts and hidden directories
    keep their modes."""
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "run.sh").chmod(0o755)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "state.json").write_text("{}")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "notes.txt").write_text("x")
    (tmp_path / "events.sqlite").write_text("x")
    tmp_path.chmod(0o755)
    assert tighten(tmp_path) == [tmp_path, tmp_path / "events.sqlite"]
    assert mode(tmp_path / "run.sh") == 0o755 and mode(tmp_path / "src") == 0o755
    assert mode(tmp_path / ".venv" / "bin" / "state.json") == 0o644


def test_the_engines_processes_run_with_umask_077() -> None:
    before = private_umask()
    try:
        assert os.umask(PRIVATE_UMASK) == 0o077
    finally:
        os.umask(before)
