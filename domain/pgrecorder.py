"""eventsourcing's PostgreSQL application recorder, with one method changed: ``insert_events``.

The library sends a save in psycopg's pipeline mode. With psycopg 3.3 that hangs for good on a
large save (from about 16,000 events, ~8 MB, in one transaction — a legacy import batch): the
client stops sending mid-statement and the server waits in ``ClientRead`` forever. Here the very
same statements (the table lock that keeps notification ids in commit order, ``NOTIFY``, the
``unnest`` insert returning the ids) run in one ordinary transaction instead. Measured here,
that is also faster for the engine's one-event saves (~960 vs ~700 saves/s on one connection).
Tables, reads, tracking, subscriptions and errors stay the library's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry


class PostgresEventRecorder(PostgresApplicationRecorder):
    """``PostgresApplicationRecorder`` saving without pipeline mode (see the module docstring)."""

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any
                      ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._insert_events(curs, stored_events, **kwargs)
            if not stored_events:
                return None  # as the library answers an empty save
            self._insert_stored_events(curs, stored_events, **kwargs)  # lock, notify, insert
            return self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
