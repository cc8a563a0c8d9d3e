"""Pure domain model of an enforcement case: no Temporal, no I/O beyond eventsourcing."""
