"""What reading the audit log needs: a reader of auditlog.audit_log_entries."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditFilter:
    """Which entries: every given criterion must hold. `visible_to` limits them to those a
    non-Admin may see (made by them, or about their own account); None means everything."""

    user_id: UUID | None = None
    module: str | None = None
    object_id: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    visible_to: UUID | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditRecord:
    """One audit entry: who (user, IP, user agent), what (module, action, object, changes),
    when, and the log position it came from."""

    id: UUID
    user_id: UUID | None
    ip: str | None
    user_agent: str | None
    correlation_id: str | None
    reason: str | None
    module: str | None
    position: int | None
    action: str
    object_id: str
    version: int
    changes: dict[str, Any]
    at: datetime

    @property
    def description(self) -> str:
        """A sentence a person reads: who did which action to which object."""
        who = f"user {self.user_id}" if self.user_id else "the system"
        where = f" in {self.module}" if self.module else ""
        return f"{who}: {self.action} on {self.object_id} (version {self.version}){where}"


@dataclass(frozen=True, slots=True)
class AuditKey:
    """Where a page ends: entries are ordered by time, then id."""

    at: datetime
    id: UUID


class AuditReader(Protocol):
    def entries(
        self, where: AuditFilter, *, after: AuditKey | None, limit: int
    ) -> list[AuditRecord]: ...

    def stream(self, where: AuditFilter, *, page_size: int) -> Iterator[AuditRecord]:
        """Every matching entry, a page at a time (no connection held between pages)."""
        ...
