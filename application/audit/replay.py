"""Replay for auditors: any aggregate of any log as of a version or a time, in one shape,
and the difference between two of its versions with the events between them."""

from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.shared.base import HistoryEntry, TestamentApplication, history_entry
from domain.shared.errors import InvalidValueError, NotFoundError

MASK = "***"
# Attribute names whose values never leave the log, even to an Admin (as the audit log).
_SECRET_NAMES = ("password", "secret", "token", "hash")
_SEALED = "sealed:"  # every version of a sealed secret (v1 before the key ring, v2 under it)


@dataclass(frozen=True, kw_only=True, slots=True)
class AggregateState:
    """An aggregate as of one version: the one shape for every resource (docs/audit.md)."""

    log: str
    aggregate_id: UUID
    type: str
    version: int
    at: datetime
    state: dict[str, Any]


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, kw_only=True, slots=True)
class AggregateDiff:
    before: AggregateState
    after: AggregateState
    changes: list[FieldChange]
    events: list[HistoryEntry]


class Replay:
    """Replays aggregates from the logs of every context (for Admins: no owner is checked
    here; the route requires the Admin role)."""

    def __init__(self, applications: dict[str, TestamentApplication]) -> None:
        self._apps = applications

    def state(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        at: datetime | None = None,
        log: str | None = None,
    ) -> AggregateState:
        """Raises NotFoundError (no such aggregate, or not at that version or time) and
        InvalidValueError (both a version and a time)."""
        if version is not None and at is not None:
            raise InvalidValueError("at", "give a version or a time, not both")
        name, app = self._find(aggregate_id, log)
        if at is not None:
            version = self._version_at(app, aggregate_id, at)
        aggregate = app.load_version(aggregate_id, version)
        if version is not None and aggregate.version != version:
            raise NotFoundError(
                f"version {version} not found; the aggregate is at version {aggregate.version}"
            )
        return AggregateState(
            log=name,
            aggregate_id=aggregate_id,
            type=type(aggregate).__qualname__,
            version=aggregate.version,
            at=aggregate.modified_on,
            state=plain_state(aggregate),
        )

    def diff(
        self, aggregate_id: UUID, *, first: int, last: int, log: str | None = None
    ) -> AggregateDiff:
        """The state at `first` and at `last`, the fields that differ, and the events after
        `first` up to `last`. Raises NotFoundError and InvalidValueError."""
        if first >= last:
            raise InvalidValueError("to", "must be after `from`")
        before = self.state(aggregate_id, version=first, log=log)
        after = self.state(aggregate_id, version=last, log=before.log)
        keys = sorted(set(before.state) | set(after.state))
        changes = [
            FieldChange(field=k, before=before.state.get(k), after=after.state.get(k))
            for k in keys
            if before.state.get(k) != after.state.get(k)
        ]
        app = self._apps[before.log]
        events = [history_entry(e) for e in app.events.get(aggregate_id, gt=first, lte=last)]
        return AggregateDiff(before=before, after=after, changes=changes, events=events)

    def _find(self, aggregate_id: UUID, log: str | None) -> tuple[str, TestamentApplication]:
        names = [log] if log else list(self._apps)
        for name in names:
            app = self._apps[name]
            if next(iter(app.events.get(aggregate_id, limit=1)), None) is not None:
                return name, app
        raise NotFoundError("no aggregate with this id in " + (log or "any log"))

    @staticmethod
    def _version_at(app: TestamentApplication, aggregate_id: UUID, at: datetime) -> int:
        version = None
        for event in app.events.get(aggregate_id):
            if getattr(event, "timestamp") > at:  # noqa: B009 - not on the protocol
                break
            version = event.originator_version
        if version is None:
            raise NotFoundError("the aggregate did not exist yet at that time")
        return int(version)


def plain_state(aggregate: Any) -> dict[str, Any]:
    """An aggregate's attributes as JSON values, secrets masked, library internals left out."""
    return {
        name: _masked(name, value)
        for name, value in sorted(vars(aggregate).items())
        if not name.startswith("_")
    }


def _masked(name: str, value: Any) -> Any:
    if any(part in name.lower() for part in _SECRET_NAMES) and value not in (None, "", [], {}):
        return MASK
    if isinstance(value, str):
        return MASK if value.startswith(_SEALED) else value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _masked(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_masked("", v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "value") and isinstance(value.value, str | int):  # enums
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _masked(f.name, getattr(value, f.name)) for f in fields(value)}
    if hasattr(value, "__dict__"):
        return {k: _masked(k, v) for k, v in vars(value).items() if not k.startswith("_")}
    return str(value)
