"""notif.webhook_subscriptions, from the WebhookSubscription aggregate's events."""

from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from domain.webhooks.model import WebhookStatus, WebhookSubscription
from projections.base import Projection
from projections.webhooks.view import WebhookRow, WebhooksView


class WebhooksProjection(Projection[WebhooksView]):
    """One row per webhook subscription, with its latest state and version."""

    name = "webhooks"
    follows = ("notif",)

    @singledispatchmethod
    def process_event(self, domain_event: Any) -> None:
        """This function will ignore events that do not change a subscription row."""

    @process_event.register
    def _(self, e: WebhookSubscription.Created) -> None:
        self.view.insert_webhook(
            WebhookRow(
                id=e.originator_id,
                project_id=e.project_id,
                owner_id=e.owner_id,
                url=e.url,
                events=e.events,
                description=e.description,
                status=WebhookStatus.ACTIVE.value,
                disabled_reason="",
                previous_secret_valid_until=None,
                created_date_time=e.timestamp,
                updated_date_time=e.timestamp,
                row_version=e.originator_version,
            )
        )

    @process_event.register
    def _(self, e: WebhookSubscription.Changed) -> None:
        self._update(e, url=e.url, events=e.events, description=e.description)

    @process_event.register
    def _(self, e: WebhookSubscription.SecretRotated) -> None:
        self._update(e, previous_secret_valid_until=datetime.fromisoformat(e.previous_valid_until))

    @process_event.register
    def _(self, e: WebhookSubscription.Disabled) -> None:
        self._update(e, status=WebhookStatus.DISABLED.value, disabled_reason=e.reason)

    @process_event.register
    def _(self, e: WebhookSubscription.Enabled) -> None:
        self._update(e, status=WebhookStatus.ACTIVE.value, disabled_reason="")

    @process_event.register
    def _(self, e: WebhookSubscription.Deleted) -> None:
        self._update(e, status=WebhookStatus.DELETED.value)

    def _update(self, e: WebhookSubscription.Event, **fields: Any) -> None:
        self.view.update_webhook(
            e.originator_id, at=e.timestamp, version=e.originator_version, **fields
        )
