"""What the audit log read model can be told to do."""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """A row of auditlog.audit_log_entries: one per domain event of any context."""

    id: UUID
    user_id: UUID | None
    action: str
    object_id: str
    log: str
    created_date_time: datetime
    row_version: int
    # The log (module) and position the event came from; None only when no runner applies
    # the projection (unit tests), and in rows written before these columns existed.
    module: str | None = None
    position: int | None = None


class AuditLogView(ABC):
    """auditlog.audit_log_entries."""

    @abstractmethod
    def append(self, entry: AuditEntry) -> None: ...
