"""Temporal workflows, activities and adapters. Importable without eventsourcing."""
