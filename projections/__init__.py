"""Read models fed from the event log with tracking (exactly once, rebuildable)."""
