"""Compare two read-model stores table by table, row for row."""

from __future__ import annotations

from projections.read_store import ReadModelStore, table_contents


def assert_same_read_models(left: ReadModelStore, right: ReadModelStore) -> None:
    """Every table (tracking included) holds exactly the same rows in both stores."""
    tables = left.table_names()
    assert tables == right.table_names()
    for table in tables:
        mine, theirs = table_contents(left, table), table_contents(right, table)
        assert mine == theirs, f"table {table} differs"
