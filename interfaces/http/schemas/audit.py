"""Response bodies of the audit API."""

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from interfaces.http.schemas.projects import HistoryEntryPublic


class ChainHeadPublic(BaseModel):
    position: int = Field(description="the log's last linked position when the digest was taken")
    link: str = Field(description="that position's link, 64 hex digits (docs/audit.md)")


class DigestPublic(BaseModel):
    number: int
    taken_at: datetime
    heads: dict[str, ChainHeadPublic] = Field(description="per log: identity, apidoc, ...")
    public_key: str = Field(description="the Ed25519 public key that signed it, hex")
    signature: str = Field(
        description="Ed25519 over the canonical JSON of taken_at and heads (docs/audit.md)"
    )


class DigestsPublic(BaseModel):
    items: list[DigestPublic]
    public_key: str = Field(description="the key signing new digests, hex")
    next_after: int | None = Field(description="pass as `after` for the next page; none at the end")


class AuditEntryPublic(BaseModel):
    id: UUID
    at: datetime = Field(description="when the event was recorded")
    user_id: UUID | None = Field(description="who; none for the system")
    ip: str | None = Field(description="the request's client address, as recorded")
    user_agent: str | None
    correlation_id: str | None
    reason: str | None = Field(description="the X-Change-Reason the client gave, if any")
    module: str | None = Field(description="the log: identity, apidoc, storage, testgen, testexec")
    position: int | None = Field(description="the event's position in that log")
    action: str = Field(description="Aggregate.Event, e.g. TestCase.ExpectationsChanged")
    object_id: str = Field(description="the aggregate's id")
    version: int = Field(description="the aggregate's version after the event")
    description: str = Field(description="who did what to which object, as a sentence")
    changes: dict[str, Any] = Field(description="the event's fields, secrets masked")


class AuditEntriesPublic(BaseModel):
    items: list[AuditEntryPublic]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; none on the last page"
    )


class AggregateStatePublic(BaseModel):
    """Any aggregate as of one version: the same shape for every resource."""

    log: str = Field(description="the log holding it: identity, apidoc, storage, testgen, testexec")
    aggregate_id: UUID
    type: str = Field(description="the aggregate's class, e.g. TestCase")
    version: int
    at: datetime = Field(description="when that version was recorded")
    state: dict[str, Any] = Field(
        description="the aggregate's attributes after replaying its events up to `version`,"
        " as JSON, secrets masked as ***"
    )


class FieldChangePublic(BaseModel):
    field: str
    before: Any
    after: Any


class AggregateDiffPublic(BaseModel):
    before: AggregateStatePublic
    after: AggregateStatePublic
    changes: list[FieldChangePublic] = Field(description="the attributes that differ")
    events: list[HistoryEntryPublic] = Field(
        description="the events after `from` up to `to`: who changed what, when, from where"
    )
