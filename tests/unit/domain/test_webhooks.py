"""The WebhookSubscription aggregate: what it accepts, and the states it moves through."""

from uuid import uuid4

import pytest

from domain.shared.errors import InvalidValueError
from domain.webhooks.model import (
    WebhookDeletedError,
    WebhookStateError,
    WebhookStatus,
    WebhookSubscription,
)
from tests.unit.builders import a_meta, replay


def a_webhook(**overrides: object) -> WebhookSubscription:
    fields: dict[str, object] = {
        "project_id": uuid4(),
        "owner_id": uuid4(),
        "url": "https://ci.example.com/hooks/",
        "events": ["run.failed", "run.completed", "run.failed"],
        "description": " nightly ",
        "sealed_secret": "sealed:v1:first",
        "meta": a_meta(),
    }
    fields.update(overrides)
    return WebhookSubscription.subscribe(**fields)  # type: ignore[arg-type]


class TestSubscribe:
    def test_keeps_each_event_once_in_a_stable_order_and_a_tidy_url(self) -> None:
        webhook = a_webhook()
        assert (webhook.url, webhook.events, webhook.description) == (
            "https://ci.example.com/hooks",
            ["run.completed", "run.failed"],
            "nightly",
        )
        assert webhook.status == WebhookStatus.ACTIVE

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("url", ""),
            ("url", "ftp://ci.example.com"),
            ("events", []),
            ("events", ["run.exploded"]),
            ("description", "x" * 501),
        ],
    )
    def test_refuses_a_bad_field_naming_it(self, field: str, value: object) -> None:
        with pytest.raises(InvalidValueError) as refused:
            a_webhook(**{field: value})
        assert refused.value.field == field


class TestLifecycle:
    def test_wants_only_its_events_while_active(self) -> None:
        webhook = a_webhook(events=["spec.parsed"])
        assert webhook.wants("spec.parsed") and not webhook.wants("run.failed")
        webhook.disable(reason="maintenance", meta=a_meta())
        assert not webhook.wants("spec.parsed")
        assert webhook.disabled_reason == "maintenance"
        webhook.enable(meta=a_meta())
        assert webhook.wants("spec.parsed") and webhook.disabled_reason == ""

    def test_refuses_to_enable_an_active_one_or_disable_a_disabled_one(self) -> None:
        webhook = a_webhook()
        with pytest.raises(WebhookStateError):
            webhook.enable(meta=a_meta())
        webhook.disable(reason="paused", meta=a_meta())
        with pytest.raises(WebhookStateError):
            webhook.disable(reason="again", meta=a_meta())

    def test_a_deleted_one_refuses_every_change(self) -> None:
        webhook = a_webhook()
        webhook.delete(meta=a_meta())
        for change in (
            lambda: webhook.change(
                url=None, events=["run.failed"], description=None, meta=a_meta()
            ),
            lambda: webhook.rotate_secret(
                sealed_secret="s", previous_valid_until="2026-01-01T00:00:00+00:00", meta=a_meta()
            ),
            lambda: webhook.enable(meta=a_meta()),
            lambda: webhook.delete(meta=a_meta()),
        ):
            with pytest.raises(WebhookDeletedError):
                change()

    def test_a_change_to_the_same_values_records_nothing(self) -> None:
        webhook = a_webhook()
        webhook.change(
            url="https://ci.example.com/hooks", events=None, description=None, meta=a_meta()
        )
        assert webhook.version == 1
        webhook.change(url=None, events=["spec.parsed"], description="", meta=a_meta())
        assert (webhook.version, webhook.events, webhook.description) == (2, ["spec.parsed"], "")

    def test_rotation_keeps_the_previous_secret_until_the_overlap_ends(self) -> None:
        webhook = a_webhook()
        webhook.rotate_secret(
            sealed_secret="sealed:v1:second",
            previous_valid_until="2026-03-02T10:00:00+00:00",
            meta=a_meta(),
        )
        assert (webhook.sealed_secret, webhook.previous_sealed_secret) == (
            "sealed:v1:second",
            "sealed:v1:first",
        )
        again = replay(webhook.collect_events())
        assert again.previous_valid_until == "2026-03-02T10:00:00+00:00"
        assert again.sealed_secret == "sealed:v1:second"
