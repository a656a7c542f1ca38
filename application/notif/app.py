"""The notif context: webhook subscriptions (this module) and their deliveries (delivery.py)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.notif.commands import (
    ChangeWebhookState,
    CreateWebhook,
    RotateWebhookSecret,
    SetNotificationPreferences,
    UpdateWebhook,
)
from application.notif.ports import Clock, ProjectOwnership, SecretBox, TargetPolicy
from application.shared.base import TestamentApplication, Written, require_version
from domain.notifications.model import NotificationPreference
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.shared.meta import system_meta
from domain.webhooks.model import MAX_OVERLAP_MINUTES, WebhookStatus, WebhookSubscription

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, kw_only=True)
class SecretIssued:
    """A command that made a signing secret: the only time its plain text is shown."""

    written: Written
    secret: str


class NotifApplication(TestamentApplication):
    """Creates and changes webhook subscriptions; every change is an event."""

    name = "notif"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        box: SecretBox,
        clock: Clock,
        projects: ProjectOwnership,
        targets: TargetPolicy,
    ) -> None:
        super().__init__(env)
        self._box, self._clock, self._projects, self._targets = box, clock, projects, targets

    def create_webhook(self, cmd: CreateWebhook) -> SecretIssued:
        """This function will subscribe a URL to a project's events and issue its secret.

        Raises NotFoundError (no such project of the requester's), InvalidValueError.
        """
        self._projects.require_owned(cmd.project_id, cmd.requester_id)
        secret = _new_secret()
        webhook = WebhookSubscription.subscribe(
            project_id=cmd.project_id,
            owner_id=cmd.requester_id,
            url=cmd.url,
            events=cmd.events,
            description=cmd.description,
            sealed_secret=self._box.seal(secret),
            meta=cmd.meta,
        )
        self._targets.check(webhook.url)
        return SecretIssued(written=self.written(webhook), secret=secret)

    def update_webhook(self, cmd: UpdateWebhook) -> Written:
        """This function will change a subscription's URL, events or description.

        Raises NotFoundError, VersionMismatchError, WebhookDeletedError, InvalidValueError.
        """
        webhook = self.owned_webhook(cmd.webhook_id, cmd.requester_id)
        require_version(webhook, cmd.expected_version)
        webhook.change(url=cmd.url, events=cmd.events, description=cmd.description, meta=cmd.meta)
        self._targets.check(webhook.url)
        return self.written(webhook)

    def rotate_secret(self, cmd: RotateWebhookSecret) -> SecretIssued:
        """This function will issue a new secret; the old one keeps signing for the overlap.

        Raises NotFoundError, WebhookDeletedError, InvalidValueError (overlap out of range).
        """
        if not 0 <= cmd.overlap_minutes <= MAX_OVERLAP_MINUTES:
            raise InvalidValueError(
                "overlap_minutes", f"must be between 0 and {MAX_OVERLAP_MINUTES}"
            )
        webhook = self.owned_webhook(cmd.webhook_id, cmd.requester_id)
        secret = _new_secret()
        until = self._clock.now() + timedelta(minutes=cmd.overlap_minutes)
        webhook.rotate_secret(
            sealed_secret=self._box.seal(secret),
            previous_valid_until=until.isoformat(),
            meta=cmd.meta,
        )
        return SecretIssued(written=self.written(webhook), secret=secret)

    def enable_webhook(self, cmd: ChangeWebhookState) -> Written:
        """This function will resume deliveries. Raises NotFoundError, WebhookStateError."""
        webhook = self.owned_webhook(cmd.webhook_id, cmd.requester_id)
        require_version(webhook, cmd.expected_version)
        webhook.enable(meta=cmd.meta)
        return self.written(webhook)

    def disable_webhook(self, cmd: ChangeWebhookState) -> Written:
        """This function will pause deliveries. Raises NotFoundError, WebhookStateError."""
        webhook = self.owned_webhook(cmd.webhook_id, cmd.requester_id)
        require_version(webhook, cmd.expected_version)
        webhook.disable(reason="disabled by its owner", meta=cmd.meta)
        return self.written(webhook)

    def delete_webhook(self, cmd: ChangeWebhookState) -> Written:
        """This function will end a subscription. Raises NotFoundError, WebhookDeletedError."""
        webhook = self.owned_webhook(cmd.webhook_id, cmd.requester_id)
        require_version(webhook, cmd.expected_version)
        webhook.delete(meta=cmd.meta)
        return self.written(webhook)

    def disable_for_failures(self, webhook_id: UUID, failures: int) -> bool:
        """This function will disable an active subscription whose deliveries keep failing;
        it returns whether it did (another worker may have done it first)."""
        webhook = self.webhook(webhook_id)
        if webhook is None or webhook.status != WebhookStatus.ACTIVE:
            return False
        webhook.disable(
            reason=f"disabled after {failures} failed delivery attempts in a row",
            meta=system_meta("webhook deliveries keep failing"),
        )
        self.written(webhook)
        return True

    def owned_webhook(self, webhook_id: UUID, requester_id: UUID) -> WebhookSubscription:
        """This function will load a subscription its requester owns. Raises NotFoundError."""
        webhook = self.webhook(webhook_id)
        if webhook is None or webhook.owner_id != requester_id:
            raise NotFoundError("webhook not found")
        return webhook

    def webhook(self, webhook_id: UUID) -> WebhookSubscription | None:
        try:
            found: WebhookSubscription = self.repository.get(webhook_id)
        except AggregateNotFoundError:
            return None
        return found

    def set_preferences(self, cmd: SetNotificationPreferences) -> Written:
        """This function will record a user's notification preferences for a project.

        Raises NotFoundError (not the requester's project), InvalidValueError.
        """
        self._projects.require_owned(cmd.project_id, cmd.requester_id)
        preference = self._preference(cmd.requester_id, cmd.project_id)
        if preference is None:
            preference = NotificationPreference(
                user_id=cmd.requester_id, project_id=cmd.project_id, meta=cmd.meta
            )
        preference.change(
            run_finished=cmd.run_finished,
            suite_waiting=cmd.suite_waiting,
            parse_failed=cmd.parse_failed,
            language=cmd.language,
            meta=cmd.meta,
            sms_run_failed=cmd.sms_run_failed,
        )
        return self.written(preference)

    def preferences(self, user_id: UUID, project_id: UUID) -> NotificationPreference:
        """This function will give a user's preferences for a project, the defaults when
        none were set (not saved)."""
        found = self._preference(user_id, project_id)
        if found is not None:
            return found
        return NotificationPreference(
            user_id=user_id, project_id=project_id, meta=system_meta("defaults")
        )

    def owned_preferences(self, user_id: UUID, project_id: UUID) -> NotificationPreference:
        """This function will give the requester's preferences for a project of theirs.
        Raises NotFoundError."""
        self._projects.require_owned(project_id, user_id)
        return self.preferences(user_id, project_id)

    def _preference(self, user_id: UUID, project_id: UUID) -> NotificationPreference | None:
        try:
            found: NotificationPreference = self.repository.get(
                NotificationPreference.create_id(user_id, project_id)
            )
        except AggregateNotFoundError:
            return None
        return found

    def signing_secrets(self, webhook: WebhookSubscription, now: datetime) -> list[str]:
        """This function will list the secrets a delivery is signed with: the current one, and
        the previous one while its overlap lasts."""
        opened = [self._box.open(webhook.sealed_secret)]
        until = webhook.previous_valid_until
        if webhook.previous_sealed_secret and until and now < datetime.fromisoformat(until):
            opened.append(self._box.open(webhook.previous_sealed_secret))
        return opened


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)
