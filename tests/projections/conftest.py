"""Fixtures of the projection tests: a read-model store in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projections.read_store import SQLiteReadModelStore


@pytest.fixture
def views(tmp_path: Path) -> Iterator[SQLiteReadModelStore]:
    store = SQLiteReadModelStore(tmp_path / "views.db")
    yield store
    store.close()
