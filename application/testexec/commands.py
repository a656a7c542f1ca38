"""Commands of the testexec context."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.shared.meta import Meta


@dataclass(frozen=True, kw_only=True)
class CreateEnvironment:
    project_id: UUID
    requester_id: UUID
    name: str
    base_url: str
    meta: Meta
    variables: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    auth: dict[str, Any] = field(default_factory=lambda: {"type": "none"})
    make_default: bool = False


@dataclass(frozen=True, kw_only=True)
class UpdateEnvironment:
    environment_id: UUID
    requester_id: UUID
    meta: Meta
    name: str | None = None
    base_url: str | None = None
    variables: list[dict[str, Any]] | None = None
    headers: dict[str, str] | None = None
    auth: dict[str, Any] | None = None
    expected_version: int | None = None
    # Read-only fields sent back as a GET returned them (id, project_id, is_default): each
    # must hold the environment's current value, so a read written back changes nothing.
    read_only: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class EnvironmentCommand:
    environment_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RequestTestRun:
    suite_id: UUID
    requester_id: UUID
    meta: Meta
    environment_id: UUID | None = None  # None: the project's default environment


@dataclass(frozen=True, kw_only=True)
class CancelTestRun:
    run_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class CreateSchedule:
    suite_id: UUID
    requester_id: UUID
    cron: str
    timezone: str
    meta: Meta
    environment_id: UUID | None = None  # None: the project's default when a tick fires
    enabled: bool = True


@dataclass(frozen=True, kw_only=True)
class ChangeSchedule:
    schedule_id: UUID
    requester_id: UUID
    meta: Meta
    cron: str | None = None
    timezone: str | None = None
    environment_id: UUID | None = None
    clear_environment: bool = False  # back to the project's default environment
    enabled: bool | None = None
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class DeleteSchedule:
    schedule_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None
