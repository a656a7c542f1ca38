"""Actors of e-mail and SMS notifications: send one, sweep the due ones, archive the old
ones, and turn published events into notifications for the people who asked for them."""

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid5

import dramatiq

from application.notif.messages import Channel, NewMessage
from application.notif.templates import render, render_sms
from domain.shared.errors import NotFoundError
from infrastructure.contexts.webhook_sources import webhook_sources
from infrastructure.webhooks.adapters import MESSAGES_QUEUE, SEND_MESSAGE_ACTOR
from interfaces.bootstrap import Runtime
from interfaces.workers.context import get_runtime
from interfaces.workers.queued import taken


@dramatiq.actor(
    actor_name=SEND_MESSAGE_ACTOR, queue_name=MESSAGES_QUEUE, max_retries=3, time_limit=120_000
)
def send_message(*, channel: str, message_id: str) -> None:
    """Make one attempt at a message; its retries are scheduled from its row."""
    get_runtime().notifications.attempt(Channel(channel), UUID(message_id))


@dramatiq.actor(actor_name="notif.sweep_messages", queue_name=MESSAGES_QUEUE, max_retries=0)
def sweep_messages() -> None:
    """Queue the messages that are due (a lost message, a worker that died mid-send)."""
    runtime = get_runtime()
    taken(runtime.redis, runtime.settings.queue_namespace, "sweep_messages")
    runtime.notifications.sweep()


@dramatiq.actor(actor_name="notif.archive_messages", queue_name=MESSAGES_QUEUE, max_retries=3)
def archive_messages(*, older_than_seconds: int) -> None:
    """Move sent and expired messages to the archive tables."""
    get_runtime().notifications.archive(timedelta(seconds=older_than_seconds))


# Which webhook event of a published event is worth an e-mail, under which preference.
_NOTICES = {"run.completed": "run_finished", "suite.order_proposed": "suite_waiting"}
_NOTICES["spec.parse_failed"] = "parse_failed"


@dramatiq.actor(actor_name="notif.email_notice", queue_name=MESSAGES_QUEUE, max_retries=10)
def notify(**event: Any) -> None:
    """E-mail a project's owner about a finished run, a suite waiting for approval or a
    failed parse, and send an SMS about a failed run, as their preferences for the project
    say (idempotent: the message ids derive from the published event)."""
    runtime = get_runtime()
    for source in webhook_sources(
        runtime.applications(), event["event_type"], UUID(event["object_id"]), event["version"]
    ):
        kind = _NOTICES.get(source.event)
        if kind is None:
            continue
        project: Any = runtime.apidoc.repository.get(source.project_id)
        preference = runtime.notif.preferences(project.owner_id, source.project_id)
        values = dict(source.data)
        wanted = bool(getattr(preference, kind, False))
        if kind == "run_finished":
            failed = values["status"] == "Failed" or values["failed"] > 0
            wanted = preference.wants_run(failed=failed)
            if preference.wants_sms(failed=failed):
                _text_run_failed(runtime, project.owner_id, event, values, preference.language)
        if wanted:
            _email(runtime, project.owner_id, event, kind, values, preference.language)


def _email(
    runtime: Runtime,
    user_id: UUID,
    event: dict[str, Any],
    kind: str,
    values: dict[str, Any],
    language: str,
) -> None:
    account = runtime.users.get(user_id)
    if account is None:
        return
    values = {
        **values,
        "issues": "\n".join(
            f"- {i.get('location', '')}: {i.get('message', '')}" for i in values.get("issues", [])
        ),
    }
    subject, body = render(kind, language, values, runtime.texts)
    runtime.notifications.queue(
        NewMessage(
            id=uuid5(UUID(event["message_id"]), f"email:{kind}"),
            channel=Channel.EMAIL,
            fields={
                "from": runtime.live_settings.value("email_from"),
                "tos": account.email,
                "ccs": "",
                "bccs": "",
                "subject": subject,
                "body": body,
            },
        )
    )


def _text_run_failed(
    runtime: Runtime, user_id: UUID, event: dict[str, Any], values: dict[str, Any], language: str
) -> None:
    """Send the failed run by SMS, to a confirmed phone number only."""
    try:
        phone = runtime.identity.phone_state(user_id)
    except NotFoundError:
        return
    if phone.phone_number is None or not phone.phone_number_confirmed:
        return
    runtime.notifications.queue(
        NewMessage(
            id=uuid5(UUID(event["message_id"]), "sms:run_failed"),
            channel=Channel.SMS,
            fields={
                "phone_number": phone.phone_number,
                "message": render_sms("run_failed", language, values),
            },
        )
    )
