"""Outbound webhooks of a project: subscribe, change, rotate the secret, test, read the log."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status

from application.notif.commands import (
    ChangeWebhookState,
    CreateWebhook,
    RotateWebhookSecret,
    UpdateWebhook,
)
from application.notif.queries import DeliverySummary, WebhookSummary
from application.shared.base import Written
from domain.shared.errors import NotFoundError
from domain.webhooks.model import WebhookSubscription
from interfaces.http.dependencies import (
    Command,
    CommandContext,
    CurrentUser,
    ReadPosition,
    RuntimeDep,
)
from interfaces.http.schemas.webhooks import (
    AttemptPublic,
    DeliveriesPublic,
    DeliveryPublic,
    SecretRotation,
    TestDeliveryPublic,
    WebhookCreate,
    WebhookPublic,
    WebhookSecretPublic,
    WebhooksPublic,
    WebhookUpdate,
)

router = APIRouter(tags=["webhooks"])
_read_webhooks = Depends(ReadPosition("webhooks"))


def _public(webhook: WebhookSummary | WebhookSubscription) -> WebhookPublic:
    if isinstance(webhook, WebhookSubscription):
        until = webhook.previous_valid_until
        return WebhookPublic(
            id=webhook.id,
            project_id=webhook.project_id,
            url=webhook.url,
            events=list(webhook.events),
            description=webhook.description,
            status=str(webhook.status),
            disabled_reason=webhook.disabled_reason,
            previous_secret_valid_until=until,  # type: ignore[arg-type]  # ISO text, parsed
            version=webhook.version,
            created_at=webhook.created_on,
            updated_at=webhook.modified_on,
        )
    return WebhookPublic(
        id=webhook.id,
        project_id=webhook.project_id,
        url=webhook.url,
        events=webhook.events,
        description=webhook.description,
        status=webhook.status,
        disabled_reason=webhook.disabled_reason,
        previous_secret_valid_until=webhook.previous_secret_valid_until,
        version=webhook.version,
        created_at=webhook.created_at,
        updated_at=webhook.updated_at,
    )


def _after_write(ctx: CommandContext, written: Written) -> WebhookPublic:
    ctx.wrote(log=written.log, position=written.position, version=written.version)
    return _public(written.aggregate)


def _delivery(found: DeliverySummary) -> DeliveryPublic:
    return DeliveryPublic(
        id=found.id,
        webhook_id=found.webhook_id,
        event=found.event,
        status=found.status,
        attempt_count=found.attempt_count,
        max_attempts=found.max_attempts,
        next_attempt_at=found.next_attempt_at,
        created_at=found.created_at,
        finished_at=found.finished_at,
        payload=found.payload,
        attempts=[AttemptPublic(**vars(a)) for a in found.attempts],
    )


@router.post(
    "/projects/{project_id}/webhooks",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookSecretPublic,
)
def create_webhook(project_id: UUID, body: WebhookCreate, ctx: Command) -> WebhookSecretPublic:
    """Subscribe a URL to the project's events. The answer holds the signing secret, once."""
    issued = ctx.runtime.notif.create_webhook(
        CreateWebhook(
            project_id=project_id,
            requester_id=ctx.user_id,
            url=body.url,
            events=list(body.events),
            description=body.description,
            meta=ctx.meta,
        )
    )
    ctx.response.headers["Location"] = f"/webhooks/{issued.written.aggregate_id}"
    return WebhookSecretPublic(webhook=_after_write(ctx, issued.written), secret=issued.secret)


@router.get(
    "/projects/{project_id}/webhooks",
    response_model=WebhooksPublic,
    dependencies=[_read_webhooks],
)
def list_webhooks(project_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> WebhooksPublic:
    """The project's webhooks (deleted ones left out), oldest first."""
    return WebhooksPublic(
        items=[_public(w) for w in runtime.webhooks.webhooks(project_id, user.user_id)]
    )


@router.get("/webhooks/{webhook_id}", response_model=WebhookPublic, dependencies=[_read_webhooks])
def get_webhook(webhook_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> WebhookPublic:
    """A webhook from the read table (never its secret)."""
    found = runtime.webhooks.webhook(webhook_id, user.user_id)
    if found is None:
        raise NotFoundError("webhook not found")
    return _public(found)


@router.patch("/webhooks/{webhook_id}", response_model=WebhookPublic)
def update_webhook(webhook_id: UUID, body: WebhookUpdate, ctx: Command) -> WebhookPublic:
    """Change the URL, the events or the description; If-Match refuses lost updates (412)."""
    written = ctx.runtime.notif.update_webhook(
        UpdateWebhook(
            webhook_id=webhook_id,
            requester_id=ctx.user_id,
            url=body.url,
            events=None if body.events is None else list(body.events),
            description=body.description,
            meta=ctx.meta,
            expected_version=ctx.expected,
        )
    )
    return _after_write(ctx, written)


@router.post("/webhooks/{webhook_id}/rotate-secret", response_model=WebhookSecretPublic)
def rotate_secret(webhook_id: UUID, body: SecretRotation, ctx: Command) -> WebhookSecretPublic:
    """Issue a new secret; deliveries carry a signature with each secret during the overlap."""
    issued = ctx.runtime.notif.rotate_secret(
        RotateWebhookSecret(
            webhook_id=webhook_id,
            requester_id=ctx.user_id,
            overlap_minutes=body.overlap_minutes,
            meta=ctx.meta,
        )
    )
    return WebhookSecretPublic(webhook=_after_write(ctx, issued.written), secret=issued.secret)


def _state(webhook_id: UUID, ctx: CommandContext) -> ChangeWebhookState:
    return ChangeWebhookState(
        webhook_id=webhook_id,
        requester_id=ctx.user_id,
        meta=ctx.meta,
        expected_version=ctx.expected,
    )


@router.post("/webhooks/{webhook_id}/enable", response_model=WebhookPublic)
def enable_webhook(webhook_id: UUID, ctx: Command) -> WebhookPublic:
    """Resume deliveries (409 if they are not paused)."""
    return _after_write(ctx, ctx.runtime.notif.enable_webhook(_state(webhook_id, ctx)))


@router.post("/webhooks/{webhook_id}/disable", response_model=WebhookPublic)
def disable_webhook(webhook_id: UUID, ctx: Command) -> WebhookPublic:
    """Pause deliveries (409 if they are paused already)."""
    return _after_write(ctx, ctx.runtime.notif.disable_webhook(_state(webhook_id, ctx)))


@router.delete("/webhooks/{webhook_id}", response_model=WebhookPublic)
def delete_webhook(webhook_id: UUID, ctx: Command) -> WebhookPublic:
    """End the subscription; deliveries still pending are cancelled."""
    return _after_write(ctx, ctx.runtime.notif.delete_webhook(_state(webhook_id, ctx)))


@router.post(
    "/webhooks/{webhook_id}/test",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TestDeliveryPublic,
)
def send_test_event(webhook_id: UUID, user: CurrentUser, runtime: RuntimeDep) -> TestDeliveryPublic:
    """Queue a `webhook.test` delivery (made even while the webhook is disabled)."""
    delivery_id = runtime.webhook_deliveries.send_test(webhook_id, user.user_id)
    return TestDeliveryPublic(delivery_id=delivery_id)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=DeliveriesPublic)
def list_deliveries(
    webhook_id: UUID,
    user: CurrentUser,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DeliveriesPublic:
    """The delivery log, newest first, each with its attempts."""
    runtime.notif.owned_webhook(webhook_id, user.user_id)
    page = runtime.delivery_log.deliveries(webhook_id, limit=limit, offset=offset)
    return DeliveriesPublic(
        items=[_delivery(d) for d in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/webhooks/{webhook_id}/deliveries/{delivery_id}", response_model=DeliveryPublic)
def get_delivery(
    webhook_id: UUID, delivery_id: UUID, user: CurrentUser, runtime: RuntimeDep
) -> DeliveryPublic:
    """One delivery and its attempts."""
    runtime.notif.owned_webhook(webhook_id, user.user_id)
    found = runtime.delivery_log.delivery(webhook_id, delivery_id)
    if found is None:
        raise NotFoundError("delivery not found")
    return _delivery(found)
