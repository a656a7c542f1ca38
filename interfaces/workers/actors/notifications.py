"""Actors of e-mail and SMS notifications: send one, sweep the due ones, archive the old
ones, and turn published events into notifications for the people who asked for them."""

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid5

import dramatiq

from application.notif.messages import Channel, NewMessage
from application.notif.templates import render
from infrastructure.contexts.webhook_sources import webhook_sources
from infrastructure.webhooks.adapters import MESSAGES_QUEUE, SEND_MESSAGE_ACTOR
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
    failed parse, as their preferences for the project say (idempotent: the message id
    derives from the published event)."""
    runtime = get_runtime()
    for source in webhook_sources(
        runtime.applications(), event["event_type"], UUID(event["object_id"]), event["version"]
    ):
        kind = _NOTICES.get(source.event)
        if kind is None:
            continue
        project: Any = runtime.apidoc.repository.get(source.project_id)
        preference = runtime.notif.preferences(project.owner_id, source.project_id)
        if kind == "run_finished":
            failed = source.data["status"] == "Failed" or source.data["failed"] > 0
            if not preference.wants_run(failed=failed):
                continue
        elif not getattr(preference, kind):
            continue
        account = runtime.users.get(project.owner_id)
        if account is None:
            continue
        values = dict(source.data)
        values["issues"] = "\n".join(
            f"- {i.get('location', '')}: {i.get('message', '')}" for i in values.get("issues", [])
        )
        subject, body = render(kind, preference.language, values, runtime.texts)
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
