"""Read models fed from the event log with tracking (exactly once, rebuildable).

See docs/projections.md. Import what you need from its module (nothing is loaded here, so that
importing one read model does not load the others):

- running: ``projections.runner`` (``ReadModelRunner``, ``rebuild``, ``open_store``),
  ``projections.read_store`` / ``projections.read_store_pg`` (read stores), ``projections.settings``;
- read models: ``projections.timeline``, ``projections.audit_view`` (``termination_audit``,
  ``audit_summary``), ``projections.metrics``, ``projections.watch``, ``projections.registers``;
- auditor tools: ``projections.auditor`` (``state_as_of``, ``verify_case``, ``verify_store``,
  ``export_read_model``, ``export_all``).
"""
