"""auditlog.audit_log_entries in memory: the twin of PostgresAuditLogView."""

import copy
from dataclasses import asdict
from typing import Any
from uuid import UUID

from projections.audit_log.view import AuditEntry, AuditLogView


class MemoryAuditLogView(AuditLogView):
    """One row per domain event, keyed by the event's stable id."""

    tables = ("audit_log_entries",)

    def __init__(self) -> None:
        self._entries: dict[UUID, dict[str, Any]] = {}

    def rows(self, table: str) -> list[dict[str, Any]]:
        """This function will return a table's rows ordered by id, as SELECT * gives them."""
        if table != "audit_log_entries":
            raise KeyError(f"no table {table!r} in this view; it has {self.tables}")
        return [copy.deepcopy(self._entries[key]) for key in sorted(self._entries)]

    def append(self, entry: AuditEntry) -> None:
        if entry.id in self._entries:
            raise ValueError(f"duplicate key: an audit entry with id {entry.id} already exists")
        self._entries[entry.id] = {
            **asdict(entry),
            "updated_date_time": entry.created_date_time,
        }
