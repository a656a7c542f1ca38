"""The WebhookSubscription aggregate: where a project's events are sent, and how signed."""

from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.shared.errors import ConflictError, InvalidValueError
from domain.shared.meta import Meta
from domain.shared.values import require_http_url, require_text


class WebhookEvent(StrEnum):
    """What a subscription can ask to receive (docs/webhooks.md describes each payload)."""

    RUN_COMPLETED = "run.completed"
    RUN_FAILED = "run.failed"
    SUITE_ORDER_PROPOSED = "suite.order_proposed"
    SUITE_APPROVED = "suite.approved"
    SPEC_PARSED = "spec.parsed"
    SPEC_PARSE_FAILED = "spec.parse_failed"


class WebhookStatus(StrEnum):
    """Whether deliveries are made."""

    ACTIVE = "Active"
    DISABLED = "Disabled"
    DELETED = "Deleted"


class WebhookDeletedError(ConflictError):
    """A change to a deleted subscription."""


class WebhookStateError(ConflictError):
    """Enabling an active subscription, or disabling a disabled one."""


DESCRIPTION_MAX = 500
MAX_OVERLAP_MINUTES = 7 * 24 * 60


def require_events(events: list[str]) -> list[str]:
    """This function will accept a non-empty list of known event names, in a stable order."""
    if not events:
        raise InvalidValueError("events", "name at least one event")
    known = {e.value for e in WebhookEvent}
    unknown = [e for e in events if e not in known]
    if unknown:
        raise InvalidValueError(
            "events", f"unknown event {unknown[0]!r}; known: {', '.join(sorted(known))}"
        )
    return sorted(set(events))


class WebhookSubscription(Aggregate):
    """A project's endpoint for events: its URL, the events it wants, its signing secrets."""

    class Created(Aggregate.Created):
        project_id: UUID
        owner_id: UUID
        url: str
        events: list[str]
        description: str
        sealed_secret: str
        meta: Meta

    @event(Created)
    def __init__(
        self,
        *,
        project_id: UUID,
        owner_id: UUID,
        url: str,
        events: list[str],
        description: str,
        sealed_secret: str,
        meta: Meta,
    ) -> None:
        self.project_id = project_id
        self.owner_id = owner_id
        self.url = url
        self.events = events
        self.description = description
        # Secrets are sealed (encrypted) before they reach an event: the log is not a vault.
        self.sealed_secret = sealed_secret
        self.previous_sealed_secret: str | None = None
        self.previous_valid_until: str | None = None
        self.status = WebhookStatus.ACTIVE
        self.disabled_reason = ""

    @classmethod
    def subscribe(
        cls,
        *,
        project_id: UUID,
        owner_id: UUID,
        url: str,
        events: list[str],
        description: str,
        sealed_secret: str,
        meta: Meta,
    ) -> "WebhookSubscription":
        """This function will create a subscription after checking each of its fields."""
        checked = require_http_url("url", url)
        if not checked:
            raise InvalidValueError("url", "must be an absolute http or https URL")
        return cls(
            project_id=project_id,
            owner_id=owner_id,
            url=checked,
            events=require_events(events),
            description=require_text(
                "description", description, max_length=DESCRIPTION_MAX, allow_empty=True
            ),
            sealed_secret=sealed_secret,
            meta=meta,
        )

    class Changed(Aggregate.Event):
        url: str
        events: list[str]
        description: str
        meta: Meta

    def change(
        self, *, url: str | None, events: list[str] | None, description: str | None, meta: Meta
    ) -> None:
        """This function will replace the given fields (None keeps one), as one event."""
        self.require_not_deleted()
        new_url = self.url if url is None else require_http_url("url", url)
        if not new_url:
            raise InvalidValueError("url", "must be an absolute http or https URL")
        new_events = self.events if events is None else require_events(events)
        new_description = (
            self.description
            if description is None
            else require_text(
                "description", description, max_length=DESCRIPTION_MAX, allow_empty=True
            )
        )
        if (new_url, new_events, new_description) != (self.url, self.events, self.description):
            self._change(url=new_url, events=new_events, description=new_description, meta=meta)

    @event(Changed)
    def _change(self, *, url: str, events: list[str], description: str, meta: Meta) -> None:
        self.url, self.events, self.description = url, events, description

    class SecretRotated(Aggregate.Event):
        sealed_secret: str
        previous_valid_until: str
        meta: Meta

    def rotate_secret(self, *, sealed_secret: str, previous_valid_until: str, meta: Meta) -> None:
        """This function will sign with a new secret from now on, and with the old one too
        until `previous_valid_until` (ISO 8601), so receivers can switch without a gap."""
        self.require_not_deleted()
        self._rotate(
            sealed_secret=sealed_secret, previous_valid_until=previous_valid_until, meta=meta
        )

    @event(SecretRotated)
    def _rotate(self, *, sealed_secret: str, previous_valid_until: str, meta: Meta) -> None:
        self.previous_sealed_secret = self.sealed_secret
        self.previous_valid_until = previous_valid_until
        self.sealed_secret = sealed_secret

    class Disabled(Aggregate.Event):
        reason: str
        meta: Meta

    def disable(self, *, reason: str, meta: Meta) -> None:
        """This function will stop deliveries, saying why."""
        self.require_not_deleted()
        if self.status == WebhookStatus.DISABLED:
            raise WebhookStateError("the webhook is already disabled")
        self._disable(reason=require_text("reason", reason, max_length=DESCRIPTION_MAX), meta=meta)

    @event(Disabled)
    def _disable(self, *, reason: str, meta: Meta) -> None:
        self.status = WebhookStatus.DISABLED
        self.disabled_reason = reason

    class Enabled(Aggregate.Event):
        meta: Meta

    def enable(self, *, meta: Meta) -> None:
        """This function will resume deliveries of a disabled subscription."""
        self.require_not_deleted()
        if self.status == WebhookStatus.ACTIVE:
            raise WebhookStateError("the webhook is already enabled")
        self._enable(meta=meta)

    @event(Enabled)
    def _enable(self, *, meta: Meta) -> None:
        self.status = WebhookStatus.ACTIVE
        self.disabled_reason = ""

    class Deleted(Aggregate.Event):
        meta: Meta

    def delete(self, *, meta: Meta) -> None:
        """This function will end the subscription for good."""
        self.require_not_deleted()
        self._delete(meta=meta)

    @event(Deleted)
    def _delete(self, *, meta: Meta) -> None:
        self.status = WebhookStatus.DELETED

    def wants(self, event_name: str) -> bool:
        """This function will tell whether a delivery of this event should be made now."""
        return self.status == WebhookStatus.ACTIVE and event_name in self.events

    def require_not_deleted(self) -> None:
        """This function will refuse any use of a deleted subscription."""
        if self.status == WebhookStatus.DELETED:
            raise WebhookDeletedError("the webhook is deleted")
