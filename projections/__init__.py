"""Read models fed from the event log with tracking (exactly once, rebuildable).

See docs/projections.md. The public surface:

- running: ``ReadModelRunner`` (incremental, page by page), ``rebuild`` (from position 0 into a
  fresh store), ``SQLiteReadModelStore`` / ``open_store``, ``ProjectionSettings``;
- read models: ``timeline``, ``termination_audit`` / ``audit_summary``, ``quality_metrics``,
  ``deadline_watch``, ``asset_register``, ``sanctions_register``;
- auditor tools: ``state_as_of``, ``verify_case``, ``verify_store``, ``export_read_model``,
  ``export_all``.
"""

from projections.audit import AuditClass
from projections.audit_view import audit_summary, termination_audit
from projections.auditor import (
    export_all,
    export_read_model,
    state_as_of,
    verify_case,
    verify_store,
)
from projections.metrics import MetricDefinitions, Metrics, periods, quality_metrics
from projections.registers import asset_register, sanctions_register
from projections.runner import ReadModelRunner, default_projections, open_store, rebuild
from projections.settings import ProjectionSettings
from projections.store import ReadModelMismatchError, SQLiteReadModelStore
from projections.timeline import timeline
from projections.watch import deadline_watch

__all__ = [
    "AuditClass", "MetricDefinitions", "Metrics", "ProjectionSettings", "ReadModelMismatchError",
    "ReadModelRunner", "SQLiteReadModelStore", "asset_register", "audit_summary",
    "deadline_watch", "default_projections", "export_all", "export_read_model", "open_store",
    "periods", "quality_metrics", "rebuild", "sanctions_register", "state_as_of",
    "termination_audit", "timeline", "verify_case", "verify_store",
]
