"""The audit API: the audit log, and signed digests of the hash chain (docs/audit.md)."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from application.audit.ports import AuditFilter, AuditRecord
from application.audit.queries import CURSOR_PATTERN, AuditQueries
from application.audit.replay import AggregateState, Replay
from domain.shared.errors import InvalidValueError
from domain.users.model import Role
from interfaces.http.dependencies import AdminUser, CurrentUser, MetaDep, RuntimeDep, Versions
from interfaces.http.schemas.audit import (
    AggregateDiffPublic,
    AggregateStatePublic,
    AuditEntriesPublic,
    AuditEntryPublic,
    ChainHeadPublic,
    DigestPublic,
    DigestsPublic,
    FieldChangePublic,
)
from interfaces.http.schemas.projects import HistoryEntryPublic

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "/digests",
    response_model=DigestsPublic,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def list_digests(
    _admin: AdminUser,
    runtime: RuntimeDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "jsonl"], Query()] = "json",
) -> DigestsPublic | StreamingResponse:
    """The signed digests, oldest first, from the one after `after`. `format=jsonl` answers
    every digest from there as the file `testament verify --digest` reads: keep it outside
    the system."""
    digests = runtime.audit_digests
    if format == "jsonl":

        def lines() -> Iterator[str]:
            cursor = after
            while page := digests.page(after=cursor, limit=500):
                for digest in page:
                    yield digest.as_line()
                cursor = page[-1].number

        return StreamingResponse(
            lines(),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="testament-digests.jsonl"'},
        )
    page = digests.page(after=after, limit=limit)
    return DigestsPublic(
        items=[
            DigestPublic(
                number=d.number,
                taken_at=d.taken_at,  # type: ignore[arg-type]  # ISO 8601, validated
                heads={
                    log: ChainHeadPublic(position=position, link=link.hex())
                    for log, (position, link) in sorted(d.heads.items())
                },
                public_key=d.public_key,
                signature=d.signature,
            )
            for d in page
        ],
        public_key=digests.public_key,
        next_after=page[-1].number if len(page) == limit else None,
    )


# Every log the audit log follows (infrastructure/audit/chain.py LOGS; a test holds the two).
Module = Literal[
    "identity",
    "apidoc",
    "storage",
    "testgen",
    "testexec",
    "notif",
    "sub",
    "llm",
    "testreport",
    "config",
]
_CSV_COLUMNS = (
    "at",
    "module",
    "position",
    "action",
    "object_id",
    "version",
    "user_id",
    "ip",
    "user_agent",
    "correlation_id",
    "reason",
    "description",
    "changes",
)


def _public(record: AuditRecord) -> AuditEntryPublic:
    return AuditEntryPublic(
        id=record.id,
        at=record.at,
        user_id=record.user_id,
        ip=record.ip,
        user_agent=record.user_agent,
        correlation_id=record.correlation_id,
        reason=record.reason,
        module=record.module,
        position=record.position,
        action=record.action,
        object_id=record.object_id,
        version=record.version,
        description=record.description,
        changes=record.changes,
    )


def _csv(records: Iterator[AuditRecord]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_CSV_COLUMNS)
    for record in records:
        item = _public(record).model_dump(mode="json")
        item["changes"] = json.dumps(item["changes"], sort_keys=True)
        writer.writerow([item[column] for column in _CSV_COLUMNS])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _jsonl(records: Iterator[AuditRecord]) -> Iterator[str]:
    for record in records:
        yield _public(record).model_dump_json() + "\n"


@router.get(
    "",
    response_model=AuditEntriesPublic,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def list_entries(
    caller: CurrentUser,
    meta: MetaDep,
    runtime: RuntimeDep,
    user_id: UUID | None = None,
    module: Module | None = None,
    object_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="from this time (inclusive)")] = None,
    until: Annotated[datetime | None, Query(description="up to this time (exclusive)")] = None,
    cursor: Annotated[
        str | None,
        Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the page before"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Annotated[Literal["json", "csv", "jsonl"], Query()] = "json",
) -> AuditEntriesPublic | StreamingResponse:
    """The audit log, oldest first: who did what to which object, when, from which log
    position. An Admin reads every entry; anyone else the entries they made and those about
    their own account. `format=csv` or `jsonl` streams every matching entry (no `limit`,
    no `cursor`) as a download."""
    admin = Role.ADMIN in runtime.identity.active_account(caller.user_id).roles
    where = AuditFilter(
        user_id=user_id,
        module=module,
        object_id=object_id,
        action=action,
        since=_aware(since, "since"),
        until=_aware(until, "until"),
    )
    queries = AuditQueries(runtime.audit_log)
    if format != "json":
        runtime.identity.record_read(f"audit.export.{format}", caller.user_id, meta)
        records = queries.export(where, caller=caller.user_id, admin=admin)
        body, media = (
            (_csv(records), "text/csv")
            if format == "csv"
            else (
                _jsonl(records),
                "application/x-ndjson",
            )
        )
        return StreamingResponse(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="testament-audit.{format}"'},
        )
    page = queries.page(where, caller=caller.user_id, admin=admin, cursor=cursor, limit=limit)
    return AuditEntriesPublic(items=[_public(r) for r in page.items], next_cursor=page.next_cursor)


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise InvalidValueError(field, "give a time zone (e.g. 2026-01-31T12:00:00Z)")
    return value


def _state(found: AggregateState) -> AggregateStatePublic:
    return AggregateStatePublic.model_validate(found, from_attributes=True)


@router.get("/aggregates/{aggregate_id}", response_model=AggregateStatePublic)
def aggregate_state(
    aggregate_id: UUID,
    _admin: AdminUser,
    runtime: RuntimeDep,
    version: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    at: Annotated[datetime | None, Query(description="as it stood at this time")] = None,
    module: Module | None = None,
) -> AggregateStatePublic:
    """Any aggregate (project, specification, suite, case, environment, run, file, user)
    replayed from its log as of `version` or `at` (the latest when neither), in one shape."""
    replay = Replay(dict(runtime.applications()))  # type: ignore[arg-type]
    return _state(replay.state(aggregate_id, version=version, at=_aware(at, "at"), log=module))


@router.get("/aggregates/{aggregate_id}/diff", response_model=AggregateDiffPublic)
def aggregate_diff(
    aggregate_id: UUID,
    _admin: AdminUser,
    runtime: RuntimeDep,
    versions: Versions,
    module: Module | None = None,
) -> AggregateDiffPublic:
    """The aggregate at version `from` and at `to`, the attributes that differ, and every
    event between them (after `from`, up to `to`)."""
    replay = Replay(dict(runtime.applications()))  # type: ignore[arg-type]
    found = replay.diff(aggregate_id, first=versions.first, last=versions.last, log=module)
    return AggregateDiffPublic(
        before=_state(found.before),
        after=_state(found.after),
        changes=[FieldChangePublic.model_validate(c, from_attributes=True) for c in found.changes],
        events=[HistoryEntryPublic.model_validate(e, from_attributes=True) for e in found.events],
    )
