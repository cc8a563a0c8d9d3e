"""Deterministic identifiers: a case's aggregate id derives from its number."""

from __future__ import annotations

from uuid import UUID, uuid5

CASE_NAMESPACE = UUID("6f1f6d0e-3b7a-5a43-9c1e-2d1b0c7f4e21")


def case_id(case_number: str) -> UUID:
    """The aggregate id of the case with this (normalised) number."""
    return uuid5(CASE_NAMESPACE, case_number)
