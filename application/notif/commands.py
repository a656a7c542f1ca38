"""Commands of the notif context: frozen keyword-only dataclasses."""

from dataclasses import dataclass
from uuid import UUID

from domain.shared.meta import Meta


@dataclass(frozen=True, kw_only=True)
class CreateWebhook:
    project_id: UUID
    requester_id: UUID
    url: str
    events: list[str]
    description: str
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class UpdateWebhook:
    webhook_id: UUID
    requester_id: UUID
    url: str | None
    events: list[str] | None
    description: str | None
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class RotateWebhookSecret:
    webhook_id: UUID
    requester_id: UUID
    overlap_minutes: int
    meta: Meta


@dataclass(frozen=True, kw_only=True)
class ChangeWebhookState:
    """Enable, disable or delete, by the owner."""

    webhook_id: UUID
    requester_id: UUID
    meta: Meta
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class SetNotificationPreferences:
    """Every preference of one user for one project (a PUT)."""

    project_id: UUID
    requester_id: UUID
    run_finished: str
    suite_waiting: bool
    parse_failed: bool
    language: str
    meta: Meta
    sms_run_failed: bool = False
