"""Request and response bodies of webhooks and their deliveries."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.webhooks.model import DESCRIPTION_MAX, MAX_OVERLAP_MINUTES
from interfaces.http.schemas.formats import HTTP_URL_PATTERN, pattern

WebhookEventName = Literal[
    "run.completed",
    "run.failed",
    "suite.order_proposed",
    "suite.approved",
    "spec.parsed",
    "spec.parse_failed",
]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=1,
        max_length=2048,
        examples=["https://ci.example.com/hooks/testament"],
        json_schema_extra=pattern(HTTP_URL_PATTERN),
    )
    events: list[WebhookEventName] = Field(min_length=1, max_length=6)
    description: str = Field(default="", max_length=DESCRIPTION_MAX, pattern=r"^[^\x00]*$")


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str | None = Field(
        default=None, min_length=1, max_length=2048, json_schema_extra=pattern(HTTP_URL_PATTERN)
    )
    events: list[WebhookEventName] | None = Field(default=None, min_length=1, max_length=6)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX, pattern=r"^[^\x00]*$")


class SecretRotation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overlap_minutes: int = Field(
        default=60,
        ge=0,
        le=MAX_OVERLAP_MINUTES,
        description="How long the previous secret keeps signing deliveries, beside the new one",
    )


class WebhookPublic(BaseModel):
    id: UUID
    project_id: UUID
    url: str
    events: list[str]
    description: str
    status: str
    disabled_reason: str
    previous_secret_valid_until: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookSecretPublic(BaseModel):
    """A webhook with its signing secret: shown once, when made or rotated."""

    webhook: WebhookPublic
    secret: str = Field(description="Keep it: it is not shown again")


class WebhooksPublic(BaseModel):
    items: list[WebhookPublic]


class AttemptPublic(BaseModel):
    number: int
    started_at: datetime
    status: str
    status_code: int | None
    latency_ms: int | None
    response_excerpt: str
    error: str


class DeliveryPublic(BaseModel):
    id: UUID
    webhook_id: UUID
    event: str
    status: str
    attempt_count: int
    max_attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    finished_at: datetime | None
    payload: str = Field(description="The JSON body sent, exactly as signed")
    attempts: list[AttemptPublic]


class DeliveriesPublic(BaseModel):
    items: list[DeliveryPublic]
    total: int
    limit: int
    offset: int


class TestDeliveryPublic(BaseModel):
    __test__ = False
    delivery_id: UUID
