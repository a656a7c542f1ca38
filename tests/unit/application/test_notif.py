"""The notif application on the in-memory store: secrets issued once and sealed in the log,
ownership, rotation overlap, and disabling for failures."""

import json
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from application.notif.app import NotifApplication
from application.notif.commands import (
    ChangeWebhookState,
    CreateWebhook,
    RotateWebhookSecret,
    UpdateWebhook,
)
from domain.shared.errors import InvalidValueError, NotFoundError
from domain.webhooks.model import WebhookStatus
from infrastructure.security.secrets import AesGcmSecretBox
from tests.unit.builders import POPO, a_meta

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.current = NOW

    def now(self) -> datetime:
        return self.current


class Projects:
    def __init__(self) -> None:
        self.owned: set[tuple[UUID, UUID]] = set()

    def require_owned(self, project_id: UUID, user_id: UUID) -> None:
        if (project_id, user_id) not in self.owned:
            raise NotFoundError("project not found")


class Targets:
    def check(self, url: str) -> None:
        if "169.254." in url:
            raise InvalidValueError("url", "169.254.169.254 is link-local")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def projects() -> Projects:
    return Projects()


@pytest.fixture
def notif(clock: Clock, projects: Projects) -> NotifApplication:
    return NotifApplication(
        POPO,
        box=AesGcmSecretBox("unit-secret-key", purpose="webhook-secrets"),
        clock=clock,
        projects=projects,
        targets=Targets(),
    )


def create(notif: NotifApplication, projects: Projects, url: str = "https://ci.example.com/h"):
    owner, project = uuid4(), uuid4()
    projects.owned.add((project, owner))
    issued = notif.create_webhook(
        CreateWebhook(
            project_id=project,
            requester_id=owner,
            url=url,
            events=["run.failed"],
            description="",
            meta=a_meta(user_id=owner),
        )
    )
    return owner, issued


class TestCreateWebhook:
    def test_issues_a_secret_that_the_log_holds_only_sealed(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        _, issued = create(notif, projects)
        assert issued.secret.startswith("whsec_") and len(issued.secret) > 40
        stored = [
            json.dumps(vars(n), default=str)
            for n in notif.recorder.select_notifications(start=1, limit=100)
        ]
        assert issued.secret not in "".join(stored)
        webhook = notif.webhook(issued.written.aggregate_id)
        assert webhook is not None
        assert notif.signing_secrets(webhook, NOW) == [issued.secret]

    def test_refuses_a_project_the_requester_does_not_own(self, notif: NotifApplication) -> None:
        with pytest.raises(NotFoundError):
            notif.create_webhook(
                CreateWebhook(
                    project_id=uuid4(),
                    requester_id=uuid4(),
                    url="https://ci.example.com/h",
                    events=["run.failed"],
                    description="",
                    meta=a_meta(),
                )
            )

    def test_refuses_a_target_the_outbound_policy_refuses(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        with pytest.raises(InvalidValueError) as refused:
            create(notif, projects, url="http://169.254.169.254/latest")
        assert refused.value.field == "url"


class TestOwnership:
    def test_another_user_cannot_see_or_change_a_webhook(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        _, issued = create(notif, projects)
        stranger = uuid4()
        with pytest.raises(NotFoundError):
            notif.update_webhook(
                UpdateWebhook(
                    webhook_id=issued.written.aggregate_id,
                    requester_id=stranger,
                    url=None,
                    events=["spec.parsed"],
                    description=None,
                    meta=a_meta(),
                )
            )
        with pytest.raises(NotFoundError):
            notif.owned_webhook(uuid4(), stranger)


class TestRotateSecret:
    def test_signs_with_both_secrets_during_the_overlap_then_only_the_new_one(
        self, notif: NotifApplication, projects: Projects, clock: Clock
    ) -> None:
        owner, issued = create(notif, projects)
        webhook_id = issued.written.aggregate_id
        rotated = notif.rotate_secret(
            RotateWebhookSecret(
                webhook_id=webhook_id, requester_id=owner, overlap_minutes=30, meta=a_meta()
            )
        )
        webhook = notif.owned_webhook(webhook_id, owner)
        assert rotated.secret != issued.secret
        assert notif.signing_secrets(webhook, NOW + timedelta(minutes=29)) == [
            rotated.secret,
            issued.secret,
        ]
        assert notif.signing_secrets(webhook, NOW + timedelta(minutes=30)) == [rotated.secret]

    def test_refuses_an_overlap_out_of_range(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        owner, issued = create(notif, projects)
        with pytest.raises(InvalidValueError) as refused:
            notif.rotate_secret(
                RotateWebhookSecret(
                    webhook_id=issued.written.aggregate_id,
                    requester_id=owner,
                    overlap_minutes=-1,
                    meta=a_meta(),
                )
            )
        assert refused.value.field == "overlap_minutes"


class TestStates:
    def test_disabling_for_failures_happens_once_and_says_why(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        owner, issued = create(notif, projects)
        webhook_id = issued.written.aggregate_id
        assert notif.disable_for_failures(webhook_id, 20) is True
        assert notif.disable_for_failures(webhook_id, 21) is False
        webhook = notif.owned_webhook(webhook_id, owner)
        assert webhook.status == WebhookStatus.DISABLED
        assert webhook.disabled_reason == "disabled after 20 failed delivery attempts in a row"
        assert notif.disable_for_failures(uuid4(), 20) is False

    def test_owner_disables_enables_and_deletes(
        self, notif: NotifApplication, projects: Projects
    ) -> None:
        owner, issued = create(notif, projects)
        change = ChangeWebhookState(
            webhook_id=issued.written.aggregate_id, requester_id=owner, meta=a_meta()
        )
        assert notif.disable_webhook(change).aggregate.status == WebhookStatus.DISABLED
        assert notif.enable_webhook(change).aggregate.status == WebhookStatus.ACTIVE
        assert notif.delete_webhook(change).aggregate.status == WebhookStatus.DELETED
