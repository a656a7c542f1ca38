"""What every context's Application shares: positions, version checks, history."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.persistence import IntegrityError

from domain.shared.errors import ConflictError, NotFoundError, VersionMismatchError
from domain.shared.meta import Meta
from domain.shared.reads import SensitiveRead
from domain.shared.strict_json import require_strict_json

# Fields every eventsourcing event has; the rest of an event is its payload.
_ENVELOPE = {"originator_id", "originator_version", "timestamp", "originator_topic", "meta"}
# Fields the library itself writes (ids, numbers, a time, a topic): nothing to check in them.
_POSITIONAL = {"originator_id", "originator_version", "timestamp", "originator_topic"}


@dataclass(frozen=True, kw_only=True)
class Written:
    """The outcome of a command: the aggregate it changed and where the log now stands."""

    aggregate_id: UUID
    version: int
    position: int
    log: str
    # The aggregate as saved, so a caller can answer without loading it again.
    aggregate: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, kw_only=True)
class HistoryEntry:
    """One recorded event of an aggregate, as an auditor reads it."""

    type: str
    version: int
    timestamp: datetime
    user_id: str | None
    ip: str | None
    user_agent: str | None
    correlation_id: str | None
    reason: str | None
    payload: dict[str, Any]
    api_key_id: str | None = None  # the API key the change was made with, if one


def require_version(aggregate: Aggregate, expected_version: int | None) -> None:
    """This function will refuse a command made against an outdated version (If-Match)."""
    if expected_version is not None and aggregate.version != expected_version:
        raise VersionMismatchError(expected=expected_version, current=aggregate.version)


def history_entry(domain_event: DomainEventProtocol[UUID]) -> HistoryEntry:
    """This function will turn a stored event into an auditor's history entry."""
    fields = dict(domain_event.__dict__)
    meta = fields.get("meta") or {}
    payload = {k: _plain(v) for k, v in fields.items() if k not in _ENVELOPE}
    return HistoryEntry(
        type=type(domain_event).__qualname__,
        version=domain_event.originator_version,
        timestamp=getattr(domain_event, "timestamp"),  # noqa: B009 - not on the protocol
        user_id=meta.get("user_id"),
        ip=meta.get("ip"),
        user_agent=meta.get("user_agent"),
        correlation_id=meta.get("correlation_id"),
        reason=meta.get("reason"),
        payload=payload,
        api_key_id=meta.get("api_key_id"),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def require_strict_events(aggregates: tuple[Aggregate, ...]) -> None:
    """This function will refuse pending events holding a value that is not strict JSON (NaN,
    Infinity, NUL, a lone surrogate, nesting past the bound): stored, such a value stops the
    read models (jsonb refuses it) or the aggregate's own replay, for good."""
    seen: set[UUID] = set()
    for aggregate in aggregates:
        if aggregate.id in seen:
            continue
        seen.add(aggregate.id)
        for pending in aggregate.pending_events:
            for name, value in pending.__dict__.items():
                if name not in _POSITIONAL:
                    require_strict_json(name, value)


class ConcurrentChangeError(ConflictError):
    """A command that lost a race: another one changed the same aggregate first."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(
            "the resource was changed by another request at the same time; reload it and retry"
        )
        self.current_version = current_version


class TestamentApplication(Application[UUID]):
    """An eventsourcing Application with Testament's conventions."""

    __test__ = False
    is_snapshotting_enabled = True

    def save_and_locate(self, *aggregates: Aggregate) -> int:
        """This function will save the aggregates in one transaction and return the log position.

        Raises InvalidValueError, before anything is written, for a value no reader of the log
        could take back (see domain.shared.strict_json): one check for every command.
        """
        require_strict_events(aggregates)
        recordings = self.save(*aggregates)
        positions = [r.notification.id for r in recordings if r.notification.id is not None]
        if positions:
            return max(positions)
        # Nothing changed: the log's head is a position the reader may safely wait for.
        return self.recorder.max_notification_id() or 0

    def written(self, aggregate: Aggregate, *others: Aggregate) -> Written:
        """This function will save and describe the result of a command."""
        try:
            position = self.save_and_locate(aggregate, *others)
        except IntegrityError:
            raise ConcurrentChangeError(self._current_version(aggregate.id)) from None
        return Written(
            aggregate_id=aggregate.id,
            version=aggregate.version,
            position=position,
            log=self.name,
            aggregate=aggregate,
        )

    def record_read(self, what: str, object_id: UUID | str, meta: Meta) -> Written:
        """This function will record, in this context's log, that someone read something
        sensitive (a file's bytes, an export): docs/audit.md, "Sensitive reads"."""
        return self.written(SensitiveRead(what=what, object_id=str(object_id), meta=meta))

    def _current_version(self, aggregate_id: UUID) -> int | None:
        latest = list(self.events.get(aggregate_id, desc=True, limit=1))
        return latest[0].originator_version if latest else None

    def history(self, aggregate_id: UUID) -> list[HistoryEntry]:
        """This function will list every event of an aggregate, oldest first."""
        entries = [history_entry(e) for e in self.events.get(aggregate_id)]
        if not entries:
            raise NotFoundError("not found")
        return entries

    def load_version(self, aggregate_id: UUID, version: int | None = None) -> Any:
        """This function will replay an aggregate up to a version (all of it when None)."""
        from eventsourcing.application import AggregateNotFoundError

        try:
            return self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError as error:
            raise NotFoundError("not found") from error
